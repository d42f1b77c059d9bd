"""What changed after an operation, broadcast so each pane refreshes only what concerns it.

Like Anki's `operation_did_execute`: the workspace returns a `Receipt` of what an
operation changed, `changes_of` turns it into `Changes` flags (and the deeds
concerned) in this one place, and the window-wide `Events` object re-emits it as
one Qt signal.  Nothing else declares changes by hand.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from desktop.workspace.receipt import Receipt


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
    NAMES = enum.auto()  # the names this machine knows addresses by were (re)read: relabel, nothing to re-query
    ALL = DEEDS | LEDGER | KEYS | CONTACTS | VALUATIONS | DOCUMENTS | JOURNAL | SETTINGS | DATA_FOLDER | NAMES


# Kinds of entry that a notary's journal lists.
JOURNAL_KINDS = frozenset({"Attestation"})


def changes_of(receipt: Receipt) -> "Change":
    """What the panes must refresh after an operation with this receipt: the one mapping."""
    what = Changes.NONE
    if receipt.entries:
        what |= Changes.LEDGER
    if receipt.deed_ids:
        what |= Changes.DEEDS  # a deed's state, or its chain of title (notarisations, valuations)
    if JOURNAL_KINDS & set(receipt.kinds):
        what |= Changes.JOURNAL
    if receipt.keys:
        what |= Changes.KEYS
    if receipt.contacts:
        what |= Changes.CONTACTS
    if receipt.model:
        what |= Changes.VALUATIONS
    if any(path.suffix.lower() == ".pdf" for path in receipt.files):
        what |= Changes.DOCUMENTS
    if receipt.settings:
        what |= Changes.SETTINGS
    if receipt.folder:
        what |= Changes.DATA_FOLDER
    return Change(what, receipt.deed_ids)


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
    upgrading = Signal(str)  # an older ledger is being upgraded while it opens (emitted from a worker)
    stopped = Signal(str)  # a task stopped by its Cancel says how far it got, in the status bar (no dialog)

    def announce(self, what: Changes, deed_ids: "frozenset[int] | set[int] | tuple[int, ...]" = ()) -> None:
        if what != Changes.NONE:
            self.changed.emit(Change(what, frozenset(deed_ids)))

    def announce_receipt(self, receipt: Receipt) -> None:
        change = changes_of(receipt)
        self.announce(change.what, change.deed_ids)
