"""Append speed: bulk (signed registrations in batches), one interactive append, one transfer submitted.

    python benchmarks/append.py [--entries 10000]

Goals of the ledger issue: bulk >= 2,000 signed entries/s (signing included);
a single interactive append well under 50 ms.  The transfer figure times `submit` of
responses already signed (checks, the transfer-id lookup, the write), each of
another deed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.deeds import register_deed, registration_message
from core.requests import sign_request
from core.transactions import prepare_transfer, submit
from core.keys import DEMO_SCRYPT_N, KeyStore
from core.ledger import Ledger
from core.marketdata import ames_rows, deed_attributes
from core.paths import DataDir


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = DataDir.resolve(folder).ensure()
        keys = KeyStore(home.keys)
        keys.create("op", "benchmark-password", n=DEMO_SCRYPT_N)
        operator = keys.unlock("op", "benchmark-password")
        ledger = Ledger.create(home, None, "Benchmark", operator)
        rows = ames_rows()
        started = time.perf_counter()
        for start in range(0, args.entries, 500):
            batch = [
                ledger.sign(
                    "RegisterDeed",
                    registration_message(
                        i + 1,
                        parcel=f"B-{i}",
                        address=f"{i} Bench St",
                        owner=operator.address,
                        attributes=deed_attributes(rows[i % len(rows)]),
                    ),
                    operator,
                    "registrar",
                )
                for i in range(start, min(start + 500, args.entries))
            ]
            ledger.append(batch)
        bulk = args.entries / (time.perf_counter() - started)
        latencies = []
        for i in range(50):
            t = time.perf_counter()
            register_deed(
                ledger,
                operator,
                parcel=f"I-{i}",
                address=f"{i} Interactive Ave",
                owner=operator.address,
                attributes=deed_attributes(rows[i]),
            )
            latencies.append((time.perf_counter() - t) * 1000)
        keys.create("buyer", "benchmark-password", n=DEMO_SCRYPT_N)
        buyer = keys.unlock("buyer", "benchmark-password")
        by_address = {k.address.lower(): k for k in (operator, buyer)}
        transfers = []
        for i in range(50):
            deed = 1 + (i * 97) % args.entries  # transfers spread over the ledger's deeds
            prepared = prepare_transfer(ledger, deed, buyer.address, "250000")
            responses = [sign_request(r, by_address[r.signer.lower()]) for r in prepared.requests]
            t = time.perf_counter()
            submit(ledger, responses)
            transfers.append((time.perf_counter() - t) * 1000)
        print(
            f"bulk append: {bulk:,.0f} signed entries/s ({args.entries} registrations in batches of 500, "
            "signing included)"
        )
        print(
            f"interactive append on a {args.entries}-entry ledger: median {statistics.median(latencies):.1f} ms, "
            f"p95 {sorted(latencies)[int(len(latencies) * 0.95)]:.1f} ms"
        )
        print(
            f"transfer submit on a {args.entries + 50}-entry ledger: median {statistics.median(transfers):.1f} ms, "
            f"p95 {sorted(transfers)[int(len(transfers) * 0.95)]:.1f} ms"
        )


if __name__ == "__main__":
    main()
