"""Deed state: what the ledger's entries add up to.

The rules in `core.kinds` read and change a `LedgerState`.  Verification replays
the whole ledger into an `InMemoryState`; an append works on a `LedgerState`
backed by the database projection (core.store), so one set of rules serves both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from core.compliance.state import Compliance
from core.deed_texts import texts_digest
from core.errors import RuleViolation
from core.identity import LedgerIdentity
from core.merkle import Accumulator
from core.tree import LedgerTree, LevelsReader


@dataclass
class Lien:
    lien_id: int
    holder: str
    amount: int  # minor units (cents)
    currency: str
    kind: str
    opened_index: int
    released_index: int | None = None

    @property
    def is_open(self) -> bool:
        return self.released_index is None


class _NoLiens(dict[int, Lien]):
    """The liens of every deed that has none: one empty dict for them all, where each deed's own was 64 bytes.
    `DeedState.add_lien` gives a deed its own dict; every way of writing into this one raises instead of
    giving a lien to every deed."""

    def _refuse(self, *_args: Any, **_kwargs: Any) -> Any:
        raise TypeError("A deed's first lien is added with DeedState.add_lien.")

    __setitem__ = __delitem__ = __ior__ = update = setdefault = pop = popitem = clear = _refuse


_NO_LIENS = _NoLiens()


@dataclass(slots=True)  # a replay holds every deed: slots take about 50 bytes a deed less than a __dict__
class DeedState:
    deed_id: int
    parcel: str
    address: str
    legal: str
    attributes_json: str  # exactly as signed at registration; parsed only when asked for
    total_shares: int
    holders: dict[str, int]  # EIP-55 address -> shares held (only positive holdings)
    version: int
    registered_index: int
    updated_index: int
    liens: dict[int, Lien] = field(default_factory=lambda: _NO_LIENS)  # read-only until add_lien
    last_price: int | None = None  # minor units of the last recorded sale
    last_currency: str | None = None
    last_sale_at: int | None = None
    last_valuation: int | None = None  # minor units of the last recorded valuation
    last_valuation_index: int | None = None
    # Set by a replay (InMemoryState), which keeps only this digest of address, legal and attributes_json
    # and leaves those three empty: core.deed_texts.
    texts_digest: bytes | None = None
    folded_parcel: str | None = None  # parcel_key(parcel), kept by a replay (the set of parcels holds it anyway)
    _attributes: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)  # parsed once

    @property
    def attributes(self) -> dict[str, Any]:
        parsed = self._attributes
        if parsed is None:
            parsed = self._attributes = json.loads(self.attributes_json)
        return dict(parsed)

    @property
    def owner(self) -> str:
        """The largest holder (lowest address on a tie): the deed's "owner" in lists."""
        if len(self.holders) == 1:  # most deeds: no comparison to make
            return next(iter(self.holders))
        return min(self.holders.items(), key=lambda item: (-item[1], item[0].lower()))[0] if self.holders else ""

    def add_lien(self, lien: Lien) -> None:
        if type(self.liens) is _NoLiens:
            self.liens = {}
        self.liens[lien.lien_id] = lien

    def open_liens(self) -> list[Lien]:
        return [lien for lien in self.liens.values() if lien.is_open]


# The holders of a deed at a record date, flat: (checkpoint index, holder, shares, holder, shares, ...).
# A tuple of 3 is 64 bytes where (index, dict copy) in a list was about 330 (docs/scale.md).
Snapshot = tuple[Any, ...]


def _snapshot(index: int, holders: dict[str, int]) -> Snapshot:
    return (index, *chain.from_iterable(holders.items()))


OnceKey = tuple[str, str, str, str]  # a one-time value: (kind, field, scope, value); see core.kinds.OneTime


@dataclass(frozen=True)
class ApplyContext:
    index: int
    recorded_at: int  # seconds since the epoch, part of the leaf hash


def parcel_key(parcel: str) -> str:
    """Parcels compare without case and runs of spaces ("05-26 A" == "05-26  a")."""
    return " ".join(parcel.split()).casefold()


