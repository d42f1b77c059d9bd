"""A request or response shown as animated QR codes: Deedbook's own format, and a QR wallet's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.gui import theme
from desktop.gui.widgets.basics import label
from desktop.gui.widgets.qr_player import QrPlayer

if TYPE_CHECKING:
    from core.requests import SigningRequest


class QrShowDialog(QDialog):
    def __init__(self, request: SigningRequest, raw: bytes, parent: QWidget | None = None, fps: float = 5.0) -> None:
        from core import airgap

        super().__init__(parent)
        what = "signed response" if request.is_response else "signing request"
        self.setWindowTitle(f"The {request.role}'s {what} as QR codes")
        self.setWindowIcon(theme.icon("qr"))
        layout = QVBoxLayout(self)
        intro = (
            "Hold the other machine's camera to this screen (or save the frames from the command line: "
            "deedbook qr encode). The frames repeat with new fountain mixes, so missed frames are made up."
        )
        layout.addWidget(label(intro, "muted", wrap=True))
        self.tabs = QTabWidget()
        ur, _ = airgap.file_ur(raw)
        self.players = [QrPlayer(ur, fps)]
        self.tabs.addTab(self.players[0], "Deedbook (the whole file)")
        if not request.is_response:
            self.players.append(QrPlayer(airgap.wallet_ur(request), fps))
            self.tabs.addTab(self.players[1], "QR wallet (EIP-4527 eth-sign-request)")
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
