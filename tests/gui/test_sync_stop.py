"""A running replica sync stopped by the progress row's Cancel: the row says "Stopping…" at once (the UI thread
never waits for the batch under way), the sync stops after that batch, the status bar says how far it got, and
the replica verifies at a whole number of batches; the same sync then finishes it, leaf for leaf the source's.

The batch is made small (core.replica.BATCH) rather than the ledger large, and the sync's second batch is held
inside its append until the test lets it go, so that Cancel falls inside a batch every time."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

import core.replica
from core.checkpoints import make_checkpoint
from core.ledger import Ledger
from core.paths import DataDir
from core.replica import LedgerSource, sync
from core.replica_start import unfinished
from core.settings import Settings
from core.verify import verify_ledger
from desktop.gui.context import AppContext
from desktop.gui.dialogs import witness as dialogs
from desktop.gui.main_window import STOPPING
from tests.gui.conftest import Prompts, populate
from tests.helpers import World

BATCH = 2


def _leaves(ledger: Ledger) -> list[bytes]:
    return [e.leaf_hash for e in ledger.entries()]


def _held_in_second_batch(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """(entered, release): the next sync's second batch waits inside its append until `release` is set."""
    entered, release, calls = threading.Event(), threading.Event(), [0]
    original = Ledger.append

    def append(self: Ledger, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == 2:
            entered.set()
            assert release.wait(30)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Ledger, "append", append)
    return entered, release


def _row(pane: Any) -> dict[str, str]:
    """The followed table's replica row, by column name ({} when it has none)."""
    table = pane.followed_table
    heads = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    for r in range(table.rowCount()):
        if table.item(r, 0).text().startswith("Replica"):
            return {h: table.item(r, c).text() for c, h in enumerate(heads)}
    return {}


