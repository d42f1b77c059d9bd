"""The workspace: operations return what they changed, one key resolver, refusals before passwords."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from core.errors import DeedbookError, NotFound
from core.transactions import prepare_transfer
from desktop.workspace import Receipt, Signer, Workspace, resolve_key
from tests.helpers import PASSWORD, World, make_world

OWNER = "0x" + "11" * 20


@pytest.fixture
def world(deedbook_home: Path) -> World:
    return make_world(deedbook_home)


@pytest.fixture
def ws(world: World) -> Workspace:
    return Workspace(world.home, ledger=world.ledger)


class Asked:
    """A password callback that counts how often it was asked."""

    def __init__(self, password: str = PASSWORD) -> None:
        self.times = 0
        self.password = password

    def __call__(self) -> str:
        self.times += 1
        return self.password


def test_a_registration_returns_the_deed_and_what_changed(ws: Workspace) -> None:
    asked = Asked()
    done = ws.register_deed(Signer("operator", asked), parcel="W-1", address="1 Main St", owner=OWNER)
    assert done.value.deed_id == 1 and done.value.parcel == "W-1" and asked.times == 1
    assert done.receipt == Receipt(entries=(1,), kinds=("RegisterDeed",), deed_ids=frozenset({1}))


def test_receipts_add_up(ws: Workspace, world: World) -> None:
    deed = ws.register_deed(Signer("operator", PASSWORD), parcel="W-2", address="2 Main St", owner=OWNER).value
    lien = ws.add_lien(deed.deed_id, Signer(world.key("bank").name, PASSWORD), "1000", "tax")
    checkpoint = ws.checkpoint(Signer(world.operator.address, PASSWORD))  # by address: the same key
    both = lien.receipt | checkpoint.receipt
    assert both.entries == (2, 3) and both.kinds == ("Lien", "Checkpoint") and both.deed_ids == {deed.deed_id}
    assert both.of_kind("Checkpoint") == (3,) and not both.keys and not both.empty
    assert ws.create_key("dave", PASSWORD).receipt == Receipt(keys=True)
    assert ws.add_contact("Dave", ws.keys.get("dave").address).receipt == Receipt(contacts=True)


def test_the_key_resolver_takes_a_name_or_an_address(ws: Workspace, world: World) -> None:
    alice = world.key("alice")
    assert resolve_key(ws.keys, "alice").address == alice.address
    assert resolve_key(ws.keys, alice.address.lower()).name == "alice"
    with pytest.raises(NotFound, match="No key on this machine has the address 0x"):
        resolve_key(ws.keys, "0x" + "ab" * 20)
    with pytest.raises(NotFound, match="There is no key named 'nobody'"):
        resolve_key(ws.keys, "nobody")
    mallory = world.key("mallory")
    (ws.keys.folder / "mallory.json").rename(ws.keys.folder / f"{alice.address}.json")  # a key named like an address
    assert resolve_key(ws.keys, alice.address).address == mallory.address  # the name wins


def _request_for(world: World, signer: str) -> Any:
    alice, bob = world.key("alice"), world.key("bob")
    deed = world.register("W-9", alice.address)
    prepared = prepare_transfer(world.ledger, deed, bob.address, "100000")
    return next(r for r in prepared.requests if r.signer == {"alice": alice, "bob": bob}[signer].address)


def _nothing(_world: World) -> None:
    return None


# case: (what is there first, the operation (given that), what the refusal says)
REFUSED_BEFORE_THE_PASSWORD: dict[str, tuple[Callable[[World], Any], Callable[[Workspace, Any, Signer], Any], str]] = {
    "lien on an unknown deed": (_nothing, lambda ws, _x, s: ws.add_lien(99, s, "1000", "tax"), "no deed '99'"),
    "release of an unknown lien": (
        lambda w: w.register("W-3", OWNER),
        lambda ws, deed, s: ws.release_lien(deed, 7, s),
        "lien 7",
    ),
    "attestation of an unknown entry": (_nothing, lambda ws, _x, s: ws.attest(99, s, act="jurat"), "no entry 99"),
    "a parcel outside the plain set": (
        _nothing,
        lambda ws, _x, s: ws.register_deed(s, parcel="P\u202e1", address="x", owner=OWNER),
        "parcel",
    ),
    "a registration by a key that is no registrar": (
        _nothing,
        lambda ws, _x, s: ws.register_deed(s, parcel="W-6", address="6 Main St", owner=OWNER),
        "not a registrar of this ledger",
    ),
    "a registration to an owner that is no address": (
        _nothing,
        lambda ws, _x, s: ws.register_deed(s, parcel="W-6", address="6 Main St", owner="0x12"),
        "address",
    ),
    "an attestation dated in the future": (
        lambda w: w.register("W-8", OWNER),
        lambda ws, _deed, s: ws.attest(1, s, act="jurat", act_date="2999-01-01"),
        "in the future",
    ),
    "a request for another key": (
        lambda w: _request_for(w, "bob"),
        lambda ws, request, s: ws.sign(request, s),
        "must be signed by",
    ),
    "a checkpoint by a key that is not the operator's": (
        _nothing,
        lambda ws, _x, s: ws.checkpoint(s),
        "must be signed by",
    ),
    "a registrar with a mistyped address": (_nothing, lambda ws, _x, s: ws.add_registrar(s, "0x1234"), "address"),
}


@pytest.mark.parametrize("case", sorted(REFUSED_BEFORE_THE_PASSWORD))
def test_what_can_be_refused_without_the_key_is_refused_before_its_password(
    ws: Workspace, world: World, case: str
) -> None:
    setup, operation, says = REFUSED_BEFORE_THE_PASSWORD[case]
    world.key("alice")
    given = setup(world)
    asked = Asked()
    size = world.ledger.size()
    with pytest.raises(DeedbookError, match=f"(?i){says}"):
        operation(ws, given, Signer("alice", asked))
    assert asked.times == 0 and world.ledger.size() == size


def test_a_parcel_registered_already_is_refused_before_the_registrars_password(ws: Workspace, world: World) -> None:
    """The GUI's register form and `deed register` both ask the workspace first (Workspace.check_registration,
    a dry run of the entry's rules on the ledger as it is). Fails on the old code: the password was asked."""
    world.register("W-5", OWNER)
    asked = Asked()
    size = world.ledger.size()
    for parcel in ("W-5", " w-5 "):  # parcels compare without case or spaces around
        with pytest.raises(DeedbookError, match=r"(?i)Parcel w-5 is registered already"):
            ws.register_deed(Signer("operator", asked), parcel=parcel, address="5 Main St", owner=OWNER)
    assert asked.times == 0 and world.ledger.size() == size
    ws.check_registration(Signer("operator", asked), parcel="W-7", address="7 Main St", owner=OWNER)  # one that may
    assert asked.times == 0 and world.ledger.size() == size  # a check writes nothing


