"""The notary's own journal: append and verify times as it grows; the offline check of an attestation request.

    python benchmarks/notary_journal.py [--rows 2000]

An append rewrites the file atomically (whole or not at all), so its cost grows with
the journal; a busy notary journals a few thousand acts a year.  `journal verify`
recovers one signature a row.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.attestation_requests import attestation_request, check_evidence
from core.checkpoints import make_checkpoint
from core.deeds import register_deed
from core.jurisdictions import parse_fields, profile
from core.keys import DEMO_SCRYPT_N, KeyStore
from core.ledger import Ledger
from core.notary_journal import NotaryJournal
from core.paths import DataDir

FIELDS = {
    "document": "Grant deed",
    "fee": "15",
    "thumbprint": True,
    "signers": [
        {
            "name": "Ana",
            "address": "1 Main St",
            "id": {
                "type": "passport",
                "issuer": "US",
                "number": "X12345678",
                "issued": "2019-05-01",
                "expires": "2029-05-01",
            },
        }
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("DEEDBOOK_SCRYPT_N", str(DEMO_SCRYPT_N))
    with tempfile.TemporaryDirectory() as folder:
        home = DataDir.resolve(folder).ensure()
        keys = KeyStore(home.keys)
        keys.create("notary", "benchmark-password", n=DEMO_SCRYPT_N)
        notary = keys.unlock("notary", "benchmark-password")
        journal = NotaryJournal(Path(folder) / "notary-machine")
        fields, california = parse_fields(FIELDS), profile("california")
        started = time.perf_counter()
        last = started
        for n in range(args.rows):
            journal.append(notary, row_type="act", profile=california, act={"entryIndex": n}, fields=fields)
            if n == args.rows - 2:
                last = time.perf_counter()
        total = time.perf_counter() - started
        final = time.perf_counter() - last
        size = journal.path.stat().st_size
        started = time.perf_counter()
        check = journal.verify()
        verify = time.perf_counter() - started
        print(
            f"journal: {args.rows:,} rows ({size / 1e6:.1f} MB) appended in {total:.1f} s; the last append took "
            f"{final * 1000:.0f} ms; verify {verify:.2f} s ({args.rows / verify:,.0f} rows/s), ok={check.ok}"
        )

        ledger = Ledger.create(home, None, "Benchmark", notary)
        deed = register_deed(ledger, notary, parcel="B-1", address="1 Main St", owner=notary.address)
        make_checkpoint(ledger, notary)
        request = attestation_request(ledger, deed.registered_index, notary.address, act="acknowledgment")
        started = time.perf_counter()
        runs = 50
        for _ in range(runs):
            report = check_evidence(request)
        each = (time.perf_counter() - started) / runs
        print(f"offline check of an attestation request's evidence: {each * 1000:.1f} ms (ok={report.ok})")
        ledger.close()


if __name__ == "__main__":
    main()
