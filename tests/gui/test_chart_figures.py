"""Charts read from the keyboard: their figures copied and shown as a table, their parts stepped through."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QTableWidget, QToolTip, QVBoxLayout, QWidget

from core.money import Money
from core.servicing.tally import Tally
from desktop.gui.panes.servicing import TallyBar
from desktop.gui.widgets import figures
from desktop.gui.widgets.charts import DriverChart, RangeChart
from tests.gui.a11y_tour import accessible_description, accessible_name
from tests.gui.test_boundaries import RATIOS, RING, _on_card, focus_ring, shot


def usd(units: int) -> Money:
    return Money(units * 100, "USD")


def range_chart(qtbot: Any) -> RangeChart:
    chart = RangeChart()
    qtbot.addWidget(chart)
    chart.set_range(usd(215_000), usd(190_000), usd(241_000), [usd(250_000), usd(180_000)])
    return chart


def tally_bar(qtbot: Any) -> TallyBar:
    bar = TallyBar()
    qtbot.addWidget(bar)
    bar.show_tally(Tally(1, 1, "Sell?", 5000, 0, 10_000, 1, {"yes": 6_000, "no": 1_000, "abstain": 500}))
    return bar


def copied(chart: Any) -> list[list[str]]:
    QGuiApplication.clipboard().clear()
    chart.copy_figures()
    return [line.split("\t") for line in QGuiApplication.clipboard().text().splitlines()]


@pytest.mark.parametrize(
    ("locale", "low", "estimate", "high", "cheapest", "dearest"),
    [
        ("en_US", "190,000", "215,000", "241,000", "180,000", "250,000"),
        ("de_DE", "190.000", "215.000", "241.000", "180.000", "250.000"),
    ],
)
def test_copy_gives_the_range_charts_figures_as_the_desktop_writes_them(
    qtbot: Any, desktop_locale: Any, locale: str, low: str, estimate: str, high: str, cheapest: str, dearest: str
) -> None:
    desktop_locale(locale)
    chart = range_chart(qtbot)
    assert copied(chart) == [
        ["Figure", "Amount"],
        ["Low end of the 90% range", f"USD\u00a0{low}"],
        ["Estimate", f"USD\u00a0{estimate}"],
        ["High end of the 90% range", f"USD\u00a0{high}"],
        ["Comparable sale 1 of 2", f"USD\u00a0{cheapest}"],  # the comparables from the cheapest up
        ["Comparable sale 2 of 2", f"USD\u00a0{dearest}"],
    ]


@pytest.mark.parametrize(("locale", "plus", "minus"), [("en_US", "21,500", "8,000"), ("de_DE", "21.500", "8.000")])
def test_copy_gives_the_reasons_and_the_tally(
    qtbot: Any, desktop_locale: Any, locale: str, plus: str, minus: str
) -> None:
    desktop_locale(locale)
    drivers = DriverChart()
    qtbot.addWidget(drivers)
    drivers.set_drivers([("Living area", usd(21_500), "1,640 sq ft"), ("Year built", usd(-8_000), "1954")])
    assert copied(drivers) == [
        ["Reason", "Value", "Effect on the estimate"],
        ["Living area", "1,640 sq ft", f"+USD\u00a0{plus}"],
        ["Year built", "1954", f"-USD\u00a0{minus}"],
    ]
    thousands = {"en_US": ",", "de_DE": "."}[locale]
    assert copied(tally_bar(qtbot)) == [
        ["Figure", "Shares", "Of all shares"],
        ["Yes", f"6{thousands}000", "60%"],
        ["No", f"1{thousands}000", "10%"],
        ["Abstain", "500", "5%"],
        ["Yes needed", f"5{thousands}000", "50%"],
        ["All shares", f"10{thousands}000", ""],
    ]


@given(st.lists(st.text(max_size=12), min_size=1, max_size=4))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_reasons_words_never_split_a_cell_or_a_row_when_pasted(qtbot: Any, labels: list[str]) -> None:
    drivers = DriverChart()
    qtbot.addWidget(drivers)
    drivers.set_drivers([(text, usd(100 * n), text) for n, text in enumerate(labels)])
    lines = drivers.figures_text().split("\n")
    assert lines[-1] == "" and len(lines) == len(labels) + 2  # the header, a row each, the final newline
    assert all(len(line.split("\t")) == 3 for line in lines[:-1])


def test_show_as_table_lists_each_figure_in_a_named_read_only_table(qtbot: Any) -> None:
    chart = range_chart(qtbot)
    dialog = chart.figures_dialog()
    qtbot.addWidget(dialog)
    figures = dialog.findChild(QTableWidget)
    assert figures is not None and accessible_name(figures) == "Estimate and its 90% range"
    headers = [figures.horizontalHeaderItem(c).text() for c in range(figures.columnCount())]
    rows = [[figures.item(r, c).text() for c in range(figures.columnCount())] for r in range(figures.rowCount())]
    assert [headers, *rows] == copied(chart)
    assert figures.editTriggers() == QTableWidget.EditTrigger.NoEditTriggers


def test_the_menu_key_and_shift_f10_open_the_charts_menu(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    bar = tally_bar(qtbot)
    opened: list[QPoint] = []
    monkeypatch.setattr(bar, "open_menu", opened.append)  # exec would block the test
    at = QPoint(4, 4)
    QApplication.sendEvent(bar, QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, at, bar.mapToGlobal(at)))
    bar.show()
    bar.setFocus()
    qtbot.keyClick(bar, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert len(opened) == 2
    assert [a.text() for a in bar.figures_menu().actions()] == ["Copy figures", "Show as table\u2026"]
    empty = TallyBar()
    qtbot.addWidget(empty)
    assert not any(a.isEnabled() for a in empty.figures_menu().actions())  # no proposal: nothing to copy


def test_arrow_keys_step_through_the_parts_and_the_screen_reader_follows(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    announced: list[tuple[Any, str]] = []

    class Bridge:  # a screen reader listening (no accessibility bridge runs offscreen)
        isActive = staticmethod(lambda: True)
        updateAccessibility = staticmethod(lambda event: announced.append((event.object(), event.message())))

    monkeypatch.setattr(figures, "QAccessible", Bridge)
    chart = range_chart(qtbot)
    chart.show()
    qtbot.waitExposed(chart)
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus)
    assert "Left and Right step through" in accessible_description(chart)
    unfocused = chart.grab().toImage()
    said = []
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_End, Qt.Key.Key_Left):
        qtbot.keyClick(chart, key)
        said.append(accessible_description(chart))
    assert said == [
        "Low end of the 90% range: USD\u00a0190,000 (1 of 5)",
        "Estimate: USD\u00a0215,000 (2 of 5)",
        "High end of the 90% range: USD\u00a0241,000 (3 of 5)",
        "Comparable sale 2 of 2: USD\u00a0250,000 (5 of 5)",
        "Comparable sale 1 of 2: USD\u00a0180,000 (4 of 5)",
    ]
    assert QToolTip.isVisible() and QToolTip.text() == said[-1]
    assert announced == [(chart, words) for words in said]  # each part read out as the keyboard reaches it
    box = chart.part_box(chart.part)
    assert box is not None
    centre_row = int(box.center().y())
    left = int(box.left()) - 4  # the outline round the cheapest comparable's dot, drawn only for the part
    now = chart.grab().toImage()
    assert any(now.pixel(x, centre_row) != unfocused.pixel(x, centre_row) for x in range(left - 2, left + 3))
    qtbot.keyClick(chart, Qt.Key.Key_Home)
    assert chart.part == 0
    chart.clearFocus()
    assert accessible_description(chart).startswith("Estimate USD\u00a0215,000; 90% range")  # the whole again


def test_tab_reaches_each_chart_and_its_focus_ring_is_drawn(qtbot: Any) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    field, chart, drivers, button = QLineEdit(), RangeChart(), DriverChart(), QPushButton("Next")
    for widget in (field, chart, drivers, button):
        layout.addWidget(widget)
    chart.set_range(usd(215_000), usd(190_000), usd(241_000))
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    before = chart.grab().toImage()
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert chart.hasFocus()
    ring = chart.grab().toImage()
    assert ring.pixel(1, chart.height() // 2) != before.pixel(1, chart.height() // 2)  # the ring's left edge
    qtbot.keyClick(chart, Qt.Key.Key_Tab)
    assert drivers.hasFocus()
    qtbot.keyClick(drivers, Qt.Key.Key_Tab)
    assert button.hasFocus()


def test_a_focused_charts_ring_stands_out_on_its_card(qtbot: Any, scheme: str) -> None:
    """Tab onto each chart: the pixels it changes by 3:1 or more make a ring round it, as for the other controls
    (tests/gui/test_boundaries.py measures those the same way), in both schemes at 1x and 2x."""
    drivers = DriverChart()
    drivers.set_drivers([("Living area", usd(21_500), "1,640 sq ft"), ("Year built", usd(-8_000), "1954")])
    failures = []
    for name, chart in (("range", range_chart(qtbot)), ("reasons", drivers), ("tally", tally_bar(qtbot))):
        window, _frame = _on_card(qtbot, chart)
        parked = QPushButton("Elsewhere")
        window.layout().addWidget(parked)
        window.activateWindow()
        qtbot.waitUntil(lambda w=window: QApplication.activeWindow() is w, timeout=5_000)
        parked.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(parked.hasFocus, timeout=2_000)
        befores = [shot(window, ratio) for ratio in RATIOS]
        chart.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(chart.hasFocus, timeout=2_000)
        rect = chart.rect().translated(chart.mapTo(window, QPoint(0, 0)))
        for before, ratio in zip(befores, RATIOS, strict=True):
            changed, share = focus_ring(before, shot(window, ratio), rect)
            if share < RING:
                failures.append(f"{name} at {ratio:g}x: {changed} px changed by 3:1, {share:.2f} of a ring")
    assert not failures, f"{scheme}: " + "; ".join(failures)
