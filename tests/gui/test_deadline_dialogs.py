"""The hold, release and recovery forms ask how long the approvers have (offscreen, as a person would):
they show the deadline, the days chosen are the deadline signed, and the recovery wizard says when the
requests written at its opening have expired and writes fresh ones."""

from __future__ import annotations

import json
import re
import os
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard

from core.dates import DAY
from desktop.gui import prompts
from desktop.gui.events import Changes
from tests.compliance_helpers import Office
from tests.gui import test_rules_pane as rules_pane
from tests.gui.conftest import Prompts, loaded
from tests.gui.test_rules_pane import recovery_case, sign_key

# The rules pane's office and pane fixtures, shared rather than built twice (its world holds the office).
office_template = rules_pane.office_template
world = rules_pane.world
office = rules_pane.office
pane = rules_pane.pane
SHOTS = os.environ.get("DEEDBOOK_SHOTS")  # a folder: the forms are also saved there as PNG, to be looked at


def shot(widget: Any, name: str) -> None:
    QApplication.processEvents()  # the layout follows text set just now
    picture = widget.grab()
    assert not picture.isNull() and picture.width() > 200
    if SHOTS:
        picture.save(str(Path(SHOTS) / f"{name}.png"))


def test_the_hold_dialog_shows_the_deadline_and_signs_the_one_chosen(
    pane: Any, office: Office, qtbot: Any, tmp_path: Path, prompt_log: Prompts
) -> None:
    office.second_registrar()
    dialog = pane.dialog("HoldDialog")
    qtbot.addWidget(dialog)
    field = dialog.deadline
    assert field.days.value() == 14 and field.days.text() == "14 days to sign"
    assert re.fullmatch(
        r"until \d{4}-\d\d-\d\d \d\d:\d\d UTC( \(\d{4}-\d\d-\d\d \d\d:\d\d UTC[+-][\d:]+ here\))?", field.until.text()
    )
    field.days.setValue(3)
    assert time.strftime("%Y-%m-%d", time.gmtime(time.time() + 3 * DAY)) in field.until.text()
    dialog.reason.setText("Title fraud inquiry")
    dialog.order.setText("CV-2026-0142")
    dialog.out_dir.setText(str(tmp_path / "hold"))
    sign_key(dialog, "operator")
    shot(dialog, "hold-dialog")
    before = int(time.time())
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Send" in dialog.note_text.text(), timeout=10_000)
    theirs = json.loads(next((tmp_path / "hold").glob("*-approver.json")).read_text())
    deadline = theirs["typedData"]["message"]["hold"]["deadline"]
    assert before + 3 * DAY <= deadline <= int(time.time()) + 3 * DAY
    assert "Deadline" in theirs["summary"]  # the approver reads it before signing
    assert "its deadline" in dialog.note_text.text()
    assert prompt_log.errors == []


def test_the_release_dialog_shows_the_deadline(pane: Any, office: Office, qtbot: Any) -> None:
    message = office.hold(deed=1)
    pane.ctx.events.announce(Changes.LEDGER)
    qtbot.waitUntil(lambda: pane.holds_table.rowCount() == 1, timeout=10_000)
    pane.holds_table.selectRow(0)
    dialog = pane.release()
    qtbot.addWidget(dialog)
    assert message["holdId"][:10] in dialog.windowTitle()
    assert dialog.deadline.days.value() == 14 and dialog.deadline.until.text().startswith("until ")
    shot(dialog, "release-dialog")


def test_the_recovery_wizard_asks_the_deadline_and_says_when_requests_expired(
    pane: Any,
    office: Office,
    qtbot: Any,
    tmp_path: Path,
    prompt_log: Prompts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    office.rules(recovery={"approvals": [{"role": "registrar", "by": "registrars"}], "waiting_days": 3})
    wizard, case = recovery_case(pane, office, qtbot, tmp_path / "approvals")
    assert case.deadline.days.value() == 30 and case.deadline.until.text().startswith("until ")
    case.deadline.days.setValue(10)
    sign_key(case, "operator")
    qtbot.waitUntil(case.isComplete)
    shot(wizard, "recovery-case")
    started = int(time.time())
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.status, timeout=10_000)
    written = [json.loads(p.read_text()) for p in (tmp_path / "approvals").glob("*.json")]
    assert written and all(
        started + 10 * DAY <= r["typedData"]["message"]["deadline"] <= int(time.time()) + 10 * DAY for r in written
    )
    status = wizard.status
    qtbot.waitUntil(lambda: status.view is not None)
    assert "expired" not in status.state_text.text()
    moment = time.time() + 31 * DAY
    monkeypatch.setattr(time, "time", lambda: moment)
    status.refresh()
    qtbot.waitUntil(lambda: "expired on" in status.state_text.text(), timeout=10_000)
    assert "need fresh ones. \u201cWrite fresh requests\u2026\u201d below writes them." in status.state_text.text()
    assert status.fresh_deadline.days.value() == 30
    status.fresh_deadline.days.setValue(5)
    shot(wizard, "recovery-status-expired")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    monkeypatch.setattr(prompts, "choose_folder", lambda *_a, **_k: fresh)
    status.write_requests()
    qtbot.waitUntil(lambda: bool(prompt_log.infos) and "Fresh requests" in prompt_log.infos[-1], timeout=10_000)
    again = [json.loads(p.read_text()) for p in fresh.glob("*.json")]
    assert again and all(r["typedData"]["message"]["deadline"] == int(moment) + 5 * DAY for r in again)
    assert prompt_log.errors == []


def test_the_offline_signer_shows_a_hold_approvals_deadline(office: Office, qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QLabel

    from core.compliance import holds
    from desktop.gui.signer import SignerWindow

    approver = office.second_registrar()
    message = holds.hold_message(
        office.ledger,
        office.world.operator.address,
        deed=1,
        holder=None,
        reason="Fraud inquiry",
        order="CV-2026-0142",
        approver=approver.address,
        deadline="2099-12-31",
    )
    act = holds.write_hold(office.ledger, message, office.world.operator, tmp_path / "hold")
    request = next(path for role, _, path in act.files if role == "approver")
    window = SignerWindow(office.world.home, None, office.world.keys)
    qtbot.addWidget(window)
    window.show()
    assert loaded(qtbot, window, request)
    shown = " ".join(w.text() for w in window.findChildren(QLabel))
    assert "Deadline" in shown and "2099-12-31 23:59 UTC" in shown
    shot(window, "signer-hold-approval")
