"""The notary's desk says so while it waits for another program writing in the journal, and its Cancel ends the
wait with nothing journaled and no response left behind; the other writer is this test holding the journal's
lock (flock: another open file, as another process's would be), as test_sync_wait holds a replica's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from core.file_locks import open_lock, try_lock
from core.notary_journal import JOURNAL_BUSY
from desktop.gui.notary_desk import NotaryDeskWindow
from tests.gui.conftest import PASSWORD, Prompts
from tests.gui.test_notary_desk import _attestation_file, _fill_california, _notary_machine
from tests.helpers import World


def test_an_attestation_waiting_for_the_journal_says_so_and_cancel_journals_nothing(
    world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts
) -> None:
    home, keys, notary = _notary_machine(tmp_path)
    request = _attestation_file(world, tmp_path / "requests", notary)
    desk = NotaryDeskWindow(home, keys)
    qtbot.addWidget(desk)
    desk.resize(1180, 900)
    desk.show()
    desk.load(request)
    qtbot.waitUntil(lambda: desk.report is not None, timeout=10_000)
    _fill_california(desk, qtbot)
    desk.form.thumbprint.setChecked(True)
    qtbot.keyClicks(desk.picker.password, PASSWORD)
    assert not desk.progress_row.isVisible()  # nothing to say while no append waits

    journal = desk.ws.notary_journal.path
    journal.parent.mkdir(parents=True, exist_ok=True)
    held = open_lock(journal.with_name(f".{journal.name}.lock"), "the journal", "")
    assert try_lock(held)
    out = tmp_path / "attested.json"
    try:
        prompt_log.files.append(out)
        qtbot.mouseClick(desk.attest_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: desk.progress_row.isVisible(), timeout=10_000)
        assert desk.progress_row.text.text() == JOURNAL_BUSY
        assert "waiting for it to finish" in JOURNAL_BUSY
        assert desk.progress_row.bar.maximum() == 0  # a moving bar: no fraction done while waiting
        desk.grab().save(str(tmp_path / "journal-wait.png"))
        if os.environ.get("DEEDBOOK_SHOTS"):
            desk.grab().save(str(Path(os.environ["DEEDBOOK_SHOTS"]) / "notary-desk-journal-wait.png"))

        qtbot.mouseClick(desk.progress_row.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not desk.ops.busy, timeout=5_000)
        assert not desk.progress_row.isVisible() and prompt_log.errors == [] and prompt_log.infos == []
        assert not journal.exists() and not out.exists()  # no row, and no response without its row
        assert desk.attest_button.isEnabled()
    finally:
        os.close(held)
    # the other writer finished: the same act is journaled
    prompt_log.files.append(out)
    qtbot.mouseClick(desk.attest_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(prompt_log.infos), timeout=10_000)
    assert "Journal row 0" in prompt_log.infos[-1] and out.exists() and not prompt_log.errors
    assert not desk.progress_row.isVisible()
    desk.ops.shutdown()
