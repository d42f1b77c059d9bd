"""Documents: generate, preview (QtPdf), verify, save and print the PDFs Deedbook writes.

Drawing, the checkpoint-then-retry policy and the writing are the workspace's
(`Workspace.make_document`); this pane asks the questions (sign a checkpoint
now? with which key?) and shows the result.  reportlab loads in the worker that
draws the first document; QtPdf loads when this pane is first shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QSpinBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import DeedbookError
from desktop.gui import a11y, fmt, prompts, seal_dialogs, theme
from desktop.gui.context import AppContext
from desktop.gui.events import Change, Changes
from desktop.gui.operations import Latest, TaskHandle, describe_error
from desktop.gui.panes.base import Pane
from desktop.gui.widgets.basics import ElidedLabel, banner, button, label, set_role
from desktop.workspace import Document, Done, Signer
from desktop.gui.widgets.fields import asked_once


def generate(
    ctx: AppContext,
    parent: QWidget | None,
    document: Document,
    on_done: Callable[[Path], Any] | None = None,
    operator: Signer | None = None,
    *,
    out: Path | None = None,
    recording: bool = False,
    seal: Signer | None = None,
) -> None:
    """Draw `document` off the UI thread into the data folder's documents and show it (or, given `out`,
    write it there: a save dialog asked already before replacing a file).

    A document about entries newer than the latest checkpoint asks whether to sign
    one; the workspace then signs it with the operator key given and draws again."""
    ws = ctx.ws
    slow = document.kind == "valuation" and document.valued is None  # may value (and train) first

    def work(task: TaskHandle | None) -> Done[Path]:
        return ws.make_document(
            document,
            out=out,
            force=out is not None,
            operator=operator,
            progress=task.fraction if task else None,
            should_cancel=task.should_cancel if task else None,
            recording=recording,
            seal=seal,
        )

    def failed(error: BaseException) -> None:
        from core.documents.evidence import NotCheckpointed  # loaded already: the builder raised it

        if isinstance(error, NotCheckpointed) and operator is None:
            if prompts.ask(
                parent,
                f"{error} Sign a checkpoint now with the operator key, then make the document?",
                yes="Checkpoint",
            ):
                checkpoint_operator(
                    ctx,
                    parent,
                    lambda signer: generate(
                        ctx, parent, document, on_done, signer, out=out, recording=recording, seal=seal
                    ),
                )
            return
        from desktop.gui.operations import report_error

        report_error(parent, error)

    def done(path: Path) -> None:
        if out is None:
            ctx.events.show_document.emit(str(path))
        if on_done is not None:
            on_done(path)

    write, title = operator is not None, "Drawing the document"  # with an operator, a checkpoint may be recorded
    op = (
        ctx.ops.task(parent, work, write=write, title=title)
        if slow
        else ctx.ops.op(parent, lambda: work(None), write=write, title=title)
    )
    op.success(done).failure(failed).run()


def pdfs_in(folder: Path) -> list[Path]:
    """The PDFs in `folder`, newest first (on a worker: the folder may be on a slow disk); a file removed
    while the folder is read is left out, and a folder not made yet holds none."""
    dated: list[tuple[float, Path]] = []
    if not folder.is_dir():
        return []
    for path in folder.glob("*.pdf"):
        try:
            dated.append((path.stat().st_mtime, path))
        except FileNotFoundError:
            continue
    return [path for _mtime, path in sorted(dated, key=lambda d: d[0], reverse=True)]


def checkpoint_operator(ctx: AppContext, parent: QWidget | None, then: Callable[[Signer], Any]) -> None:
    """For a checkpoint: whether one can be signed is checked first (on a worker: the witness), then the
    operator's key and password are asked for and `then(signer)` runs (not if the person declines)."""
    ws = ctx.ws

    def ask(_none: None) -> None:
        signer = ask_operator(ctx, parent)
        if signer is not None:
            then(signer)

    ctx.ops.op(parent, ws.check_checkpoint, title="Checking the witness").success(ask).run()


