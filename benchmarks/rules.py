"""What the transfer rules cost: can-transfer's answer, a transfer's submit and verify, with and without rules.

    python benchmarks/rules.py [--deeds 200] [--claims 2000] [--rounds 100]

A SQLite ledger gets `--deeds` deeds, a trusted issuer and `--claims` claims about as many
addresses; then `--rounds` transfers are prepared, signed and submitted twice over, first with
no rules and then under rules that need the identity and jurisdiction claims, cap the holders
and the share per holder and set a lock-up (each refusal path is not timed: every transfer here
is allowed).  Figures: the median can-transfer answer, the mean submit, and verify's time per
entry over the whole ledger (one process).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DEEDBOOK_SCRYPT_N", "1024")  # keys made here only; real keys keep geth's cost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deeds", type=int, default=200)
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()

    from core.compliance import claims, rules
    from core.compliance.schema import parse_rules
    from core.entries import Entry
    from core.requests import sign_request
    from core.state import LedgerState
    from core.transactions import prepare_transfer, submit
    from core.verify import verify_ledger
    from tests.helpers import make_world

    world = make_world(Path(tempfile.mkdtemp()) / "home", name="Rules Benchmark")
    ledger = world.ledger
    seller, buyer, kyc = world.key("seller"), world.key("buyer"), world.key("kyc")
    for number in range(args.deeds):
        world.register(f"B-{number:05d}", seller.address)
    claims.add_issuer(ledger, world.operator, kyc.address, "identity,jurisdiction")
    started = time.perf_counter()
    subjects = ["0x" + f"{i + 1:040x}" for i in range(args.claims // 2)] + [buyer.address]

    def build(state: LedgerState) -> list[Entry]:
        out, next_id = [], state.compliance.counter("claims")
        for subject in subjects:
            for claim_type, value in (("identity", ""), ("jurisdiction", "US-NY")):
                message = {
                    "claimId": next_id,
                    "subject": subject,
                    "claimType": claim_type,
                    "value": value,
                    "issuer": kyc.address,
                    "expires": 0,
                    "evidenceHash": "0x" + "5e" * 32,
                }
                out.append(ledger.sign("Claim", message, kyc, "issuer"))
                next_id += 1
        return out

    ledger.append_built(build)
    print(f"{2 * len(subjects):,} claims recorded in {time.perf_counter() - started:.1f} s")

    def round_trip(deed: int) -> tuple[float, float]:
        began = time.perf_counter()
        verdict = rules.can_transfer(ledger, deed, buyer.address, shares=1000)
        asked = time.perf_counter() - began
        assert verdict.allowed, verdict.reason
        prepared = prepare_transfer(ledger, deed, buyer.address, "1000", shares=1000)
        signed = [sign_request(r, seller if r.role == "seller" else buyer) for r in prepared.requests]
        began = time.perf_counter()
        submit(ledger, signed)
        return asked, time.perf_counter() - began

    figures = {}
    for label, deeds in (
        ("no rules", range(1, args.rounds + 1)),
        ("rules", range(args.rounds + 1, 2 * args.rounds + 1)),
    ):
        if label == "rules":
            rules.set_rules(
                ledger,
                world.operator,
                parse_rules(
                    {
                        "format": "deedbook-rules/1",
                        "required_claims": ["identity"],
                        "jurisdictions": {"allowed": ["US", "CA"], "blocked": ["KP"]},
                        "max_holders_per_deed": 50,
                        "max_share_percent": 60,
                        "min_holding_shares": 10,
                        "lockup": {"after_purchase_days": 30},
                    }
                ),
            )
        timings = [round_trip((d - 1) % args.deeds + 1) for d in deeds]
        figures[label] = (statistics.median(a for a, _ in timings), statistics.mean(s for _, s in timings))
        print(
            f"{label:>8}: can-transfer median {figures[label][0] * 1000:.1f} ms, submit mean "
            f"{figures[label][1] * 1000:.1f} ms ({args.rounds} transfers)"
        )
    report = verify_ledger(ledger, jobs=1)
    assert report.ok, report.reason
    print(
        f"verify: {report.entries:,} entries in {report.seconds:.2f} s "
        f"({report.seconds / report.entries * 1e6:.0f} \u00b5s per entry, one process)"
    )


if __name__ == "__main__":
    main()
