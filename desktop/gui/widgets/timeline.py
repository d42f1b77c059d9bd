"""The chain of title as a timeline: one dot per ledger entry about a deed, newest on top."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop.gui import theme

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

    def set_items(self, items: list[TimelineItem]) -> None:
        self._items = items
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

    def leaveEvent(self, _event: object) -> None:
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
