"""What the deed-search index (core.deed_search, schema 0014) costs each deed write on SQLite.

    python benchmarks/deed_index_cost.py [--deeds 20000] [--rounds 3]

Two fresh ledgers' databases, one with the index's triggers and one without, take the same
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

from core.store import DeedRow, make_engine, migrate


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
            for indexed in (True, False):
                engine = make_engine(f"sqlite:///{Path(folder) / f'{round_}-{indexed}.sqlite'}")
                migrate(engine)
                if not indexed:
                    with engine.begin() as conn:
                        for trigger in ("insert", "delete", "update"):
                            conn.exec_driver_sql(f"DROP TRIGGER deeds_fts_{trigger}")
                name = "with index" if indexed else "without"
                results.setdefault(f"register | {name}", []).append(
                    _write(engine, _rows(args.deeds, "Old"), replace=False) / args.deeds * 1e6
                )
                results.setdefault(f"rewrite  | {name}", []).append(
                    _write(engine, _rows(args.deeds, "New"), replace=True) / args.deeds * 1e6
                )
                engine.dispose()
    print(f"deed rows written, {args.deeds:,} per round, median of {args.rounds} (µs per deed):")
    for key, values in results.items():
        print(f"  {key:<22} {statistics.median(values):7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
