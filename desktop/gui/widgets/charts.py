"""Two small painted charts for a valuation: the estimate within its range, and the reasons.

Plain QPainter (no QtCharts): they start instantly and follow the palette.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.money import Money
from desktop.gui import theme


class RangeChart(QWidget):
    """The 90% range as a band, the estimate as a marker, comparable sales as dots under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._estimate: Money | None = None
        self._low: Money | None = None
        self._high: Money | None = None
        self._comps: list[Money] = []
        self.setMinimumHeight(112)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_range(
        self,
        estimate: Money | None,
        low: Money | None = None,
        high: Money | None = None,
        comparables: list[Money] | None = None,
    ) -> None:
        """The estimate and its range (all in one currency), and the comparables' prices."""
        self._estimate, self._low, self._high = estimate, low or estimate, high or estimate
        self._comps = [c for c in (comparables or []) if c.minor > 0]
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 112)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        muted, accent = theme.color("muted"), theme.color("accent")
        text = self.palette().color(self.palette().ColorRole.Text)
        if self._estimate is None or self._low is None or self._high is None:
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No estimate yet")
            return
        estimate, low, high = self._estimate.units, self._low.units, self._high.units
        values = [low, high, estimate, *(c.units for c in self._comps)]
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.12 or max(hi * 0.1, 1.0)
        lo, hi = lo - pad, hi + pad
        left, right = 16.0, self.width() - 16.0

        def x(value: float) -> float:
            return left + (value - lo) / (hi - lo) * (right - left)

        axis_y, band_h = 46.0, 18.0
        band = QColor(accent)
        band.setAlpha(60)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(band)
        painter.drawRoundedRect(QRectF(x(low), axis_y - band_h / 2, x(high) - x(low), band_h), 5, 5)
        painter.setPen(QPen(muted, 1))
        painter.drawLine(QPointF(left, axis_y), QPointF(right, axis_y))
        gold = theme.color("gold")
        painter.setPen(QPen(gold, 1.5))
        painter.setBrush(QColor(gold.red(), gold.green(), gold.blue(), 140))
        for comp in self._comps:
            painter.drawEllipse(QPointF(x(comp.units), axis_y + 24), 4, 4)
        painter.setPen(QPen(accent, 3))
        painter.drawLine(QPointF(x(estimate), axis_y - 16), QPointF(x(estimate), axis_y + 16))
        bold = self.font()
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        label = self._estimate.text(whole=True)
        width = QFontMetrics(bold).horizontalAdvance(label)
        cx = min(max(x(estimate) - width / 2, left), right - width)
        painter.drawText(QPointF(cx, axis_y - 22), label)
        painter.setFont(self.font())
        painter.setPen(muted)
        metrics = QFontMetrics(self.font())
        low_text, high_text = self._low.text(whole=True), self._high.text(whole=True)
        painter.drawText(QPointF(max(left, x(low) - metrics.horizontalAdvance(low_text) / 2), axis_y + 48), low_text)
        hx = min(right - metrics.horizontalAdvance(high_text), x(high) - metrics.horizontalAdvance(high_text) / 2)
        painter.drawText(QPointF(hx, axis_y + 48), high_text)
        if self._comps:
            painter.drawText(QPointF(left, self.height() - 4), "\u25cf comparable sales (price paid)")
        painter.drawText(QRectF(left, self.height() - 18, right - left, 16), Qt.AlignmentFlag.AlignRight, "90% range")
        painter.end()


class DriverChart(QWidget):
    """Horizontal bars: how much each reason moves the estimate from the typical sale."""

    ROW = 26

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, Money, str]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.ROW)

    def set_drivers(self, rows: list[tuple[str, Money, str]]) -> None:
        """(label, effect, value shown) from the biggest effect down."""
        self._rows = rows
        self.setFixedHeight(max(self.ROW, self.ROW * len(rows) + 6))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, self.height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(self.palette().ColorRole.Text)
        muted = theme.color("muted")
        if not self._rows:
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No reasons to show")
            return
        metrics = QFontMetrics(self.font())
        label_w = min(max(metrics.horizontalAdvance(r[0]) for r in self._rows) + 12, self.width() * 0.36)
        value_w = max(
            86.0, max(metrics.horizontalAdvance(r[1].text(whole=True, signed=True)) for r in self._rows) + 8.0
        )
        top = max(abs(r[1].units) for r in self._rows) or 1.0
        zero = label_w + (self.width() - label_w - value_w) / 2
        half = (self.width() - label_w - value_w) / 2 - 4
        painter.setPen(QPen(theme.color("border"), 1))
        painter.drawLine(QPointF(zero, 0), QPointF(zero, self.height()))
        for row, (label, amount, _shown) in enumerate(self._rows):
            effect = amount.units
            y = 3 + row * self.ROW
            painter.setPen(text)
            painter.drawText(
                QRectF(0, y, label_w - 8, self.ROW - 6),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(label_w - 8)),
            )
            length = abs(effect) / top * half
            tone = theme.color("good" if effect >= 0 else "bad")
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(tone)
            rect = (
                QRectF(zero, y + 4, length, self.ROW - 14)
                if effect >= 0
                else QRectF(zero - length, y + 4, length, self.ROW - 14)
            )
            painter.drawRoundedRect(rect, 3, 3)
            painter.setPen(muted)
            painter.drawText(
                QRectF(self.width() - value_w, y, value_w, self.ROW - 6),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                amount.text(whole=True, signed=True),
            )
        painter.end()
