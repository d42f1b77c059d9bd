"""The transfer wizard's signatures page: requests out (file, clipboard), signed here or elsewhere,
responses back in (file dialog or drag and drop)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from core.errors import DeedbookError
from desktop.gui import a11y, fmt, prompts, theme
from desktop.gui.context import AppContext
from desktop.gui.operations import Latest, TaskHandle
from desktop.gui.widgets.basics import button, label
from desktop.gui.widgets.fields import asked_once

if TYPE_CHECKING:
    from core.airgap import Received
    from core.requests import SigningRequest
    from desktop.gui.transfer_wizard import TransferWizard


class SignaturesPage(QWizardPage):
    """One signing request per party: send them out, sign here, or take the signed files back."""

    def __init__(self, wizard: TransferWizard) -> None:
        super().__init__()
        self._reads = Latest(wizard.ctx.ops, self)  # Back, other terms, Next: only the newest screening
        self.w = wizard
        self.setTitle("Signatures")
        self.setSubTitle(
            "Save or copy each request for its signer (a wallet or Deedbook's offline signer), sign here "
            "with a key on this machine, then import the signed responses (or drop the files here)."
        )
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        from desktop.gui.widgets.screening import ScreenView, scrolled

        self.screening = ScreenView()  # the agency's own screen of these terms, before any request leaves
        # as tall as its reasons (it scrolls past a screenful), the signers' table right under them:
        # a stretch here left an empty band between a short screen and the table
        layout.addWidget(scrolled(self.screening, min_height=80, grow_to=300), 0)
        self.table = a11y.name(QTableWidget(0, 3), "Signers")
        self.table.setHorizontalHeaderLabels(["Role", "Signer", "Status"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.save_button = button("Save requests\u2026", "export")
        self.copy_button = button("Copy request", "copy")
        self.sign_button = button("Sign here\u2026", "signer")
        self.import_button = button("Import responses\u2026", "import")
        self.qr_button = button("Show QR\u2026", "qr", tip="Show the selected request as animated QR codes")
        self.read_qr_button = button(
            "Read QR\u2026",
            "qr",
            tip="Read signed responses (or a QR wallet's signature) from images of their QR codes",
        )
        for widget in (self.save_button, self.copy_button, self.qr_button, self.sign_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.read_qr_button)
        row.addWidget(self.import_button)
        layout.addLayout(row)
        self.hint = label("", "muted", wrap=True)
        layout.addWidget(self.hint)
        self.save_button.clicked.connect(self.save_requests)
        self.qr_button.clicked.connect(self.show_qr)
        self.read_qr_button.clicked.connect(self.read_qr)
        self.qr_dialog: QDialog | None = None
        self.copy_button.clicked.connect(self.copy_request)
        self.sign_button.clicked.connect(self.sign_here)
        self.import_button.clicked.connect(
            lambda: self.import_files(
                prompts.open_files(self, "Import signed responses", "Signing responses (*.json);;All files (*)")
            )
        )
        self.table.currentCellChanged.connect(lambda *_a: self._update_buttons())

    def initializePage(self) -> None:
        from desktop.gui.widgets.screening import screen_request_into

        self.refresh()
        if self.w.prepared and self.w.prepared.requests:
            screen_request_into(self.w.ctx, self._reads, self.screening, self.w.prepared.requests[0])

    def requests(self) -> list["SigningRequest"]:
        return self.w.prepared.requests if self.w.prepared else []

    def refresh(self) -> None:
        requests = self.requests()
        self.table.setRowCount(len(requests))
        keys = {k.address.lower() for k in self.w.ctx.keys.list()}
        for row, request in enumerate(requests):
            signed = row in self.w.responses
            here = request.signer.lower() in keys
            status = "signed" if signed else ("waiting \u2022 key on this machine" if here else "waiting")
            name = self.w.ctx.name_for(request.signer)  # the full address once, after the name if there is one
            cells = [request.role.capitalize(), f"{name}  {request.signer}" if name else request.signer, status]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(fmt.plain(text))
                if column == 2:
                    item.setIcon(theme.icon("ok" if signed else "signer"))
                self.table.setItem(row, column, item)
        if self.table.currentRow() < 0 and requests:
            self.table.selectRow(0)
        done = len(self.w.responses)
        self.hint.setText(
            f"{fmt.count(done)} of {fmt.count(len(requests))} signatures in."
            + (" Ready to review." if done == len(requests) else "")
        )
        self._update_buttons()
        self.completeChanged.emit()

    def _update_buttons(self) -> None:
        row = self.table.currentRow()
        requests = self.requests()
        here = row >= 0 and self.w.ctx.keys.find_by_address(requests[row].signer) is not None
        self.sign_button.setEnabled(here and row not in self.w.responses)
        self.copy_button.setEnabled(row >= 0)
        self.qr_button.setEnabled(row >= 0)

    def isComplete(self) -> bool:
        return bool(self.requests()) and len(self.w.responses) == len(self.requests())

    def save_requests(self) -> None:
        folder = prompts.choose_folder(self, "Save the signing requests in", str(Path.home()))
        if folder is None or self.w.prepared is None:
            return
        requests, ws = self.requests(), self.w.ctx.ws
        self.w.ctx.ops.op(self, lambda: ws.write_requests(requests, folder), title="Saving the requests").success(
            lambda paths: prompts.inform(self, f"{fmt.count(len(paths))} request file(s) saved in {folder}.")
        ).run()

    def copy_request(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            QGuiApplication.clipboard().setText(json.dumps(self.requests()[row].as_json(), indent=2))
            self.hint.setText(
                f"The {self.requests()[row].role}'s request is on the clipboard (eth_signTypedData_v4 JSON inside)."
            )

    def show_qr(self) -> None:
        from desktop.gui.dialogs.qr_show import QrShowDialog

        row = self.table.currentRow()
        if row < 0:
            return
        request = self.requests()[row]
        raw = (json.dumps(request.as_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        self.qr_dialog = QrShowDialog(request, raw, self)
        self.qr_dialog.show()

    def read_qr(self) -> None:
        from desktop.gui.dialogs.qr_read import QrReadDialog

        ws, requests = self.w.ctx.ws, self.requests()

        def take(received: "Received") -> None:
            row, response, _ = ws.qr_answer(received, requests)
            self.w.responses[row] = response

        dialog = QrReadDialog(
            self.w.ctx.ops,
            "Read a signed response from QR codes",
            "Read the response a party's offline signer shows, or a QR wallet's signature "
            "(eth-signature) for one of these requests.",
            self,
            take,
        )
        self.qr_dialog = dialog
        dialog.exec()
        self.refresh()

    def sign_here(self) -> None:
        from desktop.gui.panes.ledger import KeyDialog

        row = self.table.currentRow()
        request = self.requests()[row]
        with asked_once(
            KeyDialog(
                self.w.ctx, f"Sign as {request.role}", request_summary(request, self.w.ctx), self, prefer=request.signer
            )
        ) as dialog:
            signer = dialog.signer() if dialog.exec() else None
        if signer is None:
            return
        ws = self.w.ctx.ws

        def work() -> SigningRequest:
            return ws.sign(request, signer)

        self.w.ctx.ops.op(self, work, title="Signing").success(lambda response: self._accept(row, response)).run()

    def _accept(self, row: int, response: SigningRequest) -> None:
        self.w.responses[row] = response
        self.refresh()

    def import_files(self, paths: list[Path]) -> None:
        """Read the files on a worker (each up to 1 MB; Cancel in the status bar stops between them), then
        take the responses to this transfer's requests; whatever is refused is said in one dialog."""
        from core.requests import load_response

        if not paths:
            return

        def work(task: TaskHandle) -> list[tuple[Path, SigningRequest | str]]:
            read: list[tuple[Path, SigningRequest | str]] = []
            for done, path in enumerate(paths):
                task.check()
                task.progress(done, len(paths), f"Reading {prompts.readable(path.name)}\u2026")
                try:
                    read.append((path, load_response(path)))
                except DeedbookError as error:
                    read.append((path, str(error)))
            return read

        self.w.ctx.ops.task(self, work, title="Reading the signed responses").success(self._take).run()

    def _take(self, read: list[tuple[Path, SigningRequest | str]]) -> None:
        others: list[SigningRequest] = []  # a bank's lien or a notary's attestation, dropped here too
        refused: list[str] = []  # said in one dialog, however many files were dropped
        for path, response in read:
            if isinstance(response, str):
                refused.append(response)
                continue
            row = self.match(response)
            if row is None and response.kind != "Transfer":
                others.append(response)
                continue
            if row is None:
                refused.append(f"{path.name} is not a signed response to this transfer's requests.")
                continue
            self.w.responses[row] = response
        self.refresh()
        if refused:
            prompts.show_error(self, "\n".join(refused))
        if others:
            from desktop.gui.dialogs.party_requests import submit_responses

            submit_responses(self.w.ctx, self, others)

    def match(self, response: "SigningRequest") -> int | None:
        for row, request in enumerate(self.requests()):
            if (
                request.signer.lower() == response.signer.lower()
                and request.signed_type == response.signed_type
                and request.message == response.message
                and request.domain == response.domain
            ):
                return row
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.import_files([Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()])
        event.acceptProposedAction()


def request_summary(request: "SigningRequest", ctx: AppContext) -> str:
    from core.requests import summarize

    summary = summarize(request, ctx.ledger.identity if ctx.ledger else None, notation=fmt.notation())
    lines = [summary.title, ""] + [f"{k}: {v}" for k, v in summary.lines if k not in ("Digest", "Domain hash")]
    return "\n".join(lines + [f"\u26a0 {w}" for w in summary.warnings])
