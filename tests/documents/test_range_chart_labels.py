"""Layout 7's range chart stays inside its box: drawn within the box's padding, with the 90% range's labels
inside the drawing wherever the range falls among the comparables' prices.  Layouts 1 and 2 draw as they
always did: the chart as wide as its cell, padding included, so a label could pass the box's border."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.graphics.shapes import String
from reportlab.pdfbase.pdfmetrics import stringWidth

from core.money import figure_text
from desktop.documents.charts import range_chart
from desktop.documents.layout import BOX_PADDING
from desktop.documents.valuation_data import ComparableSale, ReportValuation

CELL = 300.0  # the chart's cell in the box
WIDTH = CELL - 2 * BOX_PADDING  # what layout 7 draws in


def _valuation(estimate: float, low_share: float, high_share: float, prices: list[float]) -> ReportValuation:
    comps = tuple(
        ComparableSale.from_json(
            {"label": f"C{n}", "price": p, "adjusted_price": p * 1.05, "sold": "2010-05", "distance_km": 1.0}
        )
        for n, p in enumerate(prices)
    )
    return ReportValuation(
        currency="USD", estimate=estimate, low=estimate * low_share, high=estimate * high_share, comparables=comps
    )


def _extent(label: String) -> tuple[float, float]:
    width = stringWidth(label.text, label.fontName, label.fontSize)
    start = {"start": label.x, "middle": label.x - width / 2, "end": label.x - width}[label.textAnchor]
    return start, start + width


def _range_labels(v: ReportValuation, width: float, inside: bool) -> list[tuple[float, float]]:
    texts = {figure_text(v.low), figure_text(v.high)}
    drawing = range_chart(v, "USD", width, labels_inside=inside)
    return [_extent(s) for s in drawing.contents if isinstance(s, String) and s.text in texts]


def test_a_range_reaching_the_highest_price_passed_the_box_and_now_stays_inside() -> None:
    v = _valuation(200_000, 0.8, 1.4, [150_000, 180_000])  # the range's top is the chart's highest price
    before = _range_labels(v, CELL, inside=False)  # layouts 1 and 2: placed at the padding, as wide as the cell
    after = _range_labels(v, WIDTH, inside=True)
    assert max(end for _, end in before) > CELL - BOX_PADDING  # past the box's right border
    assert len(after) == 2 and all(start >= 0 and end <= WIDTH for start, end in after)


@settings(max_examples=150, deadline=None)
@given(
    estimate=st.floats(1_000, 50_000_000),
    low_share=st.floats(0.3, 0.99),
    high_share=st.floats(1.01, 3.0),
    prices=st.lists(st.floats(0.2, 5.0), min_size=0, max_size=6),
)
def test_the_range_labels_stay_inside_the_drawing(
    estimate: float, low_share: float, high_share: float, prices: list[float]
) -> None:
    v = _valuation(estimate, low_share, high_share, [estimate * p for p in prices])
    labels = _range_labels(v, WIDTH, inside=True)
    assert labels and all(start >= -0.01 and end <= WIDTH + 0.01 for start, end in labels)
