"""Issue 13's "done when": two witnesses cosign an operator's checkpoints over a week of appends; the
operator then rewrites an old entry and re-checkpoints; both witnesses refuse, each keeps a fork proof
that `verify-fork` confirms, and a replica syncing from the rewritten ledger refuses it and names the entry.

Time is simulated: entries are recorded, checkpoints dated and cosignatures made at given moments of
the week.  The witnesses and the replica live in data folders of their own, with keys of their own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from core.checkpoint_note import WitnessKey
from core.checkpoints import make_checkpoint
from core.entries import Entry, canonical_json
from core.ledger import Ledger
from core.paths import DataDir
from core.policy import format_policy
from core.replica import LedgerSource, sync
from core.state import LedgerState
from core.verify import verify_ledger
from core.witnessing import followed
from tests.hardening.harness import run_cli
from tests.helpers import World
from tests.witness.conftest import DAY, MONDAY, Witness, checkpoint_and_request, keep
from tests.witness.rewrite import rewrite_entry


def register_at(world: World, parcel: str, owner: str, when: int) -> int:
    """A registration recorded at `when` (the leaf binds the time)."""

    def build(state: LedgerState) -> list[Entry]:
        message = {
            "deedId": state.next_deed_id,
            "parcel": parcel,
            "propertyAddress": f"{parcel} Main St, Ames, IA",
            "legalDescription": f"Lot {parcel}",
            "owner": owner,
            "totalShares": 10_000,
            "attributes": canonical_json({"Gr_Liv_Area": 1500}),
            "nonce": 0,
        }
        return [world.ledger.sign("RegisterDeed", message, world.operator, "registrar")]

    [index] = world.ledger.append_built(build, recorded_at=when)
    return index


def test_a_week_then_a_rewritten_history(
    operator: World, witnesses: Callable[..., list[Witness]], tmp_path: Path
) -> None:
    notary, bank = witnesses("notary.example/w1", "bank.example/w1")
    replica = DataDir.resolve(tmp_path / "county-replica")
    mailbox = tmp_path / "mailbox"
    mailbox.mkdir()
    owner = operator.key("alice").address
    registered: list[int] = []
    for day in range(7):
        morning = MONDAY + day * DAY + 9 * 3600
        registered += [register_at(operator, f"D{day}-{n}", owner, morning + 60 * n) for n in range(3)]
        recorded, request = checkpoint_and_request(operator, mailbox, morning + 8 * 3600)
        for witness in (notary, bank):
            keep(operator, witness.cosign(request, now=morning + 8 * 3600 + 600), now=morning + 9 * 3600)
        report = sync(replica, None, LedgerSource(operator.ledger, "the operator's folder"), now=morning + 10 * 3600)
        assert report.ok and report.size == operator.ledger.size(), report.reason
        assert {c["name"] for c in report.cosigners} == {"notary.example/w1", "bank.example/w1"}
    week_size = int(recorded.message["size"])
    for witness in (notary, bank):
        [state] = followed(witness.home)
        assert state.size == week_size and state.cosigned_at == MONDAY + 6 * DAY + 17 * 3600 + 600
    assert verify_ledger(Ledger.open(replica), jobs=1).ok

    # Anyone holding a proof and the office's policy (both witnesses) accepts an entry of Tuesday.
    policy = tmp_path / "policy.txt"
    policy.write_text(format_policy(operator.ledger.identity, [("notary", key_of(notary)), ("bank", key_of(bank))], 2))
    proof = tmp_path / "proof.json"
    assert run_cli(["--data-dir", str(operator.home.root), "proof", str(registered[4]), "--out", str(proof)]).code == 0
    accepted = run_cli(
        ["--data-dir", str(tmp_path / "anyone"), "verify-proof", str(proof), "--policy", str(policy), "--json"]
    )
    assert accepted.code == 0 and json.loads(accepted.out)["policy"]["witnesses"] == ["notary", "bank"]

    # The operator rewrites Tuesday's first registration (plain SQL, triggers dropped, hashes recomputed)
    # and signs a new checkpoint over the rewritten history, starting its own witness file afresh.
    rewritten = registered[3]
    rewrite_entry(operator.ledger, rewritten, {"owner": operator.key("mallory").address}, operator.operator)
    sunday = MONDAY + 7 * DAY + 9 * 3600
    register_at(operator, "D7-0", owner, sunday)
    from core.witness_requests import build_request

    forged = make_checkpoint(operator.ledger, operator.operator, new_witness=True, now=sunday + 60)
    request = mailbox / "request-forged.json"
    request.write_text(build_request(operator.ledger, forged).to_text(), encoding="utf-8")

    # Both witnesses refuse, and each keeps a fork proof that anyone can check.
    for witness in (notary, bank):
        result = witness.cosign(request, now=sunday + 600)
        assert not result.cosigned and result.fork is not None and result.fork_path is not None
        assert "FORK" in result.sentence
        [state] = followed(witness.home)
        assert state.size == week_size  # nothing was cosigned: the witness still holds the honest tree
        checked = run_cli(["--data-dir", str(tmp_path / "anyone"), "verify-fork", str(result.fork_path)])
        assert checked.code == 1 and checked.out.startswith("FORK PROVED"), checked.out + checked.err

    # The replica refuses the rewritten source, names the entry, and keeps a fork proof of its own.
    refused = run_cli(["--data-dir", str(replica.root), "replica", "sync", "--from", str(operator.home.root), "--json"])
    assert refused.code == 1, refused.err
    report = json.loads(refused.out)
    assert not report["ok"] and report["first_bad"] == rewritten and f"entry {rewritten}" in report["reason"]
    assert run_cli(["--data-dir", str(tmp_path / "anyone"), "verify-fork", report["fork_proof"]]).code == 1
    assert Ledger.open(replica).size() == week_size + 1  # nothing of the rewritten source was synced
    assert verify_ledger(Ledger.open(replica), jobs=1).ok


def key_of(witness: Witness) -> WitnessKey:
    return WitnessKey(witness.name, witness.key.address)


def test_the_replica_names_a_rewritten_entry_from_a_bundle_as_a_span(operator: World, tmp_path: Path) -> None:
    """A bundle file cannot be asked for more: the replica narrows the rewrite to a span of entries (its
    frontier, tied to the signed checkpoint) and says so, and still keeps a fork proof."""
    replica = DataDir.resolve(tmp_path / "replica")
    for day in range(2):
        for n in range(4):
            register_at(operator, f"B{day}-{n}", operator.operator.address, MONDAY + day * DAY + n)
        checkpoint_and_request(operator, tmp_path, MONDAY + day * DAY + 3600)
        assert sync(replica, None, LedgerSource(operator.ledger, "source")).ok
    held = Ledger.open(replica).size()
    rewrite_entry(operator.ledger, 2, {"propertyAddress": "7 Elsewhere Rd"}, operator.operator)
    make_checkpoint(operator.ledger, operator.operator, new_witness=True, now=MONDAY + 3 * DAY)
    bundle = tmp_path / "bundle.json"
    assert (
        run_cli(["--data-dir", str(operator.home.root), "export", "--since", str(held), "--out", str(bundle)]).code == 0
    )
    outcome = run_cli(["--data-dir", str(replica.root), "replica", "sync", "--from", str(bundle), "--json"])
    assert outcome.code == 1
    report = json.loads(outcome.out)
    lo, hi = report["span"]
    assert lo <= 2 < hi and report["first_bad"] is None and f"entries {lo:,} to {hi - 1:,}" in report["reason"]
    assert run_cli(["verify-fork", report["fork_proof"]]).code == 1
    assert Ledger.open(replica).size() == held


@pytest.mark.parametrize("where", ["before", "after"])
def test_an_unwitnessed_rewrite_is_refused_without_a_fork_proof(operator: World, tmp_path: Path, where: str) -> None:
    """An entry no checkpoint covered when the replica copied it can still be compared (the replica holds
    it), but no operator signature covers its old version: refused, named, and no fork proof claimed."""
    replica = DataDir.resolve(tmp_path / "replica")
    register_at(operator, "U-1", operator.operator.address, MONDAY)
    checkpoint_and_request(operator, tmp_path, MONDAY + 60)
    late = register_at(operator, "U-2", operator.operator.address, MONDAY + 120)
    assert sync(replica, None, LedgerSource(operator.ledger, "source")).ok
    rewrite_entry(operator.ledger, late, {"propertyAddress": "2 Moved St"}, operator.operator)
    if where == "after":
        make_checkpoint(operator.ledger, operator.operator, new_witness=True, now=MONDAY + 600)
    report = sync(replica, None, LedgerSource(operator.ledger, "source"))
    assert not report.ok and report.first_bad == late and report.fork_proof is None
    assert report.reason is not None and f"entry {late}" in report.reason


def test_a_witness_that_missed_checkpoints_asks_for_its_own_size(
    operator: World, witnesses: Callable[..., list[Witness]], tmp_path: Path
) -> None:
    """A request carries proofs from recent checkpoints' sizes; a witness further behind is told which size it
    needs, and a request from that size (checkpoint request --from N) is cosigned."""
    [late] = witnesses("late.example/w1")
    register_at(operator, "L-1", operator.operator.address, MONDAY)
    _, first = checkpoint_and_request(operator, tmp_path, MONDAY + 60)
    assert late.cosign(first, now=MONDAY + 120).cosigned
    for n in range(70):  # more checkpoints than a request carries proofs from
        register_at(operator, f"L-{n + 2}", operator.operator.address, MONDAY + 200 + n)
        _, request = checkpoint_and_request(operator, tmp_path, MONDAY + 300 + n)
    refused = late.cosign(request, now=MONDAY + 1000)
    assert refused.status == 409 and refused.size == 2 and "size 2" in refused.sentence
    asked = tmp_path / "asked.json"
    done = run_cli(["--data-dir", str(operator.home.root), "checkpoint", "request", "--out", str(asked), "--from", "2"])
    assert done.code == 0, done.err
    assert late.cosign(asked, now=MONDAY + 1100).cosigned
