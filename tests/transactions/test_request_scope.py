"""Requests are for parties' own acts only.

A checkpoint, a registrar, a genesis, a registration or a recorded valuation is
signed on the ledger's machine by its own command; a request or response for one
is refused wherever it enters (building, parsing, signing, submitting), with the
reason.  The first release let an operator be tricked into signing a crafted
checkpoint request, which made forged documents verify offline.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.deeds import registration_message
from core.errors import DeedbookError
from core.kinds import digest_for, get_kind, kinds, typed_data
from core.requests import (
    FORMAT,
    SigningRequest,
    entry_from_responses,
    make_request,
    parse_request,
    sign_request,
    summarize,
)
from core.transactions import submit
from tests.helpers import valuation_message
from tests.transactions.conftest import Parties, snapshot

PARTY_ACTS = {
    "Transfer": "seller",
    "Acceptance": "buyer",
    "LienPayoff": "lienholder",
    "Lien": "lienholder",
    "LienRelease": "lienholder",
    "Attestation": "notary",
    "Claim": "issuer",
    "ClaimRevocation": "issuer",
    "Hold": "registrar",
    "HoldApproval": "approver",
    "HoldRelease": "registrar",
    "HoldReleaseApproval": "approver",
    "RecoveryApproval": "approver",
    "RecoveryObjection": "holder",
    "Ballot": "voter",
}
LEDGER_ACTS = {
    "LedgerGenesis": "deedbook init",
    "AddRegistrar": "deedbook registrar add",
    "Checkpoint": "deedbook checkpoint",
    "RegisterDeed": "deedbook deed register",
    "Valuation": "deedbook value DEED --record",
    "ClaimIssuer": "deedbook claims issuer add",
    "RulesVersion": "deedbook rules set",
    "RecoveryStart": "deedbook recovery start",
    "RecoveryTransfer": "deedbook recovery complete",
    "Distribution": "deedbook distribution new",
    "Proposal": "deedbook vote propose",
    "ScreeningReview": "deedbook screen review ENTRY",
    "SealCertificate": "deedbook seal cert new",
}


def test_the_allow_list_is_declared_by_the_kinds() -> None:
    declared = {signed: party.role for kind in kinds().values() for signed, party in kind.parties.items()}
    assert declared == PARTY_ACTS
    acts = {kind.name: kind.ledger_act.command for kind in kinds().values() if kind.ledger_act is not None}
    assert acts == LEDGER_ACTS
    for kind in kinds().values():  # every kind says who signs it, one way
        assert bool(kind.parties) != (kind.ledger_act is not None), kind.name


def ledger_act_message(parties: Parties, kind: str) -> dict[str, Any]:
    """A well-formed message of each ledger-operator kind, as an attacker would craft it."""
    identity = parties.ledger.identity
    deed = parties.ledger.deed(parties.deed)
    messages: dict[str, dict[str, Any]] = {
        "LedgerGenesis": {"ledgerId": identity.ledger_id_hex, "name": identity.name, "operator": identity.operator},
        "AddRegistrar": {"ledgerId": identity.ledger_id_hex, "registrar": parties.carol.address},
        "Checkpoint": {
            "ledgerId": identity.ledger_id_hex,
            "size": parties.ledger.size(),
            "root": "0x" + "ab" * 32,
            "timestamp": 1_750_000_000,
        },
        "RegisterDeed": registration_message(
            parties.ledger.deed_count() + 1, parcel="0526399999", address="9 Forged Lane", owner=parties.carol.address
        ),
        "Valuation": valuation_message(parties.ledger, deed.deed_id, estimate=1, low=1, high=1),
        "ClaimIssuer": {"changeId": "0x" + "33" * 32, "issuer": parties.carol.address, "claimTypes": "identity"},
        "RulesVersion": {"version": 1, "rules": '{"format":"deedbook-rules/1"}'},
        "RecoveryStart": {
            "recoveryId": "0x" + "44" * 32,
            "lost": parties.alice.address,
            "new": parties.carol.address,
            "deedId": 0,
            "order": "",
            "reason": "lost",
            "rulesVersion": 1,
        },
        "RecoveryTransfer": {
            "recoveryId": "0x" + "44" * 32,
            "deedId": deed.deed_id,
            "parcel": deed.parcel,
            "from": parties.alice.address,
            "to": parties.carol.address,
            "shares": 1,
            "order": "",
            "deedVersion": deed.version,
        },
        "Distribution": {
            "distributionId": 1,
            "deedId": deed.deed_id,
            "parcel": deed.parcel,
            "recordCheckpoint": 0,
            "totalShares": deed.total_shares,
            "amount": 100,
            "currency": "USD",
            "purpose": "",
            "rounding": "largest-remainder",
            "payouts": [{"holder": parties.carol.address, "shares": deed.total_shares, "minor": 100}],
        },
        "Proposal": {
            "proposalId": 1,
            "deedId": deed.deed_id,
            "parcel": deed.parcel,
            "recordCheckpoint": 0,
            "totalShares": deed.total_shares,
            "text": "Sell?",
            "thresholdBps": 5000,
            "closes": 2_000_000_000,
        },
        "ScreeningReview": {"entry": 1, "decision": "clear", "note": "looks fine", "reviewId": "0x" + "55" * 32},
        "SealCertificate": {
            "name": "county-recorder",
            "certSha256": "0x" + "66" * 32,
            "notBefore": 1_750_000_000,
            "notAfter": 2_000_000_000,
        },
    }
    return messages[kind]


def crafted(parties: Parties, kind: str, *, signed: bool = False, role: str = "operator") -> dict[str, Any]:
    """A request file for a ledger act, in Deedbook's exact form, for the operator to sign (and signed, if asked)."""
    identity = parties.ledger.identity
    message = ledger_act_message(parties, kind)
    data: dict[str, Any] = {
        "format": FORMAT,
        "typedData": typed_data(identity, kind, message),
        "signer": identity.operator,
        "role": role,
    }
    if signed:
        digest = digest_for(identity, get_kind(kind), message, kind)
        data["signature"] = "0x" + parties.world.operator.sign(digest).hex()
    return data


