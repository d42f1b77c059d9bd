"""What a screen reader reads: the one place that gives controls, tables, charts and images their names.

Qt names a button from its text and a field from the QLabel whose buddy it is; `QFormLayout.addRow("Text",
field)` sets that buddy.  What it cannot name: a field inside a composite (the combo of an address field, a
path beside its Choose… button), a field whose label is a separate widget, icon-only buttons, tables, scroll
areas, painted charts and images.  `name` (with `buddy` and `describe`) covers those one by one; `prepare`,
run once a window is laid out, names what its form rows' labels cannot reach and lets Tab leave text boxes.
"""

from __future__ import annotations

import re
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QFormLayout, QLabel, QLayout, QPlainTextEdit, QWidget

W = TypeVar("W", bound=QWidget)

_TAGS = re.compile(r"<[^>]+>")
_TRAILING_COLONS = re.compile(r"[\s:]+\Z")  # "Name:", "<b>Name</b>:" and "Name: :" all read "Name"


def name(widget: W, text: str, description: str = "") -> W:
    """`widget` read as `text` (and, when given, `description`: what is not obvious, or what a chart shows).

    A combo box is the exception on Linux: its name there is its current value, and what it is for comes from
    the label whose buddy it is, found among its siblings; `name_forms` gives one to each named combo box."""
    widget.setAccessibleName(text)
    if description:
        widget.setAccessibleDescription(description)
    if isinstance(widget, QComboBox):
        _relate(widget)
    return widget


def describe(widget: QWidget, description: str) -> None:
    """What `widget` shows now (a chart's range, the chain of title's current entry), said in words."""
    widget.setAccessibleDescription(description)


def form_area(area: W) -> W:
    """A scroll area around a form is no Tab stop of its own: Tab goes from field to field, and the area scrolls
    to show each one (a stop on the area itself was one more press before the first field, saying nothing)."""
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area


def buddy(label_: QLabel, field: QWidget) -> QLabel:
    """`label_` names `field` for a screen reader, and its mnemonic (if any) moves the focus there."""
    label_.setBuddy(field)
    return label_


def _relate(combo: QComboBox) -> None:
    """A label drawn nowhere, beside `combo` and naming it: Qt's bridge to Linux screen readers (AT-SPI) says a
    combo box's value as its name and takes what it is for from a sibling label whose buddy it is."""
    parent = combo.parentWidget()
    if parent is None or not combo.accessibleName() or _has_sibling_label(combo):
        return  # not laid out yet: name_forms comes back to it
    hidden = QLabel(combo.accessibleName(), parent)
    hidden.setObjectName("a11y-label")
    hidden.setBuddy(combo)
    hidden.hide()


def _has_sibling_label(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    return parent is not None and any(
        isinstance(kid, QLabel) and kid.buddy() is widget and kid.text().strip() for kid in parent.children()
    )


def without_mnemonic(text: str) -> str:
    """`text` as shown: "&&" is a shown "&", a lone "&" marks the mnemonic's letter."""
    return "&".join(part.replace("&", "") for part in text.split("&&"))


def _label_text(label_: QLabel) -> str:
    return _TRAILING_COLONS.sub("", without_mnemonic(_TAGS.sub("", label_.text()))).strip()


def is_control(widget: QWidget) -> bool:
    """Whether Tab stops at `widget` (the edit inside a spin or combo box is that box's, not a stop of its own)."""
    if isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox)) or widget.focusProxy() is not None:
        return False
    return bool(widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value)


def reachable(widget: QWidget) -> list[QWidget]:
    """`widget` and the controls inside it that Tab stops at."""
    return [w for w in [widget, *widget.findChildren(QWidget)] if is_control(w)]


def _qt_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def _fields(form: QFormLayout, row: int) -> list[QWidget]:
    item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
    if item is None:
        return []
    widget, layout = item.widget(), item.layout()
    if widget is not None:
        return [widget]
    return _layout_widgets(layout) if layout is not None else []


def _layout_widgets(layout: QLayout) -> list[QWidget]:
    widgets = []
    for i in range(layout.count()):
        item = layout.itemAt(i)
        widget, inner = (item.widget(), item.layout()) if item is not None else (None, None)
        if widget is not None:
            widgets.append(widget)
        elif inner is not None:
            widgets.extend(_layout_widgets(inner))
    return widgets


def prepare(root: QWidget) -> None:
    """What every window does once laid out (and a pane each time it is shown): `name_forms`, and Tab leaves
    a multi-line text box instead of typing a tab into it (a keyboard trap otherwise: Ctrl+Tab is not known)."""
    name_forms(root)
    for box in root.findChildren(QPlainTextEdit):
        box.setTabChangesFocus(True)


def name_forms(root: QWidget) -> None:
    """Every form row under `root` names the controls of its field that Qt leaves unnamed (a composite's parts,
    a combo box, which Qt would read by its current value) after the row's label, and makes the label the
    buddy of the field's first control. Controls named already (by their text or `name`) keep their names."""
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label_ = item.widget() if item is not None else None
            if not isinstance(label_, QLabel) or not (text := _label_text(label_)):
                continue
            controls = [c for field in _fields(form, row) for c in reachable(field)]
            if controls and (label_.buddy() is None or label_.buddy() not in controls):
                label_.setBuddy(controls[0])
            for control in controls:
                if control.accessibleName():
                    continue
                if isinstance(control, QComboBox) or not _qt_name(control):
                    control.setAccessibleName(text)
    for combo in root.findChildren(QComboBox):
        _relate(combo)
