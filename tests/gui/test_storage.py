"""The GUI's side of storage problems: a damaged database, an unusable witness, errors from the driver."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy.exc import OperationalError

from core.checkpoints import make_checkpoint
from core.settings import Settings
from core.witness import witness_path
from desktop.gui.context import AppContext
from desktop.gui.operations import describe_error
from tests.gui.conftest import Prompts, populate
from tests.helpers import World


def test_an_escaped_driver_error_is_one_sentence() -> None:
    error = OperationalError("SELECT 1", {}, sqlite3.OperationalError("database disk image is malformed\nmore"))
    assert describe_error(error) == "The ledger database cannot be used: database disk image is malformed."


def test_opening_a_damaged_database_shows_one_sentence(world: World, qtbot: Any, prompt_log: Prompts) -> None:
    from desktop.gui.app import open_in_background

    world.ledger.close()
    world.home.database.write_bytes(b"not a ledger at all " * 500)
    for suffix in ("-wal", "-shm"):
        Path(f"{world.home.database}{suffix}").unlink(missing_ok=True)
    ctx = AppContext(world.home, Settings.load(), None)
    try:
        open_in_background(ctx, None)
        qtbot.waitUntil(lambda: not ctx.opening, timeout=10_000)
        qtbot.waitUntil(lambda: bool(prompt_log.errors), timeout=5_000)
        assert len(prompt_log.errors) == 1 and "is damaged" in prompt_log.errors[0], prompt_log.errors
        assert ctx.ledger is None
    finally:
        ctx.ops.shutdown()


def test_verify_fails_on_a_missing_witness(window: Any, world: World, qtbot: Any) -> None:
    populate(world, 3)
    make_checkpoint(world.ledger, world.operator)
    witness_path(world.home, world.ledger.identity).unlink()
    pane = window.show_pane("ledger")
    pane.verify()
    qtbot.waitUntil(lambda: pane.report is not None, timeout=30_000)
    assert not pane.report.ok and "There is no witness file" in pane.verdict_text.text()
    assert "though it has 1 checkpoint," in pane.verdict_text.text()


def test_checkpoint_over_a_garbled_witness_is_refused_in_a_dialog(
    window: Any, world: World, qtbot: Any, prompt_log: Prompts, answer_key_dialog: Any
) -> None:
    populate(world, 2)
    make_checkpoint(world.ledger, world.operator)
    witness_path(world.home, world.ledger.identity).write_text("garbage")
    size = world.ledger.size()
    pane = window.show_pane("ledger")
    answer_key_dialog("operator")
    qtbot.mouseClick(pane.checkpoint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(prompt_log.errors), timeout=10_000)
    assert "no checkpoint was recorded" in prompt_log.errors[0]
    assert world.ledger.size() == size