@pytest.mark.parametrize("kind", sorted(LEDGER_ACTS))
def test_a_request_for_a_ledger_act_is_refused_with_the_reason(parties: Parties, kind: str) -> None:
    message = ledger_act_message(parties, kind)
    identity = parties.ledger.identity
    reason = f"own act: it is signed by '{LEDGER_ACTS[kind]}' on the ledger's machine, never by request."
    with pytest.raises(DeedbookError, match="asks for a signature over an? " + kind) as refused:
        parse_request(crafted(parties, kind), what="checkpoint.json")
    assert str(refused.value).endswith(reason) and str(refused.value).startswith("checkpoint.json ")
    with pytest.raises(DeedbookError, match="carries a signature over an? " + kind):
        parse_request(crafted(parties, kind, signed=True), require_signature=True)
    with pytest.raises(DeedbookError, match="A request cannot ask for a signature over"):
        make_request(identity, kind, message, kind, identity.operator)


@pytest.mark.parametrize("kind", sorted(LEDGER_ACTS))
def test_a_signed_ledger_act_is_not_recorded_by_submit(parties: Parties, kind: str) -> None:
    before = snapshot(parties.ledger)
    with pytest.raises(DeedbookError, match="never by request"):
        submit(parties.ledger, [crafted(parties, kind, signed=True)])
    assert snapshot(parties.ledger) == before


def _by_hand(parties: Parties, kind: str, signature: bytes | None = None) -> SigningRequest:
    """A SigningRequest built without the parser, as a script or a bug could."""
    identity = parties.ledger.identity
    message = ledger_act_message(parties, kind)
    digest = digest_for(identity, get_kind(kind), message, kind)
    return SigningRequest(
        typed_data(identity, kind, message), identity.operator, "operator", kind, kind, message, digest, signature
    )


@pytest.mark.parametrize("kind", ["Checkpoint", "AddRegistrar"])
def test_requests_built_by_hand_are_neither_signed_nor_submitted(parties: Parties, kind: str) -> None:
    with pytest.raises(DeedbookError, match="never by request"):
        sign_request(_by_hand(parties, kind), parties.world.operator)
    response = _by_hand(parties, kind, signature=b"\x01" * 65)
    with pytest.raises(DeedbookError, match="never by request"):
        entry_from_responses([response])
    before = snapshot(parties.ledger)
    with pytest.raises(DeedbookError, match="never by request"):
        submit(parties.ledger, [response])
    assert snapshot(parties.ledger) == before


def test_parties_acts_still_travel(parties: Parties) -> None:
    """The allow-list keeps every party's act working, each role signing its own content."""
    prepared = parties.prepare()
    assert [(r.signed_type, r.role) for r in prepared.requests] == [("Transfer", "seller"), ("Acceptance", "buyer")]
    text = summarize(prepared.requests[1], parties.ledger.identity).text()
    assert "You accept this transfer as the buyer." in text
    index = submit(parties.ledger, parties.sign(prepared))
    assert [s.role for s in parties.ledger.entry(index).signatures] == ["seller", "buyer"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(sorted(LEDGER_ACTS)),
    role=st.sampled_from([*PARTY_ACTS.values(), "operator", "registrar"]) | st.text(max_size=12),
    signed=st.booleans(),
    signer_is_party=st.booleans(),
)
def test_no_envelope_makes_a_ledger_act_requestable(
    parties: Parties, kind: str, role: str, signed: bool, signer_is_party: bool
) -> None:
    """Whatever role or signer the envelope claims, the typed data's kind decides, and it is refused."""
    data = crafted(parties, kind, signed=signed, role=role)
    if signer_is_party:
        data["signer"] = parties.alice.address
    with pytest.raises(DeedbookError, match="never by request"):
        parse_request(data, require_signature=signed)
