"""The office's document seal in the GUI: choose a seal (and type its password) for a document, or make one.

Both call the workspace (`Workspace.new_seal`, `make_document(seal=...)`), as `deedbook seal cert new`
and `deedbook pdf ... --seal` do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from core.errors import DeedbookError
from desktop.gui import prompts
from desktop.gui.widgets.basics import label
from desktop.workspace import Signer
from desktop.gui.widgets.fields import asked_once

if TYPE_CHECKING:
    from desktop.gui.context import AppContext


class SealDialog(QDialog):
    """Pick one of this folder's seals and type its password (for sealing one document)."""

    def __init__(self, names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Seal the document")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                "The office's seal is a PAdES signature any PDF reader shows; the ledger binds its "
                "certificate, so verify-pdf checks it offline.",
                wrap=True,
            )
        )
        form = QFormLayout()
        self.names = QComboBox()
        self.names.addItems(names)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Seal", self.names)
        form.addRow("Seal password", self.password)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Seal")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def signer(self) -> Signer:
        return Signer(self.names.currentText(), self.password.text())


def choose_seal(ctx: "AppContext", parent: QWidget | None) -> Signer | None:
    """A seal and its password, or None (no seal here: said, with how to make one; or declined)."""
    names = ctx.ws.seals.names()  # the data folder's files only: no ledger read on the UI thread
    if not names:
        prompts.show_error(
            parent,
            "This data folder has no document seal yet: make one with New office seal "
            "(the operator binds it to the ledger).",
        )
        return None
    with asked_once(SealDialog(names, parent)) as dialog:
        return dialog.signer() if dialog.exec() and dialog.password.text() else None


def new_seal(ctx: "AppContext", parent: QWidget | None) -> None:
    """Ask for a name, the seal's new password (twice) and the operator's key; make and bind the seal."""
    from PySide6.QtWidgets import QInputDialog

    name, ok = QInputDialog.getText(parent, "New office seal", "Seal name (letters, digits, . _ -):", text="office")
    if not ok or not name.strip():
        return
    ws = ctx.ws
    # The name is checked (on a worker, as the command line does) before any password is typed for it.
    ctx.ops.op(parent, lambda: ws.check_new_seal(name.strip()), title="Checking the seal name").success(
        lambda _none: _new_seal_named(ctx, parent, name.strip())
    ).run()


def _new_seal_named(ctx: "AppContext", parent: QWidget | None, name: str) -> None:
    from core.seals import check_seal_password
    from desktop.gui.panes.ledger import KeyDialog

    first = prompts.password(parent, f"New password for seal '{name}' (8 characters or more):")
    if first is None:
        return
    if prompts.password(parent, "The same password again:") != first:
        prompts.show_error(parent, "The two passwords differ; nothing was made.")
        return
    try:
        check_seal_password(first)  # a short one is said before the operator's password is asked
    except DeedbookError as error:
        prompts.show_error(parent, str(error))
        return
    ledger = ctx.require_ledger()
    with asked_once(
        KeyDialog(
            ctx,
            "Bind the seal to the ledger",
            f"The operator {ledger.identity.operator} binds the seal's "
            "certificate to the ledger with a signed entry, then signs a checkpoint over it.",
            parent,
            prefer=ledger.identity.operator,
        )
    ) as dialog:
        operator = dialog.signer() if dialog.exec() else None
    if operator is None:
        return
    ws = ctx.ws
    ctx.ops.op(
        parent,
        lambda: ws.new_seal(operator, name, Signer(name, first)),
        write=True,
        title="Making the seal",
    ).success(
        lambda info: prompts.inform(
            parent,
            f"Seal '{info.name}' made (certificate {info.fingerprint[:18]}\u2026) "
            f"and bound to the ledger by entry {info.bound_at}.",
        )
    ).run()
