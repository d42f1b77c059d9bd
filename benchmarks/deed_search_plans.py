"""The deeds search's plans, measured in CPU time: each search in four sort orders (a page of 51, what
the deeds pane asks) and the pane's count (up to 5,000), with the code of this tree and, interleaved
in the same run, with an earlier core/deed_search.py (--before FILE); the rows must be the same.

    git show main:core/deed_search.py > /tmp/deed_search_before.py
    python benchmarks/deed_search_plans.py --folder DATA_DIR --before /tmp/deed_search_before.py
    python benchmarks/deed_search_plans.py --db-url postgresql+psycopg://...   (after benchmarks/pg_deeds_copy.py)
    python benchmarks/deed_search_plans.py --db-url URL_AT_HEAD --before FILE --before-db-url URL_AT_AN_OLDER_SCHEMA

(--before-db-url: when the code before needs the schema before, e.g. a copy of the database made
before a migration; both databases on the same server, the searches interleaved.  --before-pg: an
earlier core/deed_search_pg.py too, which the --before code then calls; --count-all: the count of
every deed, without a search, as the deeds pane asks for it.)

    git show REV:core/deed_search_pg.py > /tmp/deed_search_pg_before.py
    python benchmarks/deed_search_plans.py --db-url URL --before /tmp/deed_search_before.py --before-pg /tmp/deed_search_pg_before.py --search 4ebec --count-all

Also prints, for each search of 3 characters or more on SQLite, the index's candidates and the
matches among them (the numbers the plan is chosen on). CPU seconds (time.process_time) of this
process: PostgreSQL's work happens in its server process, so there wall time is given instead.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.gui_filter import SEARCHES

ORDERS = [("deed_id", False), ("deed_id", True), ("address", False), ("address", True)]
PAGE = 51  # DeedsModel.PAGE + 1


def load(path: Path, name: str = "deed_search_before") -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, help="a data folder whose ledger.sqlite to search")
    parser.add_argument("--db-url", help="or a database URL (PostgreSQL)")
    parser.add_argument("--before", type=Path, help="an earlier core/deed_search.py to compare with")
    parser.add_argument("--before-db-url", help="the database the --before code searches (default: --db-url)")
    parser.add_argument("--before-pg", type=Path, help="an earlier core/deed_search_pg.py for the --before code")
    parser.add_argument("--count-all", action="store_true", help="also the count of every deed (no search)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--search", action="append", help="only these searches (repeatable)")
    args = parser.parse_args()

    from core import deed_search
    from core.store import make_engine

    url = args.db_url or f"sqlite:///{args.folder / 'ledger.sqlite'}"
    engine = make_engine(url, read_only=url.startswith("sqlite"))
    postgres = engine.dialect.name == "postgresql"
    clock = time.perf_counter if postgres else time.process_time
    versions: dict[str, Any] = {"after": deed_search}
    if args.before:
        versions = {"before": load(args.before), "after": deed_search}
        if args.before_pg:
            versions["before"].deed_search_pg = load(args.before_pg, "deed_search_pg_before")
    searches = [s for s in (args.search or SEARCHES) if s]
    unit = "wall" if postgres else "CPU"
    print(f"{engine.dialect.name}: median {unit} ms of {args.repeat}, " + ", ".join(versions))
    worst = dict.fromkeys(versions, 0.0)
    before_engine = make_engine(args.before_db_url) if args.before_db_url else engine
    with engine.connect() as conn, before_engine.connect() as before_conn:
        connections = {"before": before_conn, "after": conn}
        if args.count_all:
            every: dict[str, list[float]] = {name: [] for name in versions}
            for _ in range(args.repeat):
                for name, module in versions.items():
                    started = clock()
                    counted = module.deed_count(connections[name], None)
                    every[name].append((clock() - started) * 1000)
            cells = "  ".join(f"{name} {statistics.median(every[name]):7.1f}" for name in versions)
            print(f"every deed (no search): {cells} ms   ({counted:,} deeds)")
        for text in searches:
            if not postgres and len(text) >= deed_search.TRIGRAM:
                query = deed_search.selective(conn, text)
                candidates = conn.exec_driver_sql(
                    "SELECT count(*) FROM deeds_fts WHERE deeds_fts MATCH ?", (query,)
                ).scalar_one()
                print(f"{text!r}: {candidates:,} candidates ({query})")
            else:
                print(f"{text!r}:")
            tasks: list[tuple[str, Callable[[ModuleType, Any], Any]]] = [
                (
                    f"{o}{' desc' if d else ''}",
                    lambda m, c, o=o, d=d, t=text: m.deed_ids(c, t, order_by=o, descending=d, limit=PAGE),
                )
                for o, d in ORDERS
            ]
            tasks.append(("count", lambda m, c, t=text: m.deed_count(c, t, at_most=deed_search.FEW)))
            for label, task in tasks:
                times: dict[str, list[float]] = {name: [] for name in versions}
                answers: dict[str, Any] = {}
                for _ in range(args.repeat):
                    for name, module in versions.items():  # interleaved: the same load for both
                        started = clock()
                        answers[name] = task(module, connections[name])
                        times[name].append((clock() - started) * 1000)
                if len({repr(a) for a in answers.values()}) != 1:
                    raise SystemExit(f"different answers for {text!r} {label}: {answers}")
                shown = answers["after"] if label == "count" else len(answers["after"])
                cells = []
                for name in versions:
                    median = statistics.median(times[name])
                    worst[name] = max(worst[name], median)
                    cells.append(f"{name} {median:7.1f}")
                print(f"    {label:<13} {'  '.join(cells)} ms   ({shown} {'matching' if label == 'count' else 'rows'})")
    print("worst median: " + ", ".join(f"{name} {ms:.1f} ms" for name, ms in worst.items()), end="")
    print(f"; load average {os.getloadavg()[0]:.1f}")
    engine.dispose()
    before_engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
