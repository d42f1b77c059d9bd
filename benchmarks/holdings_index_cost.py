"""What migration 0018 (holdings' holder index -> (holder, deed_id)) buys and costs.

    python benchmarks/holdings_index_cost.py --db-url URL_AT_0017 --after-db-url URL_AT_0018
    python benchmarks/holdings_index_cost.py --sqlite [--holdings 1000000]

PostgreSQL: two databases on one server, the same ledger before and after the migration (e.g.
`CREATE DATABASE copy TEMPLATE county` twice, one of them migrated); interleaved, wall ms (the work
is in the server): `deeds_held` of the party holding the most deeds (the function a key recovery
calls; median of 9) and the server's own time for its statement (EXPLAIN ANALYZE); a holding
written, in µs: 2,000 deeds' holdings rewritten as core.projection.write_deeds does (delete, then
insert) and 2,000 new ones, each in a transaction rolled back; the table's and index's bytes.

SQLite: two fresh databases of `--holdings` rows over 12 holders, one with each index (SQLite
has no copy of a 1,000,000-deed ledger to spare here); CPU ms of deeds_held's statement, median
of 9, and the file sizes.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, create_engine, text

from core.compliance.recovery import deeds_held

ROUNDS = 9
WRITTEN = 2_000
HELD = "SELECT deed_id FROM holdings WHERE holder = ? ORDER BY deed_id"


def _postgres(before: str, after: str) -> None:
    engines = {"0017": create_engine(before), "0018": create_engine(after)}
    with engines["0017"].connect() as conn:
        holder = str(
            conn.execute(text("SELECT holder FROM holdings GROUP BY holder ORDER BY count(*) DESC LIMIT 1")).scalar()
        )
    results: dict[str, dict[str, list[float]]] = {name: {} for name in engines}
    held: dict[str, int] = {}
    for round_ in range(ROUNDS):
        for name, engine in engines.items():
            started = time.perf_counter()
            held[name] = len(deeds_held(SimpleNamespace(engine=engine), holder))  # type: ignore[arg-type]
            results[name].setdefault("deeds_held, wall ms", []).append((time.perf_counter() - started) * 1000)
            results[name].setdefault("its statement in the server, ms", []).append(_server_ms(engine, holder))
            rewrite, new = _writes(engine, round_)
            results[name].setdefault("a holding rewritten, µs", []).append(rewrite)
            results[name].setdefault("a new holding, µs", []).append(new)
    print(f"the party holding the most deeds: {holder} ({held['0017']:,} deeds; after: {held['0018']:,})")
    for label in results["0017"]:
        line = ", ".join(
            f"{name} {statistics.median(values[label]):.1f} (max {max(values[label]):.1f})"
            for name, values in results.items()
        )
        print(f"  {label:<34} {line}")
    for name, engine in engines.items():
        with engine.connect() as conn:
            sizes = conn.exec_driver_sql(
                "SELECT c.relname, pg_relation_size(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = 'holdings'::regclass ORDER BY 1"
            ).all()
            total = conn.exec_driver_sql("SELECT pg_total_relation_size('holdings')").scalar_one()
        print(f"  {name}: holdings with its indexes {total:,} bytes; " + ", ".join(f"{n} {s:,}" for n, s in sizes))


def _server_ms(engine: Engine, holder: str) -> float:
    with engine.connect() as conn:
        plan = conn.execute(
            text("EXPLAIN (ANALYZE, FORMAT JSON) SELECT deed_id FROM holdings WHERE holder = :h ORDER BY deed_id"),
            {"h": holder},
        ).scalar_one()
    return float(plan[0]["Execution Time"])


def _writes(engine: Engine, round_: int) -> tuple[float, float]:
    """µs a holding: WRITTEN deeds' holdings deleted and inserted again, then WRITTEN new ones; rolled back."""
    with engine.connect() as conn:
        ids = list(
            conn.execute(
                text("SELECT deed_id FROM deeds WHERE deed_id % 500 = :r ORDER BY deed_id LIMIT :n"),
                {"r": round_, "n": WRITTEN},
            ).scalars()
        )
        rows = conn.execute(
            text("SELECT deed_id, holder, shares FROM holdings WHERE deed_id = ANY(:ids)"), {"ids": ids}
        )
        kept = [{"d": d, "h": h, "s": s} for d, h, s in rows]
        last = int(conn.execute(text("SELECT max(deed_id) FROM deeds")).scalar_one())
        conn.rollback()
        with conn.begin() as transaction:
            started = time.perf_counter()
            for chunk in range(0, len(ids), 500):
                conn.execute(text("DELETE FROM holdings WHERE deed_id = ANY(:ids)"), {"ids": ids[chunk : chunk + 500]})
            conn.execute(text("INSERT INTO holdings (deed_id, holder, shares) VALUES (:d, :h, :s)"), kept)
            rewrite = (time.perf_counter() - started) * 1e6 / max(len(kept), 1)
            new = [{"d": last + 1 + i, "h": kept[i % len(kept)]["h"], "s": 1} for i in range(WRITTEN)]
            started = time.perf_counter()
            conn.execute(text("INSERT INTO holdings (deed_id, holder, shares) VALUES (:d, :h, :s)"), new)
            added = (time.perf_counter() - started) * 1e6 / WRITTEN
            transaction.rollback()
    return rewrite, added


def _sqlite(holdings: int) -> None:
    rng = random.Random(1)
    holders = [f"0x{rng.getrandbits(160):040x}" for _ in range(12)]
    folder = Path(tempfile.mkdtemp(prefix="holdings-index-"))
    paths = {}
    for name, columns in (("0017 (holder)", "holder"), ("0018 (holder, deed_id)", "holder, deed_id")):
        path = folder / f"{columns.replace(', ', '_')}.sqlite"
        db = sqlite3.connect(path)
        db.execute(
            "CREATE TABLE holdings (deed_id INTEGER NOT NULL, holder VARCHAR NOT NULL, shares BIGINT NOT NULL, "
            "PRIMARY KEY (deed_id, holder))"
        )
        db.execute(f"CREATE INDEX ix ON holdings ({columns})")
        db.executemany("INSERT INTO holdings VALUES (?, ?, 1)", ((i, holders[i % 12]) for i in range(1, holdings + 1)))
        db.commit()
        db.close()
        paths[name] = path
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    found: dict[str, Any] = {}
    for _ in range(ROUNDS):
        for name, path in paths.items():
            db = sqlite3.connect(path)
            started = time.process_time()
            found[name] = [int(d) for (d,) in db.execute(HELD, (holders[3],))]
            cpu[name].append((time.process_time() - started) * 1000)
            db.close()
    for name, path in paths.items():
        print(
            f"  {name:<24} {len(found[name]):,} deeds: median {statistics.median(cpu[name]):.1f} ms CPU "
            f"(max {max(cpu[name]):.1f}); file {os.path.getsize(path):,} bytes"
        )
        path.unlink()
    folder.rmdir()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", help="PostgreSQL: the ledger at schema 0017")
    parser.add_argument("--after-db-url", help="PostgreSQL: the same ledger migrated to 0018")
    parser.add_argument("--sqlite", action="store_true", help="two fresh SQLite databases instead")
    parser.add_argument("--holdings", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    if args.sqlite:
        _sqlite(args.holdings)
    elif args.db_url and args.after_db_url:
        _postgres(args.db_url, args.after_db_url)
    else:
        parser.error("give --db-url and --after-db-url, or --sqlite")
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
