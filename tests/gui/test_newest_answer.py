"""A read started by input that changes quickly (a file chosen twice, a folder listed twice) shows the
newest answer: each test delays the older read so that it answers last (the pattern of the notary desk's
journal period test in test_notary_desk.py)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from tests.gui.conftest import Prompts
from tests.gui.older_answers import older_answers_last
from tests.helpers import World


def test_the_documents_folder_is_listed_off_the_ui_thread(
    window: Any, world: World, qtbot: Any, monkeypatch: Any
) -> None:
    """The pane listed its folder (glob and a stat per file) on the UI thread (fails on the old code)."""
    from desktop.gui.events import Changes

    folder = world.home.documents
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "title-deed1.pdf").write_bytes(b"%PDF-1.7\n")
    globbing = Path.glob
    threads: list[bool] = []

    def glob(self: Path, pattern: str, *args: Any, **kwargs: Any) -> Any:
        if self == folder:
            threads.append(threading.current_thread() is threading.main_thread())
        return globbing(self, pattern, *args, **kwargs)

    monkeypatch.setattr(Path, "glob", glob)
    docs = window.show_pane("documents")
    window.ctx.events.announce(Changes.DOCUMENTS)
    qtbot.waitUntil(lambda: docs.files.count() == 1 and bool(threads))
    assert threads and not any(threads), "the documents folder was listed on the UI thread"


def test_the_documents_list_is_the_newest_listing_when_an_older_one_answers_last(
    window: Any, world: World, qtbot: Any, monkeypatch: Any
) -> None:
    """Two listings of the folder (a document made, then another) on the pool's threads: the older, with one
    file, answering last must not hide the second file."""
    from desktop.gui.panes import documents

    folder = world.home.documents
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "title-deed1.pdf").write_bytes(b"%PDF-1.7\n")
    docs = window.show_pane("documents")
    qtbot.waitUntil(lambda: docs.files.count() == 1)
    listing, _read, slow_done = older_answers_last(documents.pdfs_in, lambda paths: len(paths) == 1)
    monkeypatch.setattr(documents, "pdfs_in", listing)
    docs.reload()  # one file: the slow, older listing
    time.sleep(0.05)  # the worker has globbed before the second file is written
    (folder / "title-deed2.pdf").write_bytes(b"%PDF-1.7\n")
    docs.reload()  # two files: the newest listing
    qtbot.waitUntil(slow_done.is_set, timeout=10_000)
    qtbot.wait(200)
    assert docs.files.count() == 2


def test_a_documents_folder_that_cannot_be_listed_says_so(
    window: Any, world: World, qtbot: Any, monkeypatch: Any, prompt_log: Prompts
) -> None:
    from desktop.gui.panes import documents

    def refused(folder: Path) -> list[Path]:
        raise PermissionError(13, "Permission denied", str(folder))

    monkeypatch.setattr(documents, "pdfs_in", refused)
    docs = window.show_pane("documents")
    docs.reload()
    qtbot.waitUntil(lambda: "may not use" in docs.empty.text())
    assert str(world.home.documents) in docs.empty.text() and "permission denied" in docs.empty.text()
    assert not docs.files.isVisible() and not prompt_log.errors  # said in the pane, not a dialog per change


def test_the_notary_pane_screens_the_entry_chosen_last_when_an_older_screening_answers_last(
    window: Any, world: World, qtbot: Any, monkeypatch: Any
) -> None:
    """The entry spin box changed from one transfer to another starts two screenings on the pool's threads;
    the first answering last showed its assessment beside the second entry (fails on the old code)."""
    buyer = world.key("bob")
    first = world.sell(world.register("S-1", world.operator.address), world.operator, buyer, "100000")
    last = world.sell(world.register("S-2", world.operator.address), world.operator, buyer, "120000")
    pane = window.show_pane("notary")
    qtbot.waitUntil(lambda: pane.screening.assessment is not None, timeout=30_000)  # opens on the newest
    ws = window.ctx.ws
    screening, _read, slow_done = older_answers_last(ws.screen_entry, lambda a: a.entry == first)
    monkeypatch.setattr(ws, "screen_entry", screening)
    pane.entry.setValue(first)
    qtbot.waitUntil(lambda: f"Screening transfer #{first}" in pane.screening.title.text(), timeout=10_000)
    pane.entry.setValue(last)
    qtbot.waitUntil(slow_done.is_set, timeout=30_000)
    qtbot.waitUntil(lambda: pane.screening.assessment is not None, timeout=30_000)
    qtbot.wait(200)  # the older answer, sent after the newer one, is delivered and must be dropped
    assert pane.entry.value() == last
    assert pane.screening.assessment is not None and pane.screening.assessment.entry == last


def _pdf(path: Path, text: str) -> Path:
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path))
    page.drawString(72, 720, text)
    page.save()
    return path


def test_a_verdict_is_not_shown_over_another_document_opened_since(
    window: Any, world: World, qtbot: Any, tmp_path: Path, monkeypatch: Any, prompt_log: Prompts
) -> None:
    """Verify pressed on a genuine certificate, then another PDF opened: the certificate's "Genuine" answering
    last was shown over the other document (fails on the old code)."""
    from core.checkpoints import make_checkpoint
    from desktop.workspace import Document

    from tests.gui.conftest import OWNERS

    deed_id = world.register("D-1", OWNERS[0])
    make_checkpoint(world.ledger, world.operator)
    ws = window.ctx.ws
    first = ws.make_document(Document.title(deed_id, complete=True)).value
    last = _pdf(tmp_path / "last.pdf", "not a deed")
    docs = window.show_pane("documents")
    verifying, slow_done, reports = ws.verify_document, threading.Event(), []

    def verify_document(path: Path) -> Any:
        report = verifying(path)
        reports.append(report[0])
        time.sleep(0.5)  # the certificate's "Genuine" comes back once the next document is shown
        slow_done.set()
        return report

    monkeypatch.setattr(ws, "verify_document", verify_document)
    docs.open_path(str(first))
    qtbot.waitUntil(lambda: docs.path == first, timeout=10_000)
    docs.verify()  # slow: still checking when the next document is shown
    docs.open_path(str(last))
    qtbot.waitUntil(lambda: docs.path == last, timeout=10_000)
    qtbot.waitUntil(slow_done.is_set, timeout=10_000)
    qtbot.wait(200)
    assert reports[0].ok  # the older answer was a verdict to show, had it been about the document shown
    assert not docs.verdict.isVisible() and not prompt_log.errors


def test_the_transfer_wizard_screens_the_terms_prepared_last_when_an_older_screening_answers_last(
    window: Any, world: World, qtbot: Any, monkeypatch: Any
) -> None:
    """Next, Back, other terms, Next: the two prepared transfers are screened on the pool's threads, and the first
    answering last showed its assessment beside the terms prepared last (fails on the old code)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWizard

    alice, bob = world.key("alice"), world.key("bob")
    deed_id = world.register("T-1", alice.address)
    ws = window.ctx.ws
    screening, answers, slow_done = ws.screen_prepared, [], threading.Event()

    def screen_prepared(request: Any, *args: Any, **kwargs: Any) -> Any:
        answer = screening(request, *args, **kwargs)
        answers.append(answer)
        if len(answers) == 1:  # the terms prepared first: their screening comes back last
            time.sleep(0.5)
            slow_done.set()
        return answer

    monkeypatch.setattr(ws, "screen_prepared", screen_prepared)
    wizard = window.open_transfer(deed_id)
    qtbot.addWidget(wizard)
    terms, page = wizard.terms, wizard.signatures
    qtbot.waitUntil(lambda: terms.seller.currentData() is not None)
    qtbot.keyClicks(terms.buyer.combo.lineEdit(), bob.address)
    terms.price.setValue(250_000)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentPage() is page and bool(answers), timeout=10_000)
    wizard.back()
    terms.price.setValue(300_000)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentPage() is page, timeout=10_000)
    qtbot.waitUntil(slow_done.is_set, timeout=10_000)
    qtbot.waitUntil(lambda: len(answers) == 2, timeout=10_000)
    qtbot.wait(200)
    assert page.screening.assessment is answers[1]
