"""Before a notary record is made: the jurisdiction whose certificate wording it uses and the notary's
commission, as `pdf notary --jurisdiction/--commission/--commission-expires` take them.

The values are checked by the same function as the command line's (`commission_facts`); the last ones
used are offered again (settings), since a desk usually serves one notary."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from core import jurisdictions
from core.errors import DeedbookError
from core.settings import Settings
from desktop.documents.notary_wording import commission_facts
from desktop.gui.widgets.basics import label, set_role


class NotaryCertificateDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.facts: dict[str, str] = {}
        self.setWindowTitle("Notary's certificate")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                "The record's certificate uses the wording of the notary's jurisdiction and shows the "
                "commission. These are the issuer's statement, printed as given (verify-pdf says so); "
                "leave a field empty to print a line to write on.",
                wrap=True,
            )
        )
        form = QFormLayout()
        self.profile = QComboBox()
        for name in sorted(jurisdictions.NAMES, key=lambda n: (n != "generic", n)):
            self.profile.addItem(f"{jurisdictions.profile(name).title} ({jurisdictions.profile(name).basis})", name)
        self.number = QLineEdit()
        self.number.setPlaceholderText("e.g. IA-771204")
        self.expires = QLineEdit()
        self.expires.setPlaceholderText("YYYY-MM-DD")
        form.addRow("Jurisdiction", self.profile)
        form.addRow("Commission no.", self.number)
        form.addRow("Commission expires", self.expires)
        layout.addLayout(form)
        self.problem = label("", wrap=True)
        set_role(self.problem, "bad")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Make the record")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        last = settings.notary_certificate
        self.profile.setCurrentIndex(max(0, self.profile.findData(last.get("profile", "generic"))))
        self.number.setText(last.get("commission", ""))
        self.expires.setText(last.get("commissionExpires", ""))
        for edit in (self.number, self.expires):
            edit.textChanged.connect(lambda _t: self._check())
        self._check()

    def _values(self) -> dict[str, str]:
        return commission_facts(str(self.profile.currentData()), self.number.text(), self.expires.text())

    def _check(self) -> None:
        try:
            self._values()
        except DeedbookError as error:
            self.problem.setText(str(error))
            self.ok.setEnabled(False)
            return
        self.problem.setText("")
        self.ok.setEnabled(True)

    def accept(self) -> None:
        self.facts = self._values()
        self.settings.notary_certificate = dict(self.facts)
        super().accept()


def ask_commission(settings: Settings, parent: QWidget | None) -> dict[str, str] | None:
    """The certificate's facts for a notary record, or None when the person cancelled."""
    dialog = NotaryCertificateDialog(settings, parent)
    return dialog.facts if dialog.exec() else None
