"""What every pane shares: a header, the context, and a hook for broadcast changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.gui import a11y, theme
from desktop.gui.context import AppContext
from desktop.gui.events import Change, Changes
from desktop.gui.widgets.basics import button, label


TITLE_ROOM = 420  # pixels the titles keep beside the pane's buttons


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
        self.header_bar = QWidget()  # the pane's buttons: beside the titles, or under them when narrow
        self.header_actions = QHBoxLayout(self.header_bar)
        self.header_actions.setContentsMargins(0, 0, 0, 0)
        self.header_actions.setSpacing(6)
        header.addWidget(self.header_bar, 0, Qt.AlignmentFlag.AlignTop)
        self._outer, self._header, self._titles = outer, header, titles
        self.actions_below = False
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

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._place_actions()

    def _place_actions(self) -> None:
        """Buttons beside the titles leave them TITLE_ROOM at least; else they go under the subtitle (beside it,
        a narrow window wrapped the subtitle a word a line).  The choice depends on the pane's width alone."""
        margins = self._outer.contentsMargins()
        room = self.width() - margins.left() - margins.right() - 38 - self.header_bar.sizeHint().width()
        below = self.header_actions.count() > 0 and room < TITLE_ROOM
        if below == self.actions_below:
            return
        self.actions_below = below
        if below:
            self._header.removeWidget(self.header_bar)
            self._titles.addSpacing(8)
            self._titles.addWidget(self.header_bar, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            self._titles.removeWidget(self.header_bar)
            spacing = self._titles.itemAt(self._titles.count() - 1)
            if spacing is not None:
                self._titles.removeItem(spacing)  # the spacing added with the move
            self._header.addWidget(self.header_bar, 0, Qt.AlignmentFlag.AlignTop)

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        a11y.prepare(self)  # on each show: a pane may have rebuilt a form meanwhile
        if self._stale:
            self._stale = False
            self.on_changed(Change(Changes.ALL))

    def on_changed(self, change: Change) -> None:
        """Re-read what `change` concerns (default: nothing)."""

    def activated(self) -> None:
        """The pane became the visible one."""

    def first_control(self) -> QWidget | None:
        """Where the keyboard starts when the pane is opened by its shortcut: its first control in tab order."""
        widget: QWidget | None = self
        for _ in range(1000):  # the focus chain is a ring through the whole window
            widget = widget.nextInFocusChain() if widget is not None else None
            if widget is None or widget is self:
                break
            if self.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled() and a11y.is_control(widget):
                return widget
        return None


class ProgressRow(QWidget):
    """A progress bar, what is being done, and Cancel: shown while a long job runs."""

    def __init__(self) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bar = a11y.name(QProgressBar(), "Progress")  # read with its percentage; the words beside it say of what
        self.bar.setRange(0, 1000)
        self.text = label("", "muted")
        self.cancel_button = button("Cancel", "cancel")
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.text)
        layout.addWidget(self.cancel_button)
        self.hide()
