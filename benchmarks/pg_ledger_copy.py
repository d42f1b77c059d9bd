"""Copy a whole SQLite ledger into an empty PostgreSQL database at schema head, to measure the
desktop's read paths there (benchmarks/pg_read_paths.py).

    python benchmarks/pg_ledger_copy.py --folder DATA_DIR --db-url postgresql+psycopg://USER@/DB?host=SOCKET_DIR

benchmarks/pg_deeds_copy.py copies the deeds table only (all a search reads); the ledger view, a
deed's detail, holdings, proofs and checkpoints read entries, holdings, liens, tree nodes,
compliance and cosignatures too, so this copies every table the two schemas share, the same way:
the migrations make the schema, each table's secondary indexes are dropped, its rows go in with
COPY (the columns both sides have; PostgreSQL's generated columns fill themselves), its indexes are
created again from their own definitions, and the database is analysed. A signed ledger of a
million deeds built through the ledger takes hours; this takes minutes and leaves the same rows.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# In the order a ledger's rows depend on each other (the ledger's identity first).
TABLES = (
    "ledger",
    "deeds",
    "entries",
    "holdings",
    "liens",
    "tree_nodes",
    "compliance",
    "cosignatures",
    "once_values",
    "contacts",
)
KEYS = {"tree_nodes": "level, idx", "compliance": "kind, key", "holdings": "deed_id, holder"}


def _shared_columns(conn: object, source: sqlite3.Connection, table: str) -> list[str]:
    theirs = [row[1] for row in source.execute(f"PRAGMA table_info({table})")]
    ours = {
        name
        for (name,) in conn.exec_driver_sql(  # type: ignore[attr-defined]
            "SELECT column_name FROM information_schema.columns "
            f"WHERE table_name = '{table}' AND is_generated = 'NEVER'"
        )
    }
    return [name for name in theirs if name in ours]


def copy_table(conn: object, source: sqlite3.Connection, table: str) -> int:
    """COPY one table's rows with its secondary indexes dropped, then rebuild them; the rows copied."""
    columns = _shared_columns(conn, source, table)
    if not columns:
        return 0
    indexes = conn.exec_driver_sql(  # type: ignore[attr-defined]
        f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename = '{table}' AND indexname NOT IN "
        f"(SELECT conname FROM pg_constraint WHERE conrelid = '{table}'::regclass)"
    ).all()
    for name, _definition in indexes:
        conn.exec_driver_sql(f"DROP INDEX {name}")  # type: ignore[attr-defined]
    names = ", ".join(columns)
    order = KEYS.get(table, columns[0])
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[attr-defined]
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in source.execute(f"SELECT {names} FROM {table} ORDER BY {order}"):
            copy.write_row(row)
    for _name, definition in indexes:
        conn.exec_driver_sql(definition)  # type: ignore[attr-defined]
    return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())  # type: ignore[attr-defined]


def copy_ledger(folder: Path, db_url: str, tables: tuple[str, ...] = TABLES) -> None:
    """Make the schema in the empty database `db_url` and copy `tables` of the folder's ledger into it."""
    from core.store import make_engine, migrate

    engine = make_engine(db_url)
    migrate(engine)
    source = sqlite3.connect(f"file:{folder / 'ledger.sqlite'}?mode=ro", uri=True)
    present = {name for (name,) in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    started = time.perf_counter()
    with engine.begin() as conn:
        if any(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one() for table in ("deeds", "entries")):
            raise SystemExit("The database holds a ledger already: give an empty one.")
        for table in tables:
            if table in present:
                rows = copy_table(conn, source, table)
                print(f"  {table}: {rows:,} rows, {time.perf_counter() - started:.0f} s", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    print(f"done in {time.perf_counter() - started:.0f} s")
    engine.dispose()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--folder", type=Path, required=True, help="the data folder whose ledger.sqlite to read")
    parser.add_argument("--db-url", required=True, help="an empty PostgreSQL database")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    copy_ledger(args.folder, args.db_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
