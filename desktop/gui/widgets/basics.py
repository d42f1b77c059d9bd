"""The small widget factories every window shares: labels, buttons, cards, banners, tables
and the role property the theme's style sheet keys on."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.gui import a11y, theme


def label(
    text: str = "", role: str | None = None, *, wrap: bool = False, selectable: bool = False, plain: bool = False
) -> QLabel:
    """A label; `plain` for text from a ledger or a file, which must never be read as HTML."""
    widget = QLabel(text)
    if plain:
        widget.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    if selectable:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


class ElidedLabel(QLabel):
    """A one-line label that may be narrower than its text: then it ends in "\u2026" and the whole text is its
    tooltip. Its width is asked for as usual; it gives way only when a small window has no more room."""

    def __init__(self, text: str = "", role: str | None = None) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        if role:
            self.setProperty("role", role)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_tip()

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("\u2026"), super().minimumSizeHint().height())

    def is_elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def _update_tip(self) -> None:
        self.setToolTip(self.text() if self.is_elided() else "")

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._update_tip()

    def paintEvent(self, event: object) -> None:
        if not self.is_elided():
            super().paintEvent(event)  # type: ignore[arg-type]
            return
        room = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, room.width())
        painter = QPainter(self)
        self.style().drawItemText(
            painter, room, int(self.alignment()), self.palette(), self.isEnabled(), shown, QPalette.ColorRole.WindowText
        )


TITLE_BAR_ROOM = 40  # what a window manager's title bar and frame take of a screen's free height


def free_room(window: QWidget) -> QSize:
    """The free area of the screen `window` is (or will be) on: its size less the panels'."""
    screen = window.screen()
    return screen.availableGeometry().size() if screen is not None else QSize(1 << 16, 1 << 16)


def open_at(window: QWidget, usual: QSize) -> None:
    """`window` at its usual size, or smaller on a screen without room for it (a 1024 x 640 screen: a wizard
    640 px tall had its buttons below the screen's edge), never below its own least size."""
    room = free_room(window) - QSize(0, TITLE_BAR_ROOM)
    window.resize(usual.boundedTo(room).expandedTo(window.minimumSize()))


class Columns(QBoxLayout):
    """Parts side by side when the width they are given holds them all at their least width, else one under the
    other (in a small window, side by side, they were cut on the right). The caller says what width there is,
    from its window's width alone, so that a scroll bar coming or going cannot flip the choice back and forth."""

    def __init__(self, stretches: tuple[int, ...], parent: QWidget | None = None) -> None:
        super().__init__(QBoxLayout.Direction.LeftToRight, parent)
        self.stretches = stretches  # side by side; one under the other, the room left goes to the last part

    def least_width_beside(self) -> int:
        parts = [item for item in (self.itemAt(i) for i in range(self.count())) if item is not None]
        margins = self.contentsMargins()
        spacing = self.spacing() * max(0, len(parts) - 1)
        return margins.left() + margins.right() + spacing + sum(part.minimumSize().width() for part in parts)

    def beside(self) -> bool:
        return self.direction() == QBoxLayout.Direction.LeftToRight

    def fit_in(self, area: QScrollArea, width: int) -> None:
        """`fit` in the scroll area `area`, `width` wide: less its frame and a vertical scroll bar counted as
        shown, so that the bar coming or going cannot flip the choice."""
        self.fit(width - 2 * area.frameWidth() - area.verticalScrollBar().sizeHint().width())

    def fit(self, width: int) -> None:
        beside = width >= self.least_width_beside()
        if beside == self.beside():
            return
        self.setDirection(QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom)
        stacked = tuple(int(i == len(self.stretches) - 1) for i in range(len(self.stretches)))
        for index, stretch in enumerate(self.stretches if beside else stacked):
            self.setStretch(index, stretch)


