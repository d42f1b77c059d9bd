"""Keys and the address book from the keys pane."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from core.display import short_address
from desktop.gui import prompts
from desktop.gui.dialogs import keys as key_dialogs
from desktop.gui.panes import keys as keys_pane
from tests.gui.conftest import PASSWORD, Prompts
from tests.helpers import World

ALICE = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


def _answer(monkeypatch: pytest.MonkeyPatch, cls: type, fill: Any) -> None:
    def exec_(dialog: Any) -> int:
        fill(dialog)
        return 1 if dialog.ok.isEnabled() else 0

    monkeypatch.setattr(cls, "exec", exec_)


def test_create_export_and_import_keys(
    window: Any, world: World, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prompt_log: Prompts
) -> None:
    pane = window.show_pane("keys")
    assert pane.keys_table.rowCount() == 1
    qtbot.waitUntil(lambda: pane.keys_table.item(0, 2).text() == "operator, registrar")  # roles read on a worker

    def new_key(dialog: Any) -> None:
        qtbot.keyClicks(dialog.name, "carol")
        qtbot.keyClicks(dialog.password.first, PASSWORD)
        qtbot.keyClicks(dialog.password.second, PASSWORD)

    _answer(monkeypatch, key_dialogs.NewKeyDialog, new_key)
    qtbot.mouseClick(pane.new_key, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.keys_table.rowCount() == 2, timeout=10_000)
    pane.keys_table.selectRow(0)  # carol sorts first
    exported = tmp_path / "carol.json"
    prompt_log.files.append(exported)
    qtbot.mouseClick(pane.export_key, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(exported.exists, timeout=10_000)

    world.keys.folder.joinpath("carol.json").unlink()  # gone from this machine...
    window.ctx.events.announce(keys_pane.Changes.KEYS)

    def import_it(dialog: Any) -> None:
        dialog.path.setText(str(exported))
        qtbot.keyClicks(dialog.name, "carol-again")
        qtbot.keyClicks(dialog.password, PASSWORD)

    _answer(monkeypatch, key_dialogs.ImportKeyDialog, import_it)
    qtbot.mouseClick(pane.import_keystore, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(k.name == "carol-again" for k in world.keys.list()), timeout=10_000)


def test_weak_or_different_passwords_keep_create_disabled(qtbot: Any) -> None:
    dialog = key_dialogs.NewKeyDialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "dave")
    qtbot.keyClicks(dialog.password.first, "short")
    assert "Too short" in dialog.password.hint.text() and not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.password.first, " but now long enough")
    qtbot.keyClicks(dialog.password.second, "something else")
    assert "differ" in dialog.password.hint.text() and not dialog.ok.isEnabled()


def test_contacts_add_edit_remove(
    window: Any, world: World, qtbot: Any, monkeypatch: pytest.MonkeyPatch, prompt_log: Prompts
) -> None:
    pane = window.show_pane("keys")
    pane.tabs.setCurrentIndex(1)

    def add(dialog: Any) -> None:
        qtbot.keyClicks(dialog.name, "Alice Martin")
        qtbot.keyClicks(dialog.address.combo.lineEdit(), ALICE)
        dialog.role.setCurrentIndex(dialog.role.findData("buyer"))

    _answer(monkeypatch, key_dialogs.ContactDialog, add)
    qtbot.mouseClick(pane.add_contact, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.contacts_table.rowCount() == 1, timeout=10_000)
    assert pane.contacts_table.item(0, 2).text() == ALICE
    qtbot.waitUntil(lambda: window.ctx.name_for(ALICE) == "Alice Martin")  # names read again on a worker

    pane.contacts_table.selectRow(0)

    def rename(dialog: Any) -> None:
        dialog.name.clear()
        qtbot.keyClicks(dialog.name, "Alice M.")

    _answer(monkeypatch, key_dialogs.ContactDialog, rename)
    qtbot.mouseClick(pane.edit_contact, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.contacts_table.item(0, 0).text() == "Alice M.", timeout=10_000)
    qtbot.waitUntil(lambda: _undo_bar(window) is not None, timeout=10_000)  # an edit can be taken back too
    assert "Saved Alice M. (was Alice Martin" in _undo_bar(window).sentence.text()
    qtbot.mouseClick(_undo_bar(window).undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.contacts_table.item(0, 0).text() == "Alice Martin", timeout=10_000)
    qtbot.mouseClick(pane.edit_contact, Qt.MouseButton.LeftButton)  # and done again
    qtbot.waitUntil(lambda: pane.contacts_table.item(0, 0).text() == "Alice M.", timeout=10_000)
    pane.contacts_table.selectRow(0)
    qtbot.mouseClick(pane.remove_contact, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.contacts_table.rowCount() == 0, timeout=10_000)
    assert not prompt_log.questions  # removed at once: an Undo is offered instead of a question


def _add_alice(world: World) -> Any:
    from core.contacts import AddressBook

    return AddressBook(world.ledger.engine).add("Alice Martin", ALICE, "buyer", "met at the notary's")


def _undo_bar(window: Any) -> Any:
    bars = [b for b in window.findChildren(prompts.UndoBar) if b.isVisible()]
    return bars[0] if len(bars) == 1 else None


def _remove_first_contact(window: Any, qtbot: Any, contacts: int) -> Any:
    """Remove the first of `contacts` contacts from the Keys & contacts pane; the pane, once its Undo bar shows."""
    pane = window.show_pane("keys")
    pane.tabs.setCurrentIndex(1)
    pane.reload()
    qtbot.waitUntil(lambda: pane.contacts_table.rowCount() == contacts, timeout=10_000)
    pane.contacts_table.selectRow(0)
    qtbot.mouseClick(pane.remove_contact, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _undo_bar(window) is not None, timeout=10_000)
    return pane


def test_removing_a_contact_offers_undo_that_restores_it_exactly(
    window: Any, world: World, qtbot: Any, prompt_log: Prompts
) -> None:
    """Fails on the old code: it asked "Remove Alice Martin...?" and offered no Undo (no bar to find)."""
    from core.contacts import AddressBook

    book = AddressBook(world.ledger.engine)
    alice = _add_alice(world)
    book.add("Bob Stone", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "seller")
    pane = _remove_first_contact(window, qtbot, 2)  # Alice sorts first
    bar = _undo_bar(window)
    assert "Alice Martin" in bar.sentence.text() and short_address(ALICE) in bar.sentence.text()
    assert [c.name for c in book.list()] == ["Bob Stone"] and not prompt_log.questions
    qtbot.waitUntil(lambda: pane.contacts_table.rowCount() == 1, timeout=10_000)  # the table read again
    qtbot.mouseClick(bar.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(book.list()) == 2 and pane.contacts_table.rowCount() == 2, timeout=10_000)
    assert book.get(alice.id) == alice  # the same id, name, address, role and note
    assert _undo_bar(window) is None and not prompt_log.errors


def test_undo_refused_when_the_address_was_added_again(
    window: Any, world: World, qtbot: Any, prompt_log: Prompts
) -> None:
    from core.contacts import AddressBook

    book = AddressBook(world.ledger.engine)
    _add_alice(world)
    _remove_first_contact(window, qtbot, 1)
    book.add("Alice again", ALICE)
    qtbot.mouseClick(_undo_bar(window).undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(prompt_log.errors), timeout=10_000)
    assert "already" in prompt_log.errors[0] and [c.name for c in book.list()] == ["Alice again"]


def test_the_undo_bar_goes_away_after_its_seconds(window: Any, qtbot: Any) -> None:
    undone: list[bool] = []
    bar = prompts.offer_undo(window, "Removed Alice Martin from the address book.", lambda: undone.append(True), 1)
    assert bar is not None and _undo_bar(window) is bar
    qtbot.waitUntil(lambda: _undo_bar(window) is None, timeout=3_000)
    assert not undone


def test_undo_after_another_data_folder_was_opened_changes_nothing(
    window: Any, world: World, qtbot: Any, prompt_log: Prompts, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.contacts import AddressBook
    from desktop.workspace import Workspace

    _add_alice(world)
    _remove_first_contact(window, qtbot, 1)
    monkeypatch.setattr(window.ctx, "ws", Workspace(world.home, ledger=world.ledger))  # as if switched
    qtbot.mouseClick(_undo_bar(window).undo_button, Qt.MouseButton.LeftButton)
    assert prompt_log.errors and "another data folder" in prompt_log.errors[0]
    assert AddressBook(world.ledger.engine).list() == []
