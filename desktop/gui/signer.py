"""The offline signer: open a request, read what it signs, type the password, save the response.

Made for the air-gapped laptop: it needs no ledger (a request for an unknown
ledger is a warning, not a refusal) and the summary is derived from the typed
data itself by core.requests.summarize, never from the file's own text.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QMainWindow,
    QPlainTextEdit,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import DeedbookError
from core.identity import LedgerIdentity
from core.keys import KeyStore
from core.paths import DataDir
from desktop.gui import a11y, fmt, prompts, theme
from desktop.gui.events import Events
from desktop.gui.operations import Op, Operations, TaskHandle
from desktop.gui.phrases import with_here
from desktop.gui.widgets.basics import ButtonRow, clear_layout, banner, button, card, label, open_at
from desktop.gui.widgets.fields import KeyPicker
from desktop.workspace import Done, Workspace

if TYPE_CHECKING:
    from core.airgap import Received
    from core.requests import SigningRequest


TITLE = "Offline signer"
PLACEHOLDER = "Open a request file, or drop it on this window."


class SignerWindow(QMainWindow):
    def __init__(
        self, home: DataDir, identity: LedgerIdentity | None, keys: KeyStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.home, self.identity, self.keys = home, identity, keys
        self.ws = Workspace(home, keys=keys)  # signs through the workspace's key resolver; needs no ledger
        self.events = Events()
        self.ops = Operations(self.events)  # its own pool: the signer may run with no main window
        self.request: "SigningRequest | None" = None
        self.reading: Op[tuple[SigningRequest, bytes]] | None = None  # the file being read, if one is
        self.source: Path | None = None
        self.setWindowTitle(fmt.window_title(TITLE))
        self.setWindowIcon(theme.app_icon())
        self.setMinimumSize(QSize(760, 560))  # a request's lines scroll; 640 was more than a 640 px screen
        open_at(self, QSize(760, 640))
        self.setAcceptDrops(True)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(22, 16, 22, 16)
        outer.setSpacing(10)
        head = QHBoxLayout()
        icon = label()
        icon.setPixmap(theme.icon("signer").pixmap(28, 28))
        titles = QVBoxLayout()
        titles.addWidget(label("Offline signer", "title"))
        self.where = label("", "subtitle", wrap=True)
        titles.addWidget(self.where)
        self.set_identity(identity)
        self.open_button = button("Open request\u2026", "import")
        self.read_qr_button = button("Read QR codes\u2026", "qr", tip="Read a request from images of its QR codes")
        head.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        head.addLayout(titles, 1)
        self.cancel_button = button("Cancel", "cancel", tip="Stop reading the request file")
        self.cancel_button.hide()  # shown while a file is read
        head.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.read_qr_button, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(head)

        self.placeholder = label(PLACEHOLDER, "muted")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.placeholder, 1)

        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        self.warnings, warn_layout = banner("warn", mark=False)  # each warning starts with its own \u26a0
        self.warning_text = label("", wrap=True)
        warn_layout.addWidget(self.warning_text, 1)
        content.addWidget(self.warnings)
        summary_card, summary_layout = card()
        self.summary_title = label("", "section", wrap=True, plain=True)  # request text is never HTML
        self.summary_title.setProperty("role", "title")
        summary_layout.addWidget(self.summary_title)
        self.role_line = label("", "muted", wrap=True, plain=True)
        summary_layout.addWidget(self.role_line)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(5)
        self.grid.setColumnStretch(1, 1)
        grid_holder = QWidget()
        grid_holder.setLayout(self.grid)
        scroll = a11y.name(QScrollArea(), "What the request says")
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_holder)
        summary_layout.addWidget(scroll, 1)
        self.raw_toggle = QToolButton()
        self.raw_toggle.setText("Show the typed data (eth_signTypedData_v4)")
        self.raw_toggle.setCheckable(True)
        self.raw = QPlainTextEdit()
        self.raw.setReadOnly(True)
        self.raw.setFont(QFont("DejaVu Sans Mono", 9))
        self.raw.hide()
        self.raw_toggle.toggled.connect(self.raw.setVisible)
        summary_layout.addWidget(self.raw_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        summary_layout.addWidget(self.raw)
        content.addWidget(summary_card, 1)
        sign_card, sign_layout = card()
        sign_layout.addWidget(label("Your signature", "section"))
        self.key_note = label("", "muted", wrap=True)
        sign_layout.addWidget(self.key_note)
        self.picker = KeyPicker(lambda: [(k.name, k.address) for k in self.keys.list()])
        sign_layout.addWidget(self.picker)
        self.show_qr_button = button(
            "Show as QR\u2026",
            "qr",
            tip="Show this request as animated QR codes (for a QR wallet, or another offline machine)",
        )
        self.wallet_button = button(
            "Read wallet signature\u2026",
            "import",
            tip="Read a QR wallet's answer (eth-signature) and save it as the response",
        )
        self.response_qr_button = button(
            "Show response as QR\u2026", "qr", tip="Show the signed response as animated QR codes for the agency"
        )
        self.response_qr_button.setEnabled(False)
        self.sign_button = button("Sign and save response\u2026", primary=True)
        # at the window's least width the four were squeezed below their words: Sign then goes under the others
        qr_buttons = [self.show_qr_button, self.wallet_button, self.response_qr_button]
        sign_layout.addWidget(ButtonRow(qr_buttons, [self.sign_button]))
        content.addWidget(sign_card)
        outer.addWidget(self.content, 1)
        self.content.hide()
        self.setCentralWidget(central)

        self.open_button.clicked.connect(self._open_dialog)
        self.cancel_button.clicked.connect(self.cancel_reading)
        self.read_qr_button.clicked.connect(self.read_request_qr)
        self.show_qr_button.clicked.connect(self.show_request_qr)
        self.wallet_button.clicked.connect(self.read_wallet_signature)
        self.response_qr_button.clicked.connect(self.show_response_qr)
        self.picker.changed.connect(self._update)
        self.sign_button.clicked.connect(self.sign)
        self.last_response: Path | None = None
        self.request_bytes = b""  # the request's file as read (shown as QR codes byte for byte)
        self.qr_dialog: QDialog | None = None

    def set_identity(self, identity: LedgerIdentity | None) -> None:
        """The ledger this machine holds (read on a worker when the signer starts alone), or None."""
        self.identity = identity
        where = (
            f"This machine's ledger: \u201c{identity.name}\u201d ({identity.ledger_id_hex[:10]}\u2026)"
            if identity
            else "No ledger on this machine: check the ledger id with the agent."
        )
        self.where.setText(f"Open a signing request, read it, sign it with your key. {where}")

    # -- loading ---------------------------------------------------------------------------------------------
    def _open_dialog(self) -> None:
        path = prompts.open_file(self, "Open a signing request", "Signing requests (*.json);;All files (*)")
        if path is not None:
            self.load(path)

    def load(self, path: Path) -> Op[tuple[SigningRequest, bytes]]:
        """Read and check the file on a worker (up to 1 MB, on a disk that may be slow or gone): the
        window stays usable, Cancel (or closing it) drops the answer, and a bad file is one sentence."""
        from core.requests import MAX_FILE_BYTES, RequestError, parse_json_bytes, parse_request
        from core.userfiles import read_user_file

        def work(task: TaskHandle) -> tuple[SigningRequest, bytes]:
            raw = read_user_file(path, "a signing request file", max_bytes=MAX_FILE_BYTES, error=RequestError)
            task.check()
            return parse_request(parse_json_bytes(raw, str(path)), what=str(path)), raw

        def read(got: tuple[SigningRequest, bytes]) -> None:
            if op is self.reading:  # not cancelled, nor replaced by another file meanwhile
                self.show_request(got[0], got[1], path)

        self.cancel_reading()
        op = self.ops.task(self, work, title="Reading the request")
        self.reading = op
        self._show_reading(path)
        return op.success(read).done(lambda: self._read_ended(op)).run()

    def cancel_reading(self) -> None:
        """Drop the file being read (a read blocked on its disk ends on its own; its answer is not shown)."""
        if self.reading is not None:
            self.reading.cancel()
            self._read_ended(self.reading)

    def _show_reading(self, path: Path) -> None:
        self.placeholder.setText(f"Reading {prompts.readable(path.name)}\u2026")
        self.cancel_button.show()
        for widget in (self.open_button, self.read_qr_button):
            widget.setEnabled(False)

    def _read_ended(self, op: Op[tuple[SigningRequest, bytes]]) -> None:
        if op is not self.reading:
            return
        self.reading = None
        self.placeholder.setText(PLACEHOLDER)
        self.cancel_button.hide()
        for widget in (self.open_button, self.read_qr_button):
            widget.setEnabled(True)

    def show_request(self, request: SigningRequest, raw: bytes, path: Path) -> bool:
        """Show what `request` signs (from a file, or read from QR codes; `path` names where it would be saved)."""
        from core.requests import summarize

        try:
            # amounts as this desktop writes them; the typed data below keeps the signed minor units
            summary = summarize(request, self.identity, notation=fmt.notation())
        except DeedbookError as error:
            prompts.show_error(self, str(error))
            return False
        self.request, self.source, self.request_bytes = request, path, raw
        self.response_qr_button.setEnabled(False)
        title, _, role_phrase = summary.title.partition("\n")
        self.summary_title.setText(title)
        self.role_line.setText(role_phrase)
        clear_layout(self.grid)
        for row, (name, value) in enumerate(summary.lines):
            key = label(name, "muted", plain=True)
            key.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            shown = with_here(value) if name == "Deadline" else value  # and on this machine's clock
            text = label(shown, wrap=True, selectable=True, plain=True)
            if name in ("Digest", "Domain hash", "Transfer id") or value.startswith("0x"):
                text.setProperty("role", "mono")
            self.grid.addWidget(key, row, 0)
            self.grid.addWidget(text, row, 1)
        if request.is_response:
            summary.warnings.insert(0, "This file is already signed (a response); signing it again is not needed.")
        self.warnings.setVisible(bool(summary.warnings))
        self.warning_text.setText("<br>".join(f"\u26a0 {html.escape(w)}" for w in summary.warnings))
        self.raw.setPlainText(json.dumps(request.typed_data, indent=2, ensure_ascii=False))
        found = self.keys.find_by_address(request.signer)
        if found is not None:
            self.picker.reload(prefer=found.name)
            self.key_note.setText(f"The request is for {request.signer}: your key '{found.name}' on this machine.")
        else:
            self.picker.reload()
            self.key_note.setText(
                f"The request is for {request.signer}, and no key on this machine has that address. "
                "Import it (keys folder) or sign in your wallet with the typed data above."
            )
        self.placeholder.hide()
        self.content.show()
        self.setWindowTitle(fmt.window_title(path.name, TITLE))
        self._update()
        return True

    def _update(self) -> None:
        if self.request is not None and self.request.kind == "Attestation":
            # a notary signs at the notary's desk: it checks the evidence and writes the notary's journal
            self.key_note.setText(
                "An attestation is signed at the notary's desk (deedbook gui --notary-desk, or "
                "the Parties menu), which checks its evidence and keeps your journal."
            )
            self.sign_button.setEnabled(False)
            return
        ok = self.request is not None and self.picker.ready()
        if ok and self.request is not None:
            name = self.picker.key_name() or ""
            try:
                ok = self.keys.get(name).address.lower() == self.request.signer.lower()
            except DeedbookError:
                ok = False
        self.sign_button.setEnabled(bool(ok))

    # -- signing ------------------------------------------------------------------------------------------------
    def sign(self) -> None:
        if self.request is None or self.source is None:
            return
        suggested = self.source.with_name(self.source.stem.replace("-request", "") + "-signed.json")
        target = prompts.save_file(self, "Save the signed response", str(suggested), "Signing responses (*.json)")
        if target is None:
            return
        request, ws, signer = self.request, self.ws, self.picker.signer()

        def work() -> Done[Path]:  # the save dialog asked before replacing a file
            return ws.sign_to_file(request, signer, target, force=True)

        self.sign_button.setEnabled(False)
        self.ops.op(self, work, title="Signing").success(self._signed).done(self._update).run()

    def _signed(self, path: Path) -> None:
        self.last_response = path
        self.picker.clear_password()
        self.response_qr_button.setEnabled(True)
        prompts.inform(
            self,
            f"Signed. Give {path} back to the agent (or show it as QR codes); it holds your signature, not your key.",
        )

    # -- QR codes ---------------------------------------------------------------------------------------------
    def _show_qr(self, request: SigningRequest, raw: bytes) -> None:
        from desktop.gui.dialogs.qr_show import QrShowDialog

        self.qr_dialog = QrShowDialog(request, raw, self)
        self.qr_dialog.show()

    def show_request_qr(self) -> None:
        if self.request is not None:
            self._show_qr(self.request, self.request_bytes)

    def show_response_qr(self) -> None:
        from core.requests import MAX_FILE_BYTES, RequestError, parse_json_bytes, parse_request
        from core.userfiles import read_user_file

        path = self.last_response
        if path is None:
            return

        def work() -> tuple[SigningRequest, bytes]:  # the response as saved, read again on a worker
            raw = read_user_file(path, "a signed response", max_bytes=MAX_FILE_BYTES, error=RequestError)
            return parse_request(parse_json_bytes(raw, str(path)), require_signature=True, what=str(path)), raw

        self.ops.op(self, work, title="Reading the response").success(lambda got: self._show_qr(*got)).run()

    def read_request_qr(self) -> None:
        from desktop.gui.dialogs.qr_read import QrReadDialog

        def requests_only(received: Received) -> None:
            if received.parsed is None or received.parsed.is_response:
                raise DeedbookError("These QR codes hold a signature, not a request to sign.")

        dialog = QrReadDialog(
            self.ops,
            "Read a request from QR codes",
            "Read the request the agent shows as QR codes; it is checked and shown here before anything is signed.",
            self,
            requests_only,
        )
        self.qr_dialog = dialog
        if dialog.exec() and dialog.received is not None and dialog.received.parsed is not None:
            request = dialog.received.parsed
            name = f"{request.role}-request-from-qr.json"
            self.show_request(request, dialog.received.raw, Path.home() / name)

    def read_wallet_signature(self) -> None:
        from desktop.gui.dialogs.qr_read import QrReadDialog

        if self.request is None or self.source is None:
            return
        request, ws = self.request, self.ws
        answered: list[tuple[int, SigningRequest, bytes]] = []

        def check(received: Received) -> None:
            answered.append(ws.qr_answer(received, [request]))

        dialog = QrReadDialog(
            self.ops,
            "Read the wallet's signature",
            "Read the QR code the wallet shows after "
            "signing (eth-signature); it must be the signer's, over this request.",
            self,
            check,
        )
        self.qr_dialog = dialog
        if not dialog.exec() or not answered:
            return
        _, _, raw = answered[-1]
        suggested = self.source.with_name(self.source.stem.replace("-request", "") + "-signed.json")
        target = prompts.save_file(self, "Save the signed response", str(suggested), "Signing responses (*.json)")
        if target is None:
            return
        self.ops.op(self, lambda: ws.write_file(target, raw, force=True), title="Saving").success(self._signed).run()

    # -- drag and drop ----------------------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.load(Path(url.toLocalFile()))
                break
        event.acceptProposedAction()

    def closeEvent(self, event: object) -> None:
        self.cancel_reading()
        self.ops.shutdown()
        super().closeEvent(event)  # type: ignore[arg-type]
