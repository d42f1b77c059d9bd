"""Settings (paper size, theme applied at once, data folder) and the About box."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QTableWidget

from core.settings import Settings
from desktop.gui import theme
from tests.gui.conftest import Prompts
from tests.helpers import World, make_world


def test_paper_and_theme_are_saved_and_applied(window: Any, qtbot: Any) -> None:
    dialog = window.open_settings()
    qtbot.addWidget(dialog)
    dialog.paper.setCurrentIndex(dialog.paper.findData("Letter"))
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    assert theme.is_dark()  # previewed at once
    dialog.accept()
    saved = Settings.load()
    assert (saved.paper_size, saved.theme) == ("Letter", "dark")
    dialog = window.open_settings()
    qtbot.addWidget(dialog)
    dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
    dialog.reject()  # cancelled: back to the saved theme
    assert theme.is_dark()
    theme.apply_theme(QApplication.instance(), "light")  # type: ignore[arg-type]


def test_switching_the_theme_changes_the_palette_and_keeps_the_style(window: Any, qtbot: Any) -> None:
    """Light to dark and back: the palette and style sheet change; the QStyle is set only the first time
    (setting it again replaces what every widget is drawn with, while they are on screen)."""
    from unittest import mock

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply_theme(app, "light")
    light = app.palette().window().color().name()
    with mock.patch.object(app, "setStyle", wraps=app.setStyle) as set_style:
        theme.apply_theme(app, "dark")
        dark = app.palette().window().color().name()
        theme.apply_theme(app, "light")
    assert set_style.call_count == 0
    assert theme.is_dark() is False and light != dark and app.palette().window().color().name() == light
    assert app.styleSheet() == theme.style_sheet(theme._palettes()["light"])  # the light sheet, applied again


def test_open_another_data_folder(window: Any, world: World, qtbot: Any, tmp_path: Path, prompt_log: Prompts) -> None:
    other = make_world(tmp_path / "other", name="Other County")
    other.register("O-1", "0x" + "33" * 20)
    prompt_log.folders.append(other.home.root)
    window.open_folder()
    qtbot.waitUntil(
        lambda: window.ctx.ledger is not None and window.ctx.ledger.identity.name == "Other County", timeout=10_000
    )
    assert "Other County" in window.windowTitle()
    qtbot.waitUntil(lambda: window.panes["deeds"].model.rowCount() == 1)  # read on a worker
    assert Settings.load().last_data_dir == str(other.home.root)


def test_an_empty_folder_offers_a_new_ledger(
    window: Any, qtbot: Any, tmp_path: Path, prompt_log: Prompts, monkeypatch: Any
) -> None:
    from desktop.gui.dialogs import first_run

    monkeypatch.setattr(first_run.FirstRunDialog, "exec", lambda self: 0)
    prompt_log.folders.append(tmp_path / "empty")
    (tmp_path / "empty").mkdir()
    window.open_folder()
    qtbot.waitUntil(lambda: bool(prompt_log.questions), timeout=10_000)
    assert "no ledger" in prompt_log.questions[0] and window.ctx.ledger is None


def test_about_lists_versions_and_licences(window: Any, qtbot: Any) -> None:
    about = window.open_about()
    qtbot.addWidget(about)
    table = about.findChildren(QTableWidget)[0]
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert "PySide6-Essentials" in names and "scikit-learn" in names
    assert all(table.item(r, 2).text() for r in range(table.rowCount()))
