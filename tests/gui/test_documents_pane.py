"""Documents: a certificate drawn (after a checkpoint asked for), previewed with QtPdf, verified, saved, printed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from desktop.gui.panes.documents import print_pdf
from tests.gui.conftest import OWNERS, Prompts
from tests.helpers import World


def test_certificate_preview_verify_save_print(
    window: Any, world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts, answer_key_dialog: Any
) -> None:
    deed_id = world.register("D-1", OWNERS[4])
    answer_key_dialog("operator")  # no checkpoint yet: the pane offers to sign one, then draws
    window.show_deed(deed_id)
    pane = window.panes["deeds"]
    qtbot.waitUntil(lambda: pane.detail.deed is not None)  # the deed is read on a worker, then its buttons shown
    with qtbot.waitSignal(window.ctx.events.show_document, timeout=60_000):
        qtbot.mouseClick(pane.detail.buttons["certificate"], Qt.MouseButton.LeftButton)
    assert prompt_log.questions and "checkpoint" in prompt_log.questions[0].lower()
    docs = window.panes["documents"]
    assert window.stack.currentWidget() is docs
    qtbot.waitUntil(lambda: docs.path is not None)  # read on a worker, then shown
    assert docs.path is not None and docs.path.parent == world.home.documents
    assert docs.document.pageCount() >= 1 and docs.files.count() == 1
    qtbot.mouseClick(docs.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(docs.verdict.isVisible, timeout=30_000)
    assert "Genuine certificate of title" in docs.verdict_text.text()
    copy = tmp_path / "copy.pdf"
    prompt_log.files.append(copy)
    qtbot.mouseClick(docs.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(copy.exists)  # copied on a worker
    assert copy.read_bytes() == docs.path.read_bytes()
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_pdf(docs.document, printer) == docs.document.pageCount()
    assert (tmp_path / "printed.pdf").stat().st_size > 1000


def test_a_file_that_is_not_a_pdf(window: Any, qtbot: Any, tmp_path: Path, prompt_log: Prompts) -> None:
    docs = window.show_pane("documents")
    bad = tmp_path / "bad.pdf"
    bad.write_text("not a pdf")
    docs.open_path(str(bad))
    qtbot.waitUntil(lambda: bool(prompt_log.errors))  # read on a worker
    assert prompt_log.errors and "not a readable PDF" in prompt_log.errors[0]
