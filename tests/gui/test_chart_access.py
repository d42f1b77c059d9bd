"""A chart's parts as children in the accessibility tree (desktop/gui/widgets/chart_access.py), read as a screen
reader reads them: through QAccessible.queryAccessibleInterface, with the factory the app installs."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QAccessibleEvent, QAccessibleInterface
from PySide6.QtWidgets import QWidget
from shiboken6 import Shiboken

from core.servicing.tally import Tally
from desktop.gui.widgets import chart_access
from desktop.gui.widgets.charts import DriverChart, RangeChart
from desktop.gui.widgets.figures import FigureChart
from tests.gui.conftest import OWNERS
from tests.gui.test_chart_figures import range_chart, tally_bar, usd
from tests.gui.test_valuation_pane import FakeValuation, model  # noqa: F401 - a fixture
from tests.helpers import World
from valuation import service

NAME, DESCRIPTION = QAccessible.Text.Name, QAccessible.Text.Description


def tree(chart: FigureChart) -> QAccessibleInterface:
    return QAccessible.queryAccessibleInterface(chart)


def names(chart: FigureChart) -> list[str]:
    access = tree(chart)
    return [access.child(i).text(NAME) for i in range(access.childCount())]


def on_screen(chart: FigureChart, qtbot: Any) -> FigureChart:
    chart.resize(460, chart.height())
    chart.show()
    qtbot.waitExposed(chart)
    return chart


def drivers_chart(qtbot: Any) -> DriverChart:
    chart = DriverChart()
    qtbot.addWidget(chart)
    chart.set_drivers([("Living area", usd(12_000), "1,800 sq ft"), ("Age", usd(-4_000), "1990")])
    return chart


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> list[tuple[QAccessible.Event, int, str]]:
    """What a listening screen reader is told (no bridge runs offscreen): each event's type, child, and the name
    Qt itself resolves for it (QAccessibleEvent.accessibleInterface asks the chart's interface for the child)."""
    told: list[tuple[QAccessible.Event, int, str]] = []

    def tell(event: QAccessibleEvent) -> None:
        told.append((event.type(), event.child(), event.accessibleInterface().text(NAME)))

    monkeypatch.setattr(chart_access, "tell", tell)
    return told


def test_a_range_chart_is_a_chart_whose_children_are_its_parts_named_as_the_figures_are(qtbot: Any) -> None:
    chart = on_screen(range_chart(qtbot), qtbot)
    access = tree(chart)
    assert access.role() == QAccessible.Role.Chart
    assert access.text(NAME) == "Estimate and its 90% range"
    assert names(chart) == [
        "Low end of the 90% range: USD\u00a0190,000",
        "Estimate: USD\u00a0215,000",
        "High end of the 90% range: USD\u00a0241,000",
        "Comparable sale 1 of 2: USD\u00a0180,000",
        "Comparable sale 2 of 2: USD\u00a0250,000",
    ]
    parts = [access.child(i) for i in range(access.childCount())]
    assert [part.text(DESCRIPTION) for part in parts] == [f"{n} of 5" for n in range(1, 6)]
    assert {part.role() for part in parts} == {QAccessible.Role.ListItem}
    assert all(part.parent().object() is chart for part in parts)
    assert [access.indexOfChild(part) for part in parts] == [0, 1, 2, 3, 4]
    assert access.child(5) is None and access.child(-1) is None
    assert access.child(1) is parts[1]  # asked again, the same part (a screen reader keeps what it was given)


@pytest.mark.parametrize("make", [range_chart, drivers_chart, tally_bar], ids=["range", "reasons", "tally"])
def test_each_part_is_on_its_box_in_screen_coordinates_inside_the_chart(qtbot: Any, make: Any) -> None:
    chart = on_screen(make(qtbot), qtbot)
    access = tree(chart)
    on_screen_chart = QRect(chart.mapToGlobal(QPoint(0, 0)), chart.size())
    assert access.childCount() == len(chart.figure_rows()) > 1
    for index in range(access.childCount()):
        part, box = access.child(index), chart.part_box(index)
        assert box is not None
        assert part.rect() == box.toAlignedRect().translated(chart.mapToGlobal(QPoint(0, 0)))
        assert on_screen_chart.contains(part.rect())
        assert part.text(NAME).startswith(f"{chart.figure_rows()[index][0]}: ")
        assert not part.state().invisible
    assert access.childAt(on_screen_chart.right() + 50, on_screen_chart.bottom() + 50) is None


def test_a_point_on_a_part_finds_that_part(qtbot: Any) -> None:
    chart = on_screen(range_chart(qtbot), qtbot)
    access = tree(chart)
    for index in (1, 3, 4):  # the estimate's marker and the two comparables' dots (the band's ends are 2 px)
        centre = access.child(index).rect().center()
        assert access.childAt(centre.x(), centre.y()) is access.child(index)


def test_the_reasons_and_the_tally_name_their_parts_as_their_figures_read(qtbot: Any) -> None:
    assert names(drivers_chart(qtbot)) == ["Living area: 1,800 sq ft, +USD\u00a012,000", "Age: 1990, -USD\u00a04,000"]
    assert names(tally_bar(qtbot)) == [
        "Yes: 6,000, 60%",
        "No: 1,000, 10%",
        "Abstain: 500, 5%",
        "Yes needed: 5,000, 50%",
        "All shares: 10,000",  # (its empty share cell not read as a trailing comma)
    ]


def test_the_focused_child_follows_the_arrows_and_the_screen_reader_is_told_which(
    qtbot: Any, heard: list[tuple[QAccessible.Event, int, str]]
) -> None:
    chart = on_screen(range_chart(qtbot), qtbot)
    access = tree(chart)
    chart.activateWindow()
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus)
    assert access.focusChild() is None  # on the chart, on no part yet
    for key, part in ((Qt.Key.Key_Right, 0), (Qt.Key.Key_Right, 1), (Qt.Key.Key_End, 4), (Qt.Key.Key_Left, 3)):
        qtbot.keyClick(chart, key)
        assert access.focusChild() is access.child(part)
        assert [bool(access.child(i).state().focused) for i in range(5)] == [i == part for i in range(5)]
    assert heard == [
        (QAccessible.Event.Focus, 0, "Low end of the 90% range: USD\u00a0190,000"),
        (QAccessible.Event.Focus, 1, "Estimate: USD\u00a0215,000"),
        (QAccessible.Event.Focus, 4, "Comparable sale 2 of 2: USD\u00a0250,000"),
        (QAccessible.Event.Focus, 3, "Comparable sale 1 of 2: USD\u00a0180,000"),
    ]
    chart.clearFocus()
    assert access.focusChild() is None
    assert not any(access.child(i).state().focused for i in range(5))


