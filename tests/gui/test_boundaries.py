"""What marks a control and the keyboard's focus reads on rendered pixels (WCAG 2.1 1.4.11 and 2.4.7), in both
schemes at 1x and 2x: the boundary of each input field and of check box and radio indicators stands out 3:1 from
what is around it; focus changes a ring of pixels by 3:1 or more from how they looked unfocused (fields, buttons,
a table, the sidebar, check boxes); disabled text still reads; a table's selected row stands out when another
control has the focus; the progress bar's fill and the charts' marks stand out from their track or card.

Cards, group boxes, a table's frame, the toolbar's and status bar's rules are decorative (the text or the
controls in them say what they are): their subtle `border` is not measured here (docs/gui.md says why).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QCommandLinkButton,
    QDateEdit,
    QDoubleSpinBox,
    QGridLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QRadioButton,
    QSpinBox,
    QStyle,
    QStyleOptionButton,
    QTableWidget,
    QTableWidgetItem,
    QTabBar,
    QTabWidget,
    QToolButton,
    QWidget,
)

from core.money import Money
from core.servicing.tally import Tally
from desktop.gui import theme
from desktop.gui.panes.servicing import TallyBar
from desktop.gui.widgets.charts import DriverChart, RangeChart
from desktop.gui.widgets.basics import button, card, house_table
from tests.gui.conftest import SCHEMES
from tests.gui.pixels import contrast as contrast_of
from tests.gui.pixels import luminance as luminance_of
from tests.gui.pixels import pixels
from tests.gui.test_dark_scheme import GRAPHIC, background, contrast, luminance, rect_in

RATIOS = [1.0, 2.0]
RING = 0.9  # of a one-pixel ring all round: a rounded corner draws a few pixels fewer than the rect's perimeter


def shot(widget: QWidget, ratio: float) -> QImage:
    """`widget` as drawn on a screen of that device pixel ratio (the offscreen platform's own is 1)."""
    pixmap = QPixmap(widget.size() * ratio)
    pixmap.setDevicePixelRatio(ratio)
    widget.render(pixmap)
    return pixmap.toImage()


def _fields() -> dict[str, QWidget]:
    combo = QComboBox()
    combo.addItems(["USD", "EUR"])
    editable = QComboBox()
    editable.setEditable(True)
    editable.addItems(["alice", "bob"])
    return {
        "line edit": QLineEdit("1407 Ridgewood Ave"),
        "spin box": QSpinBox(),
        "decimal spin box": QDoubleSpinBox(),
        "date edit": QDateEdit(),
        "combo box": combo,
        "editable combo box": editable,
        "text area": QPlainTextEdit("Closing on the 4th"),
    }


def _showcase(qtbot: Any) -> tuple[QWidget, dict[str, QWidget]]:
    """Each kind of control on the window's background and again in a card, as the panes put them."""
    window = QWidget()
    window.setObjectName("showcase")
    qtbot.addWidget(window)
    grid = QGridLayout(window)
    grid.setSpacing(12)
    found: dict[str, QWidget] = {}
    frame, inside = card()
    holder = QWidget()
    plain = QGridLayout(holder)
    for where, layout in (("window", plain), ("card", inside)):
        widgets: dict[str, QWidget] = {
            **_fields(),
            "check box": QCheckBox("Witness this checkpoint"),
            "radio button": QRadioButton("Lienholder"),
            "button": button("Record on ledger\u2026"),
            "primary button": button("Sign and save\u2026", primary=True),
        }
        for row, (name, widget) in enumerate(widgets.items()):
            layout.addWidget(widget, row, 0) if isinstance(layout, QGridLayout) else layout.addWidget(widget)
            found[f"{name} on {where}"] = widget
    for name, checked in (("choice", False), ("chosen choice", True)):  # the first-run page's
        choice = QCommandLinkButton("Create a ledger", "With a new operator key, protected by a password.")
        choice.setCheckable(True)
        choice.setChecked(checked)
        found[name] = choice
        plain.addWidget(choice)
    tool = QToolButton()  # an icon-only button beside a field (the documents pane's New, the busy row's Cancel)
    tool.setIcon(theme.icon("add"))
    tool.setToolTip("New document")
    found["tool button"] = tool
    plain.addWidget(tool)
    tabs = QTabWidget()
    tabs.addTab(QWidget(), "Distributions")
    tabs.addTab(QWidget(), "Votes")
    tabs.setFixedHeight(60)
    found["tabs"] = tabs.tabBar()
    plain.addWidget(tabs)
    grid.addWidget(holder, 0, 0)
    grid.addWidget(frame, 0, 1)
    sidebar = QListWidget()
    sidebar.setObjectName("sidebar")
    sidebar.addItems(["Deeds", "Register deed", "Keys & contacts"])
    sidebar.setCurrentRow(0)
    sidebar.setFixedWidth(196)
    found["sidebar"] = sidebar
    grid.addWidget(sidebar, 0, 2)
    table = QTableWidget(4, 2)
    house_table(table)
    table.setHorizontalHeaderLabels(["Deed", "Owner"])
    for row in range(4):
        for column in range(2):
            table.setItem(row, column, QTableWidgetItem(f"demo-owner-{row} {column}"))
    found["table"] = table
    grid.addWidget(table, 1, 0)
    progress = QProgressBar()
    progress.setRange(0, 100)
    progress.setValue(60)
    progress.setTextVisible(False)
    found["progress bar"] = progress
    grid.addWidget(progress, 1, 1)
    window.resize(1100, 1000)
    window.show()
    qtbot.waitExposed(window)
    table.selectRow(1)
    return window, found


def _indicator(widget: QWidget) -> QRect:
    """The check box's or radio button's indicator, in the widget's coordinates, as the style lays it out."""
    option = QStyleOptionButton()
    option.initFrom(widget)
    element = (
        QStyle.SubElement.SE_CheckBoxIndicator
        if isinstance(widget, QCheckBox)
        else QStyle.SubElement.SE_RadioButtonIndicator
    )
    return widget.style().subElementRect(element, option, widget)


def boundary(image: QImage, rect: QRect) -> float:
    """How much the boundary of `rect` (logical pixels) stands out from what is outside it: on each side, at its
    middle, the pixel of the few across the edge that differs most from the ground 4 pixels out; the least side."""
    ratio = image.devicePixelRatio()
    middle = rect.center()
    least = float("inf")
    for dx, dy, edge in ((-1, 0, rect.left()), (1, 0, rect.right()), (0, -1, rect.top()), (0, 1, rect.bottom())):
        # in device pixels: the point on the edge, and a step outward
        x0, y0 = (edge if dx else middle.x()) * ratio, (edge if dy else middle.y()) * ratio
        ground = image.pixelColor(int(x0 + dx * 4 * ratio), int(y0 + dy * 4 * ratio))
        across = range(int(-2 * ratio), int(2 * ratio) + 1)
        least = min(least, max(contrast(image.pixelColor(int(x0 + dx * s), int(y0 + dy * s)), ground) for s in across))
    return least


def test_the_boundary_of_each_input_and_indicator_stands_out(qtbot: Any, scheme: str) -> None:
    """Line edits, spin, combo and date boxes, text areas (on the window and in a card), check box and radio
    indicators: their edges were Fusion's window.darker(140) or the style sheet's `border`, 1.2-2.4:1."""
    window, found = _showcase(qtbot)
    failures = []
    for ratio in RATIOS:
        image = shot(window, ratio)
        for name, widget in found.items():
            if isinstance(widget, (QCheckBox, QRadioButton)):
                rect = _indicator(widget)
                rect.moveTopLeft(widget.mapTo(window, rect.topLeft()))
            elif name.split(" on ")[0] in _fields():
                rect = rect_in(widget, window)
            else:
                continue
            value = boundary(image, rect)
            if value < GRAPHIC:
                failures.append(f"{name} at {ratio:g}x: {value:.2f}:1")
    assert not failures, f"{scheme}: " + "; ".join(failures)


def focus_ring(before: QImage, after: QImage, rect: QRect) -> tuple[int, float]:
    """The pixels around `rect` (logical, 3 pixels out) that focus changed by 3:1 or more, counted, and that count
    as a share of the rect's perimeter in device pixels (1.0: a ring one pixel wide all round)."""
    ratio = before.devicePixelRatio()
    area = rect.adjusted(-3, -3, 3, 3)
    xs = range(int(area.left() * ratio), int((area.right() + 1) * ratio))
    ys = range(int(area.top() * ratio), int((area.bottom() + 1) * ratio))
    # off the image both read as black, which changed by 1:1: counted only inside, as it should be
    values = contrast_of(luminance_of(pixels(before, xs, ys)), luminance_of(pixels(after, xs, ys)))
    changed = int(np.count_nonzero(values >= GRAPHIC))
    perimeter = 2 * (rect.width() + rect.height()) * ratio
    return changed, changed / perimeter


FOCUSED = [
    "line edit on window",
    "spin box on card",
    "combo box on window",
    "editable combo box on card",
    "text area on window",
    "button on window",
    "primary button on card",
    "check box on card",
    "radio button on window",
    "radio button on card",  # checked: the ring is not the accent of its fill
    "table",
    "sidebar",
    "choice",
    "chosen choice",
    "tool button",
    "tabs",
]


def test_keyboard_focus_is_a_ring_that_stands_out_from_the_unfocused_look(qtbot: Any, scheme: str) -> None:
    """Tab to each control: the pixels it changes, by 3:1 or more from what they were, make (near enough) a
    one-pixel ring round it (WCAG 2.4.7, measured as 2.4.13 asks, for half its 2 pixels' area).  Before, a button's, a check box's and the
    sidebar's focus showed nothing of that contrast, and a field's changed its 1px edge by under 3:1."""
    window, found = _showcase(qtbot)
    parked = found["button on card"]  # the focus starts elsewhere, as a Tab leaves the control before
    found["radio button on card"].setChecked(True)  # type: ignore[attr-defined]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    failures = []
    for name in FOCUSED:
        widget = found[name]
        rect = rect_in(widget, window)
        if name == "sidebar":  # what shows focus is the current item's look
            assert isinstance(widget, QListWidget)
            rect = widget.visualItemRect(widget.item(0))
            rect.moveTopLeft(widget.viewport().mapTo(window, rect.topLeft()))
        elif name == "table":
            assert isinstance(widget, QTableWidget)
            rect = rect_in(widget.viewport(), window)
        elif isinstance(widget, QTabBar):  # the current tab's
            rect = widget.tabRect(widget.currentIndex())
            rect.moveTopLeft(widget.mapTo(window, rect.topLeft()))
        elif isinstance(widget, (QCheckBox, QRadioButton)):  # the ring is round the indicator
            rect = _indicator(widget)
            rect.moveTopLeft(widget.mapTo(window, rect.topLeft()))
        parked.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(parked.hasFocus, timeout=2_000)
        befores = [shot(window, ratio) for ratio in RATIOS]
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(widget.hasFocus, timeout=2_000)
        for before, ratio in zip(befores, RATIOS, strict=True):
            changed, share = focus_ring(before, shot(window, ratio), rect)
            if share < RING:
                failures.append(f"{name} at {ratio:g}x: {changed} px changed by 3:1, {share:.2f} of a ring")
    assert not failures, f"{scheme}: " + "; ".join(failures)


def test_disabled_controls_look_disabled_and_their_text_still_reads(qtbot: Any, scheme: str) -> None:
    """A disabled button, primary button and field: its text at 3:1 or more on what it is drawn on (the primary
    one's grey on grey read at 1.6:1, the others 2.2-2.8:1), and fainter than the enabled control's."""
    window, found = _showcase(qtbot)
    names = ["button on window", "primary button on card", "line edit on card", "check box on window"]
    enabled = {name: _text_contrast(window, found[name]) for name in names}
    for name in names:
        found[name].setEnabled(False)
    failures = []
    for name in names:
        disabled = _text_contrast(window, found[name])
        if disabled < GRAPHIC or disabled > 0.8 * enabled[name]:
            failures.append(f"{name}: disabled {disabled:.2f}:1, enabled {enabled[name]:.2f}:1")
    assert not failures, f"{scheme}: " + "; ".join(failures)


def _text_contrast(window: QWidget, widget: QWidget) -> float:
    """The widget's most contrasting ink against its own fill (the most common colour inside it, 3 px in)."""
    image = shot(window, 1.0)
    rect = rect_in(widget, window).adjusted(3, 3, -3, -3)
    ground = background(image, rect)
    inside = pixels(image, range(rect.left(), rect.right() + 1), range(rect.top(), rect.bottom() + 1))
    return float(contrast_of(luminance_of(inside), luminance(ground)).max())


def test_the_selected_row_stands_out_when_the_table_has_no_focus(qtbot: Any, scheme: str) -> None:
    window, found = _showcase(qtbot)
    table = found["table"]
    assert isinstance(table, QTableWidget)
    found["line edit on window"].setFocus()
    for ratio in RATIOS:
        image = shot(window, ratio)
        rows = []
        for row in (0, 1, 2):
            item = table.item(row, 1)
            assert item is not None
            rect = table.visualItemRect(item)
            rect.moveTopLeft(table.viewport().mapTo(window, rect.topLeft()))
            rows.append(background(image, rect))
        assert min(contrast(rows[1], rows[0]), contrast(rows[1], rows[2])) >= GRAPHIC, (scheme, ratio, rows)


def test_the_progress_bars_fill_stands_out_from_its_track(qtbot: Any, scheme: str) -> None:
    window, found = _showcase(qtbot)
    bar = found["progress bar"]
    rect = rect_in(bar, window)
    for ratio in RATIOS:
        image = shot(window, ratio)
        fill = background(image, QRect(rect.left() + 8, rect.top() + 4, rect.width() // 3, rect.height() - 8))
        track = background(image, QRect(rect.right() - rect.width() // 4, rect.top() + 4, 20, rect.height() - 8))
        assert contrast(fill, track) >= GRAPHIC, (scheme, ratio, fill.name(), track.name())


def _on_card(qtbot: Any, chart: QWidget, width: int = 560) -> tuple[QWidget, QWidget]:
    """`chart` in a card on a window, as the valuation and servicing panes show it."""
    window = QWidget()
    qtbot.addWidget(window)
    outer = QGridLayout(window)
    frame, inside = card()
    inside.addWidget(chart)
    outer.addWidget(frame)
    window.resize(width, chart.sizeHint().height() + 80)
    window.show()
    qtbot.waitExposed(window)
    return window, frame


def _most(image: QImage, x: float, y: float, ground: QColor, reach: int = 2) -> float:
    """The most any pixel within `reach` logical pixels of (x, y) stands out from `ground`."""
    ratio = image.devicePixelRatio()
    return max(
        contrast(image.pixelColor(int((x + dx / ratio) * ratio), int((y + dy / ratio) * ratio)), ground)
        for dx in range(-int(reach * ratio), int(reach * ratio) + 1)
        for dy in range(-int(reach * ratio), int(reach * ratio) + 1)
    )


def usd(units: int) -> Money:
    return Money(units * 100, "USD")


def test_the_charts_marks_stand_out_from_the_card_they_are_drawn_on(qtbot: Any, scheme: str) -> None:
    """The range chart's band edge, estimate marker and comparable dots; the reasons chart's bars and the zero
    line they grow from (the decorative `border`, 1.3:1); the tally bar's track, whose end is all shares (it
    was `border` too: an empty track could not be seen), and its segments."""
    ranged = RangeChart()
    ranged.set_range(usd(215_000), usd(190_000), usd(241_000), [usd(180_000), usd(250_000)])
    reasons = DriverChart()
    reasons.set_drivers([("Living area", usd(21_500), "1,640 sq ft"), ("Year built", usd(-8_000), "1954")])
    tally = TallyBar()
    tally.show_tally(Tally(1, 1, "Sell?", 5000, 0, 10_000, 1, {"yes": 3_000, "no": 1_000, "abstain": 0}))
    shown = {
        name: _on_card(qtbot, chart) for name, chart in (("range", ranged), ("reasons", reasons), ("tally", tally))
    }
    failures = []
    for ratio in RATIOS:
        marks: dict[str, float] = {}
        window, frame = shown["range"]
        image, origin = shot(window, ratio), ranged.mapTo(window, ranged.rect().topLeft())
        ground = background(image, rect_in(frame, window))
        left, right = RangeChart.MARGIN, ranged.width() - RangeChart.MARGIN
        axis_y = ranged.label_boxes()["axis"].top() + 16
        x_low = ranged._x(usd(190_000).units, left, right)
        x_estimate = ranged._x(usd(215_000).units, left, right)
        band_x = origin.x() + (x_low + x_estimate) / 2  # the band's top edge, away from the marker
        marks["range band's edge"] = _most(image, band_x, origin.y() + axis_y - 9, ground, 1)
        marks["estimate marker"] = _most(image, origin.x() + x_estimate, origin.y() + axis_y - 13, ground, 1)
        dot_x = origin.x() + ranged._x(usd(180_000).units, left, right)
        marks["comparable dot"] = _most(image, dot_x, origin.y() + axis_y + 24, ground, 5)  # its ring
        window, frame = shown["reasons"]
        image, origin = shot(window, ratio), reasons.mapTo(window, reasons.rect().topLeft())
        ground = background(image, rect_in(frame, window))
        metrics = reasons.fontMetrics()
        label_w = min(metrics.horizontalAdvance("Living area") + 12, reasons.width() * 0.36)
        value_w = max(86.0, metrics.horizontalAdvance("+USD 21,500") + 8.0)
        zero = label_w + (reasons.width() - label_w - value_w) / 2
        marks["reasons' zero line"] = _most(image, origin.x() + zero, origin.y() + 1, ground, 1)
        row = DriverChart.ROW
        marks["reason bar (up)"] = _most(image, origin.x() + zero + 12, origin.y() + 3 + row / 2 - 2, ground, 0)
        marks["reason bar (down)"] = _most(image, origin.x() + zero - 12, origin.y() + 3 + row * 1.5 - 2, ground, 0)
        window, frame = shown["tally"]
        image, origin = shot(window, ratio), tally.mapTo(window, tally.rect().topLeft())
        ground = background(image, rect_in(frame, window))
        track = tally._bar().toRect().translated(origin)  # inside the focus ring's room
        marks["tally track's end"] = _most(image, track.right(), track.center().y(), ground, 1)
        marks["tally track's top, unvoted"] = _most(image, track.left() + track.width() * 0.8, track.top(), ground, 1)
        marks["tally yes"] = _most(image, track.left() + track.width() * 0.15, track.center().y(), ground, 0)
        marks["tally no"] = _most(image, track.left() + track.width() * 0.35, track.center().y(), ground, 2)  # striped
        failures += [f"{name} at {ratio:g}x: {value:.2f}:1" for name, value in marks.items() if value < GRAPHIC]
    assert not failures, f"{scheme}: " + "; ".join(failures)


def test_the_indicators_are_drawn_in_the_schemes_colours_from_any_temporary_folder(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check mark, radio dot and arrows come from resources/style/indicators/, which name palette colours
    only (as the style sheet does); each scheme's sheet points at files in its own colours, and the mark is
    drawn also when the temporary folder's path has a space or a bracket in it (a Windows user's name may)."""
    templates = sorted((theme.STYLE / "indicators").glob("*.svg"))
    assert len(templates) >= 9
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"#[0-9A-Fa-f]{3,8}\b", text) and "@" in text, template.name
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "Jane Doe (work)"))
    (tmp_path / "Jane Doe (work)").mkdir()
    theme._drawn.cache_clear()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        for name in SCHEMES:
            colors = theme._palettes()[name]
            paths = re.findall(r'url\("([^"]+)"\)', theme.style_sheet(colors))
            assert paths and all(" " in path for path in paths)
            check = next(Path(path) for path in paths if Path(path).name.startswith("check-"))
            assert colors["highlightedText"] in check.read_text(encoding="utf-8")
            theme.apply_theme(app, name)
            box = QCheckBox("Witness this checkpoint")
            box.setChecked(True)
            qtbot.addWidget(box)
            box.show()
            qtbot.waitExposed(box)
            image = shot(box, 2.0)
            inside = _indicator(box).adjusted(3, 3, -3, -3)
            fill = background(image, inside)
            assert fill.name() == QColor(colors["highlight"]).name()
            mark = max(
                contrast(image.pixelColor(x, y), fill)
                for x in range(inside.left() * 2, inside.right() * 2)
                for y in range(inside.top() * 2, inside.bottom() * 2)
            )
            assert mark >= GRAPHIC, (name, mark)  # the check mark is there, in highlightedText on the highlight
    finally:
        theme._drawn.cache_clear()
        monkeypatch.undo()
        theme.apply_theme(app, "light")