class ButtonRow(QWidget):
    """Buttons in a row, the `trailing` ones at its right end; in a window too narrow for all of them in one row
    the trailing ones go on a line of their own under the others (still at the right), or into `overflow` (a
    card's title row: no taller than a button) instead of every button being squeezed below its words. The
    choice depends on the row's width alone."""

    SPACING = 8  # as a row of buttons in a card (its layout spaces its items 8 apart, and a row in it inherits that)

    def __init__(
        self, leading: Sequence[QWidget], trailing: Sequence[QWidget], overflow: QBoxLayout | None = None
    ) -> None:
        super().__init__()
        self._leading, self._trailing, self._overflow = list(leading), list(trailing), overflow
        lines = QVBoxLayout(self)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(self.SPACING)
        self._first, self._second = QHBoxLayout(), QHBoxLayout()
        for line in (self._first, self._second):
            line.setSpacing(self.SPACING)
            lines.addLayout(line)
        for widget in leading:
            self._first.addWidget(widget)
        self._first.addStretch(1)
        for widget in trailing:
            self._first.addWidget(widget)
        self.wrapped = False

    def _width(self, widgets: list[QWidget]) -> int:
        # hidden by the program, not for a moment while a move into `overflow` gives it another parent
        shown = [
            w for w in widgets if not (w.isHidden() and w.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide))
        ]
        return sum(widget.sizeHint().width() for widget in shown) + self.SPACING * max(0, len(shown) - 1)

    def one_line_width(self) -> int:
        return self._width(self._leading + self._trailing)

    def minimumSizeHint(self) -> QSize:
        """As narrow as the wider of its two lines: the parent may give it less room than one line needs."""
        width = max(self._width(self._leading), self._width(self._trailing))
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.place()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # a button shown or hidden: one line may fit now, or not
            self.place()
        return handled

    def place(self) -> None:
        wrap = self.width() < self.one_line_width()
        if wrap == self.wrapped:
            return
        self.wrapped = wrap
        elsewhere = self._overflow if self._overflow is not None else self._second
        for widget in self._trailing:
            (self._first if wrap else elsewhere).removeWidget(widget)
        if wrap:
            if elsewhere is self._second:
                self._second.addStretch(1)
            for widget in self._trailing:
                elsewhere.addWidget(widget)
        else:
            while self._second.count():  # its stretch (the trailing widgets were taken out above)
                self._second.takeAt(0)
            for widget in self._trailing:
                self._first.addWidget(widget)


def button(text: str, icon: str | None = None, *, primary: bool = False, tip: str = "") -> QPushButton:
    # a primary button is filled with the accent colour: a two-tone icon would vanish on it
    widget = QPushButton(theme.icon(icon), text) if icon and not primary else QPushButton(text)
    if primary:
        widget.setProperty("role", "primary")
    if tip:
        widget.setToolTip(tip)
    return widget


def enter_presses(dialog: QWidget, go: QPushButton) -> None:
    """Return in any field of `dialog` presses `go` (and nothing while `go` is disabled): not "Choose\u2026",
    which opened a file dialog, nor "Close", which threw the form away."""
    for other in dialog.findChildren(QPushButton):
        other.setAutoDefault(other is go)
    go.setDefault(True)


def house_table(table: QTableView, row_height: int = 28) -> QTableView:
    """Read-only, one row selected at a time, alternating rows, no grid, left-aligned headers: the house
    style of every table (a model's view and a plain QTableWidget alike)."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(row_height)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


def make_table(model: object, row_height: int = 28) -> QTableView:
    """A read-only, row-selecting view of `model` in the house style, its rows of fixed height."""
    table = house_table(QTableView(), row_height)
    table.setModel(model)  # type: ignore[arg-type]
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    return table


def card() -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 12, 14, 12)
    layout.setSpacing(8)
    return frame, layout


# a banner's tone is said by an icon and its name too: a colour alone says nothing to a colour-blind reader or a
# screen reader ("✓ Verified" in green and "Not verified" in red differ in their words, but not every banner's do)
TONE_MARKS = {"good": ("ok", "Good"), "warn": ("warning", "Warning"), "bad": ("error", "Problem")}


def banner(tone: str, *, mark: bool = True) -> tuple[QFrame, QHBoxLayout]:
    """A framed line in `tone` (good, warn, bad), its tone's icon first unless it draws a larger one itself."""
    frame = QFrame()
    layout = QHBoxLayout(frame)
    layout.setContentsMargins(12, 8, 12, 8)
    if mark:
        icon = QLabel()
        icon.setObjectName("tone-mark")
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
    _set_tone(frame, f"banner-{tone}")
    return frame, layout


def _set_tone(frame: QWidget, role: str, verdict: bool = True) -> None:
    frame.setProperty("role", role)
    mark = frame.findChild(QLabel, "tone-mark", Qt.FindChildOption.FindDirectChildrenOnly)
    if mark is not None:
        mark.setVisible(verdict)
    icon, word = TONE_MARKS.get(role.removeprefix("banner-"), ("", ""))
    if mark is not None and icon:
        mark.setPixmap(theme.icon(icon).pixmap(18, 18))
        a11y.name(mark, word)
        mark.setToolTip(word)


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget of `layout` (before filling it again)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


def set_role(widget: QWidget, role: str, *, verdict: bool = True) -> None:
    """`widget` styled as `role`; a banner's icon follows its tone, and shows only when it says a `verdict`
    (not for a passing note such as "Screening…", which a Warning icon would misname)."""
    _set_tone(widget, role, verdict)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