def ask_operator(
    ctx: AppContext, parent: QWidget | None, title: str = "Sign a checkpoint", why: str = ""
) -> Signer | None:
    """The operator's key and password, asked for in a dialog titled by what it signs (None if the person
    declines); by default the checkpoint a document is proved against."""
    from desktop.gui.panes.ledger import KeyDialog

    ledger = ctx.require_ledger()
    with asked_once(
        KeyDialog(
            ctx,
            title,
            why or f"Documents are proved against a checkpoint signed by the operator {ledger.identity.operator}.",
            parent,
            prefer=ledger.identity.operator,
        )
    ) as dialog:
        return dialog.signer() if dialog.exec() else None


EMPTY = (
    "No documents yet. New document makes a certificate of title for the selected deed, a transfer deed or a "
    "notary record for the selected ledger entry, or the notary journal; Open PDF\u2026 reads and verifies one "
    "made elsewhere."
)


# the list of documents may narrow to this (it was 240): with the preview's tools beside it, the pane then fits the
# window's minimum size; the names ("title-deed83") are short
FILES_LEAST_WIDTH = 200


def breakable_path(path: Path) -> str:
    """`path` as shown in a wrapping label: it may break after each separator (Qt breaks a line after "/" but
    not after "\\"), so a long folder wraps instead of widening the pane past a small window's edge."""
    return fmt.plain(str(path)).replace("/", "/\u200b").replace("\\", "\\\u200b")


