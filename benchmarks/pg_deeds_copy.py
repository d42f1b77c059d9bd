"""Copy the deeds of an SQLite ledger into a PostgreSQL database at schema head, to measure the
deeds search there (benchmarks/gui_filter.py --db-url, benchmarks/deed_search_plans.py --db-url).

    python benchmarks/pg_deeds_copy.py --folder DATA_DIR --db-url postgresql+psycopg://USER@/DB?host=SOCKET_DIR

Not the normal path: building 1,000,000 signed deeds through the ledger takes many minutes, and a
search reads only the deeds table and its indexes. So the schema is made by the migrations, the
deeds table's indexes are dropped, the rows go in with COPY, and then every index is created again
from its own definition (what the migrations made, pg_trgm's GIN indexes and 0015's index of 1- and
2-character pieces included; COPY fills 0015's generated folded columns) and the table is analysed. The ledger's identity row is copied too, so the database opens as a ledger; entries,
holdings and liens are not (the search does not read them: the deeds pane shows no liens).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COLUMNS = (
    "deed_id, parcel, parcel_key, address, legal, attributes, total_shares, owner, holders_count, version, "
    "registered_index, updated_index, last_price, last_currency, last_sale_at, last_valuation, last_valuation_index"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, required=True, help="the data folder whose ledger.sqlite to read")
    parser.add_argument("--db-url", required=True, help="an empty PostgreSQL database")
    args = parser.parse_args()

    from core.store import make_engine, migrate

    engine = make_engine(args.db_url)
    migrate(engine)
    source = sqlite3.connect(f"file:{args.folder / 'ledger.sqlite'}?mode=ro", uri=True)
    started = time.perf_counter()
    with engine.begin() as conn:
        if conn.exec_driver_sql("SELECT count(*) FROM deeds").scalar_one():
            raise SystemExit("The database has deeds already: give an empty one.")
        indexes = conn.exec_driver_sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'deeds' AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = 'deeds'::regclass)"
        ).all()
        for name, _definition in indexes:
            conn.exec_driver_sql(f"DROP INDEX {name}")
        ledger = source.execute("SELECT ledger_id, name, operator, chain_id, created_at FROM ledger").fetchone()
        conn.exec_driver_sql("INSERT INTO ledger VALUES (%s, %s, %s, %s, %s)", ledger)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY deeds ({COLUMNS}) FROM STDIN") as copy:
            for row in source.execute(f"SELECT {COLUMNS} FROM deeds ORDER BY deed_id"):
                copy.write_row(row)
        copied = time.perf_counter()
        print(
            f"copied {conn.exec_driver_sql('SELECT count(*) FROM deeds').scalar_one():,} deeds in {copied - started:.0f} s"
        )
        for name, definition in indexes:
            conn.exec_driver_sql(definition)
            print(f"  {name}: {time.perf_counter() - copied:.0f} s", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE deeds")
    print(f"done in {time.perf_counter() - started:.0f} s")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
