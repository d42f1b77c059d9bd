"""`deedbook gui --smoke` and `--screenshots DIR`: drive the real window without a person.

A small script of steps; each step may wait (polled on the event loop, never
sleeping) until the operations it started are done.  Modal questions are
answered on stderr instead of blocking, so both modes always exit.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from desktop.gui import prompts
from desktop.gui.context import AppContext

Wait = Callable[[], bool]
STEP_TIMEOUT = 240.0  # seconds: training a quick valuation model is the slowest step


def process_age() -> float | None:
    """Seconds since this process started (Linux), for the --smoke start-up figure."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _quiet_prompts() -> None:
    """No modal dialog may block an unattended run: say it on stderr and answer 'no'."""

    def say(_parent: Any, sentence: str, *_a: Any, **_k: Any) -> None:
        print(f"deedbook: {sentence}", file=sys.stderr)

    prompts.show_error = say  # type: ignore[assignment]
    prompts.inform = say  # type: ignore[assignment]
    prompts.ask = lambda *_a, **_k: False
    for name in ("open_file", "save_file", "choose_folder", "password"):
        setattr(prompts, name, lambda *_a, **_k: None)
    prompts.open_files = lambda *_a, **_k: []


class Driver(QObject):
    def __init__(self, ctx: AppContext, *, smoke: bool, folder: Path | None, dark: bool = False) -> None:
        super().__init__()
        self.ctx, self.smoke, self.folder = ctx, smoke, folder
        self.dark = dark  # the whole tour in the dark palette (`--screenshots DIR --dark`)
        self.app = QApplication.instance()
        self.window: Any = None
        self.saved: list[Path] = []
        self._steps: Iterator[Wait | None] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._poll)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._waiting: Wait | None = None
        self._since = 0.0
        self._idle_turns = 0
        self.code = 0
        self.loop = QEventLoop()

    def run(self) -> int:
        from desktop.gui.app import ledger_may_exist

        _quiet_prompts()
        self.ctx.remember_folders = False
        if not ledger_may_exist(self.ctx):
            self._steps = self.first_run_script()
        elif self.smoke:
            self._steps = self.smoke_script()
        else:
            self._steps = self.screenshot_script()
        # a local loop, and no quit when a shot window closes: QCoreApplication.quit() would
        # leave the application unable to run event loops if it came while none was running
        quit_on_close = self.app.quitOnLastWindowClosed()  # type: ignore[union-attr]
        self.app.setQuitOnLastWindowClosed(False)  # type: ignore[union-attr]
        QTimer.singleShot(0, self._next)  # the first step runs as soon as the loop does
        try:
            self.loop.exec()
        finally:
            self.app.setQuitOnLastWindowClosed(quit_on_close)  # type: ignore[union-attr]
            self.ctx.close()
        return self.code

    # -- the stepping machinery ------------------------------------------------------------------------
    def _next(self) -> None:
        assert self._steps is not None
        try:
            self._waiting = next(self._steps) or self.idle
        except StopIteration:
            self._timer.stop()
            self.loop.exit(0)
            return
        except Exception as error:  # noqa: BLE001 - a broken step must not hang an unattended run
            print(f"deedbook: screenshot step failed: {type(error).__name__}: {error}", file=sys.stderr)
            self.code = 1
            self._timer.stop()
            self.loop.exit(1)
            return
        self._since = time.monotonic()
        self._idle_turns = 0
        self._timer.start()

    def _poll(self) -> None:
        assert self._waiting is not None
        if self._waiting():
            self._idle_turns += 1
            if self._idle_turns < 3:  # let layouts and repaints settle for a few turns
                return
        elif time.monotonic() - self._since > STEP_TIMEOUT:
            print("deedbook: a step took too long; carrying on", file=sys.stderr)
        else:
            return
        self._timer.stop()
        self._next()

    def idle(self) -> bool:
        return not self.ctx.ops.busy

    def shot(self, name: str, widget: QWidget) -> None:
        assert self.folder is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{len(self.saved) + 1:02d}-{name}.png"
        widget.grab().save(str(path))
        self.saved.append(path)
        print(path)

    # -- scripts ----------------------------------------------------------------------------------------------
    def _main_window(self) -> Any:
        from desktop.gui.main_window import MainWindow

        window = MainWindow(self.ctx)
        window.resize(1440, 900)
        window.show()
        self.window = window
        return window

    def smoke_script(self) -> Iterator[Wait | None]:
        from desktop.gui.app import open_in_background, when_exposed

        self.ctx.opening = True
        window = self._main_window()
        marks: dict[str, Any] = {}

        def shown() -> None:  # exactly what a normal start does once the window is up (desktop.gui.app.run)
            marks.update(at=time.time(), age=process_age())
            open_in_background(self.ctx, window, first_run=False)

        when_exposed(window, shown)
        yield lambda: "at" in marks
        shown_at, shown_age = marks["at"], marks["age"]
        yield lambda: not self.ctx.opening and self.idle()
        ready_at, ready_age = time.time(), process_age()
        if shown_age is None or ready_age is None:
            shown_age, ready_age = 0.0, ready_at - shown_at
        deeds = window.panes["deeds"].total  # counted on a worker by the deeds pane
        print(
            f"Main window shown {shown_age:.2f} s after the process started; ledger open with its first "
            f"{window.panes['deeds'].model.rowCount():,} of {deeds:,} deeds listed and idle at {ready_age:.2f} s; "
            f"shown_at={shown_at:.6f} ready_at={ready_at:.6f}"
        )
        if self.ctx.ledger is None:
            self.code = 0 if not self.ctx.home.database.exists() else 1
        window.close()

    def first_run_script(self) -> Iterator[Wait | None]:
        from desktop.gui.dialogs.first_run import FirstRunDialog

        dialog = FirstRunDialog(self.ctx)
        dialog.show()
        yield None
        if self.smoke:
            age = process_age()
            when = f"{age:.2f} s after the process started" if age is not None else ""
            print(f"First-run screen shown {when} (no ledger in {self.ctx.home.root}); shown_at={time.time():.6f}")
            dialog.close()
            return
        self.shot("first-run", dialog)
        # then what a newcomer does: explore a small demo (built in <data>/demo, as the dialog says) and tour it
        dialog.choice_buttons["demo"].click()
        dialog.demo_deeds.setValue(60)
        dialog.demo_transfers.setValue(15)
        yield None
        self.shot("first-run-demo", dialog)
        dialog.build_demo()
        yield lambda: self.idle() and not dialog.isVisible()
        dialog.close()
        if self.ctx.ledger is not None:
            from desktop.gui.shots_steps import Steps

            yield from Steps(self).all()

    def screenshot_script(self) -> Iterator[Wait | None]:
        from core.errors import NotFound
        from desktop.gui.shots_steps import Steps

        def failed(error: BaseException) -> None:
            if not isinstance(error, NotFound):
                from desktop.gui.operations import describe_error

                print(f"deedbook: {describe_error(error)}", file=sys.stderr)

        ws = self.ctx.ws
        self.ctx.ops.op(None, ws.open_ledger, title="Opening the ledger").success(
            lambda _ledger: self.ctx.use(ws)
        ).failure(failed).run()
        yield None  # until the ledger is open (on a worker, as at a normal start)
        if self.ctx.ledger is None:
            yield from self.first_run_script()
            return
        steps = Steps(self)
        yield from steps.prepare()
        yield from steps.all()
