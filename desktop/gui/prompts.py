"""Every modal question the GUI asks, in one module, so tests can answer them.

Panes call `prompts.save_file(...)`, `prompts.ask(...)`... never QFileDialog or
QMessageBox directly; a test monkeypatches the function it needs (Vorta style).
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget


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


def ask(
    parent: QWidget | None, question: str, title: str = "Deedbook", *, yes: str = "Yes", no: str = "Cancel"
) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, readable(question), QMessageBox.StandardButton.NoButton, parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is yes_button


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
