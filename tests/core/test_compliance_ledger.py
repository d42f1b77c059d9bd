"""Claims, rules, holds and recoveries on a real ledger: every refusal leaves the ledger as it was and names
its rule; a transfer is judged by the rules in force when it is recorded, at prepare, at submit and again
by verify; holds need two people; a recovery follows its approvals, its waiting period and the old key."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from core.compliance import claims, holds, recovery, rules
from core.compliance.judge import TransferRefused
from core.entries import chain_hash, entry_leaf_hash
from core.errors import DeedbookError, RuleViolation
from core.hashing import keccak
from core.kinds import check_signatures
from core.requests import load_request, load_response, sign_request
from core.transactions import submit, transfer_message
from core.verify import verify_ledger
from tests.compliance_helpers import Office, snapshot
from tests.helpers import make_world

DAY = 86_400


@pytest.fixture
def office(tmp_path: Path) -> Office:
    o = Office(make_world(tmp_path / "home"), tmp_path / "requests")
    o.world.register("P-1", o.key("alice").address)
    o.trust()
    return o


def refused_everywhere(
    o: Office,
    deed: int,
    to: str,
    code: str,
    says: str,
    *,
    shares: int | None = None,
    seller: str | None = None,
    signed: list[Any] | None = None,
) -> None:
    """can-transfer, prepare and submit all refuse with the code's sentence; nothing is written."""
    before = snapshot(o.ledger)
    verdict = rules.can_transfer(
        o.ledger, deed, o.key(to).address, shares=shares, frm=o.key(seller).address if seller else None
    )
    assert (verdict.allowed, verdict.code) == (False, code) and says in verdict.reason
    with pytest.raises(TransferRefused) as at_prepare:
        o.prepare(deed, to, shares=shares, seller=seller)
    assert at_prepare.value.verdict.code == code and str(at_prepare.value) == verdict.reason
    if signed is not None:
        with pytest.raises(RuleViolation) as at_submit:
            submit(o.ledger, signed)
        assert str(at_submit.value) == verdict.reason  # the same sentence, from the transfer rule itself
    assert snapshot(o.ledger) == before


# -- each rule, refused at can-transfer, prepare and submit -----------------------------------------------------


def _signed_before(o: Office, deed: int, to: str, **kw: Any) -> list[Any]:
    """Responses signed while the transfer was still allowed (the restriction comes after)."""
    return o.sign_all(o.prepare(deed, to, **kw).requests)


