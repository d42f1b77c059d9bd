"""What the deed-search index (core.deed_search) costs each deed write on SQLite.

    python benchmarks/deed_index_cost.py [--deeds 20000] [--rounds 3]

Three fresh ledgers' databases, one with the index as it is (schema 0016: positions), one with
0014's index (rowids only, `detail='none'`) and one without the index's triggers, take the same
deed rows the way core.projection.write_deeds writes them (registrations: inserts; then a
rewrite of each, as a transfer does: delete and insert, 500 to a statement), alternately in
one run; the difference per deed is the index's cost.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, delete, insert
from sqlmodel import col

from core import deed_search
from core.store import DeedRow, make_engine, migrate

VARIANTS = ("positions (0016)", "rowids only (0014)", "without")


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deeds", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(args.rounds):
            for number, name in enumerate(VARIANTS):
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
                results.setdefault(f"register | {name}", []).append(
                    _write(engine, _rows(args.deeds, "Old"), replace=False) / args.deeds * 1e6
                )
                results.setdefault(f"rewrite  | {name}", []).append(
                    _write(engine, _rows(args.deeds, "New"), replace=True) / args.deeds * 1e6
                )
                engine.dispose()
    print(f"deed rows written, {args.deeds:,} per round, median of {args.rounds} (µs per deed):")
    for key, values in results.items():
        print(f"  {key:<30} {statistics.median(values):7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
