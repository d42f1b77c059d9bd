"""The valuation report's charts, drawn with reportlab's graphics (vector, deterministic): the range
against the comparable sales, and the waterfall of reasons from a typical sale to the estimate."""

from __future__ import annotations

import math
from typing import Any

from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from core.money import figure_text
from desktop.documents.fonts import SANS, SANS_BOLD
from desktop.documents.layout import ACCENT, ALERT, GOOD, INK, MUTED, RULE, SHADE
from desktop.documents.valuation_data import Driver, ReportValuation

BAND = colors.HexColor("#E7DCCB")


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step) + 1)]


def _label(value: float) -> str:
    return f"{value / 1000:,.0f}k" if abs(value) >= 1000 else f"{value:,.0f}"


def _room_for_range_labels(
    left: float, right: float, width: float, at_low: float, at_high: float, low_text: str, high_text: str
) -> tuple[float, float]:
    """The price line's ends narrowed until the range's two labels, set beside the band, stay in the drawing.

    `at_low`/`at_high` are where the range's ends fall along the line (0..1).  A range reaching the
    highest price on the chart put its label up to a few points past the right edge (layouts 1 and 2)."""
    need_low = stringWidth(low_text, SANS, 5.8) + 3  # the label's width, its 2-point gap and a point to spare
    need_high = stringWidth(high_text, SANS, 5.8) + 3
    for _ in range(4):  # each end's move shifts the other label a little: settle in a few rounds
        if left + at_high * (right - left) + need_high > width:
            right = left + (width - need_high - left) / at_high
        if left + at_low * (right - left) < need_low:
            left = (need_low - at_low * right) / (1 - at_low)
    return left, right


def range_chart(v: ReportValuation, currency: str, width: float, *, labels_inside: bool = False) -> Drawing:
    """The estimate and its 90% range on a price line, with each comparable's sale and adjusted price.
    `labels_inside` (layout 7) keeps the range's labels inside the drawing."""
    estimate, low, high = float(v.estimate), float(v.low), float(v.high)
    comps = v.comparables[:6]
    values = [low, high, estimate] + [float(c.price) for c in comps] + [float(c.adjusted_price) for c in comps]
    typical = v.typical_sale
    if typical is not None:
        values.append(float(typical))
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or hi * 0.05
    lo, hi = lo - pad, hi + pad
    left, right = 22.0, width - 8
    if labels_inside:
        left, right = _room_for_range_labels(
            left, right, width, (low - lo) / (hi - lo), (high - lo) / (hi - lo), figure_text(low), figure_text(high)
        )
    row = 10.0
    legend_h, axis_h, label_h, band_h = 9.0, 14.0, 10.0, 12.0
    height = legend_h + axis_h + row * len(comps) + 8 + band_h + label_h

    def x(value: float) -> float:
        return left + (value - lo) / (hi - lo) * (right - left)

    d = Drawing(width, height)
    axis_y = legend_h + axis_h - 4
    band_y = height - label_h - band_h
    d.add(Rect(x(low), band_y, x(high) - x(low), band_h, fillColor=BAND, strokeColor=None))
    d.add(Line(x(estimate), band_y - 3, x(estimate), band_y + band_h + 2, strokeColor=INK, strokeWidth=1.6))
    d.add(
        String(
            x(estimate),
            band_y + band_h + 3.5,
            f"estimate {figure_text(estimate)}",
            fontName=SANS_BOLD,
            fontSize=6.5,
            fillColor=INK,
            textAnchor="middle",
        )
    )
    d.add(
        String(
            x(low) - 2, band_y + 3.5, figure_text(low), fontName=SANS, fontSize=5.8, fillColor=MUTED, textAnchor="end"
        )
    )
    d.add(String(x(high) + 2, band_y + 3.5, figure_text(high), fontName=SANS, fontSize=5.8, fillColor=MUTED))
    if typical is not None:
        d.add(
            Line(
                x(float(typical)),
                axis_y,
                x(float(typical)),
                band_y - 4,
                strokeColor=MUTED,
                strokeWidth=0.5,
                strokeDashArray=[1.5, 1.5],
            )
        )
    for n, c in enumerate(comps, start=1):
        y = band_y - 4 - n * row
        price, adjusted = float(c.price), float(c.adjusted_price)
        d.add(String(2, y - 2, f"C{n}", fontName=SANS_BOLD, fontSize=6, fillColor=MUTED))
        d.add(Line(x(price), y, x(adjusted), y, strokeColor=RULE, strokeWidth=1))
        d.add(Circle(x(price), y, 2.4, fillColor=colors.white, strokeColor=MUTED, strokeWidth=0.8))
        d.add(Circle(x(adjusted), y, 2.4, fillColor=ACCENT, strokeColor=ACCENT))
    d.add(Line(left, axis_y, right, axis_y, strokeColor=MUTED, strokeWidth=0.5))
    for t in _ticks(lo, hi):
        d.add(Line(x(t), axis_y - 2, x(t), axis_y, strokeColor=MUTED, strokeWidth=0.5))
        d.add(String(x(t), axis_y - 9, _label(t), fontName=SANS, fontSize=5.8, fillColor=MUTED, textAnchor="middle"))
    d.add(
        String(
            left,
            0,
            f"{currency}   \u25cb sale price   \u25cf adjusted to this property   \u2506 typical sale",
            fontName=SANS,
            fontSize=5.8,
            fillColor=MUTED,
        )
    )
    return d


