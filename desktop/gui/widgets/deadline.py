"""How long a signer has: a number of days and the moment it ends, as every request-writing form asks it."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QHBoxLayout, QSpinBox, QWidget

from core.dates import DAY, format_here
from desktop.gui.widgets.basics import label


class DeadlineField(QWidget):
    """Days to sign (1 to 365) and, beside them, the deadline they make from now; `seconds()` reads it
    when the request is written, so a form left open does not shorten it."""

    def __init__(self, days: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days = QSpinBox()
        self.days.setRange(1, 365)
        self.days.setValue(days)
        self.days.setSuffix(" days to sign")
        self.until = label("", "muted", wrap=True)  # UTC and here: two lines in a narrow form
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.days)
        row.addWidget(self.until, 1)
        self.days.valueChanged.connect(lambda _v: self._show())
        self._show()

    def seconds(self, now: float | None = None) -> int:
        """The deadline, Unix seconds: the days chosen from `now` (default: this moment)."""
        return int(time.time() if now is None else now) + self.days.value() * DAY

    def _show(self) -> None:
        self.until.setText(f"until {format_here(self.seconds())}")  # UTC, as the signer reads it, and here