class DocumentsPane(Pane):
    title = "Documents"
    subtitle = (
        "Transfer deeds, certificates of title, notary records and valuation reports. Each carries its "
        "signed entries and proof, so anyone can verify it offline."
    )
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
        self.files.setMinimumWidth(FILES_LEAST_WIDTH)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(label(f"In {breakable_path(ctx.home.documents)}", "muted", wrap=True))
        self.empty = label(EMPTY, wrap=True)  # what to do, where an empty list said nothing
        left_layout.addWidget(self.empty, 1, Qt.AlignmentFlag.AlignTop)
        left_layout.addWidget(self.files, 1)

        if pdf_classes is not None:
            document_class, view_class = pdf_classes
            self.document: Any = document_class(self)
            self.view: Any = view_class()
            self.view.setDocument(self.document)
            self.view.setPageMode(view_class.PageMode.MultiPage)
            self.view.setZoomMode(view_class.ZoomMode.FitToWidth)
            self.view.setPageSpacing(12)
            a11y.name(self.view, "Document preview")
        else:
            self.document = None
            self.view = label(
                "This installation has no PDF preview (the PySide6-Pdf package). Documents are still "
                "made, verified and saved; Open shows them in your usual PDF viewer.",
                "muted",
                wrap=True,
            )
            self.view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tools = QHBoxLayout()
        self.name = ElidedLabel("No document open", "section")  # a long file name gives way to the tools
        self.page = QSpinBox()
        self.page.setPrefix("Page ")
        self.page.setRange(1, 1)
        a11y.name(self.page, "Page")
        self.zoom = QComboBox()
        self.zoom.addItems(["Fit width", "Fit page", "100%", "150%"])
        a11y.name(self.zoom, "Zoom")
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
        self.reads = Latest(ctx.ops, self)  # another file chosen before the first is read replaces it
        self.buffer: Any = None  # the shown PDF's bytes
        self.open_button.clicked.connect(self._open_dialog)
        self.files.currentItemChanged.connect(self._file_chosen)
        if self.has_preview:
            self.page.valueChanged.connect(
                lambda n: self.view.pageNavigator().jump(n - 1, self.view.pageNavigator().currentLocation())
            )
        self.zoom.currentIndexChanged.connect(self._zoom)
        self.verify_button.clicked.connect(self.verify)
        self.save_button.clicked.connect(self.save_as)
        self.print_button.clicked.connect(self.print_document)
        self._build_menu()
        self._set_enabled(False)
        self.files.hide()
        self.empty.setText("Listing the documents\u2026")  # until the worker's answer is in
        self.reload()

    def _file_chosen(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        if item is not None:
            self.open_path(str(item.data(Qt.ItemDataRole.UserRole)))

    def _build_menu(self) -> None:
        self.new_menu.clear()
        for key, text in (
            ("title", "Certificate of title for the selected deed"),
            ("transfer", "Transfer deed for the selected ledger entry"),
            ("notary", "Notary journal record for the selected entry"),
            ("journal", "Notary journal export"),
        ):
            action = self.new_menu.addAction(theme.icon("documents"), text)
            action.triggered.connect(lambda _c=False, k=key: self.new_document(k))
        # Archival options (docs/documents.md): recording-ready pages, and the office's PAdES seal.
        self.new_menu.addSeparator()
        self.recording_action = self.new_menu.addAction("Recording-ready pages (for a county recorder)")
        self.recording_action.setCheckable(True)
        self.seal_action = self.new_menu.addAction("Seal with the office seal")
        self.seal_action.setCheckable(True)
        self.new_menu.addAction("New office seal\u2026").triggered.connect(
            lambda: seal_dialogs.new_seal(self.ctx, self)
        )

    # -- the list -------------------------------------------------------------------------------------------
    def reload(self) -> None:
        """List the folder on a worker (a slow or network disk never holds the window); a listing asked
        for again meanwhile (a document made, then another) replaces the older one's answer."""
        folder = self.ctx.home.documents
        self.reads.read(
            "list", lambda: pdfs_in(folder), self._list, failed=self._list_failed, title="Listing the documents"
        )

    def _list(self, paths: list[Path]) -> None:
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
        self.files.setVisible(bool(paths))
        self.empty.setText(EMPTY)
        self.empty.setVisible(not paths)

    def _list_failed(self, error: BaseException) -> None:
        self.files.clear()
        self.files.hide()
        self.empty.setText(prompts.readable(describe_error(error)))  # "Deedbook may not use <folder>: ..."
        self.empty.show()

    def on_changed(self, change: Change) -> None:
        self.reload()

    def _open_dialog(self) -> None:
        path = prompts.open_file(self, "Open a PDF", "PDF documents (*.pdf)", str(self.ctx.home.documents))
        if path is not None:
            self.open_path(str(path))

    def open_path(self, path: str) -> None:
        from core.userfiles import check_user_file
        from desktop.documents.verify import MAX_PDF_BYTES

        self.reload()
        try:  # at once, by stat (a FIFO, a folder, a file over the verifier's limit), before any read
            check_user_file(path, "a Deedbook PDF", max_bytes=MAX_PDF_BYTES)
        except DeedbookError as error:
            prompts.show_error(self, str(error))
            return
        if not self.has_preview:
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            self.path = Path(path)
            self.name.setText(self.path.name)
            for widget in (self.verify_button, self.save_button):
                widget.setEnabled(True)
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))
            return
        from core.userfiles import read_user_file

        def read() -> bytes:  # on a worker: the file may be 64 MB, or on a slow disk
            return read_user_file(path, "a Deedbook PDF", max_bytes=MAX_PDF_BYTES)

        self.reads.read("open", read, lambda data: self._show(path, data), title="Opening the document")

    def _show(self, path: str, data: bytes) -> None:
        """Show the PDF read from `path` (Qt parses it from memory: its pages are drawn as they are shown)."""
        from PySide6.QtCore import QBuffer, QByteArray
        from PySide6.QtPdf import QPdfDocument

        self.document.close()
        if self.buffer is not None:
            self.buffer.deleteLater()
        self.buffer = QBuffer(self)  # the document reads from it for as long as it is shown
        self.buffer.setData(QByteArray(data))
        self.buffer.open(QBuffer.OpenModeFlag.ReadOnly)
        self.document.load(self.buffer)
        if self.document.status() != QPdfDocument.Status.Ready:
            prompts.show_error(self, f"{path} cannot be shown: it is not a readable PDF.")
            self._set_enabled(False)
            return
        self.path = Path(path)
        self.name.setText(self.path.name)
        self.page.setRange(1, max(1, self.document.pageCount()))
        self.reads.forget("verify")  # the last document's verdict, still coming, is not about this one
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
    def _make(self, document: Document) -> None:
        """Draw `document` with the archival options chosen in the New menu (a seal asks for its password)."""
        recording = bool(getattr(self, "recording_action", None) and self.recording_action.isChecked())
        seal = None
        if getattr(self, "seal_action", None) is not None and self.seal_action.isChecked():
            seal = seal_dialogs.choose_seal(self.ctx, self)
            if seal is None:
                return
        generate(self.ctx, self, document, recording=recording, seal=seal)

    def certificate(self, deed_id: int) -> None:
        # complete: entries newer than the last checkpoint make the pane offer to sign one first
        self._make(Document.title(deed_id, complete=True))

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
            self._make(Document.journal())
            return
        ledger_pane = panes.get("ledger")
        index = ledger_pane.model.entry_index_at(ledger_pane.table.currentIndex().row()) if ledger_pane else None
        if index is None:
            prompts.show_error(self, "Select the entry in the Ledger pane first.")
            return
        from desktop.gui.dialogs.notary_certificate import ask_commission

        if key == "transfer":
            self._make(Document.transfer(index))
        elif (commission := ask_commission(self.ctx.settings, self)) is not None:
            self._make(Document.notary_record(index, commission))

    # -- verify, save, print --------------------------------------------------------------------------------------------
    def verify(self) -> None:
        if self.path is None:
            return
        path, ws = self.path, self.ctx.ws
        # its answer is dropped once another document is shown (`_show`): it is not about that one
        self.reads.read("verify", lambda: ws.verify_document(path), self.show_report, title="Verifying the document")

    def show_report(self, result: tuple[Any, str | None]) -> None:
        report, problem = result
        if report.ok:
            set_role(self.verdict, "banner-good")
            lines = [
                f"<b>Genuine {fmt.rich(report.document_name)}.</b> Its signatures and inclusion proofs check against the "
                f"checkpoint signed by the ledger's operator."
            ]
            if report.sealed and report.seal:
                lines.append(f"<b>Sealed:</b> {fmt.rich(str(report.seal.get('summary', 'by the office.')))}")
            lines += [f"\u2139 {fmt.rich(n)}" for n in report.notes]
        else:
            set_role(self.verdict, "banner-bad")
            lines = [f"<b>Not genuine.</b> {fmt.rich(report.reason or '')}"]
            lines += [f"\u2022 {fmt.rich(d)}" for d in report.differences[:6]]
        if problem:
            lines.append(f"\u26a0 {fmt.rich(problem)}; the document was checked alone.")
        elif report.local is not None:
            lines += [f"\u26a0 {fmt.rich(p)}" for p in report.local.problems]
            lines += [f"\u2139 {fmt.rich(n)}" for n in report.local.notes]
        self.verdict_text.setText("<br>".join(lines))
        self.verdict.show()

    def save_as(self) -> None:
        if self.path is None:
            return
        target = prompts.save_file(self, "Save the document", self.path.name, "PDF documents (*.pdf)")
        if target is None or target == self.path:
            return
        source, ws = self.path, self.ctx.ws

        def copy() -> Done[Path]:
            from core.userfiles import read_user_file

            # the save dialog asked before replacing a file; links are still never written through
            return ws.write_file(target, read_user_file(source, "a PDF document"), force=True)

        self.ctx.ops.op(self, copy, title="Saving the document").run()

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
