"""Find searches of 4 characters or more whose every piece is dense but whose matches are few, on a
PostgreSQL ledger at schema 0017 or later: the class of "es, a" (each of its trigrams is in nearly
every deed, it matches none), which pg_trgm's index cannot narrow.

    python benchmarks/pg_dense_searches.py --db-url URL [--before FILE --before-db-url URL_0016] [--share 0.3]

Texts are made from the index's densest 4-character pieces (ANALYZE's most common elements of
`ix_deeds_long_grams`, in at least --share of the deeds) and from its dense pieces of 2 characters
(`ix_deeds_short_grams`), joined two by two within one column (overlapping by 0 to 3 characters
where they agree).  Each text's matches are counted (up to --at-most + 1, through
core.deed_search, as the pane does); for those with at most --at-most the deeds pane's page (51 by
address) and count are timed, wall ms, with this tree's code and, with --before, an earlier
core/deed_search.py on another database of the same server.  Prints the slowest texts.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.deed_search_plans import load

_DENSE = (
    "SELECT e.piece, e.share FROM pg_stats s CROSS JOIN LATERAL "
    "unnest(CAST(CAST(s.most_common_elems AS text) AS text[]), s.most_common_elem_freqs) AS e(piece, share) "
    "WHERE s.tablename = %s AND e.piece IS NOT NULL AND e.share >= %s ORDER BY e.share DESC"
)


def joined(first: str, second: str) -> set[str]:
    """`first` then `second`, overlapping by 0 to 3 characters where they agree."""
    texts = {first + second}
    for overlap in range(1, min(len(first), len(second), 4)):
        if first[-overlap:] == second[:overlap]:
            texts.add(first + second[overlap:])
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--before", type=Path, help="an earlier core/deed_search.py to time as well")
    parser.add_argument("--before-db-url", help="the database the --before code searches (default: --db-url)")
    parser.add_argument("--share", type=float, default=0.3, help="a piece in at least this share of the deeds is dense")
    parser.add_argument("--at-most", type=int, default=100, help="matches for a text to count as sparse")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--show", type=int, default=15)
    args = parser.parse_args()

    from core import deed_search
    from core.store import make_engine

    engine = make_engine(args.db_url)
    before_engine = make_engine(args.before_db_url) if args.before_db_url else engine
    versions: dict[str, Any] = {"after": deed_search}
    if args.before:
        versions = {"before": load(args.before), "after": deed_search}
    with engine.connect() as conn, before_engine.connect() as before_conn:
        connections = {"before": before_conn, "after": conn}
        long = conn.exec_driver_sql(_DENSE, ("ix_deeds_long_grams", args.share)).all()
        short = conn.exec_driver_sql(_DENSE, ("ix_deeds_short_grams", args.share)).all()
        by_tag: dict[str, list[str]] = {}
        for piece, _share in long:  # a tagged 4-character piece: the tag last
            by_tag.setdefault(piece[-1], []).append(piece[:-1])
        pairs = [str(piece) for piece, _share in short if len(piece) == 2 and "\x01" not in piece]
        texts: set[str] = set()
        for pieces in [*by_tag.values(), pairs]:
            for first, second in itertools.product(pieces, repeat=2):
                texts |= {t for t in joined(first, second) if len(t) >= 4 and t.strip() == t}
        print(f"{len(long)} dense 4-character pieces, {len(pairs)} dense pairs: {len(texts):,} texts")
        sparse = []
        for text in sorted(texts):
            matches = deed_search.deed_count(conn, text, at_most=args.at_most)
            conn.rollback()
            if matches <= args.at_most:
                sparse.append((text, matches))
        print(f"{len(sparse)} texts with at most {args.at_most} matches; timing them ({args.repeat} runs each)")
        timed = []
        for text, matches in sparse:
            times: dict[str, list[float]] = {name: [] for name in versions}
            for _ in range(args.repeat):
                for name, module in versions.items():  # interleaved: the same load for both
                    started = time.perf_counter()
                    module.deed_ids(connections[name], text, order_by="address", limit=51)
                    module.deed_count(connections[name], text, at_most=deed_search.FEW)
                    times[name].append((time.perf_counter() - started) * 1000)
                    connections[name].rollback()
            timed.append((text, matches, {name: statistics.median(t) for name, t in times.items()}))
        key = "before" if args.before else "after"
        for text, matches, medians in sorted(timed, key=lambda t: -t[2][key])[: args.show]:
            cells = "  ".join(f"{name} {ms:7.1f}" for name, ms in medians.items())
            print(f"  {text!r:<14} {matches:>4} matching   page + count: {cells} ms")
        for name in versions:
            print(f"slowest {name}: {max(t[2][name] for t in timed):.1f} ms", end="; ")
        print(f"load average {os.getloadavg()[0]:.1f}")
    engine.dispose()
    before_engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
