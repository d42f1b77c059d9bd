"""What the compliance entries add up to: claim issuers, claims, rule versions, holds, recoveries,
and when each holder acquired its shares (for lock-ups).

`Compliance` keeps every record under (kind, key) and says which changed; verify's
replay keeps them all in memory, an append a database-backed subclass
(core.compliance.store) that fetches what a rule asks for.  Records are plain data
that turn into one canonical JSON spelling, so the stored projection and a replay
compare row for row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from operator import attrgetter
from typing import Any

from core.entries import canonical_json_acyclic


@dataclass
class Issuer:
    """A claim issuer the operator trusts, for these claim types."""

    address: str
    types: tuple[str, ...]
    index: int  # the entry that (last) registered it


@dataclass
class Claim:
    claim_id: int
    subject: str
    claim_type: str
    value: str
    issuer: str
    expires: int  # Unix seconds; 0: never
    evidence_hash: str
    issued_index: int
    revoked_index: int | None = None

    def valid_at(self, moment: int) -> bool:
        return self.revoked_index is None and (self.expires == 0 or moment <= self.expires)


@dataclass
class RulesVersion:
    version: int
    text: str  # the canonical rules JSON, as signed
    index: int
    recorded_at: int


@dataclass
class Hold:
    hold_id: str
    deed_id: int  # 0: every deed of `holder`
    holder: str  # the zero address: every holder of `deed_id`
    reason: str
    order: str
    registrar: str
    approver: str
    index: int
    released_index: int | None = None

    @property
    def active(self) -> bool:
        return self.released_index is None


@dataclass
class Approval:
    step: int
    role: str
    approver: str
    index: int
    recorded_at: int


@dataclass
class Recovery:
    recovery_id: str
    lost: str
    new: str
    deed_id: int  # 0: every deed `lost` holds shares of
    order: str  # a court order's reference: a forced transfer; "" for a lost key
    reason: str
    rules_version: int  # the policy the approvals follow: the version in force when it started
    started_index: int
    started_at: int
    approvals: list[Approval] = field(default_factory=list)
    objected_index: int | None = None
    moved: dict[str, int] = field(default_factory=dict)  # deed id (text) -> the entry that moved its shares

    @property
    def forced(self) -> bool:
        return bool(self.order)

    @property
    def open(self) -> bool:
        """Started, not cancelled by an objection, and nothing moved yet: the lost address's shares are held."""
        return self.objected_index is None and not self.moved

    def approved_at(self) -> int | None:
        return self.approvals[-1].recorded_at if self.approvals else None


@dataclass(slots=True)  # one per holder of every deed, all in a replay: 48 bytes a record less than a __dict__
class Acquisition:
    """When a holder last acquired shares of a deed, and how ("registration", "purchase")."""

    at: int
    how: str


RECORDS: dict[str, type[Any]] = {
    "issuer": Issuer,
    "claim": Claim,
    "rules": RulesVersion,
    "hold": Hold,
    "recovery": Recovery,
    "acquired": Acquisition,
    "counter": dict,
}
RowKey = tuple[str, str]


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type[Any], tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}


def record_data(record: Any) -> Any:
    if isinstance(record, dict):
        return dict(record)
    # asdict copies recursively, field by field, in Python; a record of plain values (an acquisition:
    # one per holder of every deed, all spelled by `verify`) needs only its values read.
    found = _FIELDS.get(type(record))
    if found is None:
        names = tuple(f.name for f in fields(record))
        getter = attrgetter(*names)  # a tuple of the values, read in C (one name: the value alone)
        found = _FIELDS[type(record)] = names, getter if len(names) > 1 else lambda r: (getter(r),)
    names, values_of = found
    values = values_of(record)
    if _SCALARS.issuperset(map(type, values)):
        return dict(zip(names, values, strict=True))
    return asdict(record)


def record_from(kind: str, data: Any) -> Any:
    cls = RECORDS[kind]
    if cls is dict:
        return dict(data)
    if cls is Recovery:
        data = dict(data, approvals=[Approval(**a) for a in data["approvals"]])
    if cls is Issuer:
        data = dict(data, types=tuple(data["types"]))
    return cls(**data)


def claim_key(subject: str, claim_id: int) -> str:
    return f"{subject.lower()}:{claim_id:012d}"


def acquired_key(deed_id: int, holder: str) -> str:
    return f"{deed_id}:{holder.lower()}"


def _index(groups: dict[str, set[str]], key: str) -> None:
    group, colon, _ = key.partition(":")
    if colon:
        groups.setdefault(group + ":", set()).add(key)