class LedgerState:
    """The lookups the rules need; subclasses say where deeds come from."""

    def __init__(self, identity: LedgerIdentity | None) -> None:
        self.identity = identity
        self.registrars: set[str] = set()  # lower-case addresses
        self.next_deed_id = 1
        self.next_lien_id = 1
        self.size = 0
        self._deeds: dict[int, DeedState] = {}
        self._parcels: set[str] = set()  # parcel_key of every deed in _deeds (a parcel never changes)
        self.dirty: set[int] = set()
        self.once: dict[OnceKey, int] = {}  # one-time values used (by this replay or this append) -> entry
        self.compliance = Compliance()  # claims, rules, holds, recoveries (core.compliance); DbState's reads storage
        # Holders of each deed as of each checkpoint that followed a change to it: a record date (core.servicing).
        # One snapshot (a tuple, `_snapshot`) for most deeds, a list of them once their holders changed again.
        self._record_dates: dict[int, Snapshot | list[Snapshot]] = {}
        self._changed_since_checkpoint: set[int] = set()

    # deeds ------------------------------------------------------------
    def _load_deed(self, deed_id: int) -> DeedState | None:
        return None

    def find_deed(self, deed_id: int) -> DeedState | None:
        deed = self._deeds.get(deed_id)
        if deed is None:
            deed = self._load_deed(deed_id)
            if deed is not None:
                self._deeds[deed_id] = deed
                self._parcels.add(parcel_key(deed.parcel))
        return deed

    def deed(self, deed_id: int) -> DeedState:
        deed = self.find_deed(deed_id)
        if deed is None:
            raise RuleViolation(f"There is no deed {deed_id} in this ledger.")
        return deed

    def parcel_taken(self, parcel: str) -> bool:
        """Whether a deed this state holds has the parcel (subclasses also ask their storage)."""
        return parcel_key(parcel) in self._parcels

    def add_deed(self, deed: DeedState) -> None:
        self._deeds[deed.deed_id] = deed
        self._parcels.add(parcel_key(deed.parcel))
        self.dirty.add(deed.deed_id)

    def touch(self, deed: DeedState, index: int) -> None:
        deed.updated_index = index
        self.dirty.add(deed.deed_id)

    def deeds(self) -> list[DeedState]:
        return list(self._deeds.values())

    # values an entry may carry only once (transfer ids): core.kinds.apply_entry --------
    def used_before(self, key: OnceKey) -> int | None:
        """The earlier entry that used this one-time value, if any.

        A replay sees every earlier entry, so what it remembered is complete; a
        database-backed state also looks in the stored `once_values` table."""
        return self.once.get(key)

    def remember_use(self, key: OnceKey, index: int) -> None:
        self.once[key] = index

    # entries ----------------------------------------------------------
    def entry_leaf(self, index: int) -> bytes:
        raise NotImplementedError

    def entry_kind_and_deed(self, index: int) -> tuple[str, int | None]:
        raise NotImplementedError

    def root_at(self, size: int) -> bytes:
        raise NotImplementedError

    def record(self, index: int, kind: str, leaf: bytes, deed_id: int | None) -> None:
        """Called after an entry is applied."""
        self.size = index + 1
        if deed_id is not None:
            self._changed_since_checkpoint.add(deed_id)
        elif kind == "Checkpoint":  # a record date: keep the holders of the deeds changed since the last one
            for changed in self._changed_since_checkpoint:
                deed = self.find_deed(changed)
                if deed is not None:
                    self._keep_record_date(deed, index)
            self._changed_since_checkpoint.clear()

    def _keep_record_date(self, deed: DeedState, index: int) -> None:
        snapshot = _snapshot(index, deed.holders)
        # Keyed by the deed's own number object: an int above 256 is 28 bytes, and the deed keeps this one.
        kept = self._record_dates.get(deed.deed_id)
        if kept is None:
            self._record_dates[deed.deed_id] = snapshot
            return
        last = kept if isinstance(kept, tuple) else kept[-1]
        if last[1:] == snapshot[1:]:
            return  # the same holders (in the same order) as at the last record date kept: it answers for both
        if isinstance(kept, tuple):
            self._record_dates[deed.deed_id] = [kept, snapshot]
        else:
            kept.append(snapshot)

    def record_date_holders(self, deed_id: int, checkpoint: int) -> dict[str, int] | None:
        """The holders of the last snapshot this state took of the deed at or before checkpoint entry
        `checkpoint`; None when it took none (the deed did not change before it since this state began)."""
        kept = self._record_dates.get(deed_id)
        if kept is None:
            return None
        found: Snapshot | None = None
        for snapshot in (kept,) if isinstance(kept, tuple) else kept:
            if snapshot[0] > checkpoint:
                break
            found = snapshot
        return None if found is None else dict(zip(found[1::2], found[2::2], strict=True))

    def holders_at_checkpoint(self, deed_id: int, checkpoint: int) -> dict[str, int]:
        """Who held how many shares of a deed just before the checkpoint entry `checkpoint` (a record date),
        from the snapshots this state took at each checkpoint; empty when the deed was not registered yet.
        The caller checks that `checkpoint` is a Checkpoint covering every entry before it."""
        found = self.record_date_holders(deed_id, checkpoint)
        return {} if found is None else found


