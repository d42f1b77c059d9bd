"""A read-only table of plain text rows, each row keyed, and the note an empty one shows (the Keys,
Witness, Rules & claims, Servicing and Review panes, the recovery wizard, the servicing dialogs)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.gui import a11y, fmt
from desktop.gui.widgets.basics import house_table, label


class _Breathing(QStyledItemDelegate):
    """Cells sized to their text plus a gap: sized to the text alone, a column's widest value
    ('demo-county-treasurer') ran into the next column's text and was cut by a slightly wider font."""

    GAP = 16

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + self.GAP, size.height())


def table(columns: list[str], name: str) -> QTableWidget:
    """A table of `columns` in the house style, `name` read by a screen reader (what its rows are)."""
    widget = a11y.name(QTableWidget(0, len(columns)), name)
    widget.setHorizontalHeaderLabels(columns)
    house_table(widget)
    widget.setItemDelegate(_Breathing(widget))
    header = widget.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return widget


def fill(
    widget: QTableWidget, rows: list[list[str]], keys: list[Any] | None = None, tips: list[str] | None = None
) -> None:
    widget.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(fmt.plain(value, 200))
            if keys is not None:
                item.setData(Qt.ItemDataRole.UserRole, keys[r])
            if tips is not None and tips[r]:
                item.setToolTip(tips[r])
            widget.setItem(r, c, item)


def selected_key(widget: QTableWidget) -> Any:
    row = widget.currentRow()
    item = widget.item(row, 0) if row >= 0 else None
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def empty_note(text: str) -> QWidget:
    note = label(text, "muted", wrap=True)
    note.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return note
