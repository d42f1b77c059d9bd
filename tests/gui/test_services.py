"""The address book and the settings file: the two core services the GUI owns (no Qt)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.contacts import AddressBook
from core.errors import DeedbookError
from core.settings import Settings
from tests.helpers import World

ALICE = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"  # an EIP-55 test vector


def test_contacts_add_list_update_remove(world: World) -> None:
    book = AddressBook(world.ledger.engine)
    alice = book.add("Alice  Martin", ALICE.lower(), "buyer", "file 12")
    assert alice.name == "Alice Martin" and alice.address == ALICE  # stored checksummed
    bob = book.add("Bob", "0x" + "11" * 20, "seller")
    assert [c.name for c in book.list()] == ["Alice Martin", "Bob"]
    assert [c.name for c in book.list(role="seller")] == ["Bob"]
    assert [c.name for c in book.list(search="file 12")] == ["Alice Martin"]
    assert book.names_by_address()[ALICE.lower()] == "Alice Martin"
    assert book.update(bob.id, name="Robert", role="notary").role == "notary"
    book.remove(alice.id)
    assert [c.name for c in book.list()] == ["Robert"]


@pytest.mark.parametrize(
    "address, words",
    [
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "wrong checksum"),
        ("0x1234", "not an Ethereum address"),
    ],
)
def test_contacts_refuse_bad_addresses(world: World, address: str, words: str) -> None:
    book = AddressBook(world.ledger.engine)
    with pytest.raises(DeedbookError, match=words):
        book.add("Mallory", address)
    assert book.list() == []


def test_contacts_refuse_duplicates_names_and_roles(world: World) -> None:
    book = AddressBook(world.ledger.engine)
    book.add("Alice", ALICE)
    with pytest.raises(DeedbookError, match="already, as 'Alice'"):
        book.add("Alice again", ALICE.lower())
    with pytest.raises(DeedbookError, match="needs a name"):
        book.add("  ", "0x" + "22" * 20)
    with pytest.raises(DeedbookError, match="not a contact role"):
        book.add("Carol", "0x" + "22" * 20, role="pirate")


def test_settings_round_trip_and_damaged_file(deedbook_home: Path) -> None:
    settings = Settings.load()
    assert settings.paper_size == "A4" and settings.theme == "system"
    settings.set_paper_size("Letter")
    settings.set_theme("dark")
    settings.remember_data_dir(deedbook_home / "a")
    settings.remember_data_dir(deedbook_home / "b")
    settings.remember_data_dir(deedbook_home / "a")
    settings.save()
    again = Settings.load()
    assert (again.paper_size, again.theme) == ("Letter", "dark")
    assert again.recent_data_dirs[0].endswith("a") and len(again.recent_data_dirs) == 2
    with pytest.raises(DeedbookError):
        again.set_theme("purple")
    path = deedbook_home / "settings.json"
    path.write_text(json.dumps({"paper_size": "A3", "theme": 7, "recent_data_dirs": "x"}))
    damaged = Settings.load()
    assert (damaged.paper_size, damaged.theme, damaged.recent_data_dirs) == ("A4", "system", [])
    path.write_text("{not json")
    assert Settings.load().paper_size == "A4"
