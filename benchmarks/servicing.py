"""Servicing: a record-date snapshot, a distribution recorded, a statement drawn, verify replaying them.

    python benchmarks/servicing.py [--entries 5000] [--holders 100]

A ledger of ENTRIES registrations, then one deed sold in pieces to HOLDERS buyers (signed transfers),
a checkpoint (the record date), then: the preview (the snapshot and the split), recording the
distribution (the append recomputes the snapshot in the write lock), one holder's statement PDF,
and `verify` of the whole ledger with 10 distributions on it.  Also the split alone for 100,000 holders.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.checkpoints import make_checkpoint
from core.deeds import registration_message
from core.keys import DEMO_SCRYPT_N, KeyStore
from core.ledger import Ledger
from core.marketdata import ames_rows, deed_attributes
from core.paths import DataDir
from core.requests import sign_request
from core.servicing import distributions as dist
from core.servicing.split import split
from core.transactions import prepare_transfer, submit
from core.verify import verify_ledger


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--holders", type=int, default=100)
    args, _ = parser.parse_known_args()
    with tempfile.TemporaryDirectory() as folder:
        home = DataDir.resolve(folder).ensure()
        keys = KeyStore(home.keys)
        keys.create("op", "benchmark-password", n=DEMO_SCRYPT_N)
        operator = keys.unlock("op", "benchmark-password")
        ledger = Ledger.create(home, None, "Benchmark", operator)
        rows = ames_rows()
        for start in range(0, args.entries, 500):
            ledger.append(
                [
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
            )
        deed = 1
        for i in range(args.holders):
            keys.create(f"h{i}", "benchmark-password", n=DEMO_SCRYPT_N)
            buyer = keys.unlock(f"h{i}", "benchmark-password")
            prepared = prepare_transfer(ledger, deed, buyer.address, "100", shares=7 + i % 5, seller=operator.address)
            submit(ledger, [sign_request(r, operator if r.role == "seller" else buyer) for r in prepared.requests])
        make_checkpoint(ledger, operator)
        t = time.perf_counter()
        plan = dist.preview(ledger, deed, "123456.78", "USD")
        preview_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        first = dist.record_distribution(ledger, operator, plan)
        record_ms = (time.perf_counter() - t) * 1000
        for _ in range(9):
            dist.record_distribution(ledger, operator, plan)
        make_checkpoint(ledger, operator)
        from desktop.documents.statement import build_statement_pdf

        t = time.perf_counter()
        pdf = build_statement_pdf(ledger, ledger.entry(first).message["distributionId"], plan.payouts[0].holder)
        statement_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        report = verify_ledger(ledger, jobs=1)
        verify_s = time.perf_counter() - t
        assert report.ok, report.reason
        size = ledger.size()
    holders = {f"0x{i:040x}": 1 + i % 97 for i in range(100_000)}
    t = time.perf_counter()
    split(10**12, holders)
    split_ms = (time.perf_counter() - t) * 1000
    print(
        f"record-date snapshot and split of a deed with {len(plan.payouts)} holders on a {size:,}-entry ledger: "
        f"{preview_ms:.1f} ms"
    )
    print(f"distribution recorded (snapshot recomputed in the write lock): {record_ms:.1f} ms")
    print(f"statement PDF ({len(pdf) // 1024} KB, {args.holders + 3} entries embedded): {statement_ms:.0f} ms")
    print(f"verify of the {size:,}-entry ledger with 10 distributions, one process: {verify_s:.2f} s")
    print(f"largest-remainder split over 100,000 holders: {split_ms:.0f} ms")


if __name__ == "__main__":
    main()
