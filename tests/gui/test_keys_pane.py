"""Keys and the address book from the keys pane."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

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
    pane.contacts_table.selectRow(0)
    qtbot.mouseClick(pane.remove_contact, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.contacts_table.rowCount() == 0, timeout=10_000)
    assert prompt_log.questions and "Alice M." in prompt_log.questions[0]
