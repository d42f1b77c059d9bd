"""What every pane shares: a header, the context, and a hook for broadcast changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.gui import theme
from desktop.gui.context import AppContext
from desktop.gui.events import Change, Changes


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


def button(text: str, icon: str | None = None, *, primary: bool = False, tip: str = "") -> QPushButton:
    # a primary button is filled with the accent colour: a two-tone icon would vanish on it
    widget = QPushButton(theme.icon(icon), text) if icon and not primary else QPushButton(text)
    if primary:
        widget.setProperty("role", "primary")
    if tip:
        widget.setToolTip(tip)
    return widget


def make_table(model: object, row_height: int = 28) -> QTableView:
    """A read-only, row-selecting table in the house style."""
    table = QTableView()
    table.setModel(model)  # type: ignore[arg-type]
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(row_height)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


def card() -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 12, 14, 12)
    layout.setSpacing(8)
    return frame, layout


def banner(tone: str) -> tuple[QFrame, QHBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", f"banner-{tone}")
    layout = QHBoxLayout(frame)
    layout.setContentsMargins(12, 8, 12, 8)
    return frame, layout


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget of `layout` (before filling it again)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


def set_role(widget: QWidget, role: str) -> None:
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class Pane(QWidget):
    """A page of the main window.  Subclasses fill `self.body` and override `on_changed`."""

    title = ""
    subtitle = ""
    icon = ""
    listens_to = Changes.NONE  # which broadcasts make this pane refresh

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        outer.setContentsMargins(22, 16, 22, 14)
        outer.setSpacing(12)
        header = QHBoxLayout()
        header.setSpacing(10)
        self.header_icon = QLabel()
        self.header_icon.setPixmap(theme.icon(self.icon).pixmap(28, 28))
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title_label = label(self.title, "title")
        self.subtitle_label = label(self.subtitle, "subtitle", wrap=True)
        titles.addWidget(self.title_label)
        titles.addWidget(self.subtitle_label)
        header.addWidget(self.header_icon, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(titles, 1)
        self.header_actions = QHBoxLayout()
        self.header_actions.setSpacing(6)
        header.addLayout(self.header_actions)
        outer.addLayout(header)
        self.body = QVBoxLayout()
        self.body.setSpacing(10)
        outer.addLayout(self.body, 1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._stale = False
        ctx.events.changed.connect(self._changed)

    def _changed(self, change: Change) -> None:
        if change.concerns(self.listens_to):
            if self.isVisible():
                self.on_changed(change)
            else:
                self._stale = True  # refresh when shown, not in the background

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if self._stale:
            self._stale = False
            self.on_changed(Change(Changes.ALL))

    def on_changed(self, change: Change) -> None:
        """Re-read what `change` concerns (default: nothing)."""

    def activated(self) -> None:
        """The pane became the visible one."""


class ProgressRow(QWidget):
    """A progress bar, what is being done, and Cancel: shown while a long job runs."""

    def __init__(self) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.text = label("", "muted")
        self.cancel_button = button("Cancel", "cancel")
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.text)
        layout.addWidget(self.cancel_button)
        self.hide()
