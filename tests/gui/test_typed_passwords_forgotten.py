"""A dialog that asks for a password keeps it no longer than its answers are read: afterwards no line edit of
the application holds what was typed, and the dialog is gone (parented to a long-lived pane, it would otherwise
stay, hidden, with the password in it, one more for every act)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.gui.dialogs import keys as key_dialogs
from desktop.gui.panes import ledger as ledger_pane
from tests.gui.conftest import PASSWORD, populate
from tests.helpers import World

NEW_PASSWORD = "carol's own password 9"


def _holding(text: str) -> list[QLineEdit]:
    return [w for w in QApplication.allWidgets() if isinstance(w, QLineEdit) and text in w.text()]


def _alive(cls: type) -> list[Any]:
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    return [w for w in QApplication.allWidgets() if isinstance(w, cls)]


@pytest.mark.parametrize("accept", [True, False], ids=["signed", "declined"])
def test_the_key_dialog_forgets_the_password_once_read(
    window: Any, world: World, qtbot: Any, answer_key_dialog: Any, monkeypatch: pytest.MonkeyPatch, accept: bool
) -> None:
    populate(world, 2)
    pane = window.show_pane("ledger")
    answer_key_dialog("operator", accept=accept)
    seen: list[Any] = []
    answered = ledger_pane.KeyDialog.exec

    def exec_(dialog: Any) -> int:
        seen.append(dialog)
        result = answered(dialog)
        assert _holding(PASSWORD) == [dialog.picker.password]  # typed: there while the dialog is asked
        return int(result)

    monkeypatch.setattr(ledger_pane.KeyDialog, "exec", exec_)  # (around the fixture's answer)
    qtbot.mouseClick(pane.checkpoint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    if accept:
        qtbot.waitUntil(lambda: world.ledger.latest_checkpoint() is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=10_000)
    assert _holding(PASSWORD) == []
    assert _alive(ledger_pane.KeyDialog) == []
    assert (world.ledger.latest_checkpoint() is not None) == accept


def test_new_and_imported_keys_dialogs_forget_their_passwords(
    window: Any, world: World, qtbot: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.keys import KeyStore

    pane = window.show_pane("keys")

    def new_key(dialog: Any) -> int:
        qtbot.keyClicks(dialog.name, "carol")
        qtbot.keyClicks(dialog.password.first, NEW_PASSWORD)
        qtbot.keyClicks(dialog.password.second, NEW_PASSWORD)
        assert len(_holding(NEW_PASSWORD)) == 2
        return 1

    monkeypatch.setattr(key_dialogs.NewKeyDialog, "exec", new_key)
    qtbot.mouseClick(pane.new_key, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(k.name == "carol" for k in world.keys.list()), timeout=20_000)
    assert _holding(NEW_PASSWORD) == [] and _alive(key_dialogs.NewKeyDialog) == []

    elsewhere = KeyStore(tmp_path / "elsewhere").create("dave", NEW_PASSWORD, n=1024)

    def import_it(dialog: Any) -> int:
        dialog.path.setText(str(elsewhere.path))
        qtbot.keyClicks(dialog.name, "dave")
        qtbot.keyClicks(dialog.password, NEW_PASSWORD)
        return 1

    monkeypatch.setattr(key_dialogs.ImportKeyDialog, "exec", import_it)
    qtbot.mouseClick(pane.import_keystore, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(k.name == "dave" for k in world.keys.list()), timeout=20_000)
    assert _holding(NEW_PASSWORD) == [] and _alive(key_dialogs.ImportKeyDialog) == []
