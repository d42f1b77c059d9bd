"""Memory of a full `verify --jobs 1`, measured with tracemalloc (docs/scale.md, "Memory of a full verify").

    python benchmarks/verify_memory.py [--deeds 20000] [--transfers 0] [--lines 15]

Uses the ledger `benchmarks/verify.py` builds and caches.  Prints the peak of traced memory over the
whole verify, what the replayed state holds once every entry is applied, the bytes of two of its
structures (the compliance state's index of keys by group, the holders kept at each record date: their
containers, not the addresses and numbers they share with the deeds), and how much each check after
the replay adds on top of it (the deed tables, the compliance table...).  `--lines N` also prints the
N source lines that allocated most of the replayed state (a tracemalloc snapshot, taken and dropped
before the checks run; it adds to the peak while it is taken).  Peak resident memory of the command
itself: `/usr/bin/time -v python -m desktop --data-dir COPY verify --jobs 1 --json`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tracemalloc
from pathlib import Path
from typing import Any, Callable, Iterable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import core.verify as verify
from benchmarks.verify import ledger_for


def containers_bytes(root: Any) -> int:
    """sys.getsizeof of `root` and of every dict, set, list and tuple inside it, keys included; not of the
    strings and numbers, which are mostly the deeds' own (main's group index also made one "group:" string
    a deed, about 55 bytes, which this leaves out)."""
    total, todo = 0, [root]
    while todo:
        item = todo.pop()
        total += sys.getsizeof(item)
        inner: Iterable[Any] = (*item.keys(), *item.values()) if isinstance(item, dict) else item
        todo.extend(x for x in inner if isinstance(x, (dict, set, list, tuple)))
    return total


CHECKS = ("_check_witness", "_check_tree", "_check_projection", "_check_once", "_check_compliance")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deeds", type=int, default=20000)
    parser.add_argument("--transfers", type=int, default=0)
    parser.add_argument("--lines", type=int, default=0)
    args = parser.parse_args()
    ledger = ledger_for(args.deeds, args.transfers, fresh=False)
    added: dict[str, float] = {}
    held: list[float] = []
    parts: dict[str, int] = {}
    lines: list[tracemalloc.Statistic] = []

    def watched(name: str, check: Callable[..., Any]) -> Callable[..., Any]:
        def run(*given: Any) -> Any:
            before, peak = tracemalloc.get_traced_memory()
            if not held:  # the first check: the replay is done, what it holds is what is traced now
                held.append(before - start)
                state = next(arg.state for arg in given if hasattr(arg, "state"))
                parts["the compliance state's index of keys by group"] = containers_bytes(state.compliance._groups)
                parts["the holders kept at each record date"] = containers_bytes(state._record_dates)
                if args.lines:
                    lines.extend(tracemalloc.take_snapshot().statistics("lineno")[: args.lines])
                    before = tracemalloc.get_traced_memory()[0]
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
    for part, size in parts.items():
        print(f"  {part}: {size / 1e6:.2f} MB ({size / report.entries:,.0f} bytes per entry)")
    for stat in lines:
        frame = stat.traceback[0]
        print(f"    {stat.size / 1e6:6.2f} MB {stat.count:8,} blocks  {frame.filename}:{frame.lineno}")
    for name in CHECKS:
        print(f"  {name[1:]} adds {added[name] / 1e6:.1f} MB at its peak")


if __name__ == "__main__":
    main()
