"""Entries recorded by another desktop or command line, shown within a second or two.

A `core.watch.LedgerWatcher` thread hears of new entries (PostgreSQL: LISTEN/NOTIFY;
SQLite: a `max(idx)` poll every second while the window is active, every few seconds
in the background) and its news becomes the same refresh broadcast an operation's
receipt makes (`Changes.LEDGER`, `DEEDS` with the deeds concerned, `JOURNAL`), so the
deeds list, the deed detail and the ledger view refresh as they do after our own
writes.  The watcher reads on its own thread and connection, never on the UI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication

from desktop.gui.context import AppContext
from desktop.gui.events import JOURNAL_KINDS, Change, Changes

if TYPE_CHECKING:  # SQLAlchemy only once a ledger is open: start-up stays light
    from core.watch import LedgerWatcher, NewEntries

ACTIVE_SECONDS = 1.0  # SQLite: how often the size is asked while the window is in front
BACKGROUND_SECONDS = 5.0  # and while it is not


class LiveRefresh(QObject):
    arrived = Signal(object)  # NewEntries, emitted on the watcher's thread, handled on the GUI's

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.watcher: LedgerWatcher | None = None
        self._ledger: object | None = None
        running: list[LedgerWatcher] = []  # the thread outlives this object unless stopped: stop it with the window
        self._running = running

        def stop_running(*_: object) -> None:
            for watcher in running:
                watcher.stop(timeout=0)

        self.destroyed.connect(stop_running)
        self.arrived.connect(self._announce, Qt.ConnectionType.QueuedConnection)
        ctx.events.changed.connect(self._changed)
        app = QGuiApplication.instance()
        self.active = True
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._state)
        self.follow()

    def follow(self) -> None:
        """Watch the ledger the context has open now (a new folder, a ledger just opened or created)."""
        ledger = self.ctx.ledger
        if ledger is self._ledger:
            return
        self.stop()
        self._ledger = ledger
        if ledger is not None:
            from core.watch import LedgerWatcher

            self.watcher = LedgerWatcher(ledger.engine, self.arrived.emit, interval=self.interval).start()
            self._running[:] = [self.watcher]

    @property
    def interval(self) -> float:
        return ACTIVE_SECONDS if self.active else BACKGROUND_SECONDS

    def set_active(self, active: bool) -> None:
        self.active = active
        if self.watcher is not None:
            self.watcher.interval = self.interval
            if active:
                self.watcher.poke()  # back in front: look now

    def _state(self, state: Qt.ApplicationState) -> None:
        self.set_active(state == Qt.ApplicationState.ApplicationActive)

    def _changed(self, change: Change) -> None:
        if change.what & (Changes.DATA_FOLDER | Changes.LEDGER):
            self.follow()

    def _announce(self, news: NewEntries) -> None:
        if self.watcher is None or self._ledger is not self.ctx.ledger:
            return  # news of a ledger no longer shown
        what = Changes.LEDGER
        if news.deed_ids is None or news.deed_ids:
            what |= Changes.DEEDS
        if JOURNAL_KINDS & news.kinds:
            what |= Changes.JOURNAL
        self.ctx.events.announce(what, news.deed_ids or ())

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
