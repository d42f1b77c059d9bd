"""Documents: generate, preview (QtPdf), verify, save and print the PDFs Deedbook writes.

reportlab loads in the worker that draws the first document; QtPdf loads when
this pane is first shown.
"""
from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QListWidget, QListWidgetItem, QMenu, QSpinBox, QSplitter,
                               QToolButton, QVBoxLayout, QWidget)

from core.errors import DeedbookError
from desktop.gui import fmt, prompts, theme
from desktop.gui.context import AppContext
from desktop.gui.events import Change, Changes
from desktop.gui.panes.base import Pane, banner, button, label, set_role

if TYPE_CHECKING:
    from core.ledger import Ledger

Builder = Callable[["Ledger", str], bytes]
MODULES = {"title": "core.documents.title", "transfer": "core.documents.transfer_deed",
           "notary": "core.documents.notary", "valuation": "core.documents.valuation_report"}


def available(document: str) -> bool:
    """Whether this build has the builder of `document` (the documents module lands piece by piece)."""
    try:
        return importlib.util.find_spec(MODULES[document]) is not None
    except ModuleNotFoundError:
        return False


def generate(ctx: AppContext, parent: QWidget | None, stem: str, build: Builder,
             on_done: Callable[[Path], Any] | None = None) -> None:
    """Draw a PDF off the UI thread, write it in the data folder's documents, show it."""
    ledger, paper = ctx.require_ledger(), ctx.settings.paper_size
    folder = ctx.home.documents

    def work() -> Path:
        from core.outfiles import write_output

        data = build(ledger, paper)
        path = folder / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}.pdf"
        return write_output(path, data, force=True, make_folder=True)  # the data folder's own documents

    def failed(error: BaseException) -> None:
        if type(error).__name__ == "NotCheckpointed":
            if prompts.ask(parent, f"{error} Sign a checkpoint now with the operator key, then make the document?",
                           yes="Checkpoint"):
                checkpoint_then(ctx, parent, lambda: generate(ctx, parent, stem, build, on_done))
            return
        from desktop.gui.operations import report_error

        report_error(parent, error)

    def done(path: Path) -> None:
        ctx.events.show_document.emit(str(path))
        if on_done is not None:
            on_done(path)

    (ctx.ops.op(parent, work, changes=Changes.DOCUMENTS, title="Drawing the document")
     .success(done).failure(failed).run())


def checkpoint_then(ctx: AppContext, parent: QWidget | None, then: Callable[[], Any]) -> None:
    """Ask for the operator key, sign a checkpoint, then carry on with `then`."""
    from desktop.gui.panes.ledger import KeyDialog

    ledger = ctx.require_ledger()
    dialog = KeyDialog(ctx, "Sign a checkpoint", f"Documents are proved against a checkpoint signed by the operator "
                       f"{ledger.identity.operator}.", parent, prefer=ledger.identity.operator)
    if not dialog.exec():
        return
    keys, name, password = ctx.keys, dialog.picker.key_name() or "", dialog.picker.secret()

    def work() -> Any:
        from core.checkpoints import make_checkpoint

        return make_checkpoint(ledger, keys.unlock(name, password))

    ctx.ops.op(parent, work, write=True, changes=Changes.LEDGER, title="Signing a checkpoint") \
        .success(lambda _entry: then()).run()


