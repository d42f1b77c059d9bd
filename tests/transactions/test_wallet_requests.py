"""Liens, releases and attestations signed elsewhere (a bank's or a notary's own wallet): the request
files the service makes are parsed, signed by their key alone and recorded by `submit`.  No command
offers them yet (issue 12 adds `lien prepare` and `attest prepare`); these tests keep the path working."""

from __future__ import annotations

import json

import pytest

from core.errors import DeedbookError
from core.keys import UnlockedKey
from core.liens import lien_request, release_request
from core.notary import attestation_message, attestation_request
from core.requests import SigningRequest, parse_request, sign_request
from core.transactions import submit
from core.verify import verify_ledger
from tests.transactions.conftest import Parties, snapshot


def _through_a_file(parties: Parties, request: SigningRequest, signer_key: UnlockedKey) -> int:
    """As a wallet would: the request as JSON, read back, signed by its key, the response read back, submitted."""
    parsed = parse_request(json.loads(json.dumps(request.as_json())))
    response = sign_request(parsed, signer_key)
    return submit(parties.ledger, [parse_request(response.as_json(), require_signature=True)])


def test_a_lien_and_its_release_signed_in_the_banks_wallet(parties: Parties) -> None:
    request = lien_request(parties.ledger, parties.deed, parties.bank.address, "18,000,000", "mortgage", "JPY")
    assert (request.signer, request.role, request.kind) == (parties.bank.address, "lienholder", "Lien")
    index = _through_a_file(parties, request, parties.bank)
    [lien] = parties.ledger.deed(parties.deed).open_liens()
    assert (lien.amount, lien.currency, lien.holder) == (18_000_000, "JPY", parties.bank.address)
    assert parties.ledger.entry(index).kind == "Lien"
    released = _through_a_file(
        parties, release_request(parties.ledger, parties.deed, lien.lien_id, parties.bank.address), parties.bank
    )
    assert parties.ledger.deed(parties.deed).open_liens() == []
    assert parties.ledger.deed(parties.deed).liens[lien.lien_id].released_index == released
    assert verify_ledger(parties.ledger, jobs=1).ok


def test_a_lien_request_signed_by_another_key_or_for_another_signer_is_refused(parties: Parties) -> None:
    request = lien_request(parties.ledger, parties.deed, parties.bank.address, "1000", "tax")
    before = snapshot(parties.ledger)
    signed = sign_request(request, parties.bank).as_json()
    by_alice = dict(signed, signature="0x" + parties.alice.sign(request.digest).hex())  # alice's key, the bank's lien
    with pytest.raises(DeedbookError, match="signature was not made by"):
        submit(parties.ledger, [parse_request(by_alice, require_signature=True)])
    for_alice = dict(signed, signer=parties.alice.address)  # the file says alice signs what names the bank
    with pytest.raises(DeedbookError, match="but the lienholder in its content is"):
        submit(parties.ledger, [parse_request(for_alice, require_signature=True)])
    assert snapshot(parties.ledger) == before


def test_an_attestation_signed_in_the_notarys_wallet(parties: Parties) -> None:
    message = attestation_message(parties.ledger, 1, parties.notary, act="acknowledgment", place="Ames, IA")
    request = attestation_request(parties.ledger, message, parties.notary.address)
    assert (request.role, request.kind) == ("notary", "Attestation")
    index = _through_a_file(parties, request, parties.notary)
    recorded = parties.ledger.entry(index)
    assert recorded.kind == "Attestation" and recorded.message["entryIndex"] == 1
    assert recorded.signatures[0].signer == parties.notary.address
    assert verify_ledger(parties.ledger, jobs=1).ok
