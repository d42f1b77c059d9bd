"""What the SQLite deed index (FTS5 trigrams with positions, schema 0016) costs per position list
and per phrase: CPU ms (median) of counting the rows of FTS5 queries on a ledger, the queries
given or these defaults (the densest trigrams of a county's addresses, alone, as phrases of 2, 3
and 8 of them, ANDed, NEAR, and a phrase bounded to the first 10,000 rowids).

    python benchmarks/deed_phrase_cost.py --folder DATA_DIR [--repeat 5] [QUERY ...]

Read-only; one connection, no Deedbook code: the index's own cost, which core.deed_search's
choice of query (`selective`) works around.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import time
from pathlib import Path

DEFAULTS = [
    '"s, "',  # one trigram in every deed
    '", a"',
    '"ave"',  # one in 60 % of them
    '"s, " AND ", a"',  # two lists, rowids only
    '"s, a"',  # a phrase of two (in no deed)
    '"es, a"',  # of three
    '"ames, ames"',  # of eight
    'NEAR("es," ", a", 2)',  # the first and the last trigram of "es, a", near
    '", av"',  # a phrase of a trigram of every deed and one of 60 %
    '"es, i"',  # a phrase in every deed
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--bound", type=int, default=10_000, help="rowid bound for the bounded phrases")
    parser.add_argument("queries", nargs="*")
    args = parser.parse_args()
    db = sqlite3.connect(f"file:{args.folder / 'ledger.sqlite'}?mode=ro", uri=True)
    deeds = db.execute("SELECT count(*) FROM deeds").fetchone()[0]
    print(f"{deeds:,} deeds; CPU ms, median of {args.repeat}; rows counted")
    statements = [("", q) for q in args.queries or DEFAULTS]
    if not args.queries:
        statements += [(f" AND rowid <= {args.bound}", q) for q in ('"s, a"', '"es, i"')]
    for bound, query in statements:
        times, found = [], 0
        for _ in range(args.repeat):
            started = time.process_time()
            found = db.execute(f"SELECT count(*) FROM deeds_fts WHERE deeds_fts MATCH ?{bound}", (query,)).fetchone()[0]
            times.append((time.process_time() - started) * 1000)
        print(f"  {query + bound:40} {statistics.median(times):7.1f} ms  {found:>9,} rows")
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
