"""Seeing what other programs record in a shared ledger: new entries, by notification or by polling.

Several desktops of one agency append to one PostgreSQL ledger; each must show what the
others record.  Every append on PostgreSQL sends a NOTIFY on `CHANNEL` inside its own
transaction (PostgreSQL delivers it at commit, and only then), so a `LedgerWatcher`
listening on its own connection hears of a commit within milliseconds.  SQLite has no
notifications: the watcher asks for the ledger's size (`max(idx)`, one index lookup) every
`interval` seconds instead, which the GUI lowers while its window is in the background.

The watcher is a plain thread that calls `on_new(NewEntries)` from that thread: a front
end turns it into its own refresh (desktop/gui/live.py).  No Qt here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, text

CHANNEL = "deedbook_entries"
LISTED = 2000  # entries whose deeds are listed one by one; past that, "everything may have changed"
SAFETY_POLL = 30.0  # on PostgreSQL, seconds between checks when no notification came (a lost connection)
log = logging.getLogger("deedbook.watch")


@dataclass(frozen=True)
class NewEntries:
    first: int  # the first entry not seen before
    size: int  # entries in the ledger now
    kinds: frozenset[str]
    deed_ids: frozenset[int] | None  # the deeds they concern; None when too many entries to list
    indexes: frozenset[int] | None  # which entries (None when too many)


def notify(conn: Connection, size: int) -> None:
    """Inside an append's transaction on PostgreSQL: tell listeners, at commit, that the ledger grew."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:channel, :size)"), {"channel": CHANNEL, "size": str(size)})


def ledger_size(conn: Connection) -> int:
    found = conn.execute(text("SELECT max(idx) FROM entries")).scalar()
    return 0 if found is None else int(found) + 1


def new_entries(engine: Engine, seen: int) -> NewEntries | None:
    """What was recorded from entry `seen` on, or None when nothing was."""
    with engine.connect() as conn:
        size = ledger_size(conn)
        if size <= seen:
            return None
        rows = list(
            conn.execute(
                text("SELECT idx, kind, deed_id FROM entries WHERE idx >= :seen AND idx < :stop"),
                {"seen": seen, "stop": min(size, seen + LISTED)},  # as of `size`: PostgreSQL reads each statement anew
            )
        )
    kinds = frozenset(str(kind) for _, kind, _ in rows)
    if size - seen > LISTED:
        return NewEntries(seen, size, kinds, None, None)
    return NewEntries(
        seen, size, kinds, frozenset(int(d) for _, _, d in rows if d is not None), frozenset(int(i) for i, _, _ in rows)
    )


class LedgerWatcher:
    """A thread that calls `on_new` whenever another program (or this one) records entries."""

    def __init__(self, engine: Engine, on_new: Callable[[NewEntries], Any], *, interval: float = 1.0) -> None:
        self.engine = engine
        self.on_new = on_new
        self.interval = interval  # SQLite: seconds between polls (change it at any time)
        self.seen: int | None = None  # entries already reported (or there at the start)
        self.listening = False  # PostgreSQL: a LISTEN connection is open
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="deedbook-ledger-watcher", daemon=True)

    def start(self) -> LedgerWatcher:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def poke(self) -> None:
        """Check now (the interval was changed, the window came to the front)."""
        self._wake.set()

    # -- the thread -------------------------------------------------------------------------------
    def _check(self) -> None:
        try:
            if self.seen is None:
                with self.engine.connect() as conn:
                    self.seen = ledger_size(conn)
                return
            found = new_entries(self.engine, self.seen)
        except Exception as error:  # noqa: BLE001 - a busy or lost database: try again at the next tick
            log.debug("watching the ledger: %s", error)
            return
        if found is not None:
            self.seen = found.size
            try:
                self.on_new(found)
            except Exception:
                log.exception("a listener of new entries failed")

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.engine.dialect.name == "postgresql":
                try:
                    self._listen()
                except Exception as error:  # noqa: BLE001 - the server went away: poll until it is back
                    log.debug("listening for new entries: %s", error)
                    self.listening = False
            if self._stop.is_set():
                break
            self._check()
            self._wake.wait(self.interval)
            self._wake.clear()

    def _listen(self) -> None:
        raw = self.engine.raw_connection()
        try:
            pg = raw.driver_connection
            raw.rollback()
            pg.autocommit = True  # type: ignore[union-attr]
            pg.execute(f"LISTEN {CHANNEL}")  # type: ignore[union-attr]
            self.listening = True
            self._check()  # what was recorded before we listened
            last = time.monotonic()
            while not self._stop.is_set():
                heard = False
                for _ in pg.notifies(timeout=0.5, stop_after=1):  # type: ignore[union-attr]
                    heard = True
                if heard or time.monotonic() - last > SAFETY_POLL or self._wake.is_set():
                    self._wake.clear()
                    self._check()
                    last = time.monotonic()
        finally:
            self.listening = False
            raw.invalidate()  # never back to the pool still listening
