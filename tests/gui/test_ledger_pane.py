"""The ledger pane: verify (with its verdict), checkpoint, proofs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from desktop.gui.events import Changes
from tests.gui.conftest import Prompts, populate
from tests.helpers import World


def test_verify_says_genuine(window: Any, world: World, qtbot: Any) -> None:
    populate(world, 12)
    pane = window.show_pane("ledger")
    qtbot.mouseClick(pane.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.report is not None, timeout=30_000)
    assert pane.report.ok and pane.verdict.isVisible()
    assert "genuine" in pane.verdict_text.text()
    assert not pane.progress_row.isVisible()


def test_tampering_is_named_and_highlighted(window: Any, world: World, qtbot: Any) -> None:
    populate(world, 5)
    world.ledger.raw_execute("UPDATE deeds SET address = 'somewhere else' WHERE deed_id = 3")
    pane = window.show_pane("ledger")
    pane.verify()
    qtbot.waitUntil(lambda: pane.report is not None, timeout=30_000)
    assert not pane.report.ok and pane.report.first_bad == 3
    assert "does not verify" in pane.verdict_text.text()
    qtbot.waitUntil(lambda: pane.model.row_of(3) is not None)
    row = pane.model.row_of(3)
    qtbot.waitUntil(lambda: pane.table.currentIndex().row() == row)
    assert pane.model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_checkpoint_then_export_and_check_a_proof(
    window: Any, world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts, answer_key_dialog: Any
) -> None:
    populate(world, 3)
    pane = window.show_pane("ledger")
    answer_key_dialog("operator")
    qtbot.mouseClick(pane.checkpoint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: world.ledger.latest_checkpoint() is not None, timeout=10_000)
    qtbot.waitUntil(lambda: "checkpoint: entry #4" in pane.info.text(), timeout=5_000)
    pane.reveal(2)
    qtbot.waitUntil(lambda: pane.model.entry_index_at(pane.table.currentIndex().row()) == 2)
    proof = tmp_path / "proof.json"
    prompt_log.files.append(proof)
    qtbot.mouseClick(pane.proof_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(proof.exists, timeout=10_000)
    assert json.loads(proof.read_text())["entry"]["index"] == 2
    prompt_log.files.append(proof)
    qtbot.mouseClick(pane.check_proof_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any("proof is valid" in i for i in prompt_log.infos), timeout=10_000)


def test_filter_by_kind_and_by_deed(window: Any, world: World, qtbot: Any) -> None:
    populate(world, 4)
    pane = window.show_pane("ledger")
    window.ctx.events.announce(Changes.LEDGER)  # the entries appeared behind the window's back
    qtbot.waitUntil(lambda: pane.kind.findData("RegisterDeed") >= 0)  # the kinds are read on a worker
    pane.kind.setCurrentIndex(pane.kind.findData("RegisterDeed"))
    qtbot.waitUntil(lambda: pane.model.rowCount() == 4)
    window.deed_action("ledger", 2)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1)
    assert pane.clear_deed.isVisible()
