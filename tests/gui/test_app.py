"""Start-up: --smoke, --screenshots, first run without a ledger, and what start-up must not import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from desktop.gui import app as gui_app
from desktop.gui.shots_steps import Steps
from tests.gui.conftest import populate
from tests.helpers import World

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("left_windows_deleted")  # gui_app.run's windows, once it has returned


def test_smoke(world: World, qtbot: Any, capsys: pytest.CaptureFixture[str]) -> None:
    populate(world, 3)
    assert gui_app.run(str(world.home.root), smoke=True) == 0
    out = capsys.readouterr().out
    assert "Main window shown" in out and "first 3 of 3 deeds listed" in out


def test_a_normal_start_opens_the_ledger_once_the_window_is_up(world: World, qtbot: Any) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.gui.main_window import MainWindow

    populate(world, 2)
    seen: dict[str, Any] = {}

    def shown_windows() -> list[MainWindow]:  # earlier tests' windows are closed but may still exist
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]

    def check() -> None:
        windows = shown_windows()
        if "opened" not in seen and windows and windows[0].ctx.ledger is not None:
            window = windows[0]
            seen.update(opened=window.ctx.ledger.deed_count(), exposed=window.windowHandle().isExposed())
            window.close()  # the last window: the application quits, as when a user closes it
        elif "opened" not in seen:
            QTimer.singleShot(10, check)

    def started() -> None:  # the window is made in run(): the first look finds it not yet exposed or opened
        windows = shown_windows()
        seen["opening_at_show"] = bool(windows) and windows[0].ctx.ledger is not None
        check()

    QTimer.singleShot(0, started)
    guard = QTimer()  # never hang the suite
    guard.setSingleShot(True)
    guard.timeout.connect(QApplication.quit)
    guard.start(60_000)
    assert gui_app.run(str(world.home.root)) == 0
    guard.stop()
    assert seen == {"opening_at_show": False, "opened": 2, "exposed": True}


@pytest.fixture
def no_training(monkeypatch: pytest.MonkeyPatch) -> None:
    def valuation_step(self: Steps, window: Any, deed: int) -> Iterator[None]:
        window.show_pane("valuation")  # training a model takes ~10 s: the CLI contract run covers it
        yield None
        self.d.shot("valuation", window)

    monkeypatch.setattr(Steps, "valuation", valuation_step)


def test_screenshots(world: World, qtbot: Any, tmp_path: Path) -> None:
    """The whole tour, with the quick valuation model it trains (the review queue screens with it)."""
    populate(world, 4)
    world.key("bob")
    shots = tmp_path / "shots"
    assert gui_app.run(str(world.home.root), screenshots=str(shots)) == 0
    names = sorted(p.name for p in shots.glob("*.png"))
    assert len(names) >= 8, names
    for wanted in (
        "deeds",
        "register",
        "transfer-wizard",
        "offline-signer",
        "keys",
        "notary-desk",
        "valuation",
        "ledger-verified",
        "document-preview",
        "servicing",
        "review-queue",
        "witness-and-replicas",
        "settings",
    ):
        assert any(wanted in n for n in names), wanted
    # the tour records nothing: no transfer, no checkpoint, no valuation
    assert all(e.kind in ("LedgerGenesis", "RegisterDeed") for e in world.ledger.entries())


def test_first_run_in_unattended_modes(deedbook_home: Path, qtbot: Any, tmp_path: Path, no_training: None) -> None:
    assert gui_app.run(str(deedbook_home), smoke=True) == 0
    assert not (deedbook_home / "ledger.sqlite").exists()
    assert gui_app.run(str(deedbook_home), screenshots=str(tmp_path / "s")) == 0
    names = sorted(p.name for p in (tmp_path / "s").glob("*.png"))
    assert names[:2] == ["01-first-run.png", "02-first-run-demo.png"] and len(names) >= 10
    assert (deedbook_home / "demo" / "ledger.sqlite").exists()  # the demo the first run offers, beside the data
    assert not (deedbook_home / "ledger.sqlite").exists()


def test_start_up_imports_no_heavy_modules(world: World, tmp_path: Path) -> None:
    code = (
        "import sys, time\n"
        "from desktop.gui.app import make_app, build_context, open_in_background\n"
        "from desktop.gui.main_window import MainWindow\n"
        "def heavy(names):\n"
        "    return sorted({m.split('.')[0] for m in sys.modules} & set(names))\n"
        "app = make_app()\n"
        f"ctx = build_context({str(world.home.root)!r}, None)\n"
        "w = MainWindow(ctx); w.show(); app.processEvents()\n"
        "print('shown', heavy(['sklearn', 'reportlab', 'valuation', 'scipy', 'sqlalchemy', 'sqlmodel']))\n"
        "open_in_background(ctx, w)\n"
        "while ctx.ledger is None: app.processEvents(); time.sleep(0.005)\n"
        "print('ready', heavy(['sklearn', 'reportlab', 'valuation', 'scipy']))\n"
        "ctx.close()\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-2:] == ["shown []", "ready []"]


def test_command_line_smoke(world: World) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(world.home.root), "gui", "--smoke"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "shown_at=" in result.stdout


def test_an_older_ledger_says_in_the_status_bar_that_it_is_being_upgraded(world: World, qtbot: Any) -> None:
    """The upgrade's sentence comes from the worker that opens the ledger (a queued signal); the main
    window shows it while nothing is open, and the ledger's own status replaces it once it is."""
    import sqlite3

    from core.settings import Settings
    from core.store import upgrade_sentence
    from desktop.gui.context import AppContext
    from desktop.gui.main_window import MainWindow

    populate(world, 2)
    world.ledger.close()
    with sqlite3.connect(world.home.database) as db:
        db.execute("UPDATE alembic_version SET version_num = '0015'")
    ctx = AppContext(world.home, Settings.load())
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window._show_upgrade(upgrade_sentence("0015"))  # what the signal's slot shows while nothing is open
    assert window.ledger_label.text().startswith(upgrade_sentence("0015"))
    # a moving bar without a cancel button: a migration gives no fraction and is not stopped half way
    assert not window.busy_bar.isHidden() and window.busy_bar.maximum() == 0
    assert window.busy_label.text() == "Upgrading the ledger\u2026" and window.busy_cancel.isHidden()
    with qtbot.waitSignal(ctx.events.upgrading, timeout=20_000) as heard:
        gui_app.open_in_background(ctx, window)
    assert heard.args == [upgrade_sentence("0015")]
    qtbot.waitUntil(lambda: ctx.ledger is not None and "Upgrading" not in window.ledger_label.text(), timeout=20_000)
    assert "Test County" in window.ledger_label.text()
    # the bar then hides; a background task the opening started (names, counts) may hold it a moment longer
    qtbot.waitUntil(lambda: window.busy_bar.isHidden() and window.busy_label.isHidden(), timeout=20_000)
    ctx.ops.shutdown()
