"""Input fields that check as you type: addresses (EIP-55), passwords (twice, with a hint), keys."""

from __future__ import annotations

import math
import string
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from core.display import short_address
from core.errors import DeedbookError
from core.signing import checksum_address, parse_address
from desktop.gui import a11y, fmt

if TYPE_CHECKING:
    from desktop.workspace.signers import Signer


def _mark(widget: QWidget, valid: bool | None) -> None:
    widget.setProperty("valid", "" if valid is None else ("true" if valid else "false"))
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class AddressField(QWidget):
    """An address typed, pasted or picked from the address book and the local keys.

    The combo lists "Name — 0x…"; whatever is typed is parsed by core.signing, so
    a mixed-case address with a wrong checksum is caught before anything is signed.
    """

    validity_changed = Signal(bool)

    def __init__(
        self, placeholder: str = "0x\u2026 or a name from the address book", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line, completer = self.combo.lineEdit(), self.combo.completer()
        assert line is not None and completer is not None  # an editable combo has both
        line.setPlaceholderText(placeholder)
        self.combo.setMinimumContentsLength(44)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.status = QLabel(" ")
        self.status.setProperty("role", "muted")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.combo)
        layout.addWidget(self.status)
        self._valid = False
        self.combo.editTextChanged.connect(self._check)
        self.combo.currentIndexChanged.connect(lambda _i: self._check(self.combo.currentText()))

    def set_choices(self, choices: list[tuple[str, str]]) -> None:
        """(name, address) pairs shown in the list."""
        text = self.combo.currentText()
        self.combo.blockSignals(True)
        self.combo.clear()
        for name, address in choices:
            self.combo.addItem(f"{name} \u2014 {address}", address)
        self.combo.setCurrentIndex(-1)
        self.combo.setEditText(text)
        self.combo.blockSignals(False)
        self._check(text)

    def set_address(self, address: str) -> None:
        index = self.combo.findData(address)
        if index >= 0:
            self.combo.setCurrentIndex(index)
        else:
            self.combo.setEditText(address)

    def _candidate(self, text: str) -> str:
        text = text.strip()
        index = self.combo.findText(text)
        if index >= 0:
            return str(self.combo.itemData(index))
        if "\u2014" in text:  # "Name — 0x…" edited by hand
            return text.rsplit("\u2014", 1)[1].strip()
        return text

    def _check(self, text: str) -> None:
        candidate = self._candidate(text)
        valid = False
        if not candidate:
            self.status.setText(" ")
            _mark(self.combo, None)
        else:
            try:
                address = checksum_address(parse_address(candidate))
            except DeedbookError as error:
                self.status.setText(str(error))
                _mark(self.combo, False)
            else:
                valid = True
                self.status.setText("\u2713 " + address)
                _mark(self.combo, True)
        # the check under the field, heard with it: a colour alone would say nothing
        self.combo.setAccessibleDescription(self.status.text().strip())
        if valid != self._valid:
            self._valid = valid
            self.validity_changed.emit(valid)

    def is_valid(self) -> bool:
        return self._valid

    def address(self) -> str | None:
        """The checksummed address, or None if what is typed is not one."""
        try:
            return checksum_address(parse_address(self._candidate(self.combo.currentText())))
        except DeedbookError:
            return None


def password_strength(password: str) -> tuple[int, str]:
    """A rough 0-4 score and a word, for the hint under a new password (core checks the minimum)."""
    if len(password) < 8:
        return 0, "Too short: at least 8 characters"
    pools = [(string.ascii_lowercase, 26), (string.ascii_uppercase, 26), (string.digits, 10)]
    size = sum(n for chars, n in pools if any(c in chars for c in password))
    size += 33 if any(not c.isalnum() for c in password) else 0
    distinct = len(set(password))
    bits = min(len(password), distinct * 2) * math.log2(max(size, 2))
    if bits < 40:
        return 1, "Weak: add words or characters"
    if bits < 60:
        return 2, "Fair"
    if bits < 80:
        return 3, "Strong"
    return 4, "Very strong"


class NewPasswordField(QWidget):
    """A new password, typed twice, with a strength hint.

    Given `form`, its rows join that form (aligned with the fields above them) and
    this widget itself stays empty.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, form: QFormLayout | None = None) -> None:
        super().__init__(parent)
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setPlaceholderText("At least 8 characters; a few words are best")
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setPlaceholderText("The same again")
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setFixedHeight(6)
        self.hint = QLabel(" ")
        self.hint.setProperty("role", "muted")
        if form is None:
            form = QFormLayout(self)
            form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Password", self.first)
        form.addRow("", self.meter)
        form.addRow("Repeat", self.second)
        form.addRow("", self.hint)
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)

    def _update(self) -> None:
        score, word = password_strength(self.first.text())
        self.meter.setValue(score)
        if self.second.text() and self.second.text() != self.first.text():
            self.hint.setText(f"{word} \u2022 the two passwords differ")
            _mark(self.second, False)
        else:
            self.hint.setText(word if self.first.text() else " ")
            _mark(self.second, None if not self.second.text() else score > 0)
        self.changed.emit()

    def password(self) -> str | None:
        """The password if it is long enough and typed the same twice."""
        text = self.first.text()
        return text if len(text) >= 8 and text == self.second.text() else None


class KeyPicker(QWidget):
    """Which local key signs, and its password (unlocking happens in the operation, off the UI thread)."""

    changed = Signal()

    def __init__(self, keys: Callable[[], list[tuple[str, str]]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keys = keys
        self.combo = QComboBox()
        self.combo.setMinimumContentsLength(30)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Password of this key")
        a11y.name(self.password, "Password of the signing key")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, 3)
        layout.addWidget(self.password, 2)
        a11y.name(self.combo, "Signing key")  # once laid out: its label is a sibling (see a11y.name)
        self.combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.password.textChanged.connect(lambda _t: self.changed.emit())
        self.reload()

    def reload(self, prefer: str | None = None) -> None:
        current = prefer or self.key_name()
        self.combo.blockSignals(True)
        self.combo.clear()
        for name, address in sorted(self._keys(), key=lambda key: fmt.name_order(key[0])):
            self.combo.addItem(f"{name} ({short_address(address)})", name)
        if current:
            index = self.combo.findData(current)
            if index >= 0:
                self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)

    def select(self, name: str) -> None:
        index = self.combo.findData(name)
        if index >= 0:
            self.combo.setCurrentIndex(index)

    def key_name(self) -> str | None:
        data = self.combo.currentData()
        return str(data) if data else None

    def secret(self) -> str:
        return self.password.text()

    def ready(self) -> bool:
        return self.key_name() is not None and bool(self.password.text())

    def signer(self) -> "Signer":
        """The chosen key and its typed password, for the workspace (which resolves and unlocks it)."""
        from desktop.workspace.signers import Signer

        return Signer(self.key_name() or "", self.secret())

    def clear_password(self) -> None:
        self.password.clear()


_D = TypeVar("_D", bound=QDialog)


@contextmanager
def asked_once(dialog: _D) -> Iterator[_D]:
    """A dialog that asks for a password, for one question: when the block has read its answers (however it
    ends), its password fields are emptied and the dialog goes, so no hidden window of a long-lived pane keeps
    what was typed (or grows by one dialog an act)."""
    try:
        yield dialog
    finally:
        forget_typed(dialog)


def forget_typed(dialog: QDialog) -> None:
    for field in dialog.findChildren(QLineEdit):
        if field.echoMode() != QLineEdit.EchoMode.Normal:
            field.clear()
    dialog.deleteLater()
