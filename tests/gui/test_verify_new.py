"""The ledger pane's "Verify new": after a full verify, only the entries since its checkpoint are checked,
and the verdict says so; on a folder that remembers none, everything is verified and it says that."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from core.checkpoints import make_checkpoint
from tests.gui.conftest import populate
from tests.helpers import World


def _verify(pane: Any, qtbot: Any, button: Any) -> Any:
    pane.report = None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.report is not None, timeout=30_000)
    return pane.report


def test_verify_new_checks_what_came_after_the_full_verify(
    window: Any, world: World, qtbot: Any, tmp_path: Path
) -> None:
    populate(world, 6)
    make_checkpoint(world.ledger, world.operator)
    pane = window.show_pane("ledger")
    first = _verify(pane, qtbot, pane.verify_new_button)  # nothing remembered yet: everything
    assert first.ok and first.since is None and "remembers no checkpoint" in pane.verdict_text.text()
    populate_more = [world.register(f"LATER-{i}", world.operator.address) for i in range(4)]
    assert populate_more == [7, 8, 9, 10]
    report = _verify(pane, qtbot, pane.verify_new_button)
    assert report.ok and report.since == 7 and report.entries == 12
    assert "The new entries are genuine" in pane.verdict_text.text()
    assert "entries 7 to 11 (5 since checkpoint 7" in pane.verdict_text.text()
    assert pane.verify_button.isEnabled() and pane.verify_new_button.isEnabled()
    if os.environ.get("DEEDBOOK_SHOTS"):  # looked at by hand when the pane changes
        window.grab().save(str(Path(os.environ["DEEDBOOK_SHOTS"]) / "verify-new.png"))
    world.ledger.raw_execute("UPDATE tree_nodes SET hash = zeroblob(32) WHERE level = 1 AND idx = 5")
    bad = _verify(pane, qtbot, pane.verify_new_button)
    assert not bad.ok and "tree_nodes table was changed" in pane.verdict_text.text()
