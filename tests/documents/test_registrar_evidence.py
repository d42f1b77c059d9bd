"""Offline verification does not rest on the operator's checkpoint signature alone.

A registration is genuine offline only when it is signed by the operator or by a
key the record shows the operator made registrar (its AddRegistrar entry, recorded
before, proved in the same checkpoint); every party signature must be by the party
its entry names.  The forgeries are what the first release accepted as GENUINE.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.checkpoints import make_checkpoint
from core.documents.evidence import check_record
from core.errors import DeedbookError, VerificationFailed
from core.keys import UnlockedKey
from core.proofs import build_proof, verify_proof
from desktop.cli.main import run
from desktop.documents import build_title_pdf, build_transfer_pdf, verify_pdf
from desktop.documents.registry import render_record
from desktop.documents.title import collect_title
from tests.documents.builders import DAY, T0, transfer
from tests.documents.forgery import forge_record, forged_registration, forged_title
from tests.helpers import World, make_world, valuation_message


@dataclass
class Office:
    world: World
    clerk: UnlockedKey  # made registrar by the operator
    mallory: UnlockedKey  # never made registrar
    alice: UnlockedKey
    by_operator: int  # deed registered by the operator
    by_clerk: int  # deed registered by the clerk
    appointment: int  # the AddRegistrar entry
    registration: int  # the clerk's registration entry
    sale: int  # a transfer of the clerk's deed
    valued: int  # deed registered by the operator, valued by the clerk


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Office:
    world = make_world(tmp_path_factory.mktemp("office") / "home")
    clerk, mallory, alice, bob = (world.key(n) for n in ("clerk", "mallory", "alice", "bob"))
    ledger = world.ledger
    by_operator = world.register("0526301100", alice.address)
    ledger.append(
        [
            ledger.sign(
                "AddRegistrar",
                {"ledgerId": ledger.identity.ledger_id_hex, "registrar": clerk.address},
                world.operator,
                "operator",
            )
        ]
    )
    appointment = ledger.size() - 1
    by_clerk = world.register("0526301101", alice.address, registrar=clerk)
    registration = ledger.size() - 1
    sale = transfer(world, by_clerk, alice, bob, None, 250_000_00, T0 + DAY)
    valued = world.register("0526301102", alice.address)
    ledger.append([ledger.sign("Valuation", valuation_message(ledger, valued), clerk, "appraiser")])
    make_checkpoint(ledger, world.operator)
    return Office(world, clerk, mallory, alice, by_operator, by_clerk, appointment, registration, sale, valued)


# -- genuine documents and proofs carry the evidence ------------------------------------


def test_a_registrars_title_embeds_its_appointment_and_verifies_offline(office: Office) -> None:
    record = collect_title(office.world.ledger, office.by_clerk)
    assert [(e.index, e.kind) for e in record.entries][:2] == [
        (office.appointment, "AddRegistrar"),
        (office.registration, "RegisterDeed"),
    ]
    assert verify_pdf(build_title_pdf(office.world.ledger, office.by_clerk)).ok
    transfer_record = verify_pdf(build_transfer_pdf(office.world.ledger, office.sale))
    assert transfer_record.ok and {e["kind"] for e in transfer_record.entries} == {
        "AddRegistrar",
        "RegisterDeed",
        "Transfer",
    }


def test_an_operators_title_carries_no_appointment(office: Office) -> None:
    record = collect_title(office.world.ledger, office.by_operator)
    assert [e.kind for e in record.entries] == ["RegisterDeed"]


def test_a_valuation_recorded_by_a_registrar_brings_its_appointment(office: Office) -> None:
    record = collect_title(office.world.ledger, office.valued)
    assert [e.kind for e in record.entries] == ["AddRegistrar", "RegisterDeed", "Valuation"]
    assert verify_pdf(render_record(record)).ok
    bare = replace(record, entries=[e for e in record.entries if e.kind != "AddRegistrar"])
    with pytest.raises(VerificationFailed, match=r"was signed \(a Valuation\) by .*which this record does not show"):
        check_record(bare)


def test_a_registration_proof_carries_the_appointment(
    office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proof = build_proof(office.world.ledger, office.registration)
    assert proof["registrar"]["entry"]["index"] == office.appointment
    assert verify_proof(proof).kind == "RegisterDeed"
    assert "registrar" not in build_proof(office.world.ledger, 1)  # the operator's own registration
    stripped = dict(proof)
    del stripped["registrar"]
    with pytest.raises(VerificationFailed, match="which this proof does not show to be a registrar"):
        verify_proof(stripped)
    path = tmp_path / "stripped.json"
    path.write_text(json.dumps(stripped))
    assert run(["--data-dir", str(tmp_path / "nowhere"), "verify-proof", str(path)]) == 1
    err = capsys.readouterr().err
    assert "does not show to be a registrar" in err and "Traceback" not in err


def _evidence_edits(office: Office) -> list[tuple[str, Any]]:
    ledger = office.world.ledger
    other = office.world.key("other-clerk")

    def another_key(evidence: dict[str, Any]) -> None:
        evidence["entry"]["message"]["registrar"] = other.address

    def later(evidence: dict[str, Any]) -> None:
        evidence["entry"]["index"] = office.registration + 1

    def self_appointed(evidence: dict[str, Any]) -> None:  # the clerk signs its own AddRegistrar
        signed = ledger.sign("AddRegistrar", evidence["entry"]["message"], office.clerk, "operator")
        evidence["entry"]["signatures"] = [s.as_json() for s in signed.signatures]

    def not_an_appointment(evidence: dict[str, Any]) -> None:
        evidence["entry"] = build_proof(ledger, ledger.deed(office.by_operator).registered_index)["entry"]

    def wrong_path(evidence: dict[str, Any]) -> None:
        evidence["auditPath"] = list(reversed(evidence["auditPath"]))

    return [
        ("another key", another_key),
        ("recorded after", later),
        ("self-appointed", self_appointed),
        ("not an AddRegistrar", not_an_appointment),
        ("wrong audit path", wrong_path),
    ]


def test_evidence_that_does_not_prove_the_appointment_is_refused(office: Office) -> None:
    for name, edit in _evidence_edits(office):
        proof = copy.deepcopy(build_proof(office.world.ledger, office.registration))
        edit(proof["registrar"])
        try:
            verify_proof(proof)
        except VerificationFailed as refused:
            assert "does not show to be a registrar" in refused.reason, (name, refused.reason)
        else:
            pytest.fail(f"evidence changed ({name}) was accepted")


# -- forgeries made with one operator checkpoint signature --------------------------------


def test_a_title_registered_by_a_key_never_made_registrar_is_not_genuine(
    office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = office.world.ledger
    forged = forged_title(ledger, office.world.operator, office.mallory, office.mallory.address)
    report = verify_pdf(forged)
    assert not report.ok
    assert report.reason is not None and "was registered by " + office.mallory.address in report.reason
    assert "which this record does not show to be a registrar" in report.reason
    path = tmp_path / "forged-title.pdf"
    path.write_bytes(forged)
    assert run(["--data-dir", str(tmp_path / "nowhere"), "verify-pdf", str(path)]) == 1  # offline
    out = capsys.readouterr().out
    assert out.startswith("NOT GENUINE:") and "does not show to be a registrar" in out


def test_a_forged_registrar_appointment_does_not_help(office: Office) -> None:
    """Mallory appoints itself (an AddRegistrar it signs as 'operator') inside the forged tree."""
    ledger = office.world.ledger
    appointment = ledger.sign(
        "AddRegistrar",
        {"ledgerId": ledger.identity.ledger_id_hex, "registrar": office.mallory.address},
        office.mallory,
        "operator",
    )
    registration = forged_registration(ledger, office.mallory, office.mallory.address)
    record = forge_record(
        ledger,
        office.world.operator,
        "title",
        {"deedId": registration.message["deedId"]},
        forged=[appointment, registration],
    )
    with pytest.raises(VerificationFailed, match=r"is an AddRegistrar signed by .*, not by the ledger's operator"):
        check_record(record)


def test_a_genuine_registrars_record_without_its_appointment_is_not_genuine(office: Office) -> None:
    record = collect_title(office.world.ledger, office.by_clerk)
    bare = replace(record, entries=[e for e in record.entries if e.kind != "AddRegistrar"])
    report = verify_pdf(render_record(bare))
    assert not report.ok and report.reason is not None and "does not show to be a registrar" in report.reason


def test_a_transfer_signed_by_someone_other_than_its_seller_is_not_genuine(office: Office) -> None:
    """A forged sale of Alice's deed, signed by Mallory as 'seller': the replayed chain alone would accept it."""
    ledger = office.world.ledger
    deed = ledger.deed(office.by_operator)
    message = {
        "deedId": deed.deed_id,
        "parcel": deed.parcel,
        "from": office.alice.address,
        "to": office.mallory.address,
        "shares": deed.total_shares,
        "totalShares": deed.total_shares,
        "price": 1,
        "currency": "USD",
        "closingDate": "2025-06-15",
        "deedVersion": deed.version,
        "deadline": 1_760_000_000,
        "transferId": "0x" + "42" * 32,
    }
    sale = ledger.cosign(
        ledger.sign("Transfer", message, office.mallory, "seller"), office.mallory, "buyer", "Acceptance"
    )
    record = forge_record(
        ledger, office.world.operator, "title", {"deedId": deed.deed_id}, real=[deed.registered_index], forged=[sale]
    )
    report = verify_pdf(render_record(record))
    assert not report.ok and report.reason is not None
    assert (
        f"seller signature is by {office.mallory.address}, but the Transfer names {office.alice.address}"
        in report.reason
    )


# -- any change to the evidence is refused or proves the same appointment ---------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2, max_value=2**70) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _paths(child, (*prefix, i))
    return found


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_mutation_of_the_evidence_is_refused_or_proves_the_same_appointment(office: Office, data: Any) -> None:
    genuine = build_proof(office.world.ledger, office.registration)
    proof = copy.deepcopy(genuine)
    path = data.draw(st.sampled_from(_paths(proof["registrar"])[1:]))
    target = proof["registrar"]
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = data.draw(json_values | st.sampled_from([office.mallory.address, office.clerk.address]))
    try:
        verify_proof(proof)
    except (VerificationFailed, DeedbookError) as refused:
        assert str(refused) and "\n" not in str(refused)
        return
    # accepted: the evidence still proves the one leaf at the appointment's position in the signed tree
    assert proof["registrar"]["leafHash"] == genuine["registrar"]["leafHash"]
    assert proof["registrar"]["entry"]["index"] == office.appointment
