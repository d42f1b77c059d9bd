"""A replica synced in the witnesses pane from a URL carrying a user:password shows it nowhere: not in the
question before the first sync, the sentences after, any widget's text, tooltip or accessible name, any
table's cells, nor the sync dialog's next suggestion (which is the address without it, to be given again)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QWidget

from core.checkpoints import make_checkpoint
from core.paths import DataDir
from core.settings import Settings
from desktop.gui.context import AppContext
from desktop.gui.dialogs import witness as dialogs
from desktop.serve.server import make_server
from tests.gui.conftest import Prompts, populate
from tests.helpers import World

SECRET = "s3cret"
ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole)


def _cells(view: QAbstractItemView) -> list[str]:
    """Every cell's words, tooltip and accessible text (a tree's children too)."""
    model, found = view.model(), []
    if model is None:
        return []
    pending = [QModelIndex()]
    while pending:
        parent = pending.pop()
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)  # a list's is private
        for row in range(model.rowCount(parent)):
            for column in range(columns):
                index = model.index(row, column, parent)
                found += [str(model.data(index, role)) for role in ROLES if model.data(index, role) is not None]
            pending.append(model.index(row, 0, parent))
    return found


def everything_shown(window: QWidget) -> list[str]:
    """The words of every widget of `window`: text, placeholder, title, tooltip, accessible name and description."""
    found = []
    for widget in [window, *window.findChildren(QWidget)]:
        for name in ("text", "placeholderText", "title", "windowTitle", "toolTip", "accessibleName"):
            value = getattr(widget, name, None)
            if callable(value):
                with_text = value()
                if isinstance(with_text, str) and with_text:
                    found.append(with_text)
        found.append(widget.accessibleDescription())
        if isinstance(widget, QAbstractItemView):
            found += _cells(widget)
    return found


def test_the_witnesses_pane_never_shows_the_password_of_the_url_it_synced_from(
    qtbot: Any, tmp_path: Path, prompt_log: Prompts, monkeypatch: pytest.MonkeyPatch, world: World
) -> None:
    from desktop.gui.main_window import MainWindow

    populate(world, 3)
    make_checkpoint(world.ledger, world.operator)
    server = make_server(world.home, world.ledger, quiet=True).start()
    typed = server.url.replace("http://", f"http://alice:{SECRET}@")
    home = DataDir.resolve(tmp_path / "replica")
    ctx = AppContext(home, Settings.load(), None)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    suggested: list[str] = []

    def run_dialog(dialog: dialogs.SyncDialog) -> int:
        suggested.append(dialog.source.text())
        dialog.source.setText(typed)  # the person types the URL with its user:password
        return 1

    try:
        pane = window.show_pane("witnesses")
        qtbot.waitUntil(lambda: pane.overview is not None and not ctx.ops.busy, timeout=10_000)
        monkeypatch.setattr(dialogs.SyncDialog, "exec", run_dialog)
        qtbot.mouseClick(pane.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: any("new entries checked" in i for i in prompt_log.infos), timeout=20_000)
        qtbot.waitUntil(lambda: not ctx.ops.busy, timeout=20_000)
        qtbot.waitUntil(lambda: server.url in " ".join(everything_shown(window)), timeout=10_000)
        assert prompt_log.errors == [] and len(prompt_log.questions) == 1
        assert server.url in prompt_log.questions[0]  # "…a replica of the ledger at http://127.0.0.1:PORT"
        qtbot.mouseClick(pane.sync_button, Qt.MouseButton.LeftButton)  # the next sync: the dialog's suggestion
        qtbot.waitUntil(lambda: len(prompt_log.infos) == 2 and not ctx.ops.busy, timeout=20_000)
        window.grab().save(str(tmp_path / "synced.png"))
    finally:
        server.stop()
    assert suggested == ["", server.url]
    said = [*prompt_log.questions, *prompt_log.infos, *prompt_log.errors, window.statusBar().currentMessage()]
    assert [text for text in [*said, *everything_shown(window)] if SECRET in text or "alice" in text] == []
