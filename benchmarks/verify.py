"""Verification speed against bare libsecp256k1 recovery, measured in the same run.

    python benchmarks/verify.py [--deeds 20000] [--transfers 0] [--fresh]

Builds (once, cached under the temp folder) a demo ledger, then measures:
bare recovery (coincurve's PublicKey.from_signature_and_message over the ledger's
own digests and signatures), `verify --jobs 1`, and `verify --jobs N` for every N
up to the core count.  The goal of the ledger issue: jobs 1 at >= 0.75x bare
recovery per entry, and jobs N scaling across cores.

The rounds are interleaved (bare, jobs 1, jobs 2, ... then again) and the best of each
kept, so on a shared machine the figures compared saw the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coincurve import PublicKey

from core.demo import build_demo
from core.kinds import digest_for, get_kind
from core.ledger import Ledger
from core.paths import DataDir
from core.verify import verify_ledger


def ledger_for(deeds: int, transfers: int, fresh: bool) -> Ledger:
    home = DataDir.resolve(Path(tempfile.gettempdir()) / f"deedbook-bench-verify-{deeds}-{transfers}")
    if fresh and home.root.exists():
        shutil.rmtree(home.root)
    if not home.database.exists():
        started = time.perf_counter()
        build_demo(home, deeds=deeds, transfers=transfers)
        print(f"built demo ledger ({deeds} deeds, {transfers} transfers) in {time.perf_counter() - started:.1f} s")
    return Ledger.open(home)


def signature_pairs(ledger: Ledger) -> list[tuple[bytes, bytes]]:
    pairs = []
    for recorded in ledger.iter_entries():
        kind = get_kind(recorded.kind)
        for s in recorded.signatures:
            pairs.append(
                (
                    digest_for(ledger.identity, kind, recorded.message, s.signed_type),
                    s.signature[:64] + bytes([s.signature[64] - 27]),
                )
            )
    return pairs


def bare_recovery_seconds(pairs: list[tuple[bytes, bytes]]) -> tuple[float, float]:
    """(wall, CPU) seconds to recover every signature."""
    started, cpu = time.perf_counter(), time.process_time()
    for digest, signature in pairs:
        PublicKey.from_signature_and_message(signature, digest, hasher=None)
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deeds", type=int, default=20000)
    parser.add_argument("--transfers", type=int, default=0)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    ledger = ledger_for(args.deeds, args.transfers, args.fresh)
    pairs = signature_pairs(ledger)
    entries = ledger.size()
    all_jobs = range(1, (os.cpu_count() or 1) + 1)
    bare_seconds: list[tuple[float, float]] = []
    verify_seconds: dict[int, list[float]] = {jobs: [] for jobs in all_jobs}
    verify_cpu: list[float] = []  # jobs 1 runs in this process alone: its CPU time is its cost
    for _ in range(args.rounds):
        bare_seconds.append(bare_recovery_seconds(pairs))
        for jobs in all_jobs:
            cpu = time.process_time()
            report = verify_ledger(ledger, jobs=jobs)
            assert report.ok, report.reason
            verify_seconds[jobs].append(report.seconds)
            if jobs == 1:
                verify_cpu.append(time.process_time() - cpu)
    bare = len(pairs) / min(wall for wall, _ in bare_seconds)
    # On a shared machine wall-clock ratios move with the load; CPU seconds of the same process much less.
    cpu_ratio = min(cpu for _, cpu in bare_seconds) / len(pairs) * entries / min(verify_cpu)
    results: dict[str, object] = {
        "entries": entries,
        "signatures": len(pairs),
        "load_average": round(os.getloadavg()[0], 2),
        "bare_recoveries_per_s": round(bare),
        "cpu_jobs_1_vs_bare": round(cpu_ratio, 3),
    }
    for jobs in all_jobs:
        seconds = min(verify_seconds[jobs])
        per_entry = entries / seconds
        results[f"jobs_{jobs}"] = {
            "seconds": round(seconds, 3),
            "entries_per_s": round(per_entry),
            "signatures_per_s": round(len(pairs) / seconds),
            "entries_vs_bare": round(per_entry / bare, 3),
        }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"ledger: {entries} entries, {len(pairs)} signatures; load average {results['load_average']}")
    print(f"bare libsecp256k1 recovery: {bare:,.0f} /s")
    for key, value in results.items():
        if key.startswith("jobs_"):
            v = value  # type: ignore[assignment]
            print(
                f"verify --jobs {key[5:]}: {v['seconds']:.3f} s, {v['entries_per_s']:,} entries/s, "
                f"{v['signatures_per_s']:,} signatures/s = {v['entries_vs_bare']:.2f}x bare recovery per entry"
            )
    print(f"verify --jobs 1 in CPU seconds against bare recovery's: {cpu_ratio:.2f}x per entry")


if __name__ == "__main__":
    main()
