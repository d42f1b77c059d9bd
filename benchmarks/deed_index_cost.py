"""What the deed-search index (core.deed_search) costs each deed write on SQLite.

    python benchmarks/deed_index_cost.py [--deeds 20000] [--rounds 3]
    python benchmarks/deed_index_cost.py --db-url postgresql+psycopg://USER@/postgres?host=SOCKET_DIR

On PostgreSQL (--db-url: a server where the role may create databases) the comparison is schema 0017
(0015's and 0017's index of the folded columns' tagged 4-character pieces), 0015 (the folded
columns, their pg_trgm indexes and the index of their 1- and 2-character pieces: core.deed_search_pg;
0016 changed nothing there) and 0014 (pg_trgm's index on each of the three columns), each in a
fresh database made and dropped here.

On SQLite, three fresh ledgers' databases, one with the index as it is (schema 0016: positions),
one with 0014's index (rowids only, `detail='none'`) and one without the index's triggers, take the
same deed rows the way core.projection.write_deeds writes them (registrations: inserts; then a
rewrite of each, as a transfer does: delete and insert, 500 to a statement), alternately in
one run; the difference per deed is the index's cost.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, delete, insert, make_url
from sqlmodel import col

from core import deed_search
from core.store import DeedRow, make_engine, migrate

SQLITE_VARIANTS = ("positions (0016)", "rowids only (0014)", "without")


def _rows(count: int, salt: str) -> list[dict[str, object]]:
    return [
        {
            "deed_id": i,
            "parcel": f"{i:010d}",
            "parcel_key": f"{i:010d}",
            "address": f"{i % 9000} {salt} Maple Ave, Ames, IA",
            "owner": f"0x{(i * 2654435761) % 16**40:040x}",
            "legal": "",
            "attributes": "{}",
            "total_shares": 10_000,
            "holders_count": 1,
            "version": 1,
            "registered_index": i,
            "updated_index": i,
        }
        for i in range(1, count + 1)
    ]


def _write(engine: Engine, rows: list[dict[str, object]], *, replace: bool) -> float:
    started = time.perf_counter()
    with engine.begin() as conn:
        for start in range(0, len(rows), 500):
            part = rows[start : start + 500]
            if replace:
                ids = [row["deed_id"] for row in part]
                conn.execute(delete(DeedRow).where(col(DeedRow.deed_id).in_(ids)))
            conn.execute(insert(DeedRow), part)
    return time.perf_counter() - started


POSTGRES_VARIANTS = ("0017 + 4-char pieces", "0015 folded + pieces", "0014 trigram/column")


def _postgres(url: str, name: str, variant: str) -> Engine:
    """A fresh database `name` on the server of `url`, at head (0017) or set back to 0015 or 0014."""
    server = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    server.dispose()
    engine = make_engine(make_url(url).set(database=name).render_as_string(hide_password=False))
    migrate(engine)
    with engine.begin() as conn:
        if variant != POSTGRES_VARIANTS[0]:
            conn.exec_driver_sql("DROP FUNCTION deed_long_grams(text, text, text) CASCADE")  # and its index
            conn.exec_driver_sql("DROP FUNCTION deed_pieces(text, text)")
        if variant == POSTGRES_VARIANTS[2]:
            for column in ("parcel", "address", "owner"):
                conn.exec_driver_sql(f"ALTER TABLE deeds DROP COLUMN {column}_folded")
            conn.exec_driver_sql("DROP FUNCTION deed_short_grams(text, text, text)")
            for statement in deed_search.index_statements("postgresql", "gin_trgm_ops"):
                conn.exec_driver_sql(statement)
    return engine


def _drop(url: str, name: str) -> None:
    server = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
    server.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deeds", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db-url", help="a PostgreSQL server's database URL: compare 0017, 0015 and 0014 there")
    args = parser.parse_args()
    results: dict[str, list[float]] = {}
    if args.db_url:
        for round_ in range(args.rounds):
            for number, variant in enumerate(POSTGRES_VARIANTS):
                name = f"deed_index_cost_{round_}_{number}"
                engine = _postgres(args.db_url, name, variant)
                _measure(engine, variant, args.deeds, results)
                engine.dispose()
                _drop(args.db_url, name)
        _report(args, results)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(args.rounds):
            for number, name in enumerate(SQLITE_VARIANTS):
                engine = make_engine(f"sqlite:///{Path(folder) / f'{round_}-{number}.sqlite'}")
                migrate(engine)
                with engine.begin() as conn:
                    if name == "without":
                        for trigger in ("insert", "delete", "update"):
                            conn.exec_driver_sql(f"DROP TRIGGER deeds_fts_{trigger}")
                    elif name.startswith("rowids"):  # the index as 0014 made it
                        conn.exec_driver_sql(f"DROP TABLE {deed_search.TERMS_TABLE}")
                        conn.exec_driver_sql(f"DROP TABLE {deed_search.FTS_TABLE}")
                        for statement in deed_search.SQLITE_INDEX:
                            conn.exec_driver_sql(statement.replace("detail='full'", "detail='none'"))
                _measure(engine, name, args.deeds, results)
                engine.dispose()
    _report(args, results)
    return 0


def _measure(engine: Engine, label: str, deeds: int, results: dict[str, list[float]]) -> None:
    """µs per deed for `deeds` registrations, then a rewrite of each (a transfer's delete and insert)."""
    results.setdefault(f"register | {label}", []).append(
        _write(engine, _rows(deeds, "Old"), replace=False) / deeds * 1e6
    )
    results.setdefault(f"rewrite  | {label}", []).append(
        _write(engine, _rows(deeds, "New"), replace=True) / deeds * 1e6
    )


def _report(args: argparse.Namespace, results: dict[str, list[float]]) -> None:
    print(f"deed rows written, {args.deeds:,} per round, median of {args.rounds} (µs per deed):")
    for key, values in results.items():
        print(f"  {key:<30} {statistics.median(values):7.1f}")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    raise SystemExit(main())
