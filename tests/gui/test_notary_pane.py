"""The notary desk: attest an entry, see it in the journal, export the journal."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.gui.dialogs.notary_certificate import NotaryCertificateDialog
from tests.documents.test_content import record_of

from tests.gui.conftest import OWNERS, PASSWORD, Prompts
from tests.helpers import World


def test_attest_and_export_the_journal(
    window: Any,
    world: World,
    qtbot: Any,
    tmp_path: Path,
    prompt_log: Prompts,
    answer_key_dialog: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world.key("county-notary")
    world.register("N-1", OWNERS[2])
    pane = window.show_pane("notary")
    pane.key.reload()
    pane.entry.setValue(0)
    qtbot.waitUntil(lambda: "LedgerGenesis" in pane.entry_preview.text())  # read on a worker
    assert not pane.attest_button.isEnabled()  # the genesis entry is not attested
    pane.entry.setValue(1)
    qtbot.waitUntil(lambda: "RegisterDeed" in pane.entry_preview.text())
    pane.key.select("county-notary")
    qtbot.keyClicks(pane.place, "Ames, Story County, IA")
    qtbot.keyClicks(pane.id_number, "X1234567")
    qtbot.keyClicks(pane.key.password, PASSWORD)
    assert pane.attest_button.isEnabled(), pane.problem.text()
    size = world.ledger.size()
    prompt_log.answer = False  # asked first (the old code attested at once): Cancel signs nothing
    qtbot.mouseClick(pane.attest_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(prompt_log.questions), timeout=10_000)  # asked once the ledger allows it
    question = prompt_log.questions[-1]
    assert question.startswith("Attest entry #1 (RegisterDeed") and "at Ames, Story County, IA" in question
    assert "'county-notary'" in question and prompt_log.options[-1]["yes"] == "Attest"
    assert world.ledger.size() == size and pane.id_number.text() == "X1234567" and not prompt_log.infos
    qtbot.waitUntil(pane.attest_button.isEnabled)
    prompt_log.answer = True
    qtbot.mouseClick(pane.attest_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.table.rowCount() == 1, timeout=10_000)
    assert prompt_log.infos and "entry #2" in prompt_log.infos[0]
    assert world.ledger.entry(2).kind == "Attestation"
    assert "X1234567" not in world.ledger.entry(2).as_json().__repr__()  # only a keyed hash is kept
    assert pane.id_number.text() == ""
    out = tmp_path / "journal.csv"
    prompt_log.files.append(out)
    qtbot.mouseClick(pane.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=10_000)
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0]["entry_index"] == "1" and rows[0]["place"] == "Ames, Story County, IA"
    pane.table.selectRow(0)
    answer_key_dialog("operator")  # the record is proved against a checkpoint: the pane offers to sign one
    window.ctx.settings.notary_certificate = {"profile": "california", "commission": "OLD-1"}
    seen: list[str] = []

    def fill_in(dialog: NotaryCertificateDialog) -> int:  # what a notary types, on the real dialog
        assert dialog.profile.currentData() == "california" and dialog.number.text() == "OLD-1"  # offered again
        dialog.profile.setCurrentIndex(dialog.profile.findData("iowa"))
        dialog.number.setText("IA-771204")
        dialog.expires.setText("June 2029")
        seen.append(dialog.problem.text())
        assert not dialog.ok.isEnabled()
        dialog.expires.setText("2029-06-30")
        assert dialog.ok.isEnabled()
        dialog.accept()
        return 1

    monkeypatch.setattr(NotaryCertificateDialog, "exec", fill_in)
    with qtbot.waitSignal(window.ctx.events.show_document, timeout=60_000) as shown:
        qtbot.mouseClick(pane.record_pdf, Qt.MouseButton.LeftButton)
    assert Path(shown.args[0]).name.startswith("notary-record-entry2")
    assert "is not a date" in seen[0]
    facts = {"profile": "iowa", "commission": "IA-771204", "commissionExpires": "2029-06-30"}
    assert record_of(Path(shown.args[0]))["extra"]["notary"] == facts
    assert window.ctx.settings.notary_certificate == facts  # offered next time
