"""The chain of title as a timeline: one dot per ledger entry about a deed, newest on top."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop.gui import a11y, fmt, theme

ROW = 62
LEFT = 30


@dataclass(frozen=True)
class TimelineItem:
    index: int  # the ledger entry
    when: str
    title: str
    detail: str
    icon: str
    tone: str = "accent"  # a palette name: accent, gold, good, bad


class Timeline(QWidget):
    entry_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[TimelineItem] = []
        self._hover = -1
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # the keyboard's way in: Tab to it, Up and Down through the entries, Return opens one in the ledger
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        a11y.name(self, "Chain of title", "No entries")

    def set_items(self, items: list[TimelineItem]) -> None:
        self._items = items
        self._hover = min(self._hover, len(items) - 1)
        self._say()
        self.setFixedHeight(max(ROW, ROW * len(items) + 8))
        self.updateGeometry()
        self.update()

    def items(self) -> list[TimelineItem]:
        return list(self._items)

    def sizeHint(self) -> QSize:
        return QSize(360, max(ROW, ROW * len(self._items) + 8))

    def _row_at(self, y: float) -> int:
        row = int((y - 4) // ROW)
        return row if 0 <= row < len(self._items) else -1

    def tooltip_at(self, y: float) -> str:
        """The whole of a row, which a narrow detail pane cuts short ("2,400 shares sold to demo-…")."""
        row = self._row_at(y)
        if row < 0:
            return ""
        item = self._items[row]
        return f"{item.title}\n{item.detail}\n{item.when}"

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos().y())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        row = self._row_at(event.position().y())
        if row != self._hover:
            self._hover = row
            self.setCursor(Qt.CursorShape.PointingHandCursor if row >= 0 else Qt.CursorShape.ArrowCursor)
            self.update()

    def _say(self) -> None:
        """The row the keyboard is on, whole, as the description a screen reader reads."""
        if not self._items:
            a11y.describe(self, "No entries")
        elif 0 <= self._hover < len(self._items):
            item = self._items[self._hover]
            a11y.describe(
                self,
                f"{item.title}, {item.detail}, {item.when} (entry {fmt.count(self._hover + 1)} of {fmt.count(len(self._items))}; "
                "Return opens it in the ledger)",
            )
        else:
            a11y.describe(
                self, f"{fmt.counted(len(self._items), 'entry')}; Up and Down move through them, Return opens one"
            )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, count = event.key(), len(self._items)
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and count:
            step = -1 if key == Qt.Key.Key_Up else 1
            self._hover = (
                (0 if step > 0 else count - 1) if self._hover < 0 else max(0, min(count - 1, self._hover + step))
            )
            self._say()
            self.update()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and 0 <= self._hover < count:
            self.entry_clicked.emit(self._items[self._hover].index)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: object) -> None:
        super().focusInEvent(event)  # type: ignore[arg-type]
        if self._hover < 0 and self._items:
            self._hover = 0  # the keyboard starts on the first entry, and it is read out
            self._say()
        self.update()  # the row the keyboard is on is outlined while the timeline has the focus

    def focusOutEvent(self, event: object) -> None:
        super().focusOutEvent(event)  # type: ignore[arg-type]
        self.update()

    def leaveEvent(self, _event: object) -> None:
        if not self.hasFocus():  # the mouse leaving does not move the keyboard's row
            self._hover = -1
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        row = self._row_at(event.position().y())
        if row >= 0 and event.button() == Qt.MouseButton.LeftButton:
            self.entry_clicked.emit(self._items[row].index)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_color = palette.color(palette.ColorRole.Text)
        muted = theme.color("muted")
        line = theme.color("border")
        width = self.width()
        if len(self._items) > 1:
            painter.setPen(QPen(line, 2))
            painter.drawLine(QPointF(LEFT, 4 + ROW / 2), QPointF(LEFT, 4 + ROW * (len(self._items) - 0.5)))
        title_font = self.font()
        title_font.setBold(True)
        small = self.font()
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.9))
        for row, item in enumerate(self._items):
            top = 4 + row * ROW
            if row == self._hover:
                hover = QColor(theme.color("accent"))
                hover.setAlpha(28)
                painter.fillRect(QRectF(4, top + 2, width - 8, ROW - 4), hover)
                if self.hasFocus():
                    painter.setPen(QPen(theme.color("accent"), 1.5))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawRoundedRect(QRectF(4.5, top + 2.5, width - 9, ROW - 5), 4, 4)
            center = QPointF(LEFT, top + ROW / 2)
            tone = theme.color(item.tone)
            painter.setPen(QPen(tone, 2))
            painter.setBrush(palette.color(palette.ColorRole.Base))
            painter.drawEllipse(center, 11, 11)
            theme.icon(item.icon).paint(painter, int(LEFT - 8), int(center.y() - 8), 16, 16)
            x = LEFT + 22
            available = max(40, width - x - 10)
            painter.setFont(title_font)
            painter.setPen(text_color)
            metrics = QFontMetrics(title_font)
            when_width = QFontMetrics(small).horizontalAdvance(item.when) + 12
            painter.drawText(
                QRectF(x, top + 8, available - when_width, 20),
                Qt.AlignmentFlag.AlignLeft,
                metrics.elidedText(item.title, Qt.TextElideMode.ElideRight, int(available - when_width)),
            )
            painter.setFont(small)
            painter.setPen(muted)
            painter.drawText(QRectF(x, top + 8, available, 20), Qt.AlignmentFlag.AlignRight, item.when)
            detail = QFontMetrics(small).elidedText(item.detail, Qt.TextElideMode.ElideRight, int(available))
            painter.drawText(QRectF(x, top + 31, available, 20), Qt.AlignmentFlag.AlignLeft, detail)
        painter.end()
