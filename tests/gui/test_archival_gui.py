"""Archival documents in the GUI: a seal made and bound (the operator's dialog), a certificate of title drawn on
recording-ready pages and sealed, verified in the pane (sealed, genuine), and looked at (rendered to PNG)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from desktop.gui import seal_dialogs
from tests.gui.conftest import OWNERS, Prompts
from tests.helpers import World


def test_seal_made_then_a_recording_ready_sealed_certificate_verified(
    window: Any, world: World, qtbot: Any, monkeypatch: Any, tmp_path: Path, prompt_log: Prompts, answer_key_dialog: Any
) -> None:
    from PySide6.QtWidgets import QInputDialog

    deed_id = world.register("D-7", OWNERS[2])
    docs = window.show_pane("documents")
    # New office seal: a name, its password twice, then the operator binds it (and signs a checkpoint).
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a, **_k: ("office", True)))
    prompt_log.passwords += ["seal password 1", "seal password 1"]
    answer_key_dialog("operator")
    seal_dialogs.new_seal(window.ctx, docs)
    qtbot.waitUntil(lambda: bool(prompt_log.infos), timeout=60_000)
    assert "Seal 'office' made" in prompt_log.infos[-1] and "bound to the ledger by entry" in prompt_log.infos[-1]
    assert window.ctx.ws.seals.names() == ["office"]

    # A certificate with both archival options: the seal dialog asks which seal and its password.
    docs.recording_action.setChecked(True)
    docs.seal_action.setChecked(True)

    def choose(dialog: Any) -> int:
        dialog.password.setText("seal password 1")
        return 1

    monkeypatch.setattr(seal_dialogs.SealDialog, "exec", choose)
    with qtbot.waitSignal(window.ctx.events.show_document, timeout=60_000):
        docs.certificate(deed_id)
    assert not prompt_log.errors, prompt_log.errors
    qtbot.waitUntil(lambda: docs.path is not None and docs.document.pageCount() >= 1, timeout=30_000)
    assert b"/ByteRange" in docs.path.read_bytes()  # sealed
    qtbot.mouseClick(docs.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(docs.verdict.isVisible, timeout=60_000)
    text = docs.verdict_text.text()
    assert "Genuine certificate of title" in text and "Sealed:" in text and "sealed by" in text
    docs.resize(1100, 800)
    shot = tmp_path / "documents-pane.png"
    assert docs.grab().save(str(shot)) and shot.stat().st_size > 10_000
    if (out := Path(__file__).resolve().parents[2] / "docs" / "screenshots").is_dir() and __import__("os").environ.get(
        "DEEDBOOK_SCREENSHOTS"
    ):
        docs.grab().save(str(out / "documents-sealed.png"))


def test_no_seal_yet_is_said_with_how_to_make_one(window: Any, world: World, prompt_log: Prompts) -> None:
    docs = window.show_pane("documents")
    assert seal_dialogs.choose_seal(window.ctx, docs) is None
    assert prompt_log.errors and "no document seal yet" in prompt_log.errors[0]
