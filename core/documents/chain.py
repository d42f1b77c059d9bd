"""A deed's chain of title, replayed from its signed entries alone.

The ledger's rules decide what entries may be recorded; here the entries are
already known to be genuine (their proofs checked), so replaying them only adds
up holdings and liens, the way the ledger's projection does, to say who holds
the deed and what encumbers it as of the last entry.  Nothing comes from a
database, so a document can be redrawn from its embedded record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.documents.evidence import EmbeddedEntry, RecordInvalid


@dataclass
class LienInfo:
    lien_id: int
    holder: str
    amount: int
    currency: str
    kind: str
    opened: EmbeddedEntry
    closed: EmbeddedEntry | None = None
    closed_by: str = ""  # "release" or "payoff"


@dataclass
class TitleState:
    deed_id: int
    parcel: str
    address: str
    legal: str
    total_shares: int
    attributes: str
    registration: EmbeddedEntry
    holders: dict[str, int] = field(default_factory=dict)  # address as signed -> shares
    liens: dict[int, LienInfo] = field(default_factory=dict)
    last_sale: EmbeddedEntry | None = None
    since: dict[str, EmbeddedEntry] = field(default_factory=dict)  # holder -> the entry it last acquired shares by
    attestations: dict[int, list[EmbeddedEntry]] = field(default_factory=dict)  # attested index -> attestations

    def open_liens(self) -> list[LienInfo]:
        return [lien for lien in self.liens.values() if lien.closed is None]


def _key(holders: dict[str, int], address: str) -> str | None:
    for held in holders:
        if held.lower() == address.lower():
            return held
    return None


def replay(entries: list[EmbeddedEntry], deed_id: int) -> TitleState:
    """The deed's state after `entries` (its history, oldest first, starting with its registration)."""
    state: TitleState | None = None
    for e in entries:
        m = e.message
        if e.kind == "RegisterDeed":
            if m.get("deedId") != deed_id:
                continue
            state = TitleState(
                deed_id,
                m["parcel"],
                m["propertyAddress"],
                m["legalDescription"],
                m["totalShares"],
                m["attributes"],
                e,
                {m["owner"]: m["totalShares"]},
            )
            state.since[m["owner"]] = e
            continue
        if state is None or m.get("deedId", deed_id) != deed_id:
            continue
        if e.kind == "Transfer":
            seller = _key(state.holders, m["from"])
            if seller is None or state.holders[seller] < m["shares"]:
                raise RecordInvalid(f"Entry {e.index} moves shares its seller does not hold in the embedded chain.")
            state.holders[seller] -= m["shares"]
            if state.holders[seller] == 0:
                del state.holders[seller]
            buyer = _key(state.holders, m["to"]) or m["to"]
            state.holders[buyer] = state.holders.get(buyer, 0) + m["shares"]
            state.since[buyer] = e
            for lien in state.open_liens():  # a transfer records only when every open lien is paid off or released
                lien.closed, lien.closed_by = e, "payoff"
            state.last_sale = e
        elif e.kind == "RecoveryTransfer":  # a key recovery or court order: every share of `from` moves, no sale
            lost = _key(state.holders, m["from"])
            if lost is None or state.holders[lost] != m["shares"]:
                raise RecordInvalid(f"Entry {e.index} moves shares its holder does not hold in the embedded chain.")
            del state.holders[lost]
            new = _key(state.holders, m["to"]) or m["to"]
            state.holders[new] = state.holders.get(new, 0) + m["shares"]
            state.since[new] = e
        elif e.kind == "Lien":
            state.liens[m["lienId"]] = LienInfo(m["lienId"], m["holder"], m["amount"], m["currency"], m["lienKind"], e)
        elif e.kind == "LienRelease":
            released = state.liens.get(m["lienId"])
            if released is not None and released.closed is None:
                released.closed, released.closed_by = e, "release"
        elif e.kind == "Attestation":
            state.attestations.setdefault(m["entryIndex"], []).append(e)
    if state is None:
        raise RecordInvalid(f"The embedded record does not carry the registration of deed {deed_id}.")
    return state


def deed_of(entry: EmbeddedEntry) -> int | None:
    value: Any = entry.message.get("deedId")
    return int(value) if isinstance(value, int) and value > 0 else None