def test_new_figures_give_new_children_and_say_so(qtbot: Any, heard: list[tuple[QAccessible.Event, int, str]]) -> None:
    chart = on_screen(range_chart(qtbot), qtbot)
    access = tree(chart)
    old = access.child(1)
    old_id = QAccessible.uniqueId(old)
    chart.set_range(usd(300_000), usd(280_000), usd(330_000))  # a new valuation: no comparables this time
    assert names(chart) == [
        "Low end of the 90% range: USD\u00a0280,000",
        "Estimate: USD\u00a0300,000",
        "High end of the 90% range: USD\u00a0330,000",
    ]
    assert heard == [(QAccessible.Event.ObjectReorder, -1, "Estimate and its 90% range")]
    assert not Shiboken.isValid(old)  # Qt deleted the old part; what was held of it is marked, not dangling
    assert QAccessible.accessibleInterface(old_id) is None  # and unregistered
    chart.set_range(None)
    assert tree(chart).childCount() == 0


def test_a_new_valuation_in_the_pane_gives_its_charts_new_children(
    window: Any,
    world: World,
    qtbot: Any,
    model: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def value(deed_id: int) -> Any:
        """The valuation pane once deed `deed_id`'s estimate is shown (the pane is made by the first)."""
        window.show_deed(deed_id)
        qtbot.waitUntil(lambda: getattr(window.panes["deeds"].detail.deed, "deed_id", None) == deed_id)
        before = getattr(window.panes.get("valuation"), "result", None)
        qtbot.mouseClick(window.panes["deeds"].detail.buttons["value"], Qt.MouseButton.LeftButton)
        pane = window.panes["valuation"]
        qtbot.waitUntil(lambda: pane.result is not before and pane.result is not None, timeout=10_000)
        return pane

    pane = value(world.register("V-1", OWNERS[0], attributes={"Gr_Liv_Area": 2200}))
    assert names(pane.range_chart) == [
        "Low end of the 90% range: USD\u00a0220,000",
        "Estimate: USD\u00a0250,000",
        "High end of the 90% range: USD\u00a0285,000",
        "Comparable sale 1 of 1: USD\u00a0240,000",
    ]
    assert names(pane.drivers) == [
        "Living area = 2200: 2200, +USD\u00a040,000",
        "Year built = 1950: 1950, -USD\u00a09,000",
    ]
    held = tree(pane.range_chart).child(1)
    second = FakeValuation(estimate=usd(410_000), low=usd(380_000), high=usd(445_000), comparables=[], drivers=[])
    monkeypatch.setattr(service, "value_deed", lambda _h, ledger, ref: (ledger.deed(ref), second, {}))
    value(world.register("V-2", OWNERS[1], attributes={"Gr_Liv_Area": 3100}))
    assert names(pane.range_chart) == [
        "Low end of the 90% range: USD\u00a0380,000",
        "Estimate: USD\u00a0410,000",
        "High end of the 90% range: USD\u00a0445,000",
    ]
    assert tree(pane.drivers).childCount() == 0
    assert not Shiboken.isValid(held)


def test_a_tally_changing_proposal_changes_its_children(qtbot: Any) -> None:
    bar = on_screen(tally_bar(qtbot), qtbot)
    assert tree(bar).childCount() == 5
    bar.show_tally(Tally(2, 1, "Rent?", 7500, 0, 4, 1, {"yes": 1, "no": 3, "abstain": 0}))
    assert names(bar)[:2] == ["Yes: 1, 25%", "No: 3, 75%"]
    bar.show_tally(None)
    assert tree(bar).childCount() == 0


def _delete_later(widget: QWidget) -> None:
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.mark.parametrize("how", ["deleteLater", "parent deleted", "last Python name dropped"])
def test_a_chart_deleted_while_its_interfaces_are_held_leaves_nothing_dangling(qtbot: Any, how: str) -> None:
    host = QWidget()
    chart = RangeChart(host if how == "parent deleted" else None)
    chart.set_range(usd(215_000), usd(190_000), usd(241_000), [usd(250_000)])
    access = tree(chart)
    parts = [access.child(i) for i in range(access.childCount())]
    ids = [QAccessible.uniqueId(part) for part in parts]
    chart_id = QAccessible.uniqueId(access)
    if how == "deleteLater":
        _delete_later(chart)
    elif how == "parent deleted":
        _delete_later(host)
    del chart
    gc.collect()
    assert not Shiboken.isValid(access) and not any(Shiboken.isValid(part) for part in parts)
    assert [QAccessible.accessibleInterface(i) for i in [chart_id, *ids]] == [None] * (len(ids) + 1)
    del access, parts
    gc.collect()
    again = RangeChart()  # and the factory still serves a new chart
    qtbot.addWidget(again)
    again.set_range(usd(100_000))
    assert names(again) == ["Estimate: USD\u00a0100,000"]
    if how != "parent deleted":
        _delete_later(host)


def test_the_factory_keeps_each_charts_interface_only_while_qt_has_it(qtbot: Any) -> None:
    charts = [RangeChart() for _ in range(3)]
    held = [tree(chart) for chart in charts]
    assert all(any(kept is access for kept in chart_access._kept) for access in held)
    for chart in charts:
        _delete_later(chart)
    tree(range_chart(qtbot))  # the next chart asked for lets go of the interfaces Qt has deleted
    assert not any(kept is access for kept in chart_access._kept for access in held)
    assert len(chart_access._kept) >= 1


def test_other_widgets_keep_qts_own_interfaces(qtbot: Any) -> None:
    plain = QWidget()
    qtbot.addWidget(plain)
    assert not isinstance(tree(plain), chart_access.ChartAccess)
