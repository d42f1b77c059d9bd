"""Memory of a full `verify --jobs 1`, measured with tracemalloc (docs/scale.md, "Memory of a full verify").

    python benchmarks/verify_memory.py [--deeds 20000] [--transfers 0]

Uses the ledger `benchmarks/verify.py` builds and caches.  Prints the peak of traced memory over the
whole verify, what the replayed state holds once every entry is applied, and how much each check after
the replay adds on top of it (the deed tables, the compliance table...).  Peak resident memory of the
command itself: `/usr/bin/time -v python -m desktop --data-dir COPY verify --jobs 1 --json`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tracemalloc
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import core.verify as verify
from benchmarks.verify import ledger_for

CHECKS = ("_check_witness", "_check_tree", "_check_projection", "_check_once", "_check_compliance")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deeds", type=int, default=20000)
    parser.add_argument("--transfers", type=int, default=0)
    args = parser.parse_args()
    ledger = ledger_for(args.deeds, args.transfers, fresh=False)
    added: dict[str, float] = {}
    held: list[float] = []

    def watched(name: str, check: Callable[..., Any]) -> Callable[..., Any]:
        def run(*given: Any) -> Any:
            before, peak = tracemalloc.get_traced_memory()
            if not held:  # the first check: the replay is done, what it holds is what is traced now
                held.append(before - start)
            tracemalloc.reset_peak()
            result = check(*given)
            added[name] = tracemalloc.get_traced_memory()[1] - before
            overall.append(max(peak, before + added[name]))
            return result

        return run

    for name in CHECKS:
        setattr(verify, name, watched(name, getattr(verify, name)))
    overall: list[int] = []
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    report = verify.verify_ledger(ledger, jobs=1)
    peak = max([tracemalloc.get_traced_memory()[1], *overall]) - start
    assert report.ok, report.reason
    print(f"ledger: {report.entries} entries; load average {os.getloadavg()[0]:.2f}")
    print(f"tracemalloc peak: {peak / 1e6:.1f} MB ({peak / report.entries:,.0f} bytes per entry)")
    print(f"the replayed state: {held[0] / 1e6:.1f} MB")
    for name in CHECKS:
        print(f"  {name[1:]} adds {added[name] / 1e6:.1f} MB at its peak")


if __name__ == "__main__":
    main()
