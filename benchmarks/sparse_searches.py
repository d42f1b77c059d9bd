"""Find searches that the deed-search index cannot narrow: the index's query for them (what
core.deed_search.selective asks: the phrase, or a long search's selective runs) has more than
core.deed_search.FEW candidates but few match. Samples texts made of two common trigrams of the index
and of the end of one deed's value joined to the start of another's, on an SQLite ledger; with
--dense, texts whose every trigram is dense (in more than half the deeds: a chain of such trigrams,
each overlapping the one before by two characters, 4 to 14 characters), which match few or none.

    python benchmarks/sparse_searches.py --folder DATA_DIR [--tries 2000] [--seed 1] [--dense]

Prints each such text with its candidates and matches (the matches counted by checking the
candidates with the rule in SQL, so a try costs about a microsecond per candidate), and the CPU ms
of the deeds pane's page (51 by address) and count (up to FEW) for it; then the slowest searches tried.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--tries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--at-most", type=int, default=100, help="matches for a text to count as sparse")
    parser.add_argument("--dense", action="store_true", help="texts of dense trigrams only")
    parser.add_argument("--slowest", type=int, default=1, help="how many of the slowest searches to print")
    args = parser.parse_args()

    from core import deed_search
    from core.deed_search import FEW, selective
    from core.store import LIKE_ESCAPE, like_contains, make_engine

    engine = make_engine(f"sqlite:///{args.folder / 'ledger.sqlite'}", read_only=True)
    conn = engine.connect()
    db = conn.exec_driver_sql  # (the plans below ask through the same connection)

    def planned(text: str) -> tuple[float, float]:
        """CPU ms of the pane's page and count for `text`."""
        started = time.process_time()
        deed_search.deed_ids(conn, text, order_by="address", limit=51)
        paged = time.process_time()
        deed_search.deed_count(conn, text, at_most=FEW)
        return (paged - started) * 1000, (time.process_time() - paged) * 1000

    rng = random.Random(args.seed)
    deeds = int(db("SELECT max(deed_id) FROM deeds").fetchone()[0])
    common = [t for (t,) in db("SELECT term FROM deeds_fts_terms WHERE doc > ?", (deeds // 50,)) if "\x01" not in t]

    dense = [t for (t,) in db("SELECT term FROM deeds_fts_terms WHERE doc > ?", (deeds // 2,)) if "\x01" not in t]
    following: dict[str, list[str]] = {}
    for term in dense:
        following.setdefault(term[:2], []).append(term)

    def chained() -> str:
        """A text whose every trigram is dense: each next trigram begins with the last two characters."""
        text = rng.choice(dense)
        for _ in range(rng.randint(1, 11)):
            nexts = following.get(text[-2:])
            if not nexts:
                break
            text += rng.choice(nexts)[2]
        return text.strip()

    def joined() -> str:
        if rng.random() < 0.5:
            first, second = rng.choice(common), rng.choice(common)
            return (first + second[rng.randint(0, 2) :]).strip()
        values = []
        for _ in range(2):
            row = db("SELECT parcel, address, owner FROM deeds WHERE deed_id = ?", (rng.randint(1, deeds),))
            values.append(rng.choice(row.fetchone() or ("",)))
        head, tail = values
        return (head[rng.randrange(len(head)) :][:5] + tail[: rng.randint(2, 5)]).strip() if head else ""

    seen: set[str] = set()
    timed: list[tuple[float, float, str]] = []
    for _ in range(args.tries):
        text = chained() if args.dense else joined()
        if len(text) < 4 or text in seen:
            continue
        seen.add(text)
        query = selective(conn, text)
        candidates = db(
            "SELECT count(*) FROM (SELECT rowid FROM deeds_fts WHERE deeds_fts MATCH ? LIMIT ?)", (query, FEW + 1)
        ).fetchone()[0]
        if candidates <= FEW:
            timed.append((*planned(text), text))
            continue
        pattern = like_contains(text)
        candidates, matching = db(
            "SELECT count(*), coalesce(sum(deeds.parcel LIKE ? ESCAPE ? OR deeds.address LIKE ? ESCAPE ? "
            "OR deeds.owner LIKE ? ESCAPE ?), 0) FROM deeds_fts JOIN deeds ON deeds.deed_id = deeds_fts.rowid "
            "WHERE deeds_fts MATCH ?",
            (*(pattern, LIKE_ESCAPE) * 3, query),
        ).fetchone()
        page, count = planned(text)
        timed.append((page, count, text))
        if matching <= args.at_most:
            print(
                f"{text!r:32} {candidates:>9,} candidates {matching:>6,} matching   page {page:6.1f} ms  count {count:6.1f} ms",
                flush=True,
            )
    timed.sort(key=lambda t: -max(t[0], t[1]))
    print(f"slowest of {len(seen)} searches (CPU ms of the page by address, the count; the index's query):")
    for page, count, text in timed[: args.slowest]:
        print(f"  {text!r:32} page {page:6.1f} ms  count {count:6.1f} ms   {selective(conn, text)}")
    print(f"load average {os.getloadavg()[0]:.1f}")
    conn.close()
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
