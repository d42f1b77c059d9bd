"""GUI test fixtures: a real ledger per test, modal dialogs answered, pools joined on teardown."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from PySide6.QtCore import QLocale

from core.keys import KeyStore, UnlockedKey
from core.ledger import Ledger
from core.paths import DataDir
from core.settings import Settings
from desktop.gui import prompts
from desktop.gui.context import AppContext
from tests.helpers import PASSWORD, World, make_world


class Prompts:
    """Records what the GUI would have shown, and answers its questions."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.questions: list[str] = []
        self.options: list[dict[str, Any]] = []  # each question's yes/no labels and safe_default
        self.answer = True
        self.files: list[Path] = []  # answers to open/save file dialogs, first in first out
        self.folders: list[Path] = []
        self.passwords: list[str] = []


@pytest.fixture(autouse=True)
def prompt_log(monkeypatch: pytest.MonkeyPatch) -> Prompts:
    log = Prompts()

    def next_file(*_a: Any, **_k: Any) -> Path | None:
        return log.files.pop(0) if log.files else None

    monkeypatch.setattr(prompts, "show_error", lambda _p, sentence, _t="": log.errors.append(sentence))
    monkeypatch.setattr(prompts, "inform", lambda _p, sentence, _t="": log.infos.append(sentence))

    def ask(_p: Any, question: str, *_a: Any, **k: Any) -> bool:
        log.questions.append(question)
        log.options.append(k)
        return log.answer

    monkeypatch.setattr(prompts, "ask", ask)
    monkeypatch.setattr(prompts, "open_file", next_file)
    monkeypatch.setattr(prompts, "save_file", next_file)
    monkeypatch.setattr(prompts, "open_files", lambda *_a, **_k: [log.files.pop(0)] if log.files else [])
    monkeypatch.setattr(prompts, "choose_folder", lambda *_a, **_k: log.folders.pop(0) if log.folders else None)
    monkeypatch.setattr(prompts, "password", lambda *_a, **_k: log.passwords.pop(0) if log.passwords else None)
    return log


@pytest.fixture(autouse=True)
def app_theme(qapp: Any) -> None:
    """Every GUI test sees the windows as the app shows them: the light theme's palette and style sheet, which
    the app applies at start (without them sizes, colours and even the Tab order of a button box are bare
    Fusion's, and a test that applied a theme changed what the tests after it saw)."""
    from desktop.gui import theme
    from desktop.gui.widgets import chart_access

    if theme.is_dark() or not qapp.styleSheet():
        theme.apply_theme(qapp, "light")
    chart_access.install()  # as make_app does: a chart's parts are accessible children


@pytest.fixture
def left_windows_deleted(qapp: Any) -> Iterator[None]:
    """The top-level windows a test made and left (`gui_app.run`'s: closed, but no qtbot holds them) are deleted
    after it. Alive, the screenshot tour's thousands of widgets were restyled by every later theme switch in
    the worker: seconds for each `scheme` test and each settings dialog, for the rest of the session."""
    from PySide6.QtCore import QEvent
    from shiboken6 import Shiboken

    before = {Shiboken.getCppPointer(widget)[0] for widget in qapp.topLevelWidgets()}
    yield
    for widget in qapp.topLevelWidgets():
        if widget.parentWidget() is None and Shiboken.getCppPointer(widget)[0] not in before:
            widget.close()
            widget.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # now: no event loop may run before the next test


SCHEMES = ["light", "dark"]


@pytest.fixture(params=SCHEMES)
def scheme(request: Any, qtbot: Any) -> Iterator[str]:
    """The test runs in each colour scheme (the light one applied again after it, as `app_theme` expects)."""
    from PySide6.QtWidgets import QApplication

    from desktop.gui import theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply_theme(app, request.param)
    yield request.param
    theme.apply_theme(app, "light")


@pytest.fixture
def desktop_locale() -> Iterator[Callable[[str], None]]:
    """Sets the desktop's locale as a user's system would (QLocale's default: de_DE writes 1.234,56); put back after."""
    before = QLocale()
    yield lambda name: QLocale.setDefault(QLocale(name))
    QLocale.setDefault(before)


@dataclass(frozen=True)
class WorldTemplate:
    home: Path  # a data folder whose ledger is closed: its SQLite file holds all of it
    operator: UnlockedKey


def copied_world(template: WorldTemplate, home: Path) -> World:
    """A data folder of its own at `home`, copied from `template`, its ledger open."""
    shutil.copytree(template.home, home, symlinks=True)
    data = DataDir.resolve(home)
    return World(data, KeyStore(data.keys), Ledger.open(data), template.operator)


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> WorldTemplate:
    """A new ledger and its operator's key, made once for the session (its schema's migrations and the key were
    most of a GUI test's set-up); each test's `world` is a copy of it."""
    made = make_world(tmp_path_factory.mktemp("world-template") / "home")
    made.ledger.close()
    return WorldTemplate(made.home.root, made.operator)


@pytest.fixture
def world(world_template: WorldTemplate, deedbook_home: Path) -> Iterator[World]:
    """A data folder of the test's own with an operator key and a new ledger, "Test County" (make_world's)."""
    world = copied_world(world_template, deedbook_home)
    yield world
    world.ledger.close()  # its pooled connections: a worker running 1,600 tests ran out of file numbers for select()


@pytest.fixture
def ctx(world: World, qtbot: Any) -> Iterator[AppContext]:
    context = AppContext(world.home, Settings.load(), world.ledger)
    yield context
    context.close()


__all__ = ["PASSWORD"]


OWNERS = ["0x" + f"{i:040x}" for i in range(1, 40)]


def populate(world: World, count: int) -> list[int]:
    """`count` deeds registered by the operator to a handful of owners."""
    return [
        world.register(f"P-{i:04d}", OWNERS[i % 7], attributes={"Gr_Liv_Area": 1000 + i, "Year_Built": 1990})
        for i in range(count)
    ]


def cells(qtbot: Any, model: Any, column: int, count: int | None = None, timeout: int = 10_000) -> list[Any]:
    """The shown text of `column` in the model's rows (all, or the first `count`), once a reader thread has
    read them: lazy models read rows off the UI thread and show nothing until they are in."""

    def shown() -> list[Any]:
        return [model.index(r, column).data() for r in range(model.rowCount() if count is None else count)]

    qtbot.waitUntil(lambda: None not in shown(), timeout=timeout)
    return shown()


def loaded(qtbot: Any, signer: Any, path: Path) -> bool:
    """The offline signer reads `path` on a worker: True once it shows that request, False if it refused it."""
    with qtbot.waitSignal(signer.load(path).finished, timeout=10_000):
        pass
    return bool(signer.source == path and not signer.content.isHidden())


@pytest.fixture
def answer_key_dialog(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Make the next KeyDialog pick `name` and type `password` (a user would), then press Sign."""
    from desktop.gui.panes import ledger as ledger_pane

    def answer(name: str, password: str = PASSWORD, accept: bool = True) -> None:
        def exec_(dialog: Any) -> int:
            dialog.picker.select(name)
            dialog.picker.password.setText(password)
            return 1 if accept and dialog.ok.isEnabled() else 0

        monkeypatch.setattr(ledger_pane.KeyDialog, "exec", exec_)

    return answer


@pytest.fixture
def window(ctx: AppContext, qtbot: Any) -> Iterator[Any]:
    from desktop.gui.main_window import MainWindow

    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    ctx.ops.shutdown()
