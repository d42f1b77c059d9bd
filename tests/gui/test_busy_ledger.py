"""The GUI writes through the same in-lock builders as the command line.

Another program (here a thread with its own database connection) is inside the
ledger's write lock and records a deed while the GUI's write waits: the GUI's
registration then takes the next number and its checkpoint covers the other
program's entry too, instead of being refused.  A lock held too long is one
sentence in a dialog, and the window answers while its write waits.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import Qt

from core.deeds import registration_message
from core.entries import Entry
from core.ledger import Ledger
from core.state import LedgerState
from tests.gui.conftest import OWNERS, Prompts
from tests.gui.test_register import _fill
from tests.helpers import World
from tests.writers import HeldLock


class Interloper(threading.Thread):
    """Another writer: it enters the write lock, waits for `go`, then records deed `parcel` and leaves."""

    def __init__(self, world: World, parcel: str) -> None:
        super().__init__(daemon=True)
        self.ledger = Ledger.open(world.home)  # its own engine and connection, as another program's
        self.operator, self.parcel = world.operator, parcel
        self.inside, self.go = threading.Event(), threading.Event()
        self.deed_id: int | None = None

    def run(self) -> None:
        def build(state: LedgerState) -> list[Entry]:
            self.inside.set()
            self.go.wait(20)
            self.deed_id = state.next_deed_id
            message = registration_message(
                state.next_deed_id, parcel=self.parcel, address="9 Other Program Rd", owner=OWNERS[5]
            )
            return [self.ledger.sign("RegisterDeed", message, self.operator, "registrar")]

        self.ledger.append_built(build)
        self.ledger.close()


def test_registering_while_another_program_writes_takes_the_next_number(
    window: Any, world: World, qtbot: Any, prompt_log: Prompts
) -> None:
    pane = window.show_pane("register")
    _fill(pane, qtbot, "GUI-1")
    other = Interloper(world, "OTHER-1")
    other.start()
    assert other.inside.wait(10)
    qtbot.mouseClick(pane.submit, Qt.MouseButton.LeftButton)
    qtbot.wait(400)  # the GUI's writer thread is now waiting for the lock ...
    window.show_pane("deeds")  # ... and the window still answers
    assert pane.result.isHidden()
    other.go.set()
    qtbot.waitUntil(lambda: not pane.result.isHidden(), timeout=20_000)
    other.join(10)
    assert prompt_log.errors == []
    assert other.deed_id == 1
    assert [world.ledger.deed(n).parcel for n in (1, 2)] == ["OTHER-1", "GUI-1"]


def test_a_checkpoint_covers_what_another_program_recorded_while_it_waited(
    window: Any, world: World, qtbot: Any, prompt_log: Prompts, answer_key_dialog: Any
) -> None:
    world.register("P-1", OWNERS[1])
    pane = window.show_pane("ledger")
    other = Interloper(world, "OTHER-2")
    other.start()
    assert other.inside.wait(10)
    answer_key_dialog("operator")
    qtbot.mouseClick(pane.checkpoint_button, Qt.MouseButton.LeftButton)
    qtbot.wait(400)
    other.go.set()
    qtbot.waitUntil(lambda: world.ledger.latest_checkpoint() is not None, timeout=20_000)
    other.join(10)
    checkpoint = world.ledger.latest_checkpoint()
    assert checkpoint is not None and prompt_log.errors == []
    assert checkpoint.index == 3 and checkpoint.message["size"] == 3  # genesis, P-1 and the other program's deed
    assert checkpoint.message["root"] == "0x" + world.ledger.merkle_root(3).hex()


def test_a_lock_held_too_long_is_one_sentence(
    window: Any, world: World, qtbot: Any, prompt_log: Prompts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Ledger, "lock_wait", 0.3)
    monkeypatch.setattr(Ledger, "lock_attempts", 2)
    pane = window.show_pane("register")
    _fill(pane, qtbot, "GUI-2")
    held = HeldLock(world.ledger)
    try:
        qtbot.mouseClick(pane.submit, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(prompt_log.errors), timeout=20_000)
    finally:
        held.release()
    assert prompt_log.errors == [
        "The ledger is busy: another program kept it locked for writing for over 0.6 seconds; "
        "nothing was written, try again."
    ]
    assert world.ledger.deed_count() == 0
    qtbot.waitUntil(pane.submit.isEnabled)
    qtbot.mouseClick(pane.submit, Qt.MouseButton.LeftButton)  # the form kept what was typed; the lock is free now
    qtbot.waitUntil(pane.result.isVisible, timeout=20_000)
    assert world.ledger.deed(1).parcel == "GUI-2"
