"""Dialogs of the keys pane: a new key, an imported key, a contact."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.contacts import ROLES, Contact
from desktop.gui import a11y, prompts
from desktop.gui.widgets.basics import button, label
from desktop.gui.widgets.fields import AddressField, NewPasswordField


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class NewKeyDialog(QDialog):
    """A name and a password (twice) for a new key."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        title: str = "New key",
        intro: str = "A new secp256k1 key, stored encrypted (keystore v3, the format geth and MetaMask use). "
        "Its password cannot be recovered.",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(label(intro, "muted", wrap=True))
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. registrar, alice, county-notary")
        form.addRow("Name", self.name)
        self.password = NewPasswordField(self, form)
        layout.addLayout(form)
        a11y.prepare(self)
        self.box = _buttons(self, "Create")
        layout.addWidget(self.box)
        self.ok = self.box.button(QDialogButtonBox.StandardButton.Ok)
        self.name.textChanged.connect(self._update)
        self.password.changed.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.name.text().strip()) and self.password.password() is not None)


class ImportKeyDialog(QDialog):
    """Import a keystore file (its own password) or a raw private key file (a new password)."""

    def __init__(self, parent: QWidget | None = None, *, raw: bool = False) -> None:
        super().__init__(parent)
        self.raw = raw
        self.setWindowTitle("Import a private key" if raw else "Import a keystore")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                "A file holding the private key as 64 hex digits. It is encrypted with the new password below; "
                "delete the plain file afterwards."
                if raw
                else "A keystore v3 JSON file (geth, MetaMask, Deedbook). Type the password that opens it.",
                "muted",
                wrap=True,
            )
        )
        form = QFormLayout()
        self.name = QLineEdit()
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        browse = button("Choose\u2026", "folder")
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("File", row)
        form.addRow("Name", self.name)
        self.new_password = NewPasswordField(self, form) if raw else None
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        if self.new_password is None:
            form.addRow("Password", self.password)
        layout.addLayout(form)
        a11y.prepare(self)
        self.box = _buttons(self, "Import")
        layout.addWidget(self.box)
        self.ok = self.box.button(QDialogButtonBox.StandardButton.Ok)
        browse.clicked.connect(self._browse)
        for signal in (self.name.textChanged, self.path.textChanged, self.password.textChanged):
            signal.connect(self._update)
        if self.new_password is not None:
            self.new_password.changed.connect(self._update)
        self._update()

    def _browse(self) -> None:
        chosen = prompts.open_file(self, "Choose the key file", "Key files (*.json *.txt *.key);;All files (*)")
        if chosen is not None:
            self.path.setText(str(chosen))
            if not self.name.text():
                self.name.setText(chosen.stem.split("--")[-1][:40].replace(" ", "-") or "imported")

    def secret(self) -> str:
        if self.new_password is not None:
            return self.new_password.password() or ""
        return self.password.text()

    def file(self) -> Path:
        return Path(self.path.text())

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.name.text().strip() and self.path.text() and self.secret()))


class ContactDialog(QDialog):
    """Add or edit a contact: name, checksummed address, role, note."""

    def __init__(self, parent: QWidget | None = None, contact: Contact | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit contact" if contact else "New contact")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(contact.name if contact else "")
        self.address = AddressField("0x\u2026 (paste it; a mixed-case address must carry its checksum)")
        if contact:
            self.address.set_address(contact.address)
        self.role = QComboBox()
        self.role.addItem("(none)", "")
        for role in ROLES:
            self.role.addItem(role.capitalize(), role)
        if contact:
            self.role.setCurrentIndex(max(0, self.role.findData(contact.role)))
        self.note = QLineEdit(contact.note if contact else "")
        self.note.setPlaceholderText("Phone, e-mail, file number\u2026")
        form.addRow("Name", self.name)
        form.addRow("Address", self.address)
        form.addRow("Role", self.role)
        form.addRow("Note", self.note)
        layout.addLayout(form)
        a11y.prepare(self)
        self.box = _buttons(self, "Save")
        layout.addWidget(self.box)
        self.ok = self.box.button(QDialogButtonBox.StandardButton.Ok)
        self.name.textChanged.connect(self._update)
        self.address.validity_changed.connect(lambda _v: self._update())
        self._update()

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.name.text().strip()) and self.address.is_valid())

    def values(self) -> tuple[str, str, str, str]:
        return (self.name.text(), self.address.address() or "", str(self.role.currentData() or ""), self.note.text())
