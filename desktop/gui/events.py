"""What changed after an operation, broadcast so each pane refreshes only what concerns it.

Like Anki's `operation_did_execute`: an operation declares what it may change
(`Changes` flags, optionally the deeds concerned); the window-wide `Events`
object re-emits it as one Qt signal.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal


class Changes(enum.Flag):
    NONE = 0
    DEEDS = enum.auto()  # deed projections (registrations, transfers, liens, valuations recorded)
    LEDGER = enum.auto()  # new entries of any kind
    KEYS = enum.auto()
    CONTACTS = enum.auto()
    VALUATIONS = enum.auto()  # the valuation model (retrained, new estimates)
    DOCUMENTS = enum.auto()  # a PDF was written
    JOURNAL = enum.auto()  # the notary journal
    SETTINGS = enum.auto()
    DATA_FOLDER = enum.auto()  # another ledger was opened: everything is new
    ALL = DEEDS | LEDGER | KEYS | CONTACTS | VALUATIONS | DOCUMENTS | JOURNAL | SETTINGS | DATA_FOLDER


@dataclass(frozen=True)
class Change:
    what: Changes
    deed_ids: frozenset[int] = field(default_factory=frozenset)

    def concerns(self, what: Changes) -> bool:
        return bool(self.what & (what | Changes.DATA_FOLDER))


class Events(QObject):
    """The application's bus: one instance per main window context."""

    changed = Signal(object)  # Change
    show_deed = Signal(int)  # any pane may ask the deeds pane to show a deed
    show_document = Signal(str)  # a PDF path to preview
    show_entry = Signal(int)  # a ledger entry index to reveal in the explorer

    def announce(self, what: Changes, deed_ids: "frozenset[int] | set[int] | tuple[int, ...]" = ()) -> None:
        if what != Changes.NONE:
            self.changed.emit(Change(what, frozenset(deed_ids)))
