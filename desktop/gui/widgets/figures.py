"""What every painted chart gives the keyboard and a screen reader: its figures as text, and its parts one by one.

A chart (the valuation's range and reasons, the servicing tally) says what it shows as rows: a header, then
one row per figure, its name first.  `FigureChart` makes of those rows a Tab stop whose Left/Right (Up/Down,
Home, End) step through the parts, the part outlined and said (its accessible description, an announcement,
a tooltip beside it), a focus ring drawn in the accent as the style sheet draws fields', and a context menu
(the Menu key, Shift+F10) to copy the figures tab-separated or show them as a table.  The figures are written
as the desktop writes numbers (`fmt`): what a person reads is what they paste.  A screen reader also finds the
parts as the chart's children (`chart_access.py`, told of new figures and of the keyboard's part by the two
signals below).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QPoint, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QContextMenuEvent,
    QFocusEvent,
    QGuiApplication,
    QKeyEvent,
    QPainter,
    QPen,
)
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenu, QToolTip, QVBoxLayout, QWidget

from desktop.gui import a11y, fmt, theme
from desktop.gui.widgets.basics import label
from desktop.gui.widgets.plain_table import fill, table

_BREAKS = re.compile(r"[\t\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")  # what would split a cell or a row when pasted


class FigureChart(QWidget):
    """A painted chart read as rows of figures; subclasses give `figure_rows`, `figure_headers` and `part_box`."""

    HINT = "Left and Right step through its figures; the Menu key copies them or shows them as a table"

    parts_changed = Signal()  # a new picture: its parts are new (chart_access gives them to a screen reader)
    part_reached = Signal(int)  # the keyboard is on this part now

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.part = -1  # the part the keyboard is on (-1: none yet)
        self._said = ""  # the chart's description in words, without the part
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # what a chart tells

    def figure_headers(self) -> tuple[str, ...]:
        raise NotImplementedError

    def figure_rows(self) -> list[tuple[str, ...]]:
        """One row per figure (a part of the chart, in the order the arrows take), its name first."""
        raise NotImplementedError

    def part_box(self, part: int) -> QRectF | None:
        """Where part `part` is drawn, to outline it (None: nowhere to outline)."""
        raise NotImplementedError

    def part_words(self, part: int) -> str:
        row = self.figure_rows()[part]
        return f"{row[0]}: {', '.join(cell for cell in row[1:] if cell)}"  # (an empty cell is no trailing comma)

    # the text of it

    def figures_text(self) -> str:
        """The headers and the rows, tab-separated, one line each: pasted into a spreadsheet, a cell each."""
        lines = [self.figure_headers(), *self.figure_rows()]
        return "\n".join("\t".join(_BREAKS.sub(" ", cell) for cell in line) for line in lines) + "\n"

    def copy_figures(self) -> None:
        QGuiApplication.clipboard().setText(self.figures_text())

    def figures_dialog(self) -> QDialog:
        """A small dialog with the figures in a read-only table, named as the chart is."""
        dialog = QDialog(self)
        title = self.accessibleName() or "Figures"
        dialog.setWindowTitle(fmt.window_title(title))
        layout = QVBoxLayout(dialog)
        rows = self.figure_rows()
        figures = table(list(self.figure_headers()), title)
        fill(figures, [list(row) for row in rows])
        figures.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout.addWidget(figures if rows else label("Nothing to show yet", "muted"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        layout.addWidget(buttons)
        dialog.resize(max(360, figures.sizeHint().width()), 120 + 30 * len(rows))
        return dialog

    def show_figures(self) -> None:
        dialog = self.figures_dialog()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one per opening: none kept once closed
        dialog.open()

    def figures_menu(self) -> QMenu:
        menu = QMenu(self)
        copy = menu.addAction("Copy figures", self.copy_figures)
        show = menu.addAction("Show as table\u2026", self.show_figures)
        copy.setEnabled(bool(self.figure_rows()))
        show.setEnabled(bool(self.figure_rows()))
        return menu

    def open_menu(self, at: QPoint) -> None:
        self.figures_menu().exec(self.mapToGlobal(at))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        keyboard = event.reason() == QContextMenuEvent.Reason.Keyboard
        self.open_menu(self._part_point() if keyboard else event.pos())

    # the parts, from the keyboard

    def describe(self, words: str) -> None:
        """What the chart shows now, in words; a new picture starts the parts over."""
        self._said = words
        self.part = -1
        QToolTip.hideText()
        a11y.describe(self, words)
        self.update()
        self.parts_changed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, count = event.key(), len(self.figure_rows())
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key == Qt.Key.Key_F10 and modifiers == Qt.KeyboardModifier.ShiftModifier:
            self.open_menu(self._part_point())  # as on Windows: Qt turns the Menu key alone into a context menu
            return
        if modifiers != Qt.KeyboardModifier.NoModifier or not count:
            super().keyPressEvent(event)
            return
        forward, back = (Qt.Key.Key_Right, Qt.Key.Key_Down), (Qt.Key.Key_Left, Qt.Key.Key_Up)
        if key in forward:
            self.step_to(0 if self.part < 0 else min(count - 1, self.part + 1))
        elif key in back:
            self.step_to(count - 1 if self.part < 0 else max(0, self.part - 1))
        elif key == Qt.Key.Key_Home:
            self.step_to(0)
        elif key == Qt.Key.Key_End:
            self.step_to(count - 1)
        else:
            super().keyPressEvent(event)

    def step_to(self, part: int) -> None:
        """The keyboard onto part `part`: outlined, and said as the description, an announcement and a tip."""
        self.part = part
        count = len(self.figure_rows())
        words = f"{self.part_words(part)} ({part + 1} of {count})"
        a11y.describe(self, words)  # (Qt sends DescriptionChanged)
        if QAccessible.isActive():  # a screen reader reads the focused chart's new part out at once
            QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self, words))
        box = self.part_box(part)
        at = self._part_point()
        QToolTip.showText(self.mapToGlobal(at), words, self, box.toAlignedRect() if box is not None else self.rect())
        self.update()
        self.part_reached.emit(part)

    def _part_point(self) -> QPoint:
        box = self.part_box(self.part) if self.part >= 0 else None
        return box.bottomLeft().toPoint() + QPoint(0, 4) if box is not None else self.rect().center()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if self.part < 0 and self.figure_rows():
            a11y.describe(self, f"{self._said}. {self.HINT}")
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.part = -1  # back in, the keyboard starts again from the first part
        QToolTip.hideText()
        a11y.describe(self, self._said)
        self.update()

    def paint_focus(self, painter: QPainter) -> None:
        """The focus ring (2 px in the accent, as the style sheet rings a field) and the part's outline (2 px
        in the text colour: it must show on the accent's band and on the good and bad bars alike)."""
        if not self.hasFocus():
            return
        painter.save()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(theme.color("accent"), 2))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 4, 4)
        box = self.part_box(self.part) if self.part >= 0 else None
        if box is not None:
            painter.setPen(QPen(self.palette().color(self.palette().ColorRole.Text), 2))
            painter.drawRoundedRect(box.adjusted(-3, -3, 3, 3), 3, 3)
        painter.restore()
