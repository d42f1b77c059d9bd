"""A spin box's text (a number, an amount of money, a date) starts as far from its left edge as a line edit's:
Qt 6.12's style-sheet style dropped the boxes' left padding, and their text sat 2 px from the edge
(desktop/gui/field_inset.py).  Measured on the pixels drawn, in both schemes, unfocused and focused."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QRect, Qt
from PySide6.QtWidgets import QDateEdit, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from desktop.gui.widgets.amount import AmountSpinBox
from tests.gui.test_dark_scheme import GRAPHIC, background, contrast, rect_in


def text_inset(window: QWidget, field: QWidget) -> int:
    """Pixels from the field's left edge to the first column of its text (ink 3:1 on the field's fill)."""
    image = window.grab().toImage()
    rect = rect_in(field, window)
    inside = rect.adjusted(3, 5, -30, -5)  # clear of the edge, the focus ring and a spin box's arrows
    ground = background(image, QRect(inside))
    for x in range(inside.left(), inside.right()):
        if any(contrast(image.pixelColor(x, y), ground) >= GRAPHIC for y in range(inside.top(), inside.bottom())):
            return x - rect.left()
    raise AssertionError(f"no text in {field!r}")


def test_a_spin_box_text_starts_where_a_line_edits_does(qtbot: Any, scheme: str) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    column = QVBoxLayout(window)
    line = QLineEdit("1234")
    number = QSpinBox()
    number.setRange(0, 10_000)
    number.setValue(1234)
    money = AmountSpinBox()
    money.setRange(0, 1e9)
    money.setValue(1234)
    date = QDateEdit(QDate(2026, 1, 1))
    date.setDisplayFormat("d/M/yyyy")
    boxes = {"number": number, "money": money, "date": date}
    for widget in (line, *boxes.values()):
        column.addWidget(widget)
    window.resize(320, 200)
    window.show()
    qtbot.waitExposed(window)
    expected = text_inset(window, line)
    assert expected >= 9  # the edge, 6 px padding, the line edit's own 2 px
    shown = {name: text_inset(window, box) for name, box in boxes.items()}
    assert shown == dict.fromkeys(boxes, expected), (scheme, expected, shown)
    number.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(number.hasFocus, timeout=2_000)
    number.lineEdit().deselect()  # Tab selected the number: its highlight starts a pixel before the text
    number.lineEdit().end(False)
    assert text_inset(window, number) == expected  # the 2 px ring takes a pixel of padding, not the text's
