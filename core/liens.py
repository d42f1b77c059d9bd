"""Liens: a lienholder records a lien on a deed and later releases it.

The service behind `deedbook lien add|release` and the GUI.  A lienholder whose
key lives elsewhere (a bank's own wallet) can be sent a signing request instead:
`lien_request(...)`, then `core.transactions.submit` with the response.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from core.entries import Entry
from core.errors import DeedbookError
from core.keys import UnlockedKey
from core.ledger import Ledger
from core.money import check_currency, parse_amount
from core.requests import SigningRequest, make_request
from core.signing import checksum_address, parse_address
from core.state import DeedState, LedgerState, Lien
from core.store import LienRow


@dataclass(frozen=True)
class LienRecord:
    index: int  # the ledger entry
    deed_id: int
    lien: Lien

    def as_json(self) -> dict[str, Any]:
        lien = self.lien
        return {
            "index": self.index,
            "deed_id": self.deed_id,
            "lien_id": lien.lien_id,
            "holder": lien.holder,
            "amount": lien.amount,
            "currency": lien.currency,
            "kind": lien.kind,
            "open": lien.is_open,
            "opened_index": lien.opened_index,
            "released_index": lien.released_index,
        }


def next_lien_id(ledger: Ledger) -> int:
    with ledger.reader() as conn:
        return int(conn.execute(select(func.coalesce(func.max(LienRow.lien_id), 0))).scalar_one()) + 1


def lien_terms(amount: int | str, lien_kind: str, currency: str = "USD") -> tuple[int, str, str]:
    """(amount in minor units, kind, currency) as a lien records them; `amount` in minor units or decimal text."""
    currency = check_currency(currency)
    minor = parse_amount(amount, currency) if isinstance(amount, str) else amount
    if isinstance(minor, bool) or not isinstance(minor, int) or minor < 1:
        raise DeedbookError("A lien secures a positive amount.")
    lien_kind = " ".join(lien_kind.split())
    if not lien_kind:
        raise DeedbookError("Say what kind of lien this is (e.g. mortgage, tax, judgment).")
    return minor, lien_kind, currency


def lien_on(deed: DeedState, lien_id: int, holder: str, terms: tuple[int, str, str]) -> dict[str, Any]:
    """A Lien message: lien `lien_id` on `deed` as it is (its version), held by `holder`."""
    minor, lien_kind, currency = terms
    return {
        "deedId": deed.deed_id,
        "parcel": deed.parcel,
        "lienId": lien_id,
        "holder": checksum_address(parse_address(holder)),
        "amount": minor,
        "currency": currency,
        "lienKind": lien_kind,
        "deedVersion": deed.version,
    }


def release_of(deed: DeedState, lien_id: int, holder: str) -> dict[str, Any]:
    """A LienRelease message for an open lien of `deed` as it is; refused unless `holder` holds it."""
    lien = deed.liens.get(lien_id)
    if lien is None:
        known = ", ".join(str(i) for i in sorted(deed.liens)) or "none"
        raise DeedbookError(f"Deed {deed.deed_id} has no lien {lien_id} (its liens: {known}).")
    if not lien.is_open:
        raise DeedbookError(
            f"Lien {lien_id} on deed {deed.deed_id} was released already (entry {lien.released_index})."
        )
    if lien.holder.lower() != holder.lower():
        raise DeedbookError(f"Only the lienholder {lien.holder} can release lien {lien_id}.")
    return {
        "deedId": deed.deed_id,
        "parcel": deed.parcel,
        "lienId": lien_id,
        "holder": lien.holder,
        "deedVersion": deed.version,
    }


def lien_message(
    ledger: Ledger, deed: str | int, holder: str, amount: int | str, lien_kind: str, currency: str = "USD"
) -> dict[str, Any]:
    """A Lien message on the deed as it is now (for a signing request); `amount` in minor units or decimal text."""
    state = ledger.deed(deed)
    return lien_on(state, next_lien_id(ledger), holder, lien_terms(amount, lien_kind, currency))


def release_message(ledger: Ledger, deed: str | int, lien_id: int, holder: str) -> dict[str, Any]:
    return release_of(ledger.deed(deed), lien_id, holder)


def add_lien(
    ledger: Ledger, deed: str | int, holder_key: UnlockedKey, amount: int | str, lien_kind: str, currency: str = "USD"
) -> LienRecord:
    """Record a lien held (and signed) by `holder_key`; returns the entry index and the new lien.

    The lien number and the deed's version are those at the moment of recording
    (read inside the write lock), so liens added at once by several writers all
    get recorded, in some order."""
    deed_id = ledger.resolve_deed(deed)
    terms = lien_terms(amount, lien_kind, currency)

    def build(state: LedgerState) -> list[Entry]:
        message = lien_on(state.deed(deed_id), state.next_lien_id, holder_key.address, terms)
        return [ledger.sign("Lien", message, holder_key, "lienholder")]

    [index] = ledger.append_built(build)
    lien_id = int(ledger.entry(index).message["lienId"])
    return LienRecord(index, deed_id, ledger.deed(deed_id).liens[lien_id])


def release_lien(ledger: Ledger, deed: str | int, lien_id: int, holder_key: UnlockedKey) -> LienRecord:
    """Release an open lien; only its holder's key can.  Bound to the deed's version when it is recorded."""
    deed_id = ledger.resolve_deed(deed)

    def build(state: LedgerState) -> list[Entry]:
        message = release_of(state.deed(deed_id), lien_id, holder_key.address)
        return [ledger.sign("LienRelease", message, holder_key, "lienholder")]

    [index] = ledger.append_built(build)
    return LienRecord(index, deed_id, ledger.deed(deed_id).liens[lien_id])


def lien_request(
    ledger: Ledger, deed: str | int, holder: str, amount: int | str, lien_kind: str, currency: str = "USD"
) -> SigningRequest:
    """A signing request for a lienholder who signs elsewhere (a wallet); submit the response."""
    return make_request(
        ledger.identity, "Lien", lien_message(ledger, deed, holder, amount, lien_kind, currency), "Lien", holder
    )


def release_request(ledger: Ledger, deed: str | int, lien_id: int, holder: str) -> SigningRequest:
    return make_request(
        ledger.identity, "LienRelease", release_message(ledger, deed, lien_id, holder), "LienRelease", holder
    )
