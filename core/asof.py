"""The ledger's state as it was at an earlier size, rebuilt from the database for only what is asked.

`verify --since-checkpoint` checks the rules of the entries recorded after a verified
checkpoint against the ledger as it was at that checkpoint, without replaying every
entry before it: counters, registrars, parcels and one-time values come from the stored
tables limited to what was recorded before (`registered_index`, `opened_index`,
`entry_idx` < size), and a deed a new entry touches is rebuilt by replaying that deed's
own earlier entries (their rules passed the full verify; here they only rebuild it).

The compliance records (claims, rule versions, holds, recoveries: core.compliance; the
servicing's proposals and ballots kept beside them) are not rebuilt as they were: their
table keeps only the latest state; nor are the holders at a record date a distribution or a
proposal names.  A ledger holding any entry of those kinds is verified in full:
only the kinds that declare `as_of` in their EntryKind are rebuilt here (`compliance_entry`);
without the others that state is empty, as it is here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, text

from core.entries import Entry
from core.errors import RuleViolation
from core.identity import LedgerIdentity
from core.kinds import get_kind, kinds
from core.state import ApplyContext, DeedState, LedgerState, OnceKey, parcel_key

_HISTORY = text(
    "SELECT idx, kind, message, signatures, recorded_at FROM entries WHERE deed_id = :deed AND idx < :size ORDER BY idx"
)
_ENTRY = text("SELECT kind, deed_id, leaf_hash FROM entries WHERE idx = :idx")
_PARCEL = text("SELECT 1 FROM deeds WHERE parcel_key = :key AND registered_index < :size LIMIT 1")
_ONCE = text(
    "SELECT entry_idx FROM once_values WHERE kind = :kind AND name = :name AND scope = :scope "
    "AND value = :value AND entry_idx < :size"
)


def compliance_kinds() -> list[str]:
    """The entry kinds whose rules read state this module does not rebuild (they do not declare `as_of`)."""
    return sorted(name for name, kind in kinds().items() if not kind.as_of)


def compliance_entry(conn: Connection) -> tuple[int, str] | None:
    """The first entry of a compliance kind, if the ledger has one (the kind column is indexed)."""
    names = compliance_kinds()
    marks = ", ".join(f":k{i}" for i in range(len(names)))
    row = conn.execute(
        text(f"SELECT idx, kind FROM entries WHERE kind IN ({marks}) ORDER BY idx LIMIT 1"),
        {f"k{i}": name for i, name in enumerate(names)},
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


class AsOf(LedgerState):
    """The state before entry `size`, for applying the entries from `size` on, in order."""

    def __init__(self, conn: Connection, identity: LedgerIdentity, size: int, root_at: Callable[[int], bytes]) -> None:
        super().__init__(identity)
        self.conn, self.base, self._root_at = conn, size, root_at
        self.size = size
        if size > 0:
            self.registrars.add(identity.operator.lower())
        for (message,) in conn.execute(
            text("SELECT message FROM entries WHERE kind = 'AddRegistrar' AND idx < :size"), {"size": size}
        ):
            self.registrars.add(str(json.loads(message)["registrar"]).lower())
        self.next_deed_id = 1 + int(
            conn.execute(text("SELECT count(*) FROM deeds WHERE registered_index < :size"), {"size": size}).scalar_one()
        )
        self.next_lien_id = 1 + int(
            conn.execute(text("SELECT count(*) FROM liens WHERE opened_index < :size"), {"size": size}).scalar_one()
        )
        self._new: dict[int, tuple[str, bytes, int | None]] = {}

    def _stored_entry(self, index: int) -> Any:
        row = self.conn.execute(_ENTRY, {"idx": index}).first()
        if row is None:
            raise RuleViolation(f"There is no entry {index}.")
        return row

    def _load_deed(self, deed_id: int) -> DeedState | None:
        """The deed as its entries before `base` made it."""
        history = _History(self)
        for index, kind_name, message_json, signatures_json, recorded_at in self.conn.execute(
            _HISTORY, {"deed": deed_id, "size": self.base}
        ):
            from core.stored_json import stored_signatures as _signatures

            message = json.loads(message_json)
            history.next_deed_id = message.get("deedId", history.next_deed_id)  # counters follow the entries
            history.next_lien_id = message.get("lienId", history.next_lien_id)
            get_kind(kind_name).apply(
                history, Entry(kind_name, message, _signatures(signatures_json)), ApplyContext(index, recorded_at)
            )
        return history.find_deed(deed_id)

    def parcel_taken(self, parcel: str) -> bool:
        if super().parcel_taken(parcel):
            return True
        return self.conn.execute(_PARCEL, {"key": parcel_key(parcel), "size": self.base}).first() is not None

    def used_before(self, key: OnceKey) -> int | None:
        found = super().used_before(key)
        if found is not None:
            return found
        kind, name, scope, value = key
        earlier = self.conn.execute(
            _ONCE, {"kind": kind, "name": name, "scope": scope, "value": value, "size": self.base}
        ).scalar()
        return None if earlier is None else int(earlier)

    def entry_leaf(self, index: int) -> bytes:
        if index in self._new:
            return self._new[index][1]
        return bytes.fromhex(str(self._stored_entry(index).leaf_hash)[2:])

    def entry_kind_and_deed(self, index: int) -> tuple[str, int | None]:
        if index in self._new:
            return self._new[index][0], self._new[index][2]
        row = self._stored_entry(index)
        return str(row.kind), row.deed_id

    def root_at(self, size: int) -> bytes:
        return self._root_at(size)

    def record(self, index: int, kind: str, leaf: bytes, deed_id: int | None) -> None:
        super().record(index, kind, leaf, deed_id)
        self._new[index] = (kind, leaf, deed_id)


class _History(LedgerState):
    """One deed's earlier entries replayed to rebuild it: lookups answer as the ledger did before `base`."""

    def __init__(self, parent: AsOf) -> None:
        super().__init__(parent.identity)
        self.parent = parent
        self.registrars = set(parent.registrars)

    def parcel_taken(self, parcel: str) -> bool:
        return False  # the deed's own registration: its parcel was checked by the full verify

    def entry_leaf(self, index: int) -> bytes:
        return self.parent.entry_leaf(index)

    def entry_kind_and_deed(self, index: int) -> tuple[str, int | None]:
        return self.parent.entry_kind_and_deed(index)

    def root_at(self, size: int) -> bytes:
        return self.parent.root_at(size)
