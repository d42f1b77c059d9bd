"""A replica sync that must wait for another sync into its folder says so in the progress row (and whom it waits
for, when the lock file says so), and its Cancel stops the wait with nothing synced; the other sync here is this
test holding the folder's lock (flock: another open file, as another process's would be)."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from core.checkpoints import make_checkpoint
from core.ledger import Ledger
from core.paths import DataDir
from core.replica import LedgerSource, sync
from core.file_locks import open_lock, try_lock
from core.replica_start import SyncLock, lock_path
from core.settings import Settings
from desktop.gui.context import AppContext
from desktop.gui.dialogs import witness as dialogs
from desktop.gui.panes.witnesses import WAITING
from tests.folder_state import folder_state
from tests.gui.conftest import Prompts, populate
from tests.helpers import World


class Unsaid:
    """A sync holding the folder's lock that does not say who it is (an older version, or one that has not
    written yet)."""

    def __init__(self, home: DataDir) -> None:
        self.fd = open_lock(lock_path(home), "the test's lock", "")
        assert try_lock(self.fd)

    def release(self) -> None:
        os.close(self.fd)


@pytest.mark.parametrize("says", [True, False], ids=["the holder says who", "an unsaid holder"])
def test_a_sync_waiting_for_another_says_so_and_cancel_stops_it_with_nothing_synced(
    qtbot: Any, tmp_path: Path, prompt_log: Prompts, monkeypatch: pytest.MonkeyPatch, world: World, says: bool
) -> None:
    from desktop.gui.main_window import MainWindow

    populate(world, 2)
    make_checkpoint(world.ledger, world.operator)
    home = DataDir.resolve(tmp_path / "replica")
    assert sync(home, None, LedgerSource(world.ledger, str(world.home.root))).ok
    world.register("L-1", world.operator.address)
    make_checkpoint(world.ledger, world.operator)  # the source is ahead: a sync would append

    ctx = AppContext(home, Settings.load(), Ledger.open(home))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    source = "https://clerk:s3cret@records.example.org/county"
    lock = SyncLock.take(home, source=source) if says else Unsaid(home)
    assert lock is not None
    try:
        pane = window.show_pane("witnesses")
        qtbot.waitUntil(lambda: pane.overview is not None and not ctx.ops.busy, timeout=10_000)
        size, before = ctx.ledger.size(), folder_state(home.root)
        monkeypatch.setattr(dialogs.SyncDialog, "exec", lambda dialog: 1)  # the source it synced from last time
        qtbot.mouseClick(pane.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.busy_cancel.isVisible(), timeout=10_000)
        row = window.busy_label
        if says:
            qtbot.waitUntil(lambda: row.text().startswith("Waiting for another sync ("), timeout=10_000)
            said = f"Waiting for another sync (from https://records.example.org/county, process {os.getpid()} on {platform.node()[:20]}"
            assert row.text().startswith(said), row.text()
            assert row.text().endswith(")\u2026") and "s3cret" not in row.text()
        else:
            qtbot.waitUntil(lambda: row.text() == WAITING, timeout=10_000)
            assert "Waiting for another sync into this folder to end" in WAITING
        assert window.busy_bar.maximum() == 0  # a moving bar: no fraction done while waiting
        window.grab().save(str(tmp_path / "waiting.png"))

        qtbot.mouseClick(window.busy_cancel, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not ctx.ops.busy, timeout=5_000)
        assert not window.busy_cancel.isVisible() and prompt_log.errors == [] and prompt_log.infos == []
        assert ctx.ledger.size() == size and folder_state(home.root) == before
    finally:
        lock.release()
    try:  # the lock was let go of: the next sync runs
        qtbot.mouseClick(pane.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: any("new entries checked" in i for i in prompt_log.infos), timeout=20_000)
        assert prompt_log.errors == []
    finally:
        ctx.ops.shutdown()
        window.close()