@pytest.mark.parametrize("first", [False, True], ids=["a replica", "a first sync"])
def test_cancel_stops_a_running_sync_after_its_batch_and_the_same_sync_finishes_it(
    qtbot: Any, tmp_path: Path, prompt_log: Prompts, monkeypatch: pytest.MonkeyPatch, world: World, first: bool
) -> None:
    from desktop.gui.main_window import MainWindow

    populate(world, 2)
    make_checkpoint(world.ledger, world.operator)
    home = DataDir.resolve(tmp_path / "replica")
    if not first:
        assert sync(home, None, LedgerSource(world.ledger, str(world.home.root))).ok
    for i in range(9):
        world.register(f"L-{i}", world.operator.address)
    make_checkpoint(world.ledger, world.operator)  # the source well ahead: several batches to append
    held = 0 if first else Ledger.open(home).size()
    of = world.ledger.size() - held

    ctx = AppContext(home, Settings.load(), None if first else Ledger.open(home))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    try:
        pane = window.show_pane("witnesses")
        qtbot.waitUntil(lambda: pane.overview is not None and not ctx.ops.busy, timeout=10_000)
        source = str(world.home.root)
        monkeypatch.setattr(dialogs.SyncDialog, "exec", lambda dialog: 1)
        monkeypatch.setattr(dialogs.SyncDialog, "value", lambda dialog: source)
        monkeypatch.setattr(core.replica, "BATCH", BATCH)
        entered, release = _held_in_second_batch(monkeypatch)
        qtbot.mouseClick(pane.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(entered.is_set, timeout=20_000)
        qtbot.waitUntil(lambda: window.busy_cancel.isVisible(), timeout=10_000)

        qtbot.mouseClick(window.busy_cancel, Qt.MouseButton.LeftButton)  # returns while the batch is held
        assert window.busy_label.text() == STOPPING and not window.busy_cancel.isEnabled()
        assert ctx.ops.busy and not release.is_set()
        window.grab().save(str(tmp_path / "stopping.png"))
        release.set()
        qtbot.waitUntil(lambda: not ctx.ops.busy, timeout=20_000)

        said = f"Sync stopped after {2 * BATCH:,} of {of:,} entries; run it again to continue."
        assert window.statusBar().currentMessage() == said
        window.grab().save(str(tmp_path / "stopped.png"))
        assert prompt_log.errors == [] and prompt_log.infos == [] and not window.busy_cancel.isVisible()
        replica = Ledger.open(home, finishing=True)
        try:
            size = replica.size()
            assert size == held + 2 * BATCH and (size - held) % BATCH == 0  # whole batches: the held one finished
            assert _leaves(replica) == _leaves(world.ledger)[:size]
            checked = verify_ledger(replica)
            # a replica verifies; a first sync's is not a ledger yet (its witness file comes when a sync finishes)
            assert checked.ok if not first else "no witness file" in (checked.reason or "")
        finally:
            replica.close()
        assert (unfinished(home) is not None) == first
        if first:  # still a replica whose first sync did not finish, and the pane says so
            qtbot.waitUntil(lambda: "did not finish" in pane.followed_info.text(), timeout=10_000)
        # the pane's row: what the replica holds now (read from its ledger), and where its last sync stopped;
        # on the old code a replica's row said the last finished sync's size, a first sync's no row at all
        stopped = f"stopped at {size:,} of {world.ledger.size():,} entries"
        qtbot.waitUntil(lambda: stopped in _row(pane).get("State", ""), timeout=10_000)
        row = _row(pane)
        assert row["Entries held"] == f"{size:,}", row
        assert (
            ("first sync " + stopped + "; sync again to finish it") in row["State"]
            if first
            else (stopped + "; sync again to continue") in row["State"]
        ), row
        pane.grab().save(str(tmp_path / "pane_stopped.png"))

        monkeypatch.setattr(core.replica, "BATCH", 2000)
        qtbot.mouseClick(pane.sync_button, Qt.MouseButton.LeftButton)  # the same sync goes on from there
        qtbot.waitUntil(lambda: any("new entries checked" in i for i in prompt_log.infos), timeout=20_000)
        assert prompt_log.errors == [] and f"{of - 2 * BATCH:,} new entries" in prompt_log.infos[-1]
        qtbot.waitUntil(lambda: not ctx.ops.busy, timeout=20_000)
        replica = Ledger.open(home)
        try:
            assert _leaves(replica) == _leaves(world.ledger) and verify_ledger(replica).ok
        finally:
            replica.close()
        qtbot.waitUntil(lambda: _row(pane).get("Entries held") == f"{world.ledger.size():,}", timeout=10_000)
        assert "stopped" not in _row(pane)["State"] and _row(pane)["Role"] == "Replica"
    finally:
        ctx.ops.shutdown()
        window.close()


def test_cancel_between_two_pages_of_a_server_is_shown_as_a_stop_in_the_pane(
    qtbot: Any, tmp_path: Path, prompt_log: Prompts, monkeypatch: pytest.MonkeyPatch, world: World
) -> None:
    """From a `serve` URL in pages of 3, Cancel pressed as the first page ends: the sync asks no second page, the
    status bar says how far it got, and the pane's replica row says where it stopped (it said nothing of a stop
    between pages: each page's sync had finished)."""
    import desktop.serve.server as serve
    from desktop.gui.main_window import MainWindow
    from desktop.serve.server import make_server

    populate(world, 2)
    make_checkpoint(world.ledger, world.operator)
    home = DataDir.resolve(tmp_path / "replica")
    assert sync(home, None, LedgerSource(world.ledger, str(world.home.root))).ok
    held = Ledger.open(home).size()
    for i in range(7):
        world.register(f"P-{i}", world.operator.address)
    make_checkpoint(world.ledger, world.operator)
    monkeypatch.setattr(serve, "PAGE", 3)
    server = make_server(world.home, world.ledger, quiet=True).start()

    ended, release, real = threading.Event(), threading.Event(), core.replica._sync_alone

    def page_then_wait(*args: Any, **kwargs: Any) -> Any:
        report = real(*args, **kwargs)
        if not ended.is_set():  # the first page: held here until Cancel was pressed
            ended.set()
            assert release.wait(30)
        return report

    ctx = AppContext(home, Settings.load(), Ledger.open(home))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    try:
        pane = window.show_pane("witnesses")
        qtbot.waitUntil(lambda: pane.overview is not None and not ctx.ops.busy, timeout=10_000)
        monkeypatch.setattr(dialogs.SyncDialog, "exec", lambda dialog: 1)
        monkeypatch.setattr(dialogs.SyncDialog, "value", lambda dialog: server.url)
        monkeypatch.setattr(core.replica, "_sync_alone", page_then_wait)
        qtbot.mouseClick(pane.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(ended.is_set, timeout=20_000)
        qtbot.waitUntil(lambda: window.busy_cancel.isVisible(), timeout=10_000)
        qtbot.mouseClick(window.busy_cancel, Qt.MouseButton.LeftButton)
        release.set()
        qtbot.waitUntil(lambda: not ctx.ops.busy, timeout=20_000)

        size, of = Ledger.open(home).size(), world.ledger.size() - held  # the first page's entries appended
        assert held < size < world.ledger.size()
        said = f"Sync stopped after {size - held:,} of {of:,} entries; run it again to continue."
        assert window.statusBar().currentMessage() == said
        assert prompt_log.errors == [] and prompt_log.infos == []
        stopped = f"stopped at {size:,} of {world.ledger.size():,} entries; sync again to continue"
        qtbot.waitUntil(lambda: stopped in _row(pane).get("State", ""), timeout=10_000)
        assert _row(pane)["Entries held"] == f"{size:,}"
        pane.grab().save(str(tmp_path / "pane_stopped_between_pages.png"))
    finally:
        ctx.ops.shutdown()
        window.close()
        server.stop()
