"""Start the GUI: the QApplication, high-DPI, palette, the data folder, first run or the main window.

Start-up imports only Qt widgets, the ledger and the deeds pane; scikit-learn,
reportlab and valuation/ are imported by the operations that need them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from core.errors import NotFound
from core.paths import DataDir
from core.settings import Settings
from desktop.gui import theme
from desktop.gui.context import AppContext, setup_logging
from desktop.gui.widgets import chart_access

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from core.ledger import Ledger
    from desktop.gui.signer import SignerWindow


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
    chart_access.install()  # a chart's parts as accessible children
    return app


def resolve_home(data_dir: str | None, settings: Settings) -> DataDir:
    """--data-dir, else $DEEDBOOK_HOME, else the folder opened last, else the platform's default."""
    if data_dir:
        return DataDir.resolve(data_dir)
    if not os.environ.get("DEEDBOOK_HOME") and settings.last_data_dir and Path(settings.last_data_dir).is_dir():
        return DataDir.resolve(settings.last_data_dir)
    return DataDir.resolve(None)


def build_context(data_dir: str | None, db_url: str | None) -> AppContext:
    """The context on the chosen data folder; the ledger itself is opened afterwards."""
    settings = Settings.load()
    home = resolve_home(data_dir, settings)
    setup_logging(home)
    return AppContext(home, settings, None, db_url)


def ledger_may_exist(ctx: AppContext) -> bool:
    """Worth trying to open (a database URL always is; a folder only if it holds the file)."""
    return ctx.ws.ledger_may_exist()


def open_in_background(ctx: AppContext, parent: "QWidget | None", *, first_run: bool = True) -> None:
    """Open the ledger on a worker while the window is already on screen (SQLAlchemy loads there)."""
    ws = ctx.ws
    ctx.opening = True

    def opened(_ledger: "Ledger") -> None:
        ctx.opening = False
        ctx.use(ws)

    def failed(error: BaseException) -> None:
        from desktop.gui.events import Changes
        from desktop.gui.operations import report_error

        ctx.opening = False
        ctx.events.announce(Changes.DATA_FOLDER)  # not a change: the panes stop saying "opening"
        if isinstance(error, NotFound) and first_run:
            from desktop.gui.dialogs.first_run import FirstRunDialog

            first = FirstRunDialog(ctx, parent)
            first.exec()
            open_requested_window(parent, first.window_requested)
        elif not isinstance(error, NotFound):
            report_error(parent, error)

    ctx.ops.op(parent, ws.open_ledger, title="Opening the ledger").success(opened).failure(failed).run()


def when_exposed(window: "QWidget", then: Callable[[], None]) -> None:
    """Call `then` once the window is on screen.  Work started before it (the ledger opening on a
    worker, which imports SQLAlchemy) would compete with the first paint for the GIL."""
    timer = QTimer(window)
    timer.setInterval(2)

    def poll() -> None:
        handle = window.windowHandle()
        if window.isVisible() and (handle is None or handle.isExposed()):
            timer.stop()
            timer.deleteLater()
            then()

    timer.timeout.connect(poll)
    timer.start()


def open_requested_window(parent: "QWidget | None", requested: str | None) -> None:
    """The signer or the notary's desk, asked for on the welcome screen shown over the main window."""
    from desktop.gui import party_actions
    from desktop.gui.main_window import MainWindow

    if isinstance(parent, MainWindow) and requested == "signer":
        parent.open_signer()
    elif isinstance(parent, MainWindow) and requested == "notary":
        party_actions.open_notary_desk(parent)


def run(
    data_dir: str | None = None,
    db_url: str | None = None,
    *,
    smoke: bool = False,
    screenshots: str | None = None,
    signer: bool = False,
    notary: bool = False,
    dark: bool = False,
) -> int:
    _say_where_a_crash_happens()
    app = make_app()
    ctx = build_context(data_dir, db_url)
    theme.apply_theme(app, "dark" if dark and screenshots else ctx.settings.theme)
    chosen = "dark" if dark and screenshots else None  # the tour's own, else the saved setting (it may change)
    theme.follow_system(app, lambda: chosen or ctx.settings.theme)  # the system turned dark (or light) meanwhile
    if signer:
        return run_signer(ctx)
    if notary:
        return run_notary_desk(ctx)
    if smoke or screenshots:
        from desktop.gui.shots import Driver

        return Driver(ctx, smoke=smoke, folder=Path(screenshots) if screenshots else None, dark=dark).run()
    if not ledger_may_exist(ctx):
        from desktop.gui.dialogs.first_run import FirstRunDialog

        first = FirstRunDialog(ctx)
        if not first.exec():
            ctx.close()
            return 0
        if first.window_requested == "signer":
            return run_signer(ctx)
        if first.window_requested == "notary":
            return run_notary_desk(ctx)
    from desktop.gui.main_window import MainWindow

    ctx.opening = ctx.ledger is None
    window = MainWindow(ctx)
    window.show()
    if ctx.ledger is None:
        when_exposed(window, lambda: open_in_background(ctx, window))
    code = app.exec()
    ctx.close()
    return int(code)


def _say_where_a_crash_happens() -> None:
    """A crash inside Qt (a segmentation fault) ends the process without a word; with the fault handler
    on, Python prints every thread's stack on stderr first, for the bug report.  Nothing is printed
    otherwise, and nothing when there is no stderr (a windowed build)."""
    import contextlib
    import faulthandler

    if sys.stderr is not None and not faulthandler.is_enabled():
        with contextlib.suppress(AttributeError, ValueError, OSError):  # a stderr without a file descriptor
            faulthandler.enable()


def run_signer(ctx: AppContext, request: str | None = None) -> int:
    """The offline signer alone (`deedbook sign` with no arguments): no ledger required.  The ledger,
    if this folder has one, is opened on a worker, only to say which ledger this machine holds."""
    from desktop.gui.signer import SignerWindow

    window = SignerWindow(ctx.home, ctx.ledger.identity if ctx.ledger else None, ctx.keys)
    window.show()
    if ctx.ledger is None and ledger_may_exist(ctx):
        ws = ctx.ws

        def opened(ledger: "Ledger") -> None:
            window.set_identity(ledger.identity)
            _load(window, request)

        (
            ctx.ops.op(window, lambda: ws.ledger, title="Opening the ledger")
            .success(opened)
            .failure(lambda _e: _load(window, request))
            .run()
        )  # no usable ledger: the signer needs none
    else:
        _load(window, request)
    code = QApplication.instance().exec()  # type: ignore[union-attr]
    ctx.close()
    return int(code)


def run_notary_desk(ctx: AppContext) -> int:
    """The notary's desk alone (`deedbook gui --notary-desk`): request files in, journal on this machine."""
    from desktop.gui.notary_desk import NotaryDeskWindow

    window = NotaryDeskWindow(ctx.home, ctx.keys, settings=ctx.settings)
    window.show()
    code = QApplication.instance().exec()  # type: ignore[union-attr]
    ctx.close()
    return int(code)


def _load(window: "SignerWindow", request: str | None) -> None:
    if request:
        window.load(Path(request))
