"""Every modal question the GUI asks, in one module, so tests can answer them.

Panes call `prompts.save_file(...)`, `prompts.ask(...)`... never QFileDialog or
QMessageBox directly; a test monkeypatches the function it needs (Vorta style).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QWidget,
)

UNDO_SECONDS = 10  # how long a removal can be taken back from the status bar


# A file name that is not UTF-8 reaches Python with its bytes as lone surrogates, which Qt silently
# drops from a string ("/tmp/\udcff-x.json" would be shown as "/tmp/-x.json", naming another file).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def readable(text: str) -> str:
    """`text` as Qt can show it: each undecodable byte of a file name becomes \ufffd, not nothing."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def show_error(parent: QWidget | None, sentence: str, title: str = "Deedbook") -> None:
    QMessageBox.warning(parent, title, readable(sentence))


def inform(parent: QWidget | None, sentence: str, title: str = "Deedbook") -> None:
    QMessageBox.information(parent, title, readable(sentence))


def question_box(
    parent: QWidget | None, question: str, title: str, *, yes: str, no: str, safe_default: bool
) -> tuple[QMessageBox, QPushButton, QPushButton]:
    """The box `ask` shows: Escape always answers `no`; Return answers `yes` unless `safe_default`,
    for what cannot be taken back, where a stray Return must not do it."""
    box = QMessageBox(QMessageBox.Icon.Question, title, readable(question), QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # names and notes in a question are stored text, never HTML
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setEscapeButton(no_button)
    box.setDefaultButton(no_button if safe_default else yes_button)
    return box, yes_button, no_button


def ask(
    parent: QWidget | None,
    question: str,
    title: str = "Deedbook",
    *,
    yes: str = "Yes",
    no: str = "Cancel",
    safe_default: bool = False,
) -> bool:
    """Ask before a change; `question` names what changes (the deed, parties, amount, file) and `yes`
    is the change's own verb ("Record", "Remove"), never a bare "Yes"."""
    box, yes_button, _ = question_box(parent, question, title, yes=yes, no=no, safe_default=safe_default)
    box.exec()
    return box.clickedButton() is yes_button


class UndoBar(QWidget):
    """A sentence saying what was just changed and an Undo button, in the window's status bar for a few
    seconds; a later removal's bar replaces it (the earlier one can no longer be taken back here)."""

    def __init__(self, sentence: str, undo: Callable[[], None], seconds: int) -> None:
        super().__init__()
        self.setObjectName("undo-bar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.sentence = QLabel(sentence)
        self.sentence.setTextFormat(Qt.TextFormat.PlainText)
        self.sentence.setToolTip(sentence)
        # said whole: the status bar's stretching ledger label gives way, not this
        self.sentence.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip(f"Take back: {sentence}")
        self.undo_button.setAccessibleName(f"Undo: {sentence}")
        layout.addWidget(self.sentence)
        layout.addWidget(self.undo_button)
        self._undo = undo
        self.undo_button.clicked.connect(self._clicked)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.close_bar)
        self.timer.start(seconds * 1000)

    def _clicked(self) -> None:
        self.close_bar()
        self._undo()

    def close_bar(self) -> None:
        self.timer.stop()
        self.hide()
        self.deleteLater()


def offer_undo(
    parent: QWidget | None, sentence: str, undo: Callable[[], None], seconds: int = UNDO_SECONDS
) -> UndoBar | None:
    """Say `sentence` in the status bar of `parent`'s main window with an Undo button that calls `undo`.
    Outside a main window there is no bar to show it in: the change is only said."""
    window = parent.window() if parent is not None else None
    if not isinstance(window, QMainWindow):
        inform(parent, sentence)
        return None
    for old in window.findChildren(UndoBar):
        old.close_bar()
    bar = UndoBar(sentence, undo, seconds)
    window.statusBar().insertPermanentWidget(0, bar)
    return bar


def open_file(parent: QWidget | None, title: str, filters: str = "All files (*)", folder: str = "") -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, folder, filters)
    return Path(name) if name else None


def open_files(parent: QWidget | None, title: str, filters: str = "All files (*)", folder: str = "") -> list[Path]:
    names, _ = QFileDialog.getOpenFileNames(parent, title, folder, filters)
    return [Path(n) for n in names]


def save_file(parent: QWidget | None, title: str, suggested: str, filters: str = "All files (*)") -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return Path(name) if name else None


def choose_folder(parent: QWidget | None, title: str, folder: str = "") -> Path | None:
    name = QFileDialog.getExistingDirectory(parent, title, folder)
    return Path(name) if name else None


def password(parent: QWidget | None, prompt: str, title: str = "Password") -> str | None:
    text, ok = QInputDialog.getText(parent, title, prompt, QLineEdit.EchoMode.Password)
    return text if ok and text else None