def test_a_wrong_password_writes_nothing(ws: Workspace, world: World) -> None:
    size = world.ledger.size()
    with pytest.raises(DeedbookError, match="Wrong password"):
        ws.register_deed(Signer("operator", "not the password"), parcel="W-4", address="4 Main St", owner=OWNER)
    assert world.ledger.size() == size


def test_the_ledger_opens_once_and_lazily(world: World) -> None:
    ws = Workspace.open(world.home.root)
    assert ws.opened is None and ws.names() == {world.operator.address.lower(): "operator"}  # names never open it
    assert ws.ledger is ws.ledger and ws.opened is not None
    assert ws.local_ledger() == (ws.ledger, None)
    nowhere = Workspace.open(world.home.root / "nowhere")
    assert nowhere.local_ledger() == (None, None) and not nowhere.home.root.exists()  # asking creates nothing
    with pytest.raises(NotFound, match="There is no ledger in") as missing:
        _ = nowhere.ledger
    assert missing.value.remedy is not None and "--" not in str(missing.value)  # the command line adds its option


def test_a_removed_contact_is_restored_exactly_even_after_others_were_added(ws: Workspace) -> None:
    """The GUI's Undo: same id, name, address, role, note; a later add never takes the restored id; an address
    added again meanwhile refuses the restore in one sentence, and the book stays as it was."""
    dave = ws.add_contact("Dave", "0x" + "22" * 20, "buyer", "  met twice ").value
    ws.remove_contact(dave.id)
    later = ws.add_contact("Erin", "0x" + "33" * 20).value
    done = ws.restore_contact(dave)
    assert done.receipt == Receipt(contacts=True)
    restored = done.value
    if later.id != dave.id:  # SQLite may hand the freed id to the next add: then the restore gets a new one
        assert restored == dave
    else:
        assert (restored.name, restored.address, restored.role, restored.note) == (
            dave.name,
            dave.address,
            dave.role,
            dave.note,
        )
    third = ws.add_contact("Fay", "0x" + "44" * 20).value
    assert len({restored.id, later.id, third.id}) == 3
    ws.remove_contact(restored.id)
    ws.add_contact("Dave again", dave.address)
    before = ws.address_book().list()
    with pytest.raises(DeedbookError, match="is in the address book already, as 'Dave again'"):
        ws.restore_contact(dave)
    assert ws.address_book().list() == before


def test_a_restored_contact_keeps_its_id_on_postgresql_and_later_adds_do_not_collide(
    deedbook_home: Path, postgres_url: str
) -> None:
    """An id given back was issued by the table's sequence, so the sequence is past it: later adds never
    take it (an explicit id does not move a PostgreSQL sequence)."""
    world = make_world(deedbook_home, db_url=postgres_url)
    ws = Workspace(world.home, ledger=world.ledger)
    first = ws.add_contact("Ann", "0x" + "51" * 20).value
    last = ws.add_contact("Ben", "0x" + "52" * 20).value
    ws.remove_contact(last.id)
    ws.remove_contact(first.id)
    later = ws.add_contact("Cid", "0x" + "53" * 20).value
    assert ws.restore_contact(last).value == last and ws.restore_contact(first).value == first
    after = ws.add_contact("Dee", "0x" + "54" * 20).value
    assert len({first.id, last.id, later.id, after.id}) == 4
    world.ledger.close()
