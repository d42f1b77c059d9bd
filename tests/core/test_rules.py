"""Ledger rules at append time: each refusal leaves the ledger exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.deeds import register_deed, registration_message
from core.entries import Entry, SignatureRecord
from core.errors import DeedbookError, RuleViolation
from core.ledger import Ledger
from core.verify import verify_ledger
from tests.helpers import World, make_world


def snapshot(ledger: Ledger) -> tuple[int, bytes, list[tuple[int, str, int]]]:
    return ledger.size(), ledger.merkle_root(), [(d.deed_id, d.owner, d.version) for d in ledger.deeds()]


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path / "ledger")
    register_deed(w.ledger, w.operator, parcel="P-1", address="1 Main St", owner=w.key("alice").address)
    return w


def test_registration_projects_owner_and_verifies(world: World) -> None:
    deed = world.ledger.deed("P-1")
    assert deed.owner == world.key("alice").address and deed.version == 1 and deed.total_shares == 10_000
    assert [e.kind for e in world.ledger.history(deed.deed_id)] == ["RegisterDeed"]
    assert verify_ledger(world.ledger, jobs=1).ok


def test_only_registrars_may_register(world: World) -> None:
    before = snapshot(world.ledger)
    mallory = world.key("mallory")
    with pytest.raises(RuleViolation, match="not a registrar"):
        register_deed(world.ledger, mallory, parcel="P-2", address="2 Main St", owner=mallory.address)
    assert snapshot(world.ledger) == before


def test_added_registrar_may_register(world: World) -> None:
    clerk = world.key("clerk")
    world.ledger.append(
        [
            world.ledger.sign(
                "AddRegistrar",
                {"ledgerId": world.ledger.identity.ledger_id_hex, "registrar": clerk.address},
                world.operator,
                "operator",
            )
        ]
    )
    register_deed(world.ledger, clerk, parcel="P-2", address="2 Main St", owner=clerk.address)
    assert world.ledger.deed("P-2").owner == clerk.address
    assert verify_ledger(world.ledger, jobs=1).ok


@pytest.mark.parametrize("parcel", ["P-1", "p-1", " P-1 "])
def test_a_parcel_is_registered_once(world: World, parcel: str) -> None:
    before = snapshot(world.ledger)
    with pytest.raises(RuleViolation, match="registered already"):
        register_deed(world.ledger, world.operator, parcel=parcel, address="elsewhere", owner=world.operator.address)
    assert snapshot(world.ledger) == before


def test_replayed_registration_is_refused(world: World) -> None:
    """The same signed entry submitted again names a deed number (nonce) already used."""
    first = world.ledger.entries(kind="RegisterDeed")[0].entry
    before = snapshot(world.ledger)
    with pytest.raises(RuleViolation, match="next deed number"):
        world.ledger.append([first])
    assert snapshot(world.ledger) == before


def test_a_new_deed_must_start_at_version_zero(world: World) -> None:
    message = registration_message(2, parcel="P-2", address="2 Main", owner=world.operator.address)
    message["nonce"] = 3
    before = snapshot(world.ledger)
    with pytest.raises(RuleViolation, match="version 0"):
        world.ledger.append([world.ledger.sign("RegisterDeed", message, world.operator, "registrar")])
    assert snapshot(world.ledger) == before


def test_signature_for_another_ledger_is_refused(tmp_path: Path, world: World) -> None:
    other = make_world(tmp_path / "other", name="Other County")
    message = registration_message(2, parcel="P-2", address="2 Main", owner=world.operator.address)
    # Signed with the same operator key material? No: other ledger, other domain (salt = its id).
    entry = other.ledger.sign("RegisterDeed", message, world.operator, "registrar")
    before = snapshot(world.ledger)
    with pytest.raises(RuleViolation, match="another ledger"):
        world.ledger.append([entry])
    assert snapshot(world.ledger) == before


def test_a_signature_claiming_another_signer_is_refused(world: World) -> None:
    message = registration_message(2, parcel="P-2", address="2 Main", owner=world.operator.address)
    honest = world.ledger.sign("RegisterDeed", message, world.key("mallory"), "registrar")
    forged = Entry(
        honest.kind,
        honest.message,
        (SignatureRecord("registrar", world.operator.address, honest.signatures[0].signature, "RegisterDeed"),),
    )
    before = snapshot(world.ledger)
    with pytest.raises(RuleViolation, match="was not made by"):
        world.ledger.append([forged])
    assert snapshot(world.ledger) == before


def test_high_s_signature_is_refused(world: World) -> None:
    from core.signing import SECP256K1_N

    message = registration_message(2, parcel="P-2", address="2 Main", owner=world.operator.address)
    entry = world.ledger.sign("RegisterDeed", message, world.operator, "registrar")
    sig = entry.signatures[0].signature
    s = int.from_bytes(sig[32:64], "big")
    flipped = sig[:32] + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - sig[64]])
    malleated = Entry(
        entry.kind, entry.message, (SignatureRecord("registrar", world.operator.address, flipped, "RegisterDeed"),)
    )
    with pytest.raises(RuleViolation, match="low s"):
        world.ledger.append([malleated])


def test_a_batch_with_one_bad_entry_writes_nothing(world: World) -> None:
    good = [
        world.ledger.sign(
            "RegisterDeed",
            registration_message(i, parcel=f"B-{i}", address=f"{i} Side St", owner=world.operator.address),
            world.operator,
            "registrar",
        )
        for i in range(2, 7)
    ]
    bad = world.ledger.sign(
        "RegisterDeed",
        registration_message(7, parcel="P-1", address="dup", owner=world.operator.address),
        world.operator,
        "registrar",
    )
    before = snapshot(world.ledger)
    with pytest.raises(RuleViolation, match="Entry 6 of 6"):
        world.ledger.append([*good, bad])
    assert snapshot(world.ledger) == before


def test_a_respelled_message_is_refused(world: World) -> None:
    message = registration_message(2, parcel="P-2", address="2 Main", owner=world.operator.address)
    message["totalShares"] = "10000"  # same EIP-712 encoding, another JSON spelling
    with pytest.raises(RuleViolation, match="totalShares"):
        world.ledger.append([world.ledger.sign("RegisterDeed", message, world.operator, "registrar")])


def test_bad_owner_address_is_a_clear_error(world: World) -> None:
    with pytest.raises(DeedbookError, match="checksum"):
        register_deed(
            world.ledger,
            world.operator,
            parcel="P-9",
            address="9 Main",
            owner=world.operator.address[:-1] + ("A" if world.operator.address[-1] != "A" else "B"),
        )
