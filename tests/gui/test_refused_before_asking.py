"""A form that asks "Record …?" first checks, on a worker, what the ledger would refuse without a key:
a refusal it can foresee is one sentence, and nothing is asked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.liens import add_lien
from core.requests import sign_request
from core.transactions import prepare_transfer
from desktop.gui import prompts
from tests.gui.conftest import PASSWORD, Prompts
from tests.gui.test_transfer import alice_to_bob
from tests.helpers import World


def _stale_transfer(world: World, folder: Path) -> list[Path]:
    """Both signed responses of a transfer, then a lien on the deed: the transfer names a version that is gone."""
    alice, bob = world.key("alice"), world.key("bob")
    deed = world.register("Q-1", alice.address)
    prepared = prepare_transfer(world.ledger, deed, bob.address, "250000")
    folder.mkdir()
    paths = []
    for request in prepared.requests:
        signed = sign_request(request, alice if request.role == "seller" else bob)
        path = folder / f"{request.role}-signed.json"
        path.write_text(json.dumps(signed.as_json()))
        paths.append(path)
    add_lien(world.ledger, deed, world.key("bank"), "180000", "mortgage")
    return paths


def test_responses_the_ledger_would_refuse_are_said_before_the_question(
    window: Any, world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'Record …? The ledger checks every signature and rule first' was asked, then the ledger refused.
    Fails on the old code (the question came first)."""
    from desktop.gui.dialogs.compliance import record_responses

    paths = _stale_transfer(world, tmp_path / "signed")
    monkeypatch.setattr(prompts, "open_files", lambda *_a, **_k: paths)
    size = world.ledger.size()
    record_responses(window.ctx, window)
    qtbot.waitUntil(lambda: bool(prompt_log.errors), timeout=10_000)
    assert len(prompt_log.errors) == 1 and "version" in prompt_log.errors[0], prompt_log.errors
    assert prompt_log.questions == [] and world.ledger.size() == size


def _dialog(qtbot: Any, dialog: Any) -> Any:
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_claim_by_an_issuer_the_ledger_does_not_trust_is_refused_before_the_question(
    window: Any, world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts
) -> None:
    """'Record the claim …?' was asked, then the password unlocked, then the ledger said the issuer is not
    trusted for that type. Fails on the old code (the question came first)."""
    from desktop.gui.dialogs.compliance import ClaimDialog

    evidence = tmp_path / "passport-scan.pdf"
    evidence.write_bytes(b"scan")
    dialog = _dialog(qtbot, ClaimDialog(window.ctx, window))
    dialog.subject.set_address(world.key("alice").address)
    dialog.claim_type.setCurrentText("accredited")
    dialog.key.select("operator")
    dialog.key.password.setText(PASSWORD)
    prompt_log.files.append(evidence)
    dialog._choose()
    qtbot.waitUntil(dialog.go.isEnabled, timeout=10_000)
    size = world.ledger.size()
    dialog.go.click()
    qtbot.waitUntil(lambda: dialog.note.property("role") == "banner-bad", timeout=10_000)
    assert "trust" in dialog.note_text.text().lower(), dialog.note_text.text()
    assert prompt_log.questions == [] and world.ledger.size() == size
    qtbot.waitUntil(dialog.go.isEnabled)  # the form as it was, to put right and try again


def test_trusting_an_issuer_with_a_key_not_the_operators_is_refused_before_the_question(
    window: Any, world: World, qtbot: Any, prompt_log: Prompts
) -> None:
    """Fails on the old code (it asked 'Trust … ?' first)."""
    from desktop.gui.dialogs.compliance import IssuerDialog

    world.key("alice")
    dialog = _dialog(qtbot, IssuerDialog(window.ctx, window))
    dialog.address.set_address(world.key("kyc").address)
    dialog.key.reload()
    dialog.key.select("alice")
    dialog.key.password.setText(PASSWORD)
    qtbot.waitUntil(dialog.go.isEnabled, timeout=10_000)
    dialog.go.click()
    qtbot.waitUntil(lambda: dialog.note.property("role") == "banner-bad", timeout=10_000)
    assert "must be signed by" in dialog.note_text.text(), dialog.note_text.text()
    assert prompt_log.questions == []


def test_the_transfer_wizards_review_applies_the_ledgers_rules(
    window: Any, world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts
) -> None:
    """The review said 'the deed's version, the seller's shares, the deadline and the liens all allow this
    transfer' after a check that applied none of them: responses signed before a lien changed the deed passed
    it, and only Record was refused. Fails on the old code (the review said yes)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWizard

    alice, bob = world.key("alice"), world.key("bob")
    wizard, deed = alice_to_bob(window, world, qtbot, "Q-2")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.signatures, timeout=10_000)
    folder = tmp_path / "signed"
    folder.mkdir()
    paths = []
    for request in wizard.prepared.requests:
        path = folder / f"{request.role}.json"
        path.write_text(json.dumps(sign_request(request, alice if request.role == "seller" else bob).as_json()))
        paths.append(path)
    add_lien(world.ledger, deed, world.key("bank"), "180000", "mortgage")  # the deed moves on meanwhile
    wizard.signatures.import_files(paths)
    qtbot.waitUntil(lambda: len(wizard.responses) == 2, timeout=10_000)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    review = wizard.review
    qtbot.waitUntil(lambda: review.check.property("role") == "banner-bad", timeout=10_000)
    assert "version" in review.check_text.text() and not review.isComplete()
