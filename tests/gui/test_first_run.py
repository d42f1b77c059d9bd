"""First run: create a ledger (password twice, strength hinted) or build a demo in the background."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from core.errors import Cancelled
from core.paths import DataDir
from core.settings import Settings
from desktop.gui.context import AppContext
from desktop.gui.dialogs.first_run import FirstRunDialog, demo_home
from tests.gui.conftest import PASSWORD, Prompts


@pytest.fixture
def empty(deedbook_home: Path, qtbot: Any) -> Any:
    context = AppContext(DataDir.resolve(deedbook_home), Settings.load(), None)
    dialog = FirstRunDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    context.ops.shutdown()


def test_create_a_ledger(empty: FirstRunDialog, qtbot: Any) -> None:
    qtbot.keyClicks(empty.ledger_name, "Story County Deeds")
    qtbot.keyClicks(empty.new_password.first, PASSWORD)
    assert not empty.create_button.isEnabled()
    qtbot.keyClicks(empty.new_password.second, PASSWORD)
    assert empty.create_button.isEnabled()
    with qtbot.waitSignal(empty.accepted, timeout=20_000):
        qtbot.mouseClick(empty.create_button, Qt.MouseButton.LeftButton)
    ledger = empty.ctx.ledger
    assert ledger is not None and ledger.identity.name == "Story County Deeds"
    assert [k.name for k in empty.ctx.keys.list()] == ["operator"]
    assert Settings.load().last_data_dir == str(empty.ctx.home.root)


def test_a_refused_ledger_leaves_no_key_behind(empty: FirstRunDialog, qtbot: Any, prompt_log: Prompts) -> None:
    qtbot.keyClicks(empty.ledger_name, "X")
    empty.key_name.setText("not a valid name!")
    qtbot.keyClicks(empty.new_password.first, PASSWORD)
    qtbot.keyClicks(empty.new_password.second, PASSWORD)
    qtbot.mouseClick(empty.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(prompt_log.errors), timeout=10_000)
    assert "not a usable key name" in prompt_log.errors[0]
    assert empty.ctx.ledger is None and not empty.ctx.home.database.exists()


def test_explore_a_demo(empty: FirstRunDialog, qtbot: Any) -> None:
    qtbot.mouseClick(empty.choice_buttons["demo"], Qt.MouseButton.LeftButton)
    empty.demo_deeds.setValue(12)
    empty.demo_transfers.setValue(0)
    with qtbot.waitSignal(empty.accepted, timeout=60_000):
        qtbot.mouseClick(empty.demo_button, Qt.MouseButton.LeftButton)
    assert empty.ctx.ledger is not None and empty.ctx.ledger.deed_count() == 12
    assert empty.ctx.home == demo_home(DataDir.resolve(empty.ctx.home.root.parent))


def test_cancel_the_demo(
    empty: FirstRunDialog, qtbot: Any, monkeypatch: pytest.MonkeyPatch, prompt_log: Prompts
) -> None:
    import core.demo

    def endless(_home: Any, *, progress: Any, should_cancel: Any, **_kw: Any) -> None:
        while True:
            progress(1, 10)
            if should_cancel():
                raise Cancelled("The demo was cancelled.")
            threading.Event().wait(0.01)  # a worker thread: no event loop to wait on

    monkeypatch.setattr(core.demo, "build_demo", endless)
    qtbot.mouseClick(empty.choice_buttons["demo"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(empty.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: empty.demo_progress.value() == 100, timeout=10_000)
    qtbot.mouseClick(empty.demo_cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(empty.demo_button.isEnabled, timeout=10_000)
    assert empty.ctx.ledger is None and prompt_log.errors == [] and empty.isVisible()


def test_signer_only(empty: FirstRunDialog, qtbot: Any) -> None:
    with qtbot.waitSignal(empty.accepted):
        qtbot.mouseClick(empty.choice_buttons["signer"], Qt.MouseButton.LeftButton)
    assert empty.window_requested == "signer"


def test_notary_desk_only(empty: FirstRunDialog, qtbot: Any) -> None:
    with qtbot.waitSignal(empty.accepted):
        qtbot.mouseClick(empty.choice_buttons["notary"], Qt.MouseButton.LeftButton)
    assert empty.window_requested == "notary" and empty.ctx.ledger is None
