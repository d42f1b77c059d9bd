"""Verification speed against bare libsecp256k1 recovery, measured in the same run.

    python benchmarks/verify.py [--deeds 20000] [--transfers 0] [--fresh]

Builds (once, cached under the temp folder) a demo ledger, then measures:
bare recovery (coincurve's PublicKey.from_signature_and_message over the ledger's
own digests and signatures), `verify --jobs 1`, and `verify --jobs N` for every N
up to the core count.  The goal of the ledger issue: jobs 1 at >= 0.75x bare
recovery per entry, and jobs N scaling across cores.
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


def bare_recoveries_per_second(pairs: list[tuple[bytes, bytes]], rounds: int = 3) -> float:
    best = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        for digest, signature in pairs:
            PublicKey.from_signature_and_message(signature, digest, hasher=None)
        best = max(best, len(pairs) / (time.perf_counter() - started))
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deeds", type=int, default=20000)
    parser.add_argument("--transfers", type=int, default=0)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    ledger = ledger_for(args.deeds, args.transfers, args.fresh)
    pairs = signature_pairs(ledger)
    entries = ledger.size()
    bare = bare_recoveries_per_second(pairs)
    results: dict[str, object] = {"entries": entries, "signatures": len(pairs), "bare_recoveries_per_s": round(bare)}
    for jobs in range(1, (os.cpu_count() or 1) + 1):
        best = min((verify_ledger(ledger, jobs=jobs) for _ in range(3)), key=lambda r: r.seconds)
        assert best.ok, best.reason
        per_entry = entries / best.seconds
        results[f"jobs_{jobs}"] = {
            "seconds": round(best.seconds, 3),
            "entries_per_s": round(per_entry),
            "signatures_per_s": round(len(pairs) / best.seconds),
            "entries_vs_bare": round(per_entry / bare, 3),
        }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"ledger: {entries} entries, {len(pairs)} signatures")
    print(f"bare libsecp256k1 recovery: {bare:,.0f} /s")
    for key, value in results.items():
        if key.startswith("jobs_"):
            v = value  # type: ignore[assignment]
            print(
                f"verify --jobs {key[5:]}: {v['seconds']:.3f} s, {v['entries_per_s']:,} entries/s, "
                f"{v['signatures_per_s']:,} signatures/s = {v['entries_vs_bare']:.2f}x bare recovery per entry"
            )


if __name__ == "__main__":
    main()