class Compliance:
    """Every compliance record in memory, under (kind, key).  A subclass fetches from storage what
    is not here yet (`_fetch_one`, `_fetch_prefix`); this one has everything.

    A key may start with a group ("0xabc…:000000000012": a subject's claims): `with_prefix(kind,
    group + ":")` finds a group's records without looking at the others.  The index of keys by group is
    built for a kind the first time a group of it is asked for, then kept up to date: a replay never asks
    for the groups of acquisition records (one per holder of every deed), so it keeps no index of them
    (about 350 bytes a deed; docs/scale.md, "Memory of a full verify")."""

    def __init__(self) -> None:
        # Every kind in RECORDS, and those a kind module adds later (core.kinds.vote's proposals).
        self._items: dict[str, dict[str, Any]] = defaultdict(dict, {kind: {} for kind in RECORDS})
        self._groups: dict[str, dict[str, set[str]]] = {}  # kind -> "group:" -> keys, for the kinds asked by group
        self._missing: set[RowKey] = set()  # asked for and not found (the store need not be asked again)
        self._complete: set[tuple[str, str]] = set()  # (kind, prefix) fully fetched; prefix "" is the whole kind
        self.dirty: set[RowKey] = set()

    # -- storage hooks (the database-backed subclass) ----------------------------------------------------
    def _fetch_one(self, kind: str, key: str) -> Any | None:
        return None

    def _fetch_prefix(self, kind: str, prefix: str) -> dict[str, Any]:
        return {}

    def _fetched_all(self) -> bool:
        return True

    # -- generic access ------------------------------------------------------------------------------------
    def _keep(self, kind: str, key: str, record: Any) -> None:
        self._items[kind][key] = record
        groups = self._groups.get(kind)
        if groups is not None:
            _index(groups, key)

    def get(self, kind: str, key: str) -> Any | None:
        items = self._items[kind]
        if key in items:
            return items[key]
        row = (kind, key)
        if self._fetched_all() or row in self._missing or (kind, "") in self._complete:
            return None
        found = self._fetch_one(kind, key)
        if found is None:
            self._missing.add(row)
        else:
            self._keep(kind, key, found)
        return found

    def with_prefix(self, kind: str, prefix: str = "") -> list[Any]:
        """Every record of `kind` whose key starts with `prefix` ("" or a group "xyz:"), in key order."""
        if not self._fetched_all() and (kind, prefix) not in self._complete and (kind, "") not in self._complete:
            for key, record in self._fetch_prefix(kind, prefix).items():
                if key not in self._items[kind]:
                    self._keep(kind, key, record)
            self._complete.add((kind, prefix))
        items = self._items[kind]
        return [items[key] for key in sorted(items.keys() if not prefix else self._group(kind).get(prefix, ()))]

    def _group(self, kind: str) -> dict[str, set[str]]:
        """The keys of `kind` by group, indexed now if no group of `kind` was asked for before."""
        groups = self._groups.get(kind)
        if groups is None:
            groups = self._groups[kind] = {}
            for key in self._items[kind]:
                _index(groups, key)
        return groups

    def put(self, kind: str, key: str, record: Any) -> None:
        """Keep `record` (new, or changed in place) and mark it for writing."""
        self._keep(kind, key, record)
        self._missing.discard((kind, key))
        self.dirty.add((kind, key))

    def keys_by_kind(self) -> list[tuple[str, list[str]]]:
        """Each kind that has records, with their keys sorted: what verify pages through (core.compliance.store)."""
        return [(kind, sorted(items)) for kind, items in sorted(self._items.items()) if items]

    def rows(self, keys: Iterable[RowKey] | None = None) -> list[tuple[str, str, str]]:
        """(kind, key, canonical JSON) of the records named (default: all), sorted: what the table holds."""
        chosen = (
            sorted((kind, key) for kind, items in self._items.items() for key in items)
            if keys is None
            else sorted(keys)
        )
        return [(kind, key, canonical_json_acyclic(record_data(self._items[kind][key]))) for kind, key in chosen]

    # -- what the rules ask for --------------------------------------------------------------------------
    def issuer(self, address: str) -> Issuer | None:
        found: Issuer | None = self.get("issuer", address.lower())
        return found

    def claims_of(self, subject: str) -> list[Claim]:
        return self.with_prefix("claim", subject.lower() + ":")

    def claim(self, subject: str, claim_id: int) -> Claim | None:
        found: Claim | None = self.get("claim", claim_key(subject, claim_id))
        return found

    def counter(self, name: str) -> int:
        found = self.get("counter", name)
        return int(found["next"]) if found else 1

    def bump(self, name: str) -> None:
        self.put("counter", name, {"next": self.counter(name) + 1})

    def rules(self) -> RulesVersion | None:
        """The rules in force: the newest version."""
        versions = self.counter("rules") - 1
        if versions == 0:
            return None
        found: RulesVersion | None = self.get("rules", f"{versions:08d}")
        return found

    def rules_version(self, version: int) -> RulesVersion | None:
        found: RulesVersion | None = self.get("rules", f"{version:08d}")
        return found

    def holds(self) -> list[Hold]:
        return self.with_prefix("hold")

    def hold(self, hold_id: str) -> Hold | None:
        found: Hold | None = self.get("hold", hold_id)
        return found

    def recoveries(self) -> list[Recovery]:
        return self.with_prefix("recovery")

    def recovery(self, recovery_id: str) -> Recovery | None:
        found: Recovery | None = self.get("recovery", recovery_id)
        return found

    def acquired(self, deed_id: int, holder: str) -> Acquisition | None:
        found: Acquisition | None = self.get("acquired", acquired_key(deed_id, holder))
        return found

    def set_acquired(self, deed_id: int, holder: str, at: int, how: str) -> None:
        self.put("acquired", acquired_key(deed_id, holder), Acquisition(at, how))
