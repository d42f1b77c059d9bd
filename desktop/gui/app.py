"""Start the GUI: the QApplication, high-DPI, palette, the data folder, first run or the main window.

Start-up imports only Qt widgets, the ledger and the deeds pane; scikit-learn,
reportlab and valuation/ are imported by the operations that need them.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from core.errors import DeedbookError, NotFound
from core.paths import DataDir
from core.settings import Settings
from desktop.gui import prompts, theme
from desktop.gui.context import AppContext, setup_logging

if TYPE_CHECKING:
    from core.ledger import Ledger

STARTED = time.perf_counter()


def make_app() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    # fractional scale factors (125%, 150%) drawn as they are; icons are SVG so they stay sharp
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Deedbook")
    app.setApplicationDisplayName("Deedbook")
    app.setOrganizationName("Deedbook")
    app.setDesktopFileName("deedbook")
    app.setWindowIcon(theme.app_icon())
    return app


def resolve_home(data_dir: str | None, settings: Settings) -> DataDir:
    """--data-dir, else $DEEDBOOK_HOME, else the folder opened last, else the platform's default."""
    if data_dir:
        return DataDir.resolve(data_dir)
    if not os.environ.get("DEEDBOOK_HOME") and settings.last_data_dir and Path(settings.last_data_dir).is_dir():
        return DataDir.resolve(settings.last_data_dir)
    return DataDir.resolve(None)


def open_ledger(home: DataDir, db_url: str | None) -> tuple["Ledger | None", str | None]:
    """The ledger, or None and (for anything but "there is none") the sentence why."""
    from core.ledger import Ledger

    try:
        return Ledger.open(home, db_url), None
    except NotFound:
        return None, None
    except DeedbookError as error:
        return None, str(error)


def build_context(data_dir: str | None, db_url: str | None) -> tuple[AppContext, str | None]:
    settings = Settings.load()
    home = resolve_home(data_dir, settings)
    setup_logging(home)
    ledger, problem = open_ledger(home, db_url)
    return AppContext(home, settings, ledger, db_url), problem


def run(data_dir: str | None = None, db_url: str | None = None, *, smoke: bool = False,
        screenshots: str | None = None, signer: bool = False) -> int:
    app = make_app()
    ctx, problem = build_context(data_dir, db_url)
    theme.apply_theme(app, ctx.settings.theme)
    if signer:
        return run_signer(ctx)
    if smoke or screenshots:
        from desktop.gui.shots import Driver

        return Driver(ctx, smoke=smoke, folder=Path(screenshots) if screenshots else None, problem=problem).run()
    if problem:
        prompts.show_error(None, problem)
    if ctx.ledger is None:
        from desktop.gui.dialogs.first_run import FirstRunDialog

        first = FirstRunDialog(ctx)
        if not first.exec():
            ctx.close()
            return 0
        if first.signer_requested:
            return run_signer(ctx)
    from desktop.gui.main_window import MainWindow

    window = MainWindow(ctx)
    window.show()
    code = app.exec()
    ctx.close()
    return int(code)


def run_signer(ctx: AppContext, request: str | None = None) -> int:
    """The offline signer alone (`deedbook sign` with no arguments): no ledger required."""
    from desktop.gui.signer import SignerWindow

    window = SignerWindow(ctx.home, ctx.ledger.identity if ctx.ledger else None, ctx.keys)
    if request:
        window.load(Path(request))
    window.show()
    code = QApplication.instance().exec()  # type: ignore[union-attr]
    ctx.close()
    return int(code)


def run_offline_signer(data_dir: str | None = None, request: str | None = None) -> int:
    """Entry point for the command line's `deedbook sign` with no request (or with --gui)."""
    app = make_app()
    ctx, _problem = build_context(data_dir, None)
    theme.apply_theme(app, ctx.settings.theme)
    return run_signer(ctx, request)