CASES: dict[str, tuple[dict[str, Any], str]] = {
    "claim-missing": ({"required_claims": ["identity"]}, "has no 'identity' claim"),
    "jurisdiction-blocked": ({"jurisdictions": {"blocked": ["US"]}}, "is in US-NY, which is blocked (US)"),
    "jurisdiction-not-allowed": ({"jurisdictions": {"allowed": ["CA", "FR"]}}, "which is not allowed"),
    "not-accredited": ({"accredited_only_for_fractions": True}, "has no 'accredited' claim"),
    "below-minimum-holding": ({"min_holding_shares": 2000}, "holding 1,000 shares"),
    "above-maximum-share": ({"max_share_percent": 5}, "largest share per holder 5%"),
    "too-many-holders": ({"max_holders_per_deed": 1}, "would have 2 holders"),
    "lockup": ({"lockup": {"after_registration_days": 30}}, "cannot sell them before"),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_rule_refuses_with_its_code_and_names_it(office: Office, code: str) -> None:
    o = office
    o.claim("bob", "jurisdiction", "US-NY")
    signed = _signed_before(o, 1, "bob", shares=1000)
    o.rules(**CASES[code][0])
    refused_everywhere(o, 1, "bob", code, CASES[code][1], shares=1000, signed=signed)
    assert "Under rules v1 (" in rules.can_transfer(o.ledger, 1, o.key("bob").address, shares=1000).reason
    assert verify_ledger(o.ledger, jobs=1).ok


def test_a_claim_from_an_issuer_not_trusted_for_its_type_does_not_count(office: Office) -> None:
    o = office
    o.trust("kyc2", "identity")
    claims.issue_claim(o.ledger, o.key("kyc2"), o.key("bob").address, "identity", "", 0, "0x" + "12" * 32)
    o.rules(required_claims=["identity"])
    assert rules.can_transfer(o.ledger, 1, o.key("bob").address).allowed
    o.trust("kyc2", "jurisdiction")  # the operator narrows what kyc2 is trusted for
    refused_everywhere(o, 1, "bob", "claim-missing", "from an issuer trusted for that type")


def test_an_issuer_no_longer_trusted_counts_for_nothing_until_trusted_again(office: Office) -> None:
    o = office
    o.claim("bob", "identity")
    o.rules(required_claims=["identity"])
    assert rules.can_transfer(o.ledger, 1, o.key("bob").address).allowed
    kyc = o.key("kyc").address
    removed = claims.remove_issuer(o.ledger, o.world.operator, kyc)
    assert "no longer trusted" in o.ledger.entry(removed).describe()
    refused_everywhere(o, 1, "bob", "claim-missing", "from an issuer trusted for that type")
    with pytest.raises(DeedbookError, match=f"no longer a trusted claim issuer \\(entry {removed}\\)"):
        claims.check_issuer(o.ledger, kyc, "identity")  # said before the issuer's password is asked
    with pytest.raises(RuleViolation, match="no longer a trusted claim issuer"):
        o.claim("carol", "identity")  # the rule itself refuses a claim signed anyway
    before = snapshot(o.ledger)
    with pytest.raises(DeedbookError, match="no trust to remove"):
        claims.remove_issuer(o.ledger, o.world.operator, kyc)
    with pytest.raises(DeedbookError, match="no trust to remove"):
        claims.remove_issuer(o.ledger, o.world.operator, o.key("carol").address)
    forged = {"changeId": "0x" + "77" * 32, "issuer": kyc, "claimTypes": ""}  # a removal past the check
    with pytest.raises(RuleViolation, match="no trust to remove"):
        o.ledger.append([o.ledger.sign("ClaimIssuer", forged, o.world.operator, "operator")])
    assert snapshot(o.ledger) == before
    assert [i.types for i in claims.list_issuers(o.ledger)] == [()]
    o.trust()  # trusted again: its earlier claims count again
    assert rules.can_transfer(o.ledger, 1, o.key("bob").address).allowed
    assert verify_ledger(o.ledger, jobs=1).ok


def test_revoked_and_expired_claims_do_not_count(office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    o = office
    first = o.claim("bob", "identity")
    o.rules(required_claims=["identity"])
    assert rules.can_transfer(o.ledger, 1, o.key("bob").address).allowed
    revoked = claims.revoke_claim(o.ledger, o.key("kyc"), claims.find_claim(o.ledger, first))
    refused_everywhere(o, 1, "bob", "claim-missing", f"claim {first} was revoked at entry {revoked}")
    with pytest.raises(RuleViolation, match="revoked already"):
        claims.revoke_claim(o.ledger, o.key("kyc"), claims.find_claim(o.ledger, first))
    soon = int(time.time()) + 2 * DAY
    o.claim("bob", "identity", expires=soon)
    assert rules.can_transfer(o.ledger, 1, o.key("bob").address).allowed
    later = soon + 1
    monkeypatch.setattr(time, "time", lambda: later)
    verdict = rules.can_transfer(o.ledger, 1, o.key("bob").address)
    assert verdict.code == "claim-missing" and "expired" in verdict.reason
    assert [v.status for v in claims.list_claims(o.ledger, o.key("bob").address)] == ["revoked", "expired"]


def test_only_a_trusted_issuer_issues_and_only_its_issuer_revokes(office: Office) -> None:
    o = office
    before = snapshot(o.ledger)
    with pytest.raises(RuleViolation, match="not a claim issuer"):
        claims.issue_claim(o.ledger, o.key("mallory"), o.key("bob").address, "identity", "", 0, "0x" + "12" * 32)
    with pytest.raises(RuleViolation, match="not for 'entity-type'"):
        claims.issue_claim(o.ledger, o.key("kyc"), o.key("bob").address, "entity-type", "trust", 0, "0x" + "12" * 32)
    with pytest.raises(DeedbookError, match="country code"):
        claims.issue_claim(o.ledger, o.key("kyc"), o.key("bob").address, "jurisdiction", "Narnia", 0, "0x" + "12" * 32)
    assert snapshot(o.ledger) == before
    number = o.claim("bob", "identity")
    claim = claims.find_claim(o.ledger, number)
    before = snapshot(o.ledger)
    o.trust("kyc2", "identity")
    before = snapshot(o.ledger)
    with pytest.raises(RuleViolation, match="only its issuer can revoke it"):
        o.ledger.append(
            [
                o.ledger.sign(
                    "ClaimRevocation",
                    {**claims.revocation_message(claim), "issuer": o.key("kyc2").address},
                    o.key("kyc2"),
                    "issuer",
                )
            ]
        )
    assert snapshot(o.ledger) == before


def test_the_evidence_stays_with_the_issuer_only_its_hash_is_recorded(office: Office, tmp_path: Path) -> None:
    evidence = tmp_path / "passport-scan.pdf"
    evidence.write_bytes(b"%PDF-1.7 passport of Bob, number X1234567")
    digest = claims.evidence_hash(evidence)
    assert digest == "0x" + keccak(evidence.read_bytes()).hex()
    index, _ = claims.issue_claim(
        office.ledger, office.key("kyc"), office.key("bob").address, "identity", "", 0, digest
    )
    stored = office.ledger.entry(index).message
    assert stored["evidenceHash"] == digest and "X1234567" not in str(office.ledger.entry(index).as_json())


# -- versions: judged by the rules in force when recorded ------------------------------------------------------


def test_a_transfer_allowed_under_v1_stays_valid_after_v2_tightens(office: Office) -> None:
    o = office
    o.claim("bob", "identity")
    o.rules(required_claims=["identity"])
    sold = o.sell(1, "bob", shares=4000)
    o.rules(required_claims=["identity", "accredited"], max_holders_per_deed=1)
    assert verify_ledger(o.ledger, jobs=1).ok  # v1's transfer is still valid: it is judged by v1
    history = rules.rules_history(o.ledger)
    assert [v.version for v in history] == [1, 2] and history[0].index < sold < history[1].index
    o.claim("carol", "identity")
    refused_everywhere(o, 1, "carol", "claim-missing", "no 'accredited' claim", shares=100, seller="bob")


def test_verify_catches_a_transfer_that_broke_the_rules_in_force(office: Office) -> None:
    """A transfer to a holder without the identity claim rules v1 require, written into the database with
    plain SQL (valid signatures, leaf and chain hashes): verify names that entry and its rule."""
    o = office
    o.rules(required_claims=["identity"])
    ledger, alice, carol = o.ledger, o.key("alice"), o.key("carol")
    message = transfer_message(ledger, 1, carol.address, "1000")  # the content rules, not the transfer rules
    entry = ledger.cosign(ledger.sign("Transfer", message, alice, "seller"), carol, "buyer", "Acceptance")
    recorded_at = int(time.time())
    leaf = entry_leaf_hash(recorded_at, check_signatures(ledger.identity, entry), entry.signatures)
    last = ledger.entry(ledger.size() - 1)
    index = last.index + 1
    db = sqlite3.connect(o.world.home.database)
    db.execute("DROP TRIGGER IF EXISTS entries_append_only_update")
    db.execute("DROP TRIGGER IF EXISTS entries_append_only_delete")
    db.execute(
        "INSERT INTO entries (idx, kind, deed_id, signers, message, signatures, recorded_at, leaf_hash, "
        "chain_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            index,
            "Transfer",
            1,
            " ".join(s.signer.lower() for s in entry.signatures),
            entry.message_json(),
            entry.signatures_json(),
            recorded_at,
            "0x" + leaf.hex(),
            "0x" + chain_hash(last.chain_hash, leaf).hex(),
        ),
    )
    db.commit()
    db.close()
    report = verify_ledger(ledger, jobs=1)
    assert not report.ok and report.first_bad == index
    assert f"Entry {index} (Transfer): Under rules v1 (claims required to hold: identity)" in (report.reason or "")


# -- holds -------------------------------------------------------------------------------------------------------


def test_a_hold_takes_two_people_freezes_and_is_released(office: Office) -> None:
    o = office
    before = snapshot(o.ledger)
    with pytest.raises(DeedbookError, match="has none besides the registrar"):
        holds.hold_message(
            o.ledger, o.world.operator.address, deed=1, holder=None, reason="r", order="o", approver=None
        )
    with pytest.raises(DeedbookError, match="cannot be the registrar"):
        holds.hold_message(
            o.ledger,
            o.world.operator.address,
            deed=1,
            holder=None,
            reason="r",
            order="o",
            approver=o.world.operator.address,
        )
    with pytest.raises(DeedbookError, match="is not a registrar, so it cannot co-sign"):
        holds.hold_message(
            o.ledger,
            o.world.operator.address,
            deed=1,
            holder=None,
            reason="r",
            order="o",
            approver=o.key("bob").address,
        )
    assert snapshot(o.ledger) == before
    signed = _signed_before(o, 1, "bob")
    hold = o.hold(deed=1, order="CV-7", reason="title fraud inquiry")
    refused_everywhere(o, 1, "bob", "deed-frozen", "order CV-7: title fraud inquiry", signed=signed)
    assert [e.kind for e in o.ledger.history(1)][-1] == "Hold"  # in the deed's chain of title
    with pytest.raises(DeedbookError, match="exists already"):  # a request file is never overwritten
        holds.write_hold(
            o.ledger, {**hold, "holdId": hold["holdId"]}, o.world.operator, o.folder / hold["holdId"][2:10]
        )
    o.release(hold["holdId"])
    assert rules.can_transfer(o.ledger, 1, o.key("bob").address).allowed
    with pytest.raises(DeedbookError, match="released already"):
        o.release(hold["holdId"])
    assert verify_ledger(o.ledger, jobs=1).ok


def test_a_holder_hold_freezes_its_shares_in_every_deed_and_the_approver_is_checked(office: Office) -> None:
    o = office
    o.world.register("P-2", o.key("alice").address)
    o.hold(holder="alice")
    for deed in (1, 2):
        refused_everywhere(o, deed, "bob", "sender-frozen", "The shares of")
    o.world.register("P-3", o.key("carol").address)
    refused_everywhere(o, 3, "alice", "receiver-frozen", "cannot receive shares")
    o.rules(holds={"second_approvers": [o.key("court").address]})
    with pytest.raises(DeedbookError, match="a hold is co-signed by"):
        holds.hold_message(
            o.ledger,
            o.world.operator.address,
            deed=3,
            holder=None,
            reason="r",
            order="o",
            approver=o.key("registrar2").address,
        )
    message = holds.hold_message(
        o.ledger, o.world.operator.address, deed=3, holder=None, reason="r", order="o", approver=None
    )  # the one approver the rules name
    assert message["approver"] == o.key("court").address


def test_a_response_missing_the_approvers_signature_is_not_recorded(office: Office) -> None:
    o = office
    approver = o.second_registrar()
    message = holds.hold_message(
        o.ledger, o.world.operator.address, deed=1, holder=None, reason="r", order="o", approver=approver.address
    )
    act = holds.write_hold(o.ledger, message, o.world.operator, o.folder)
    before = snapshot(o.ledger)
    with pytest.raises(DeedbookError, match="still needs the approver's approval"):
        submit(o.ledger, [load_response(act.files[0][2])])
    with pytest.raises(DeedbookError, match="request is for"):  # only the approver named can sign it
        sign_request(load_request(act.files[1][2]), o.key("bob"))
    assert snapshot(o.ledger) == before


# -- recovery ------------------------------------------------------------------------------------------------------


def policy(o: Office) -> dict[str, Any]:
    return {
        "recovery": {
            "approvals": [
                {"role": "registrar", "by": "registrars"},
                {"role": "notary", "by": [o.key("notary").address]},
                {"role": "court officer", "by": [o.key("court").address]},
            ],
            "waiting_days": 3,
        }
    }


def later(monkeypatch: pytest.MonkeyPatch, days: float) -> None:
    moment = time.time() + days * DAY
    monkeypatch.setattr(time, "time", lambda: moment)


def test_no_recovery_without_a_policy(office: Office) -> None:
    o = office
    before = snapshot(o.ledger)
    with pytest.raises(DeedbookError, match=r"name no recovery policy|No rules are in force"):
        recovery.start_message(
            o.ledger, o.world.operator.address, lost=o.key("alice").address, new=o.key("dave").address, reason="lost"
        )
    assert snapshot(o.ledger) == before


def test_a_lost_key_recovery_in_order_with_a_waiting_period(office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    o = office
    o.world.register("P-2", o.key("alice").address)
    o.sell(2, "bob", shares=2500)
    o.rules(**policy(o), lockup={"after_registration_days": 100})
    rid = o.open_recovery("alice", "dave")
    refused_everywhere(o, 2, "carol", "recovery-pending", "held by a key recovery", seller="alice")
    before = snapshot(o.ledger)
    case = recovery.find(o.ledger, rid)
    requests = {
        r.message["step"]: r
        for r, _ in recovery.approval_requests(o.ledger, case)
        if r.signer != o.world.operator.address or r.message["step"] == 1
    }
    with pytest.raises(RuleViolation, match="approval 1 \\(registrar\\) is not recorded yet"):
        submit(o.ledger, o.sign_all([requests[2]]))  # the notary signed first: kept, refused until its turn
    assert snapshot(o.ledger) == before
    o.approve(rid, "operator")
    submit(o.ledger, o.sign_all([requests[2]]))  # the same response, now in order
    assert recovery.status(o.ledger, rid)[0].state == "awaiting-approval"
    with pytest.raises(DeedbookError, match="has 2 of 3 approvals"):
        recovery.check_complete(o.ledger, o.world.operator.address, recovery.find(o.ledger, rid))
    o.approve(rid, "court")
    view = recovery.status(o.ledger, rid)[0]
    assert view.state == "waiting" and [s.approver for s in view.steps] == [
        o.world.operator.address,
        o.key("notary").address,
        o.key("court").address,
    ]
    with pytest.raises(DeedbookError, match=r"waiting period .* ends"):
        recovery.check_complete(o.ledger, o.world.operator.address, recovery.find(o.ledger, rid))
    later(monkeypatch, 3.01)
    assert recovery.status(o.ledger, rid)[0].state == "ready"
    case = recovery.find(o.ledger, rid)
    deeds = recovery.check_complete(o.ledger, o.world.operator.address, case)
    moved = recovery.complete(o.ledger, o.world.operator, case, deeds)
    assert deeds == [1, 2] and len(moved) == 2
    assert o.ledger.deed(1).holders == {o.key("dave").address: 10_000}
    assert o.ledger.deed(2).holders == {o.key("dave").address: 7_500, o.key("bob").address: 2_500}
    assert [e.kind for e in o.ledger.history(2)][-1] == "RecoveryTransfer"
    assert recovery.status(o.ledger, rid)[0].state == "completed"
    # the lock-up keeps counting from alice's registration: dave cannot sell before it ends either
    refused_everywhere(o, 1, "carol", "lockup", "cannot sell them before", seller="dave")
    assert verify_ledger(o.ledger, jobs=1).ok


def test_an_objection_from_the_old_key_cancels_a_recovery(office: Office) -> None:
    o = office
    o.rules(**policy(o))
    rid = o.open_recovery("alice", "dave")
    o.approve(rid, "operator", "notary")
    request, name = recovery.objection_request(o.ledger, recovery.find(o.ledger, rid))
    assert request.signer == o.key("alice").address and name.endswith("-objection.json")
    submit(o.ledger, o.sign_all([request]))
    view = recovery.status(o.ledger, rid)[0]
    assert view.state == "cancelled" and "holder objected" in view.summary
    assert rules.can_transfer(o.ledger, 1, o.key("carol").address).allowed  # alice's shares are hers again
    before = snapshot(o.ledger)
    with pytest.raises(DeedbookError, match="is cancelled; it needs no more approvals"):
        o.approve(rid, "court")
    late = {
        "recoveryId": rid,
        "lost": o.key("alice").address,
        "new": o.key("dave").address,
        "deedId": 0,
        "order": "",
        "step": 3,
        "role": "court officer",
        "approver": o.key("court").address,
    }
    with pytest.raises(RuleViolation, match="cancelled by the holder's objection"):  # signed before it was cancelled
        o.ledger.append([o.ledger.sign("RecoveryApproval", late, o.key("court"), "approver")])
    with pytest.raises(DeedbookError, match="nothing to object to"):
        recovery.objection_request(o.ledger, recovery.find(o.ledger, rid))
    assert snapshot(o.ledger) == before
    second = o.open_recovery("alice", "dave")  # a new recovery can be opened after a cancelled one
    assert second != rid and verify_ledger(o.ledger, jobs=1).ok


def test_a_court_ordered_transfer_follows_the_same_path_and_cannot_be_objected_to(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = office
    o.rules(**policy(o))
    rid = o.open_recovery("alice", "carol", order="Case 24-CV-0091, judgment of 2026-03-02", deed=1)
    o.approve(rid, "operator", "notary", "court")
    with pytest.raises(DeedbookError, match="court order"):
        recovery.objection_request(o.ledger, recovery.find(o.ledger, rid))
    objection = {"recoveryId": rid, "lost": o.key("alice").address, "new": o.key("carol").address}
    before = snapshot(o.ledger)
    with pytest.raises(RuleViolation, match="not stopped by the holder's objection"):
        o.ledger.append([o.ledger.sign("RecoveryObjection", objection, o.key("alice"), "holder")])
    assert snapshot(o.ledger) == before
    later(monkeypatch, 3.5)
    case = recovery.find(o.ledger, rid)
    [index] = recovery.complete(
        o.ledger, o.world.operator, case, recovery.check_complete(o.ledger, o.world.operator.address, case)
    )
    assert o.ledger.entry(index).describe().endswith("by court order Case 24-CV-0091, judgment of 2026-03-02")
    assert verify_ledger(o.ledger, jobs=1).ok


def test_who_may_approve(office: Office) -> None:
    o = office
    o.rules(**policy(o))
    rid = o.open_recovery("alice", "dave")
    case = recovery.find(o.ledger, rid)
    base = {"recoveryId": rid, "lost": case.lost, "new": case.new, "deedId": 0, "order": ""}
    before = snapshot(o.ledger)
    bad = [
        ({"step": 1, "role": "registrar", "approver": o.key("bob").address}, "bob", "is not one"),
        ({"step": 1, "role": "notary", "approver": o.world.operator.address}, "operator", "given by the registrar"),
        ({"step": 2, "role": "notary", "approver": o.key("notary").address}, "notary", "not recorded yet"),
        (
            {**base, "new": o.key("bob").address, "step": 1, "role": "registrar", "approver": o.world.operator.address},
            "operator",
            "does not describe recovery",
        ),
    ]
    keys = {"bob": o.key("bob"), "operator": o.world.operator, "notary": o.key("notary")}
    for extra, signer, says in bad:
        with pytest.raises(RuleViolation, match=says):
            o.ledger.append([o.ledger.sign("RecoveryApproval", {**base, **extra}, keys[signer], "approver")])
    assert snapshot(o.ledger) == before
    o.approve(rid, "operator")
    with pytest.raises(RuleViolation, match="recorded before"):  # the same approval twice: a replay
        o.ledger.append(
            [
                o.ledger.sign(
                    "RecoveryApproval",
                    {**base, "step": 1, "role": "registrar", "approver": o.world.operator.address},
                    o.world.operator,
                    "approver",
                )
            ]
        )


# -- the projection ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement, says",
    [
        ("DELETE FROM compliance WHERE kind = 'claim'", "has lost the claim"),
        (
            (
                "UPDATE compliance SET data = replace(data, '\"how\":\"registration\"', '\"how\":\"purchase\"') "
                "WHERE kind = 'acquired'"
            ),
            "disagrees with the ledger about the acquired",
        ),
        ("INSERT INTO compliance VALUES ('hold', '0x' || hex(zeroblob(32)), '{}')", "holds a hold"),
        ("UPDATE compliance SET data = '{\"next\": 1}' WHERE kind = 'counter' AND key = 'rules'", "counter rules"),
    ],
)
def test_a_tampered_compliance_table_fails_verify(office: Office, statement: str, says: str) -> None:
    office.claim("bob", "identity")
    office.rules(required_claims=["identity"])
    assert verify_ledger(office.ledger, jobs=1).ok
    with sqlite3.connect(office.world.home.database) as db:
        db.execute(statement)
    report = verify_ledger(office.ledger, jobs=1)
    assert not report.ok and says in (report.reason or ""), report.reason


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_migration_0006_fills_acquisitions_from_a_0004_ledger(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from sqlalchemy import text

    from core.compliance.store import stored_compliance
    from core.ledger import Ledger
    from core.store import SCHEMA_HEAD

    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    world = make_world(tmp_path / "home", "Old County", url)
    o = Office(world, tmp_path / "requests")
    for parcel in ("P-1", "P-2"):
        world.register(parcel, o.key("alice").address)
    o.sell(1, "bob", shares=300)
    o.sell(1, "carol", shares=100, seller="bob")
    with world.ledger.engine.connect() as conn:
        expected = stored_compliance(conn)  # written by the appends themselves
    assert [row[1].split(":")[0] for row in expected] == ["1", "1", "1", "2"]
    with world.ledger.engine.begin() as conn:
        conn.execute(text("DROP TABLE compliance"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0004'"))
    world.ledger.close()
    reopened = Ledger.open(world.home, url)  # migrates 0004 -> 0006
    with reopened.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        assert stored_compliance(conn) == expected
    assert verify_ledger(reopened, jobs=1).ok
    reopened.close()


def test_a_certificate_of_title_shows_who_holds_after_a_recovery(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The certificate replays the deed's entries on its own: a recovery's move is one of them, and the hold
    and its release are rows of the chain of title."""
    import io

    from pypdf import PdfReader

    from core.checkpoints import make_checkpoint
    from desktop.documents import build_title_pdf, verify_pdf

    o = office
    o.sell(1, "bob", shares=2500)
    o.rules(**policy(o))
    hold = o.hold(deed=1)
    o.release(hold["holdId"])
    rid = o.open_recovery("alice", "dave", deed=1)
    o.approve(rid, "operator", "notary", "court")
    later(monkeypatch, 3.5)
    case = recovery.find(o.ledger, rid)
    recovery.complete(
        o.ledger, o.world.operator, case, recovery.check_complete(o.ledger, o.world.operator.address, case)
    )
    make_checkpoint(o.ledger, o.world.operator)
    pdf = build_title_pdf(o.ledger, 1)
    report = verify_pdf(pdf, o.ledger)
    assert report.ok, report.reason
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    dave, alice = o.key("dave").address, o.key("alice").address
    assert dave[:20].lower() in text.lower() and "Key recovery" in text and "Frozen (hold)" in text
    holders = text.split("HOLDERS OF RECORD")[1].split("ENCUMBRANCES")[0]
    assert dave[:20].lower() in holders.lower() and alice[:20].lower() not in holders.lower()


def test_every_kind_of_this_area_proves_offline(office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    """An inclusion proof of each new entry checks with no ledger, signers and all (a registrar's act by a key
    made registrar carries the operator's AddRegistrar)."""
    from core.checkpoints import make_checkpoint
    from core.proofs import build_proof, verify_proof

    o = office
    o.claim("bob", "identity")
    o.rules(**policy(o))
    hold = o.hold(deed=1)
    o.release(hold["holdId"])
    registrar2 = o.second_registrar()
    message = recovery.start_message(
        o.ledger, registrar2.address, lost=o.key("alice").address, new=o.key("dave").address, reason="lost"
    )
    recovery.start(o.ledger, registrar2, message)
    o.approve(message["recoveryId"], "operator", "notary", "court")
    later(monkeypatch, 3.5)
    case = recovery.find(o.ledger, message["recoveryId"])
    recovery.complete(o.ledger, registrar2, case, recovery.check_complete(o.ledger, registrar2.address, case))
    make_checkpoint(o.ledger, o.world.operator)
    seen = set()
    for entry in o.ledger.entries():
        if entry.kind in ("LedgerGenesis", "Checkpoint", "RegisterDeed", "AddRegistrar"):
            continue
        report = verify_proof(build_proof(o.ledger, entry.index))
        assert report.index == entry.index and report.kind == entry.kind
        seen.add(entry.kind)
    assert seen == {
        "ClaimIssuer",
        "Claim",
        "RulesVersion",
        "Hold",
        "HoldRelease",
        "RecoveryStart",
        "RecoveryApproval",
        "RecoveryTransfer",
    }
