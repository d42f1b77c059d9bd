"""A spin, date or money box's text starts where a line edit's does (the edge, then the same padding).

The style sheet gives QAbstractSpinBox the padding of a QLineEdit (base.qss), but Qt 6.12's style-sheet style
keeps only its top and bottom: the edit field it lays out starts at x=0, under the box's own edge, and the line
edit inside takes no style-sheet rule of its own (Qt leaves embedded line edits unstyled).  So the text sat
2 px from the edge, 7 px left of a line edit's above it.  Each box's inner line edit gets a left text margin
that makes up the difference, measured from where the style put the edit field (0 if a later Qt does it),
as the box is polished (style_events.py).
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractSpinBox, QStyle, QStyleOptionSpinBox

# base.qss: a field's 1 px edge and 6 px padding (focused: a 2 px ring and 5 px padding, the same 7)
FIELD_INSET = 7


def inset_text(spin: QAbstractSpinBox) -> None:
    """Move the box's text to FIELD_INSET from its left edge."""
    option = QStyleOptionSpinBox()
    spin.initStyleOption(option)
    field = spin.style().subControlRect(
        QStyle.ComplexControl.CC_SpinBox, option, QStyle.SubControl.SC_SpinBoxEditField, spin
    )
    edit = spin.lineEdit()
    margins = edit.textMargins()
    margins.setLeft(max(0, FIELD_INSET - field.left()))
    edit.setTextMargins(margins)
