"""The valuation's range bar places every label in a row of its own: no label overlaps another (nor the
band's row) at any width, with long amounts, with and without comparables; in the valuation pane at the
window's default and smallest sizes (pytest-qt, offscreen)."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from core.money import Money
from desktop.gui.widgets.charts import RangeChart
from tests.gui.conftest import OWNERS
from tests.gui.test_valuation_pane import FakeValuation, model  # noqa: F401 - a fixture
from tests.helpers import World
from valuation import service


def usd(units: int) -> Money:
    return Money(units * 100, "USD")


def assert_apart(chart: RangeChart) -> None:
    boxes = chart.label_boxes()
    assert "90% range" in [text for what, text in chart._legend() if what == "band"]
    for (a, box_a), (b, box_b) in combinations(boxes.items(), 2):
        assert not box_a.intersects(box_b), (a, box_a, b, box_b)
    for name, box in boxes.items():
        assert box.left() >= 0 and box.right() <= chart.width() and box.bottom() <= chart.height(), name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    estimate=st.integers(1_000, 50_000_000),
    below=st.floats(0.0, 0.6),
    above=st.floats(0.0, 1.5),
    comps=st.lists(st.floats(0.3, 2.5), max_size=5),
    width=st.integers(RangeChart.MIN_WIDTH, 1200),
)
def test_no_label_overlaps_another(
    qtbot: Any, estimate: int, below: float, above: float, comps: list[float], width: int
) -> None:
    chart = RangeChart()
    qtbot.addWidget(chart)
    chart.set_range(
        usd(estimate),
        usd(round(estimate * (1 - below))),
        usd(round(estimate * (1 + above))),
        [usd(max(1, round(estimate * c))) for c in comps],
    )
    chart.resize(width, chart.height())
    chart.show()  # a hidden widget gets its resize event when shown
    assert_apart(chart)


def test_the_high_label_and_the_caption_no_longer_meet(qtbot: Any) -> None:
    """The case seen: the high end's label at the right edge, where the "90% range" caption was drawn."""
    chart = RangeChart()
    qtbot.addWidget(chart)
    chart.set_range(usd(12_345_678), usd(11_000_000), usd(13_900_000), [usd(12_000_000)])
    chart.resize(420, chart.height())
    chart.show()
    boxes = chart.label_boxes()
    assert boxes["high"].bottom() < boxes["legend:band"].top()
    assert_apart(chart)


@pytest.mark.parametrize("size", [(1320, 820), (980, 620)])  # the window's default and smallest sizes
def test_in_the_valuation_pane(
    window: Any,
    world: World,
    qtbot: Any,
    model: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:
    long = FakeValuation(estimate=usd(12_345_678), low=usd(11_800_000), high=usd(12_900_000))
    monkeypatch.setattr(service, "value_deed", lambda _h, ledger, ref: (ledger.deed(ref), long, {}))
    window.resize(*size)
    deed_id = world.register("V-9", OWNERS[0], attributes={"Gr_Liv_Area": 2200})
    window.show_deed(deed_id)
    qtbot.waitUntil(lambda: window.panes["deeds"].detail.deed is not None)
    qtbot.mouseClick(window.panes["deeds"].detail.buttons["value"], Qt.MouseButton.LeftButton)
    pane = window.panes["valuation"]
    qtbot.waitUntil(lambda: pane.result is not None, timeout=10_000)
    chart = pane.range_chart
    qtbot.waitUntil(lambda: chart.isVisible() and chart.width() > 100)
    assert chart._estimate == usd(12_345_678)
    assert_apart(chart)
    boxes, metrics = chart.label_boxes(), QFontMetrics(chart.font())
    for name, text in (("low", "USD\u00a011,800,000"), ("high", "USD\u00a012,900,000")):  # whole, not cut
        assert boxes[name].width() == metrics.horizontalAdvance(text)
