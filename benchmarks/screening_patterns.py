"""How well the ledger-history patterns find injected cases, and how often they fire on honest transfers.

    python benchmarks/screening_patterns.py [--deeds 3000] [--transfers 2000] [--suspicious 10]

Builds `deedbook demo --deeds N --transfers M --with-suspicious K` in a temporary folder
(honest demo transfers, then K cases of each pattern on deeds never sold before), trains
the valuation model as `deedbook screen` does (the bundled market + the ledger's sales),
screens every transfer as of its recording and prints, per pattern, how many injected
cases were found (the target transfer carries the pattern and is at least `review`) and
the false alarms per 1,000 honest transfers (any pattern firing), plus the share of honest
transfers the combined screen flags for any reason (the price screen flags ~5% by design).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DEEDBOOK_SCRYPT_N", "1024")  # keys made here only


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deeds", type=int, default=3000)
    parser.add_argument("--transfers", type=int, default=2000)
    parser.add_argument("--suspicious", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from core.screening.measure import measure
    from desktop.workspace import Workspace

    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace.open(folder)
        started = time.perf_counter()
        summary = ws.build_demo(deeds=args.deeds, transfers=args.transfers, suspicious=args.suspicious).value
        built = time.perf_counter() - started
        started = time.perf_counter()
        ws.ensure_model()
        trained = time.perf_counter() - started
        started = time.perf_counter()
        found = ws.screen_all(level="low")
        screened = time.perf_counter() - started
        result = measure(found, summary["suspicious"])
        ws.close()
    result.update(
        {
            "deeds": args.deeds,
            "transfers_screened": len(found),
            "seconds_demo": round(built, 1),
            "seconds_training": round(trained, 1),
            "seconds_screening": round(screened, 1),
        }
    )
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"demo: {args.deeds} deeds, {summary['transfers']} honest transfers + {len(summary['suspicious'])} "
        f"injected cases ({built:.0f} s); model {trained:.0f} s; screening {len(found)} transfers {screened:.1f} s"
    )
    for pattern, r in result["recall"].items():
        print(
            f"  {pattern:30s} found {r['found']:3d} of {r['cases']:3d}  recall {r['recall']:.2f}"
            + (f"  missed: {r['missed']}" if r["missed"] else "")
        )
    print(
        f"  false alarms: {result['false_alarms']} on {result['honest_transfers']} honest transfers = "
        f"{result['false_alarms_per_1000']} per 1,000 {result['false_alarms_by_pattern'] or ''}"
    )
    print(
        f"  honest transfers flagged for any reason (price included): "
        f"{result['honest_flagged_any_reason_per_1000']} per 1,000"
    )


if __name__ == "__main__":
    main()
