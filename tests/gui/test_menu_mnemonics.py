"""The main window's menus are reached with Alt and a letter: each menu and each of its items has a mnemonic,
none shared within one menu (or across the menu bar), and the shortcuts are what they were."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtGui import QKeySequence

from desktop.gui import a11y

# a lone "&" before a letter marks it; "&&" is a shown "&"
_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def mnemonic(text: str) -> str | None:
    found = _MNEMONIC.findall(text.replace("&&", ""))
    assert len(found) <= 1, f"{text!r} marks more than one mnemonic"
    return found[0].lower() if found else None


def test_every_menu_and_item_has_a_mnemonic_of_its_own(window: Any) -> None:
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    assert {a11y.without_mnemonic(m.title()) for m in menus} >= {"File", "Deeds", "Ledger", "Go", "Parties", "Help"}
    titles = [mnemonic(m.title()) for m in menus]
    assert None not in titles and len(set(titles)) == len(titles), [m.title() for m in menus]
    for menu in menus:
        items = [a for a in menu.actions() if not a.isSeparator()]
        letters = [mnemonic(a.text()) for a in items]
        assert None not in letters, [a.text() for a in items]
        assert len(set(letters)) == len(letters), (menu.title(), [a.text() for a in items])
        for action, letter in zip(items, letters, strict=True):  # the letter is one the person reads in the item
            assert letter in a11y.without_mnemonic(action.text()).lower()
            assert not re.search(r"&\S", action.toolTip()), action.toolTip()


def test_the_shortcuts_are_unchanged(window: Any) -> None:
    def keys(action: Any) -> str:
        return action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)

    assert keys(window.act_register) == "Ctrl+N" and keys(window.act_transfer) == "Ctrl+T"
    assert keys(window.act_signer) == "Ctrl+Shift+S" and keys(window.act_verify) == "Ctrl+Shift+V"
    assert [keys(window.pane_actions[k]) for k in ("deeds", "review", "witnesses")] == [
        "Ctrl+1",
        "Ctrl+0",
        "Ctrl+Shift+W",
    ]
    assert window.act_quit.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)
    # a tooltip says the item's text as read, not its mnemonic marks
    assert window.pane_actions["keys"].toolTip() == "Keys & contacts (Ctrl+3)"
    assert window.act_open.toolTip().startswith("Open data folder")


def test_the_menu_bar_and_go_menu_render(window: Any, qtbot: Any, tmp_path: Path) -> None:
    bar = window.menuBar()
    assert not bar.grab().isNull()
    go = next(a.menu() for a in bar.actions() if a.menu() is not None and "Go" in a.menu().title())
    go.popup(window.mapToGlobal(bar.geometry().bottomLeft()))
    qtbot.waitUntil(go.isVisible, timeout=5_000)
    picture = go.grab()
    go.close()
    assert picture.width() > 0 and picture.height() > 0
