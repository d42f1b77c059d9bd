"""What a lock file that says who holds it costs (core.lock_holder): the notary journal's lock taken and let go of
without a holder's words and with them, and one read of the words (a waiting sync reads them at every look at
the lock, every 0.2 s).

    python benchmarks/lock_holder.py [--rounds 5000]

Best of 5 runs of `rounds` each, in microseconds a round.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.file_locks import open_lock, try_lock
from core.lock_holder import Holder, read_holder, write_holder
from core.notary_journal import journal_lock


def best(rounds: int, one: Callable[[], object]) -> float:
    """Microseconds a call of `one`, the best of five runs."""
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(rounds):
            one()
        runs.append((time.perf_counter() - started) / rounds * 1e6)
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5000)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        lock_file = Path(folder) / ".journal.jsonl.lock"

        def bare() -> None:  # what journal_lock did before it wrote its words
            fd = open_lock(lock_file, "the benchmark's lock", "")
            try_lock(fd)
            os.close(fd)

        def with_words() -> None:
            with journal_lock(Path(folder) / "journal.jsonl"):
                pass

        write_holder(fd := open_lock(lock_file, "the benchmark's lock", ""), Holder.me("/data/county"))
        os.close(fd)
        print(f"the lock taken and let go of, no words:      {best(rounds, bare):6.1f} us")
        print(f"journal_lock, its words written and cleared: {best(rounds, with_words):6.1f} us")
        write_holder(fd := open_lock(lock_file, "the benchmark's lock", ""), Holder.me("/data/county"))
        os.close(fd)
        assert read_holder(lock_file) is not None
        look = best(rounds, lambda: read_holder(lock_file))
        print(f"read_holder (a waiter's look, on this host): {look:6.1f} us")


if __name__ == "__main__":
    main()