def _detail(driver: Driver) -> str:
    """'1958 (typical 1994)', shortened to what fits beside the bar."""
    value, typical = driver.value, driver.typical
    text = f"{value} (typical {typical})"
    return text if len(text) <= 42 else f"{value}"[:42]


def drivers_chart(v: ReportValuation, currency: str, width: float) -> Drawing:
    """A waterfall: from a typical sale, each reason's effect in money, to the estimate."""
    typical = float(v.typical_sale or v.estimate)
    other = float(v.other_effects or 0.0)
    steps = [(str(d.feature).replace("_", " "), _detail(d), float(d.effect)) for d in v.drivers]
    if other:
        steps.append(("Everything else", "", other))
    running = typical
    spans = [typical]
    for _, _, effect in steps:
        running += effect
        spans.append(running)
    lo, hi = min(spans), max(spans)
    pad = (hi - lo) * 0.06 or typical * 0.02
    lo, hi = lo - pad, hi + pad
    label_w, value_w, amount_w = 92.0, 150.0, 58.0
    left, right = label_w + value_w, width - amount_w
    row = 11.5
    rows = len(steps) + 2
    height = rows * row + 16

    def x(value: float) -> float:
        return left + (value - lo) / (hi - lo) * (right - left)

    d = Drawing(width, height)
    d.add(Rect(0, height - row - 2, width, row, fillColor=SHADE, strokeColor=None))

    def line(i: int, label: str, detail: str, start: float, end: float, amount: str, color: Any, bold: bool) -> None:
        y = height - (i + 1) * row
        d.add(String(2, y + 1.5, label, fontName=SANS_BOLD if bold else SANS, fontSize=6.8, fillColor=INK))
        if detail:
            d.add(String(label_w, y + 1.5, detail, fontName=SANS, fontSize=6.2, fillColor=MUTED))
        a, b = sorted((x(start), x(end)))
        d.add(Rect(a, y - 0.5, max(b - a, 0.8), 8, fillColor=color, strokeColor=None))
        d.add(
            String(
                width - 2,
                y + 1.5,
                amount,
                fontName=SANS_BOLD if bold else SANS,
                fontSize=6.8,
                fillColor=INK,
                textAnchor="end",
            )
        )

    line(0, "Typical sale", "the market\u2019s typical property", lo, typical, figure_text(typical), RULE, True)
    running = typical
    for i, (label, detail, effect) in enumerate(steps, start=1):
        line(
            i,
            label,
            detail,
            running,
            running + effect,
            figure_text(effect, signed=True),
            GOOD if effect >= 0 else ALERT,
            False,
        )
        d.add(
            Line(
                x(running),
                height - i * row - 1,
                x(running),
                height - (i + 1) * row + 7.5,
                strokeColor=MUTED,
                strokeWidth=0.3,
            )
        )
        running += effect
    line(rows - 1, "Estimate", "", lo, running, figure_text(v.estimate), INK, True)
    d.add(
        String(
            left,
            0,
            f"{currency}; bars start at {figure_text(lo)}, not zero: green raises the estimate, red lowers it",
            fontName=SANS,
            fontSize=5.8,
            fillColor=MUTED,
        )
    )
    return d
