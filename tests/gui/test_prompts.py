"""The one way the GUI asks: Return answers the safe button where asked to, Escape always cancels."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.gui import prompts

REAL_ASK = prompts.ask  # taken before the autouse fixture answers every question


def _press_later(key: Qt.Key, qtbot: Any) -> None:
    def press() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        qtbot.keyClick(box, key)

    QTimer.singleShot(50, press)


@pytest.mark.parametrize(("safe_default", "answer"), [(True, False), (False, True)])
def test_return_answers_the_default_button(qtbot: Any, safe_default: bool, answer: bool) -> None:
    """Fails on the old code: with no default set, Return pressed "Stop trusting" and the like."""
    _press_later(Qt.Key.Key_Return, qtbot)
    assert REAL_ASK(None, "Record the lien on deed 1?", yes="Record", safe_default=safe_default) is answer


def test_escape_always_cancels(qtbot: Any) -> None:
    _press_later(Qt.Key.Key_Escape, qtbot)
    assert REAL_ASK(None, "Record the lien on deed 1?", yes="Record") is False


def test_the_box_names_its_buttons(qtbot: Any) -> None:
    box, yes, no = prompts.question_box(
        None, "Stop trusting kyc?", "Deedbook", yes="Stop trusting", no="Cancel", safe_default=True
    )
    qtbot.addWidget(box)
    assert (yes.text(), no.text()) == ("Stop trusting", "Cancel")
    assert box.defaultButton() is no and box.escapeButton() is no