class _Unkept(set[Any]):
    """A set that keeps nothing: what a replay changed is never written, so it need not be tracked."""

    def add(self, element: Any) -> None:
        pass


class InMemoryState(LedgerState):
    """The state verification builds by replaying every entry.

    A deed keeps a digest of its address, legal description and attributes, not the texts
    (`add_deed`): verify compares them with the deeds table and nothing else reads them.

    The Merkle tree is kept as its complete nodes, level by level (32 bytes each, about
    64 bytes per entry in all), so any past root costs O(log n) and `verify` can compare
    the nodes with the ones the ledger stores."""

    def __init__(self, identity: LedgerIdentity | None) -> None:
        super().__init__(identity)
        # verify writes nothing: which deeds and compliance records changed (~250 bytes a deed) is not kept
        self.dirty = _Unkept()
        self.compliance.dirty = _Unkept()
        self.nodes = LevelsReader()  # level 0: the leaves
        self.kinds: list[str] = []
        self.entry_deeds: list[int | None] = []
        self._tree = Accumulator(self.nodes.add)
        self._past = LedgerTree(self.nodes)  # a node never changes once complete: its answers can be kept

    def entry_leaf(self, index: int) -> bytes:
        if not 0 <= index < self.size:
            raise IndexError(index)
        return self.nodes.node(0, index)

    def entry_kind_and_deed(self, index: int) -> tuple[str, int | None]:
        return self.kinds[index], self.entry_deeds[index]

    def root_at(self, size: int) -> bytes:
        return self._tree.root() if size == self._tree.size else self._past.root(size)

    def add_deed(self, deed: DeedState) -> None:
        # No rule reads these texts after the registration, and verify compares them by digest: keeping
        # only the digest saves about 1 KB a deed (docs/scale.md, "Memory of a full verify").
        deed.texts_digest = texts_digest(deed.address, deed.legal, deed.attributes_json)
        deed.address = deed.legal = deed.attributes_json = ""
        # what LedgerState.add_deed does, the parcel folded once for the set and the deeds table's comparison
        folded = parcel_key(deed.parcel)
        deed.folded_parcel = deed.parcel if folded == deed.parcel else folded  # most parcels fold to themselves
        self._deeds[deed.deed_id] = deed
        self._parcels.add(deed.folded_parcel)
        self.dirty.add(deed.deed_id)

    def record(self, index: int, kind: str, leaf: bytes, deed_id: int | None) -> None:
        super().record(index, kind, leaf, deed_id)
        self.nodes.levels[0] += leaf
        self._tree.append(leaf)
        self.kinds.append(kind)
        self.entry_deeds.append(deed_id)
