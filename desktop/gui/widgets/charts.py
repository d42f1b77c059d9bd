"""Two small painted charts for a valuation: the estimate within its range, and the reasons.

Plain QPainter (no QtCharts): they start instantly and follow the palette.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.money import Money
from desktop.gui import a11y, fmt, theme
from desktop.gui.widgets.figures import FigureChart


class RangeChart(FigureChart):
    """The 90% range as a band, the estimate as a marker, comparable sales as dots under it.

    Every label is placed by `label_boxes` from the font's metrics, in rows of its own (the estimate above the
    band; the range's ends under the dots; the legend, which names the band "90% range", at the bottom), so
    no label overlaps another whatever the width, the font or the length of the amounts; the widget is as
    tall as its rows (the legend takes a second row when one is too narrow for it).  Its parts, for the
    keyboard: the range's low end, the estimate, the high end, then each comparable from the cheapest."""

    MARGIN = 16.0
    GAP = 8.0  # the least room between two labels on one row
    MIN_WIDTH = 260  # room for both ends of a range of eight-digit amounts, apart

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._estimate: Money | None = None
        self._low: Money | None = None
        self._high: Money | None = None
        self._comps: list[Money] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(self.MIN_WIDTH)
        self._fit_height()
        a11y.name(self, "Estimate and its 90% range")
        self.describe(self.in_words())

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
        self._fit_height()
        self.describe(self.in_words())

    def in_words(self) -> str:
        """What the chart shows, for a screen reader: the estimate, the range's ends, the comparables' span."""
        if self._estimate is None:
            return "No estimate yet"
        words = f"Estimate {fmt.money(self._estimate, whole=True)}"
        if self._low is not None and self._high is not None and self._low != self._high:
            words += (
                f"; {fmt.percent(90)} range {fmt.money(self._low, whole=True)} to {fmt.money(self._high, whole=True)}"
            )
        if self._comps:
            low, high = min(self._comps, key=lambda c: c.minor), max(self._comps, key=lambda c: c.minor)
            count = len(self._comps)
            words += f"; {fmt.counted(count, 'comparable sale')}, {fmt.money(low, whole=True)}"
            words += f" to {fmt.money(high, whole=True)}" if high.minor != low.minor else ""
        return words

    def figure_headers(self) -> tuple[str, ...]:
        return ("Figure", "Amount")

    def figure_rows(self) -> list[tuple[str, ...]]:
        return [(name, fmt.money(value, whole=True)) for name, value in self._parts()]

    def _parts(self) -> list[tuple[str, Money]]:
        if self._estimate is None or self._low is None or self._high is None:
            return []
        ranged = self._low != self._high
        parts = [(f"Low end of the {fmt.percent(90)} range", self._low)] if ranged else []
        parts.append(("Estimate", self._estimate))
        parts += [(f"High end of the {fmt.percent(90)} range", self._high)] if ranged else []
        comps = sorted(self._comps, key=lambda c: c.minor)
        return parts + [(f"Comparable sale {n} of {len(comps)}", comp) for n, comp in enumerate(comps, 1)]

    def part_box(self, part: int) -> QRectF | None:
        parts = self._parts()
        if not 0 <= part < len(parts):
            return None
        name, value = parts[part]
        left, right = self.MARGIN, max(self.MARGIN + 1.0, self.width() - self.MARGIN)
        x, axis_y = self._x(value.units, left, right), self.label_boxes()["axis"].top() + 16
        if name.startswith("Comparable"):
            return QRectF(x - 5, axis_y + 19, 10, 10)  # the dot
        if name == "Estimate":
            return QRectF(x - 2, axis_y - 15, 4, 30)  # the marker
        return QRectF(x - 1, axis_y - 9, 2, 18)  # the band's end

    def sizeHint(self) -> QSize:
        return QSize(420, self._height(420))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_height()

    def _fit_height(self) -> None:
        height = self._height(self.width())
        if self.minimumHeight() != height:
            self.setFixedHeight(height)

    def _height(self, width: int) -> int:
        return math.ceil(max(r.bottom() for r in self.label_boxes(width).values())) + 4

    def _legend(self) -> list[tuple[str, str]]:
        """(what, text) of the legend's entries: the band, and the dots if there are any."""
        entries = [("band", f"{fmt.percent(90)} range")]
        if self._comps:
            entries.append(("dot", "comparable sales (price paid)"))
        return entries

    def label_boxes(self, width: int | None = None) -> dict[str, QRectF]:
        """Where each label and the band's row go at `width` (default: the widget's): 'estimate', 'low',
        'high' (or 'range', both ends in one label when they do not fit apart), 'legend:band',
        'legend:dot', and 'axis' (the band's row: the marker and the dots)."""
        width = self.width() if width is None else width
        plain, bold = QFontMetrics(self.font()), QFontMetrics(self._bold())
        left, right = self.MARGIN, max(self.MARGIN + 1.0, width - self.MARGIN)
        boxes: dict[str, QRectF] = {}
        top = 4.0
        estimate_text = fmt.money(self._estimate, whole=True) if self._estimate is not None else "No estimate yet"
        boxes["estimate"] = self._centred(bold, estimate_text, self._x(self._mid(), left, right), top, left, right)
        axis_top = boxes["estimate"].bottom() + 4
        boxes["axis"] = QRectF(left, axis_top, right - left, 32 + (12 if self._comps else 0))
        row = boxes["axis"].bottom() + 4
        if self._low is not None and self._high is not None and self._estimate is not None:
            low_text, high_text = fmt.money(self._low, whole=True), fmt.money(self._high, whole=True)
            low = self._centred(plain, low_text, self._x(self._low.units, left, right), row, left, right)
            high = self._centred(plain, high_text, self._x(self._high.units, left, right), row, left, right)
            if low.right() + self.GAP > high.left():  # too close: push them apart about their middle
                middle = (low.right() + high.left()) / 2
                low.moveRight(middle - self.GAP / 2)
                high.moveLeft(middle + self.GAP / 2)
                if low.left() < left:
                    low.moveLeft(left)
                    high.moveLeft(low.right() + self.GAP)
                if high.right() > right:
                    high.moveRight(right)
                    low.moveRight(high.left() - self.GAP)
            if low.left() >= left - 0.5 and high.right() <= right + 0.5:
                boxes["low"], boxes["high"] = low, high
            else:  # no room for both apart: one label for the range
                text = f"{low_text} \u2013 {high_text}"
                boxes["range"] = self._centred(plain, text, (left + right) / 2, row, left, right)
        legend_row = max(b.bottom() for b in boxes.values()) + 6
        x = left
        for what, text in self._legend():
            entry = QRectF(0, 0, min(right - left, 22 + plain.horizontalAdvance(text)), plain.height())
            if x > left and x + entry.width() > right:  # no room on this row: the next one
                x, legend_row = left, legend_row + plain.height() + 2
            entry.moveTo(x, legend_row)
            boxes[f"legend:{what}"] = entry
            x = entry.right() + 2 * self.GAP
        return boxes

    def _bold(self) -> QFont:
        bold = QFont(self.font())
        bold.setBold(True)
        return bold

    def _mid(self) -> float:
        return self._estimate.units if self._estimate is not None else 0.0

    def _scale(self) -> tuple[float, float]:
        if self._estimate is None or self._low is None or self._high is None:
            return 0.0, 1.0
        values = [self._low.units, self._high.units, self._estimate.units, *(c.units for c in self._comps)]
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.12 or max(hi * 0.1, 1.0)
        return lo - pad, hi + pad

    def _x(self, value: float, left: float, right: float) -> float:
        lo, hi = self._scale()
        return left + (value - lo) / (hi - lo) * (right - left)

    @staticmethod
    def _centred(metrics: QFontMetrics, text: str, x: float, top: float, left: float, right: float) -> QRectF:
        """A label's box centred on `x`, kept between `left` and `right` (a label wider than that is cut)."""
        width = min(metrics.horizontalAdvance(text), right - left)
        return QRectF(max(left, min(x - width / 2, right - width)), top, width, metrics.height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        muted, accent, gold = theme.color("muted"), theme.color("accent"), theme.color("gold")
        text = self.palette().color(self.palette().ColorRole.Text)
        if self._estimate is None or self._low is None or self._high is None:
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No estimate yet")
            self.paint_focus(painter)
            return
        boxes = self.label_boxes()
        left, right = self.MARGIN, max(self.MARGIN + 1.0, self.width() - self.MARGIN)
        axis = boxes["axis"]
        axis_y, band_h = axis.top() + 16, 18.0
        band = QColor(accent)
        band.setAlpha(60)
        edge = QPen(accent, 1)  # the tint alone is too faint to see on a dark card (1.5:1): outlined in the accent
        painter.setPen(edge)
        painter.setBrush(band)
        x_low, x_high = self._x(self._low.units, left, right), self._x(self._high.units, left, right)
        painter.drawRoundedRect(_on_pixels(QRectF(x_low, axis_y - band_h / 2, x_high - x_low, band_h)), 5, 5)
        painter.setPen(QPen(muted, 1))
        painter.drawLine(QPointF(left, axis_y), QPointF(right, axis_y))
        painter.setPen(QPen(gold, 1.5))
        painter.setBrush(QColor(gold.red(), gold.green(), gold.blue(), 140))
        for comp in self._comps:
            painter.drawEllipse(QPointF(self._x(comp.units, left, right), axis_y + 24), 4, 4)
        x_estimate = self._x(self._estimate.units, left, right)
        painter.setPen(QPen(accent, 3))
        painter.drawLine(QPointF(x_estimate, axis_y - 15), QPointF(x_estimate, axis_y + 15))
        painter.setFont(self._bold())
        painter.setPen(text)
        _draw(painter, boxes["estimate"], fmt.money(self._estimate, whole=True))
        painter.setFont(self.font())
        painter.setPen(muted)
        low_text, high_text = fmt.money(self._low, whole=True), fmt.money(self._high, whole=True)
        if "range" in boxes:
            _draw(painter, boxes["range"], f"{low_text} \u2013 {high_text}")
        else:
            _draw(painter, boxes["low"], low_text)
            _draw(painter, boxes["high"], high_text)
        for what, label in self._legend():
            box = boxes[f"legend:{what}"]
            mid = box.center().y()
            painter.setPen(Qt.PenStyle.NoPen)
            if what == "band":
                painter.setPen(edge)
                painter.setBrush(band)
                painter.drawRoundedRect(_on_pixels(QRectF(box.left(), mid - 5, 16, 10)), 3, 3)
            else:
                painter.setPen(QPen(gold, 1.5))
                painter.setBrush(QColor(gold.red(), gold.green(), gold.blue(), 140))
                painter.drawEllipse(QPointF(box.left() + 8, mid), 4, 4)
            painter.setPen(muted)
            _draw(painter, box.adjusted(22, 0, 0, 0), label, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.paint_focus(painter)
        painter.end()


def _on_pixels(rect: QRectF) -> QRectF:
    """`rect` with its edges through the middle of whole pixels: a 1 px pen along a pixel's edge is two rows at
    half strength (the band's accent edge read at 2.5:1 on a light card at 1x, not its colour's 4.9:1)."""
    top_left = QPointF(round(rect.left()) + 0.5, round(rect.top()) + 0.5)
    return QRectF(top_left, QPointF(round(rect.right()) - 0.5, round(rect.bottom()) - 0.5))


def _draw(painter: QPainter, box: QRectF, text: str, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter) -> None:
    """`text` in `box`, cut with an ellipsis if the box is narrower (only below the chart's least width)."""
    metrics = painter.fontMetrics()
    if metrics.horizontalAdvance(text) > box.width():  # (elidedText cuts a text that fits exactly, too)
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, math.floor(box.width()))
    painter.drawText(box, align, text)


class DriverChart(FigureChart):
    """Horizontal bars: how much each reason moves the estimate from the typical sale."""

    ROW = 26
    PAD = 10  # the labels and amounts clear of the focus ring and the part's outline

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, Money, str]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.ROW)
        a11y.name(self, "Reasons, in money from a typical sale")
        self.describe("No reasons to show")

    def set_drivers(self, rows: list[tuple[str, Money, str]]) -> None:
        """(label, effect, value shown) from the biggest effect down."""
        self._rows = rows
        # 2 px more above and below than the rows need: the part's outline clear of the focus ring
        self.setFixedHeight(max(self.ROW, self.ROW * len(rows) + 10))
        said = "; ".join(f"{text}: {fmt.money(amount, whole=True, signed=True)}" for text, amount, _shown in rows)
        self.describe(said or "No reasons to show")

    def figure_headers(self) -> tuple[str, ...]:
        return ("Reason", "Value", "Effect on the estimate")

    def figure_rows(self) -> list[tuple[str, ...]]:
        return [(text, shown, fmt.money(amount, whole=True, signed=True)) for text, amount, shown in self._rows]

    def part_box(self, part: int) -> QRectF | None:
        return QRectF(7, 8 + part * self.ROW, self.width() - 14, self.ROW - 12) if 0 <= part < len(self._rows) else None

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
            self.paint_focus(painter)
            return
        painter.translate(self.PAD, 0)
        width = self.width() - 2 * self.PAD
        metrics = QFontMetrics(self.font())
        label_w = min(max(metrics.horizontalAdvance(r[0]) for r in self._rows) + 12, width * 0.36)
        value_w = max(
            86.0, max(metrics.horizontalAdvance(fmt.money(r[1], whole=True, signed=True)) for r in self._rows) + 8.0
        )
        top = max(abs(r[1].units) for r in self._rows) or 1.0
        zero = label_w + (width - label_w - value_w) / 2
        half = (width - label_w - value_w) / 2 - 4
        painter.setPen(QPen(theme.color("outline"), 1))  # the line every bar grows from: seen, not decoration
        painter.drawLine(QPointF(zero, 0), QPointF(zero, self.height()))
        for row, (label, amount, _shown) in enumerate(self._rows):
            effect = amount.units
            y = 5 + row * self.ROW
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
                QRectF(width - value_w, y, value_w, self.ROW - 6),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                fmt.money(amount, whole=True, signed=True),
            )
        painter.resetTransform()
        self.paint_focus(painter)
        painter.end()
