"""What a new user's walk through the desktop found, each fixed and checked here (pytest-qt, offscreen)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from desktop.gui.main_window import PANES


def test_every_pane_has_a_shortcut_that_is_one_key_press(window: Any, qtbot: Any) -> None:
    # "Ctrl+10" and "Ctrl+11" were read by Qt as empty: Review and Witness & replicas had no shortcut
    shortcuts = [action.shortcut() for action in window.actions() if not action.shortcut().isEmpty()]
    texts = [s.toString() for s in shortcuts]
    assert all(texts) and len(set(texts)) == len(texts)  # none empty, none taken twice
    for spec in PANES:
        sequence = window.pane_actions[spec.key].shortcut()
        assert sequence == QKeySequence(spec.shortcut) and sequence.count() == 1 and sequence.toString()
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.panes["review"]
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.stack.currentWidget() is window.panes["witnesses"]
    tips = [window.sidebar.item(row).toolTip() for row in range(window.sidebar.count())]
    assert tips[-2:] == ["Review (Ctrl+0)", "Witness & replicas (Ctrl+Shift+W)"]
