"""What an operation changed, said by the operation itself (after Anki's OpChanges).

Front ends never declare by hand what an action may have changed: the workspace
returns a `Receipt` with every write, the GUI maps it to refreshes in one place
(`desktop.gui.events.changes_of`), and the command line prints from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Receipt:
    entries: tuple[int, ...] = ()  # ledger entries appended, in order
    kinds: tuple[str, ...] = ()  # their kinds, in the same order
    deed_ids: frozenset[int] = field(default_factory=frozenset)  # deeds those entries are about
    files: tuple[Path, ...] = ()  # files written (documents, requests, responses, proofs, exports)
    keys: bool = False  # a key was created or imported
    contacts: bool = False  # the address book changed
    model: bool = False  # a valuation model was trained and stored
    settings: bool = False  # the preferences file was written
    folder: bool = False  # a ledger was created or another data folder opened

    def __or__(self, other: "Receipt") -> "Receipt":
        """Both receipts' changes (a checkpoint signed on the way to a document, say)."""
        return Receipt(
            self.entries + other.entries,
            self.kinds + other.kinds,
            self.deed_ids | other.deed_ids,
            self.files + other.files,
            self.keys or other.keys,
            self.contacts or other.contacts,
            self.model or other.model,
            self.settings or other.settings,
            self.folder or other.folder,
        )

    @property
    def empty(self) -> bool:
        return self == Receipt()

    def of_kind(self, kind: str) -> tuple[int, ...]:
        """The indexes of the entries of `kind` this operation appended."""
        return tuple(index for index, k in zip(self.entries, self.kinds, strict=True) if k == kind)


@dataclass(frozen=True)
class Done(Generic[T]):
    """An operation's result and its receipt."""

    value: T
    receipt: Receipt
