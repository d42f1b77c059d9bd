"""An attestation request's evidence, checked on the notary's machine with no ledger."""

from __future__ import annotations

import copy
import json
from dataclasses import replace

import pytest

from core.attestation_requests import EVIDENCE, attestation_request, check_evidence, complete_attestation
from core.checkpoints import make_checkpoint
from core.errors import DeedbookError, NotFound
from core.liens import add_lien
from core.notary import id_number_matches
from core.party_requests import submit_responses
from core.requests import SigningRequest, parse_request, sign_request
from tests.transactions.conftest import Parties


def _request(parties: Parties, index: int | None = None) -> tuple[int, SigningRequest]:
    lien = add_lien(parties.ledger, parties.deed, parties.bank, "1000", "tax")
    make_checkpoint(parties.ledger, parties.world.operator)
    target = lien.index if index is None else index
    return target, attestation_request(
        parties.ledger, target, parties.notary.address, act="acknowledgment", place="Ames"
    )


def test_a_genuine_request_checks_and_its_response_is_recorded(parties: Parties) -> None:
    index, request = _request(parties)
    # the request travels as a file: what the notary reads is the parsed JSON, evidence included
    carried = parse_request(json.loads(json.dumps(request.as_json())))
    report = check_evidence(carried)
    assert report.ok and [c.label for c in report.checks] == [
        "Proof of the entry",
        "Same ledger",
        "Names that entry",
        "Signers",
    ]
    completed = complete_attestation(carried, parties.notary, id_kind="passport", id_number="X123")
    assert completed.message["entryHash"] == carried.message["entryHash"] and completed.message["place"] == "Ames"
    response = sign_request(completed, parties.notary)
    [recorded] = submit_responses(parties.ledger, [response])
    assert parties.ledger.entry(recorded).message["entryIndex"] == index
    assert id_number_matches(parties.ledger, recorded, parties.notary, "x 123")


def test_a_request_naming_another_entry_than_its_proof_fails(parties: Parties) -> None:
    _, request = _request(parties)
    other = attestation_request(parties.ledger, 0, parties.notary.address, act="acknowledgment")
    # the agency's message (signed by nobody yet) for entry 0, carrying the lien's proof
    swapped = replace(other, extra={**other.extra, EVIDENCE: request.extra[EVIDENCE]})
    report = check_evidence(swapped)
    assert not report.ok and report.first_failure is not None and report.first_failure.label == "Names that entry"


@pytest.mark.parametrize("damage", ["audit path", "entry message", "checkpoint", "no evidence"])
def test_damaged_evidence_fails(parties: Parties, damage: str) -> None:
    _, request = _request(parties)
    evidence = copy.deepcopy(request.extra[EVIDENCE])
    extra = dict(request.extra)
    if damage == "audit path":
        evidence["auditPath"][0] = "0x" + "11" * 32
    elif damage == "entry message":
        evidence["entry"]["message"]["amount"] = 5
    elif damage == "checkpoint":
        evidence["checkpoint"]["message"]["size"] += 1
    if damage == "no evidence":
        extra.pop(EVIDENCE)
    else:
        extra[EVIDENCE] = evidence
    report = check_evidence(replace(request, extra=extra))
    assert not report.ok and report.checks[0].ok is False


def test_no_request_without_a_checkpoint_covering_the_entry(parties: Parties) -> None:
    lien = add_lien(parties.ledger, parties.deed, parties.bank, "1000", "tax")
    with pytest.raises(NotFound, match="checkpoint"):
        attestation_request(parties.ledger, lien.index, parties.notary.address, act="jurat")
    with pytest.raises(DeedbookError, match="Name the notarial act"):
        attestation_request(parties.ledger, lien.index, parties.notary.address, act="  ")


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every place in a JSON value (dict keys and list positions), to damage one at a time."""
    found: list[tuple[object, ...]] = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            found += _paths(inner, (*prefix, n))
    return found


def test_any_damage_to_the_evidence_is_a_failed_check_never_an_error(parties: Parties) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    _, request = _request(parties)
    evidence = request.extra[EVIDENCE]
    places = _paths(evidence)
    junk = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-2, 2**70),
        st.text(max_size=8),
        st.lists(st.integers(), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )

    @settings(
        max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.sampled_from(places), junk)
    def damaged(place: tuple[object, ...], value: object) -> None:
        copy_ = copy.deepcopy(evidence)
        target = copy_
        for step in place[:-1]:
            target = target[step]  # type: ignore[index]
        if target[place[-1]] == value:  # type: ignore[index]
            return
        target[place[-1]] = value  # type: ignore[index]
        report = check_evidence(replace(request, extra={**request.extra, EVIDENCE: copy_}))
        # what carries no weight the checks rely on: the cosignature lines (a policy counts them), and the
        # checkpoint's own index and kind (its signature covers the ledger, size, root and time); all else must fail
        free = (
            len(place) > 1 and place[0] == "checkpoint" and place[1] in ("cosignatures", "index", "kind", "recordedAt")
        )
        if not free:
            assert not report.ok, place

    damaged()
