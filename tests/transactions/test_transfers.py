"""Transfers: the happy paths, and every refusal leaving the ledger exactly as it was."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from core.entries import Entry
from core.errors import DeedbookError, RuleViolation
from core.liens import add_lien, release_lien
from core.requests import SigningRequest, load_request, load_response, sign_request, write_json
from core.signing import SECP256K1_N
from core.transactions import build_entry, submit
from core.verify import verify_ledger
from tests.helpers import make_world
from tests.transactions.conftest import Parties, snapshot


def refused(parties: Parties, responses: list[SigningRequest], match: str, **kwargs: object) -> None:
    before = snapshot(parties.ledger)
    with pytest.raises(DeedbookError, match=match):
        submit(parties.ledger, responses, **kwargs)  # type: ignore[arg-type]
    assert snapshot(parties.ledger) == before


def test_whole_deed_transfer(parties: Parties) -> None:
    prepared = parties.prepare(price="250000.50", closing_date="2024-06-30")
    assert [r.role for r in prepared.requests] == ["seller", "buyer"]
    index = submit(parties.ledger, parties.sign(prepared))
    deed = parties.ledger.deed(parties.deed)
    assert deed.holders == {parties.bob.address: 10_000} and deed.owner == parties.bob.address
    assert deed.version == 2 and deed.updated_index == index
    assert (deed.last_price, deed.last_currency, deed.last_sale_at) == (25_000_050, "USD", 1_719_705_600)
    entry = parties.ledger.entry(index)
    assert entry.kind == "Transfer" and [s.role for s in entry.signatures] == ["seller", "buyer"]
    assert [e.kind for e in parties.ledger.history(parties.deed)] == ["RegisterDeed", "Transfer"]
    assert verify_ledger(parties.ledger, jobs=1).ok


def test_fractional_transfers_then_a_sale_by_a_co_holder(parties: Parties) -> None:
    submit(parties.ledger, parties.sign(parties.prepare(shares=2_500)))
    submit(
        parties.ledger,
        parties.sign(parties.prepare(shares=1_000, to=parties.carol.address, seller=parties.alice.address)),
    )
    deed = parties.ledger.deed(parties.deed)
    assert deed.holders == {parties.alice.address: 6_500, parties.bob.address: 2_500, parties.carol.address: 1_000}
    with pytest.raises(DeedbookError, match="3 holders"):
        parties.prepare(to=parties.carol.address)  # several holders: say which one sells
    # bob sells his whole holding to carol; shares add up, bob disappears from the holders
    submit(parties.ledger, parties.sign(parties.prepare(to=parties.carol.address, seller=parties.bob.address)))
    deed = parties.ledger.deed(parties.deed)
    assert deed.holders == {parties.alice.address: 6_500, parties.carol.address: 3_500}
    assert sum(deed.holders.values()) == deed.total_shares and deed.version == 4
    assert verify_ledger(parties.ledger, jobs=1).ok


def test_more_shares_than_held_is_refused(parties: Parties) -> None:
    with pytest.raises(DeedbookError, match="fewer than the 10001"):
        parties.prepare(shares=10_001)
    submit(parties.ledger, parties.sign(parties.prepare(shares=4_000)))
    with pytest.raises(DeedbookError, match="2 holders"):
        parties.prepare(to=parties.carol.address)
    # a message crafted past prepare: bob holds 4000 and signs a sale of 5000
    good = parties.prepare(to=parties.carol.address, seller=parties.bob.address)
    message = dict(good.message, shares=5_000)
    entry = parties.ledger.cosign(
        parties.ledger.sign("Transfer", message, parties.bob, "seller"), parties.carol, "buyer", "Acceptance"
    )
    before = snapshot(parties.ledger)
    with pytest.raises(RuleViolation, match="holds 4000 shares"):
        parties.ledger.append([entry])
    assert snapshot(parties.ledger) == before


def test_only_the_holder_can_sell(parties: Parties) -> None:
    with pytest.raises(DeedbookError, match="holds no shares"):
        parties.prepare(seller=parties.carol.address)
    message = parties.prepare().message
    # carol signs alice's transfer as "seller": the signature is genuine but not the holder's
    forged = parties.ledger.cosign(
        parties.ledger.sign("Transfer", message, parties.carol, "seller"), parties.bob, "buyer", "Acceptance"
    )
    before = snapshot(parties.ledger)
    with pytest.raises(RuleViolation, match="Only the holder"):
        parties.ledger.append([forged])
    # and a transfer *from* carol, who holds nothing, signed by carol
    own = parties.ledger.cosign(
        parties.ledger.sign("Transfer", dict(message, **{"from": parties.carol.address}), parties.carol, "seller"),
        parties.bob,
        "buyer",
        "Acceptance",
    )
    with pytest.raises(RuleViolation, match="holds no shares"):
        parties.ledger.append([own])
    assert snapshot(parties.ledger) == before


def test_buyer_acceptance_is_required(parties: Parties) -> None:
    prepared = parties.prepare()
    seller, buyer = parties.sign(prepared)
    refused(parties, [seller], "needs the buyer's acceptance")
    refused(parties, [buyer], "needs the seller's signature")
    # the entry without an acceptance is refused by the rule too (verify applies the same)
    before = snapshot(parties.ledger)
    with pytest.raises(RuleViolation, match="exactly one buyer"):
        parties.ledger.append([Entry("Transfer", prepared.message, (seller.record(),))])
    # an acceptance by someone other than the buyer
    wrong = parties.ledger.cosign(
        Entry("Transfer", prepared.message, (seller.record(),)), parties.carol, "buyer", "Acceptance"
    )
    with pytest.raises(RuleViolation, match="signed by the buyer"):
        parties.ledger.append([wrong])
    # the seller's signature over the wrong type (an Acceptance instead of the Transfer)
    wrong_type = parties.ledger.cosign(
        Entry("Transfer", prepared.message, (buyer.record(),)), parties.alice, "seller", "Acceptance"
    )
    with pytest.raises(RuleViolation, match="must sign Transfer"):
        parties.ledger.append([wrong_type])
    assert snapshot(parties.ledger) == before


def test_replayed_responses_are_refused(parties: Parties) -> None:
    responses = parties.sign(parties.prepare(shares=1_000))
    submit(parties.ledger, responses)
    refused(parties, responses, "already recorded")
    # past the service's own check, the rule refuses the same entry as well
    before = snapshot(parties.ledger)
    with pytest.raises(RuleViolation, match="replay"):
        parties.ledger.append([build_entry_unchecked(responses)])
    assert snapshot(parties.ledger) == before


def build_entry_unchecked(responses: list[SigningRequest]) -> Entry:
    from core.requests import entry_from_responses

    return entry_from_responses(responses)


def test_a_transfer_id_is_used_once_per_deed(parties: Parties) -> None:
    first = parties.prepare(shares=1_000)
    submit(parties.ledger, parties.sign(first))
    # a new, current-version transfer that reuses the id: refused as a replay
    again = parties.prepare(shares=1_000, transfer_id=first.transfer_id, seller=parties.alice.address)
    refused(parties, parties.sign(again), "already recorded")
    before = snapshot(parties.ledger)
    with pytest.raises(RuleViolation, match="used before"):
        parties.ledger.append([build_entry_unchecked(parties.sign(again))])
    assert snapshot(parties.ledger) == before


def test_stale_version_is_refused(parties: Parties) -> None:
    responses = parties.sign(parties.prepare(shares=1_000))
    submit(parties.ledger, parties.sign(parties.prepare(shares=500)))  # the deed moved on: version 1 -> 2
    refused(parties, responses, "version 1 of deed 1, which is now at version 2")


def test_lien_makes_pending_transfer_stale(parties: Parties) -> None:
    responses = parties.sign(parties.prepare())
    add_lien(parties.ledger, parties.deed, parties.bank, "100000", "mortgage")
    refused(parties, responses, "stale")


def test_passed_deadline_is_refused(parties: Parties) -> None:
    import time

    now = int(time.time())
    prepared = parties.prepare(deadline=now + 60, now=now)
    responses = parties.sign(prepared, now=now)
    refused(parties, responses, "deadline has passed", recorded_at=now + 61)
    with pytest.raises(DeedbookError, match="deadline of this request passed"):
        sign_request(prepared.requests[0], parties.alice, now=now + 61)
    with pytest.raises(DeedbookError, match="already past"):
        parties.prepare(deadline="2020-01-01")
    submit(parties.ledger, responses, recorded_at=now + 60)  # at the deadline itself it is still on time


def test_response_for_another_ledger_is_refused(parties: Parties, tmp_path: Path) -> None:
    other = make_world(tmp_path / "other", name="Other County")
    for name in ("alice", "bob"):
        other.keys.import_keystore(name, parties.world.keys.get(name).path, "correct horse battery")
    from core.deeds import register_deed

    register_deed(
        other.ledger, other.operator, parcel="0526301100", address="1329 Oak Ave, Ames, IA", owner=parties.alice.address
    )
    foreign = parties.sign(prepare_in(other, parties))
    refused(parties, foreign, "signed for the ledger \u201cOther County\u201d")
    # same content, but the domain rewritten to this ledger: the signatures no longer match
    moved = [
        dataclasses.replace(r, typed_data=dict(r.typed_data, domain=parties.ledger.identity.domain())) for r in foreign
    ]
    before = snapshot(parties.ledger)
    with pytest.raises(DeedbookError, match="not made by"):
        submit(parties.ledger, [r.as_json() for r in moved])
    assert snapshot(parties.ledger) == before


def prepare_in(world: object, parties: Parties):  # type: ignore[no-untyped-def]
    from core.transactions import prepare_transfer

    return prepare_transfer(world.ledger, 1, parties.bob.address, "1000")  # type: ignore[attr-defined]


def test_altered_response_is_refused(parties: Parties, tmp_path: Path) -> None:
    prepared = parties.prepare(out_dir=tmp_path / "req")
    responses = parties.sign(prepared)
    data = responses[0].as_json()
    data["typedData"]["message"]["price"] = 1  # the agent "fixes" the price after signing
    before = snapshot(parties.ledger)
    with pytest.raises(DeedbookError, match="not made by"):
        submit(parties.ledger, [data, responses[1]])
    mixed = responses[1].as_json()
    mixed["typedData"]["message"]["transfer"]["price"] = 1
    with pytest.raises(DeedbookError, match="not made by"):
        submit(parties.ledger, [responses[0], mixed])
    assert snapshot(parties.ledger) == before


def test_signature_form_is_checked(parties: Parties) -> None:
    seller, buyer = parties.sign(parties.prepare())
    assert seller.signature is not None
    r, s, v = seller.signature[:32], int.from_bytes(seller.signature[32:64], "big"), seller.signature[64]
    high_s = r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])  # the same signature, malleated
    for bad, match in (
        (high_s, "high s"),
        (seller.signature[:64], "65 bytes"),
        (seller.signature + b"\0", "65 bytes"),
        (seller.signature[:64] + b"\x01", "v must be 27 or 28"),
    ):
        data = seller.as_json()
        data["signature"] = "0x" + bad.hex()
        before = snapshot(parties.ledger)
        with pytest.raises(DeedbookError, match=match):
            submit(parties.ledger, [data, buyer])
        assert snapshot(parties.ledger) == before


def test_lien_blocks_transfer_until_payoff_or_release(parties: Parties) -> None:
    lien = add_lien(parties.ledger, parties.deed, parties.bank, "172000", "mortgage").lien
    prepared = parties.prepare()
    assert [r.role for r in prepared.requests] == ["seller", "buyer", "lienholder"]
    responses = parties.sign(prepared)
    refused(parties, responses[:2], "under lien 1 held by " + parties.bank.address)
    # a stranger cannot sign the payoff
    stranger = sign_request(
        dataclasses.replace(responses[2], signer=parties.carol.address, signature=None), parties.carol
    )
    refused(parties, [*responses[:2], stranger], "holds no open lien|under lien")
    index = submit(parties.ledger, responses)
    deed = parties.ledger.deed(parties.deed)
    assert deed.liens[lien.lien_id].released_index == index and deed.open_liens() == []
    assert deed.holders == {parties.bob.address: 10_000}
    assert verify_ledger(parties.ledger, jobs=1).ok


def test_released_lien_no_longer_blocks(parties: Parties) -> None:
    lien = add_lien(parties.ledger, parties.deed, parties.bank, "5000", "tax").lien
    release_lien(parties.ledger, parties.deed, lien.lien_id, parties.bank)
    prepared = parties.prepare(shares=100)
    assert [r.role for r in prepared.requests] == ["seller", "buyer"]
    submit(parties.ledger, parties.sign(prepared))
    assert verify_ledger(parties.ledger, jobs=1).ok


def test_request_files_round_trip(parties: Parties, tmp_path: Path) -> None:
    prepared = parties.prepare(out_dir=tmp_path / "requests")
    assert [p.parent for p in prepared.paths] == [tmp_path / "requests"] * 2
    paths = []
    for path in prepared.paths:
        request = load_request(path)
        response = sign_request(request, parties.key_of(request.signer))
        paths.append(write_json(tmp_path / f"{path.stem}.signed.json", response.as_json()))
    assert load_response(paths[0]).signature is not None
    with pytest.raises(DeedbookError, match="not a signed response"):
        load_response(prepared.paths[0])
    with pytest.raises(DeedbookError, match="exists already"):
        parties.prepare(out_dir=tmp_path / "requests", transfer_id=prepared.transfer_id)
    index = submit(parties.ledger, paths)
    assert parties.ledger.entry(index).kind == "Transfer"


def test_responses_of_two_transactions_are_not_mixed(parties: Parties) -> None:
    one = parties.sign(parties.prepare(shares=10))
    two = parties.sign(parties.prepare(shares=20))
    refused(parties, [one[0], two[1]], "different transactions")
    with pytest.raises(DeedbookError, match="different transactions"):
        build_entry(parties.ledger, [one[0], two[1]])