class DocumentsPane(Pane):
    title = "Documents"
    subtitle = ("Transfer deeds, certificates of title, notary records and valuation reports. Each carries its "
                "signed entries and proof, so anyone can verify it offline.")
    icon = "documents"
    listens_to = Changes.DOCUMENTS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        pdf_classes: tuple[Any, Any] | None
        try:
            from PySide6.QtPdf import QPdfDocument
            from PySide6.QtPdfWidgets import QPdfView

            pdf_classes = (QPdfDocument, QPdfView)
        except ImportError:  # since PySide6 6.8 QtPdf is its own wheel (PySide6-Pdf); documents still work
            pdf_classes = None
        self.has_preview = pdf_classes is not None

        self.new_button = QToolButton()
        self.new_button.setText("New document")
        self.new_button.setIcon(theme.icon("add"))
        self.new_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.new_menu = QMenu(self)
        self.new_button.setMenu(self.new_menu)
        self.open_button = button("Open PDF\u2026", "folder")
        self.header_actions.addWidget(self.new_button)
        self.header_actions.addWidget(self.open_button)

        self.files = QListWidget()
        self.files.setIconSize(QSize(20, 20))
        self.files.setMinimumWidth(240)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(label(f"In {ctx.home.documents}", "muted", wrap=True))
        left_layout.addWidget(self.files, 1)

        if pdf_classes is not None:
            document_class, view_class = pdf_classes
            self.document: Any = document_class(self)
            self.view: Any = view_class()
            self.view.setDocument(self.document)
            self.view.setPageMode(view_class.PageMode.MultiPage)
            self.view.setZoomMode(view_class.ZoomMode.FitToWidth)
            self.view.setPageSpacing(12)
        else:
            self.document = None
            self.view = label("This installation has no PDF preview (the PySide6-Pdf package). Documents are still "
                              "made, verified and saved; Open shows them in your usual PDF viewer.", "muted", wrap=True)
            self.view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tools = QHBoxLayout()
        self.name = label("No document open", "section")
        self.page = QSpinBox()
        self.page.setPrefix("Page ")
        self.page.setRange(1, 1)
        self.zoom = QComboBox()
        self.zoom.addItems(["Fit width", "Fit page", "100%", "150%"])
        self.verify_button = button("Verify", "verify", tip="Check the signatures and proofs inside this PDF")
        self.save_button = button("Save as\u2026", "save")
        self.print_button = button("Print\u2026", "print")
        tools.addWidget(self.name, 1)
        for widget in (self.page, self.zoom, self.verify_button, self.save_button, self.print_button):
            tools.addWidget(widget)
        self.verdict, verdict_layout = banner("good")
        self.verdict_text = label("", wrap=True, selectable=True)
        verdict_layout.addWidget(self.verdict_text, 1)
        self.verdict.hide()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(tools)
        right_layout.addWidget(self.verdict)
        right_layout.addWidget(self.view, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([280, 900])
        splitter.setChildrenCollapsible(False)
        self.body.addWidget(splitter, 1)

        self.path: Path | None = None
        self.open_button.clicked.connect(self._open_dialog)
        self.files.currentItemChanged.connect(self._file_chosen)
        if self.has_preview:
            self.page.valueChanged.connect(
                lambda n: self.view.pageNavigator().jump(n - 1, self.view.pageNavigator().currentLocation()))
        self.zoom.currentIndexChanged.connect(self._zoom)
        self.verify_button.clicked.connect(self.verify)
        self.save_button.clicked.connect(self.save_as)
        self.print_button.clicked.connect(self.print_document)
        self._build_menu()
        self._set_enabled(False)
        self.reload()

    def _file_chosen(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        if item is not None:
            self.open_path(str(item.data(Qt.ItemDataRole.UserRole)))

    def _build_menu(self) -> None:
        self.new_menu.clear()
        for key, text in (("title", "Certificate of title for the selected deed"),
                          ("transfer", "Transfer deed for the selected ledger entry"),
                          ("notary", "Notary journal record for the selected entry"),
                          ("journal", "Notary journal export")):
            action = self.new_menu.addAction(theme.icon("documents"), text)
            module = "notary" if key == "journal" else key
            action.setEnabled(available(module))
            if not available(module):
                action.setText(text + " (not in this build yet)")
            action.triggered.connect(lambda _c=False, k=key: self.new_document(k))

    # -- the list -------------------------------------------------------------------------------------------
    def reload(self) -> None:
        folder = self.ctx.home.documents
        paths = sorted(folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.is_dir() else []
        self.files.blockSignals(True)
        self.files.clear()
        for path in paths:
            item = QListWidgetItem(theme.icon("documents"), path.stem)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            self.files.addItem(item)
            if self.path is not None and path == self.path:
                self.files.setCurrentItem(item)
        self.files.blockSignals(False)

    def on_changed(self, change: Change) -> None:
        self.reload()

    def _open_dialog(self) -> None:
        path = prompts.open_file(self, "Open a PDF", "PDF documents (*.pdf)", str(self.ctx.home.documents))
        if path is not None:
            self.open_path(str(path))

    def open_path(self, path: str) -> None:
        self.reload()
        if not self.has_preview:
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            self.path = Path(path)
            self.name.setText(self.path.name)
            for widget in (self.verify_button, self.save_button):
                widget.setEnabled(True)
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))
            return
        from PySide6.QtPdf import QPdfDocument

        self.document.close()
        status = self.document.load(path)
        if status != QPdfDocument.Error.None_:
            prompts.show_error(self, f"{path} cannot be shown: it is not a readable PDF.")
            self._set_enabled(False)
            return
        self.path = Path(path)
        self.name.setText(self.path.name)
        self.page.setRange(1, max(1, self.document.pageCount()))
        self.verdict.hide()
        self._set_enabled(True)
        self._zoom(self.zoom.currentIndex())

    def _set_enabled(self, on: bool) -> None:
        for widget in (self.page, self.zoom, self.verify_button, self.save_button, self.print_button):
            widget.setEnabled(on)

    def _zoom(self, index: int) -> None:
        if not self.has_preview:
            return
        from PySide6.QtPdfWidgets import QPdfView

        modes = [QPdfView.ZoomMode.FitToWidth, QPdfView.ZoomMode.FitInView, 1.0, 1.5]
        mode = modes[index]
        if isinstance(mode, float):
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(mode)
        else:
            self.view.setZoomMode(mode)

    # -- making documents ----------------------------------------------------------------------------------------
    def certificate(self, deed_id: int) -> None:
        def build(ledger: "Ledger", paper: str) -> bytes:
            from core.documents import build_title_pdf

            # complete: entries newer than the last checkpoint make the pane offer to sign one first
            return bytes(build_title_pdf(ledger, deed_id, paper=paper, complete=True))

        generate(self.ctx, self, f"title-deed{deed_id}", build)

    def transfer_deed(self, index: int) -> None:
        def build(ledger: "Ledger", paper: str) -> bytes:
            from core.documents import build_transfer_pdf

            return bytes(build_transfer_pdf(ledger, index, paper=paper))

        generate(self.ctx, self, f"transfer-entry{index}", build)

    def new_document(self, key: str) -> None:
        window = self.window()
        panes = getattr(window, "panes", {})
        if key == "title":
            deed = panes["deeds"].selected_deed() if "deeds" in panes else None
            if deed is None:
                prompts.show_error(self, "Select a deed in the Deeds pane first.")
                return
            self.certificate(deed)
            return
        if key == "journal":
            def build_journal(ledger: "Ledger", paper: str) -> bytes:
                from core.documents import build_journal_pdf

                return bytes(build_journal_pdf(ledger, paper=paper))

            generate(self.ctx, self, "notary-journal", build_journal)
            return
        ledger_pane = panes.get("ledger")
        index = ledger_pane.model.entry_index_at(ledger_pane.table.currentIndex().row()) if ledger_pane else None
        if index is None:
            prompts.show_error(self, "Select the entry in the Ledger pane first.")
            return
        if key == "transfer":
            self.transfer_deed(index)
        else:
            def build_record(ledger: "Ledger", paper: str) -> bytes:
                from core.documents import build_notary_record_pdf

                return bytes(build_notary_record_pdf(ledger, index, paper=paper))

            generate(self.ctx, self, f"notary-entry{index}", build_record)

    # -- verify, save, print --------------------------------------------------------------------------------------------
    def verify(self) -> None:
        if self.path is None:
            return
        path, ledger = self.path, self.ctx.ledger

        def work() -> Any:
            from core.documents import verify_pdf

            return verify_pdf(path, ledger)

        self.ctx.ops.op(self, work, title="Verifying the document").success(self.show_report).run()

    def show_report(self, report: Any) -> None:
        if report.ok:
            set_role(self.verdict, "banner-good")
            lines = [f"<b>Genuine {fmt.rich(report.document_name)}.</b> Its signatures and inclusion proofs check against the "
                     f"checkpoint signed by the ledger's operator."]
        else:
            set_role(self.verdict, "banner-bad")
            lines = [f"<b>Not genuine.</b> {fmt.rich(report.reason or '')}"]
            lines += [f"\u2022 {fmt.rich(d)}" for d in report.differences[:6]]
        if report.local is not None:
            lines += [f"\u26a0 {fmt.rich(p)}" for p in report.local.problems]
            lines += [f"\u2139 {fmt.rich(n)}" for n in report.local.notes]
        self.verdict_text.setText("<br>".join(lines))
        self.verdict.show()

    def save_as(self) -> None:
        if self.path is None:
            return
        target = prompts.save_file(self, "Save the document", self.path.name, "PDF documents (*.pdf)")
        if target is not None and target != self.path:
            from core.outfiles import write_output
            from core.userfiles import read_user_file

            try:  # the save dialog asked before replacing a file; links are still never written through
                write_output(target, read_user_file(self.path, "a PDF document"), force=True)
            except DeedbookError as error:
                prompts.show_error(self, str(error))

    def print_document(self) -> None:
        if self.path is None or self.document is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec():
            try:
                print_pdf(self.document, printer)
            except DeedbookError as error:
                prompts.show_error(self, str(error))


def print_pdf(document: Any, printer: Any) -> int:
    """Render every page at the printer's resolution; returns the pages printed."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QPainter

    painter = QPainter()
    if not painter.begin(printer):
        raise DeedbookError("The printer cannot be used.")
    try:
        pages = int(document.pageCount())
        for page in range(pages):
            if page:
                printer.newPage()
            area: QRect = painter.viewport()
            size = document.pagePointSize(page)
            scale = min(area.width() / max(size.width(), 1), area.height() / max(size.height(), 1))
            image = document.render(page, QSize(int(size.width() * scale), int(size.height() * scale)))
            painter.drawImage(0, 0, image)
        return pages
    finally:
        painter.end()
