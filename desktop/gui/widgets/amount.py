"""A spin box for an amount of money that reads typed text as core.money does.

QDoubleSpinBox drops a group separator wherever it stands: on an English desktop a German's '250000,50'
became 25,000,050.00, and on a German one '250000.50' the same.  This one takes a group separator only
between groups of three before the decimals (core.money.amount_digits, with the widget's locale), so a
number written in the other convention is not taken, and `refused` says why in a sentence.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QWidget

from core.errors import DeedbookError
from core.money import amount_digits
from desktop.gui.fmt import notation


class AmountSpinBox(QDoubleSpinBox):
    refused = Signal(str)  # the sentence, when typed text was not an amount and the last value stays

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setGroupSeparatorShown(True)
        # The value changes when typing ends, not on each key: '250000' on the way to a refused '250000,50'
        # would otherwise already be the value the refusal leaves.
        self.setKeyboardTracking(False)

    def _read(self, text: str) -> float:
        shown = notation(self.locale())  # as amounts are shown on this desktop (en_IN: 12,34,567.00)
        typed = text.strip().removeprefix(self.prefix().strip()).removesuffix(self.suffix().strip()).strip()
        return float(amount_digits(typed, point=shown["point"], group=shown["group"], indian=shown["indian"]))

    def _places(self, text: str) -> int:
        point = self.locale().decimalPoint()
        return len(text.rsplit(point, 1)[1].strip()) if point in text else 0

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        try:
            value = self._read(text)
        except DeedbookError:  # not yet an amount ('1.2' on the way to '1.234'); fixup says why if it stays so
            return QValidator.State.Intermediate, text, pos
        if self._places(text) > self.decimals() or not self.minimum() <= value <= self.maximum():
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Acceptable, text, pos

    def valueFromText(self, text: str) -> float:
        try:
            return self._read(text)
        except DeedbookError:
            return self.value()

    def fixup(self, text: str) -> str:
        """Called when editing ends on text that is not an amount: say so (Qt then shows the last value)."""
        try:
            self._read(text)
        except DeedbookError as error:
            if text.strip():  # an emptied field just shows its last value again
                self.refused.emit(str(error))
        else:
            point, places = self.locale().decimalPoint(), self.decimals()
            if self._places(text) > places:  # not refused as a key is typed: '1,234' is on its way to '1,234.5'
                self.refused.emit(
                    f"'{text.strip()}' has {self._places(text)} decimals; this currency has {places} at most "
                    f"('{point}' starts the decimals)."
                )
            else:
                low, high = self.textFromValue(self.minimum()), self.textFromValue(self.maximum())
                self.refused.emit(f"'{text.strip()}' is not between {low} and {high}.")
        return text
