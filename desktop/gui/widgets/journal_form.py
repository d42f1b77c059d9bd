"""The journal fields a notary fills in for one act, per jurisdiction profile (core.jurisdictions decides what is missing)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGridLayout, QLineEdit, QVBoxLayout, QWidget

from core.errors import DeedbookError
from core.jurisdictions import NAMES, JournalFields, parse_fields, profile
from desktop.gui import a11y, fmt
from desktop.gui.widgets.basics import clear_layout, label


class _SignerRow:
    """One signer's name, address and identity document (or credible witnesses)."""

    def __init__(self, grid: QGridLayout, row: int, address: str) -> None:
        self.name, self.address = QLineEdit(), QLineEdit()
        self.id_type, self.issuer, self.number = QLineEdit(), QLineEdit(), QLineEdit()
        self.issued, self.expires, self.witnesses = QLineEdit(), QLineEdit(), QLineEdit()
        self.number.setEchoMode(QLineEdit.EchoMode.Password)  # shoulder-surfing: it is sealed in the journal
        for widget, hint in (
            (self.name, "Full name"),
            (self.address, "Home address"),
            (self.id_type, "ID type (e.g. driver licence)"),
            (self.issuer, "Issuing agency"),
            (self.number, "Serial number (sealed)"),
            (self.issued, "Issued YYYY-MM-DD"),
            (self.expires, "Expires YYYY-MM-DD"),
            (self.witnesses, "Or credible witnesses: name, address; name, address"),
        ):
            widget.setPlaceholderText(hint)
            a11y.name(widget, f"Signer {address[:10]}\u2026{address[-4:]}: {hint}")  # the placeholder is no name
        grid.addWidget(label(f"Signer {address[:10]}\u2026{address[-4:]}", "muted"), row, 0, 1, 4)
        grid.addWidget(self.name, row + 1, 0, 1, 2)
        grid.addWidget(self.address, row + 1, 2, 1, 2)
        for column, widget in enumerate((self.id_type, self.issuer, self.number)):
            grid.addWidget(widget, row + 2, column)
        grid.addWidget(self.issued, row + 3, 0)
        grid.addWidget(self.expires, row + 3, 1)
        grid.addWidget(self.witnesses, row + 3, 2, 1, 2)

    def widgets(self) -> tuple[QLineEdit, ...]:
        return (
            self.name,
            self.address,
            self.id_type,
            self.issuer,
            self.number,
            self.issued,
            self.expires,
            self.witnesses,
        )

    def data(self) -> tuple[dict[str, Any], list[dict[str, str]]]:
        person: dict[str, Any] = {"name": self.name.text(), "address": self.address.text()}
        if self.id_type.text().strip():
            person["id"] = {
                "type": self.id_type.text(),
                "issuer": self.issuer.text(),
                "number": self.number.text(),
                "issued": self.issued.text(),
                "expires": self.expires.text(),
            }
        witnesses = []
        for pair in filter(None, (p.strip() for p in self.witnesses.text().split(";"))):
            name, _, where = pair.partition(",")
            witnesses.append({"name": name, "address": where})
        return person, witnesses


class JournalForm(QWidget):
    """Profile, document, fee, thumbprint and each signer; `changed` whenever anything is edited."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.profile = QComboBox()
        for name in NAMES:
            self.profile.addItem(f"{profile(name).title} ({profile(name).basis})", name)
        self.document = QLineEdit()
        self.document.setPlaceholderText("Character of the document, e.g. grant deed, deed of trust")
        self.fee = QLineEdit()
        self.fee.setPlaceholderText("Fee charged, e.g. 15.00 (0 when none)")
        self.thumbprint = QCheckBox("Thumbprint taken in the paper journal")
        form.addRow("Profile", self.profile)
        form.addRow("Document", self.document)
        form.addRow("Fee", self.fee)
        form.addRow("", self.thumbprint)
        layout.addLayout(form)
        self.grid = QGridLayout()
        self.grid.setVerticalSpacing(4)
        layout.addLayout(self.grid)
        layout.addStretch(1)  # the rows stay together at the top, however tall the form is
        self.rows: list[_SignerRow] = []
        self.profile.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.thumbprint.toggled.connect(lambda _b: self.changed.emit())
        for widget in (self.document, self.fee):
            widget.textChanged.connect(lambda _t: self.changed.emit())

    def set_signers(self, addresses: list[str]) -> None:
        clear_layout(self.grid)
        self.rows = [_SignerRow(self.grid, 4 * n, address) for n, address in enumerate(addresses)]
        previous: QWidget = self.thumbprint
        for row in self.rows:
            for widget in row.widgets():
                widget.textChanged.connect(lambda _t: self.changed.emit())
                # made after the window's other controls, they came last in its tab order (after the key and
                # Attest below them): Tab goes from the form's fields into them, row by row
                QWidget.setTabOrder(previous, widget)
                previous = widget
        self.changed.emit()

    def profile_name(self) -> str:
        return str(self.profile.currentData())

    def select_profile(self, name: str) -> None:
        self.profile.setCurrentIndex(max(0, self.profile.findData(name)))

    def fields(self) -> JournalFields:
        """What is entered, as `JournalFields` (a `FieldsError` sentence if malformed)."""
        signers, witnesses = [], []
        for row in self.rows:
            person, found = row.data()
            signers.append(person)
            witnesses += found
        return parse_fields(
            {
                "document": self.document.text(),
                "fee": self.fee.text(),
                "thumbprint": self.thumbprint.isChecked(),
                "signers": signers,
                "witnesses": witnesses,
            }
        )

    def problem(self, *, real_property: bool) -> str | None:
        """What the chosen profile still needs, in one line (None: ready)."""
        try:
            missing = profile(self.profile_name()).missing(self.fields(), real_property=real_property)
        except DeedbookError as error:
            return str(error)
        if not missing:
            return None
        more = f" and {fmt.count(len(missing) - 1)} more" if len(missing) > 1 else ""
        return f"Still needed: {missing[0]}{more}."
