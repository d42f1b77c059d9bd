"""The focus ring shows where the keyboard brought the focus (Tab, Backtab, a shortcut), not on a button,
check box or tab just clicked; a clicked field keeps its ring (the keys typed next go there).  Measured on the
pixels of the ring's place as test_boundaries measures the keyboard's ring (desktop/gui/keyboard_focus.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit, QListWidget, QTabBar, QVBoxLayout, QWidget

from desktop.gui.widgets.basics import button
from tests.gui.test_boundaries import RING, _indicator, focus_ring, shot
from tests.gui.test_dark_scheme import rect_in

NONE = 0.1  # of a ring: what a click may change round a control (anti-aliased corners, nothing of a ring)


def _window(qtbot: Any) -> tuple[QWidget, dict[str, QWidget]]:
    window = QWidget()
    qtbot.addWidget(window)
    column = QVBoxLayout(window)
    tabs = QTabBar()
    tabs.addTab("Distributions")
    tabs.addTab("Votes")
    sidebar = QListWidget()
    sidebar.setObjectName("sidebar")
    sidebar.addItems(["Deeds", "Register deed"])
    sidebar.setCurrentRow(0)
    sidebar.setFixedHeight(90)
    found: dict[str, QWidget] = {
        "first": button("Open\u2026"),
        "button": button("Record on ledger\u2026"),
        "primary button": button("Sign and save\u2026", primary=True),
        "check box": QCheckBox("Witness this checkpoint"),
        "tabs": tabs,
        "sidebar": sidebar,
        "field": QLineEdit("1407 Ridgewood Ave"),
    }
    for widget in found.values():
        column.addWidget(widget)
    window.resize(360, 300)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    return window, found


def _ring_place(widget: QWidget, window: QWidget) -> QRect:
    if isinstance(widget, QTabBar):
        rect = widget.tabRect(widget.currentIndex())
        rect.moveTopLeft(widget.mapTo(window, rect.topLeft()))
        return rect
    if isinstance(widget, QListWidget):  # the current page's item shows the focus
        rect = widget.visualItemRect(widget.item(0))
        rect.moveTopLeft(widget.viewport().mapTo(window, rect.topLeft()))
        return rect
    if isinstance(widget, QCheckBox):  # the ring is round the indicator
        rect = _indicator(widget)
        rect.moveTopLeft(widget.mapTo(window, rect.topLeft()))
        return rect
    return rect_in(widget, window)


def _ring(window: QWidget, widget: QWidget, before: QImage) -> float:
    return focus_ring(before, shot(window, 1.0), _ring_place(widget, window))[1]


def _unfocused(qtbot: Any, window: QWidget, found: dict[str, QWidget]) -> QImage:
    found["first"].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(found["first"].hasFocus, timeout=2_000)
    return shot(window, 1.0)


def _click(qtbot: Any, widget: QWidget) -> None:
    if isinstance(widget, QTabBar):  # a click does not take the focus to tabs (Qt's TabFocus policy)
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.tabRect(widget.currentIndex()).center())
        return
    if isinstance(widget, QListWidget):
        qtbot.mouseClick(
            widget.viewport(), Qt.MouseButton.LeftButton, pos=widget.visualItemRect(widget.item(0)).center()
        )
    elif isinstance(widget, QCheckBox):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=_indicator(widget).center())
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(widget.hasFocus, timeout=2_000)


def test_tab_rings_a_control_and_a_click_does_not(qtbot: Any, scheme: str) -> None:
    window, found = _window(qtbot)
    failures = []
    for name in ("button", "primary button", "check box", "tabs", "sidebar"):
        widget = found[name]
        before = _unfocused(qtbot, window, found)
        _click(qtbot, widget)
        if isinstance(widget, QCheckBox):
            widget.setChecked(False)  # the click checked it: compare the same box
        clicked = _ring(window, widget, before)
        before = _unfocused(qtbot, window, found)
        while not widget.hasFocus():  # Tab from the first control down to this one, as a user does
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        tabbed = _ring(window, widget, before)
        if clicked > NONE or tabbed < RING:
            failures.append(f"{name}: clicked {clicked:.2f}, tabbed to {tabbed:.2f} of a ring")
    assert not failures, f"{scheme}: " + "; ".join(failures)


def test_a_clicked_field_keeps_its_ring(qtbot: Any) -> None:
    window, found = _window(qtbot)
    before = _unfocused(qtbot, window, found)
    _click(qtbot, found["field"])
    assert _ring(window, found["field"], before) >= RING


def test_a_key_on_a_clicked_button_rings_it_and_the_program_follows_the_last_input(qtbot: Any) -> None:
    """A key pressed on a clicked button (not a modifier held for a click) shows the ring; focus the program
    moves (a dialog opening on its button) is ringed if the last input was a key, not if it was a click."""
    window, found = _window(qtbot)
    target = found["button"]
    before = _unfocused(qtbot, window, found)
    _click(qtbot, target)
    qtbot.keyClick(target, Qt.Key.Key_Control)
    assert _ring(window, target, before) < NONE
    qtbot.keyClick(target, Qt.Key.Key_Home)
    assert _ring(window, target, before) >= RING

    before = _unfocused(qtbot, window, found)
    _click(qtbot, found["field"])
    target.setFocus()  # after a click: no ring
    qtbot.waitUntil(target.hasFocus, timeout=2_000)
    assert _ring(window, target, before) < NONE
    found["first"].setFocus()
    qtbot.keyClick(found["first"], Qt.Key.Key_Home)
    target.setFocus()  # after a key: the ring
    qtbot.waitUntil(target.hasFocus, timeout=2_000)
    assert _ring(window, target, before) >= RING
