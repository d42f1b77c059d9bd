"""Liens: a lienholder records a lien on a deed and later releases it.

The service behind `deedbook lien add|release` and the GUI.  A lienholder whose
key lives elsewhere (a bank's own wallet) can be sent a signing request instead:
`lien_request(...)`, then `core.transactions.submit` with the response.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from core.errors import DeedbookError
from core.keys import UnlockedKey
from core.ledger import Ledger
from core.money import check_currency, parse_amount
from core.requests import SigningRequest, make_request
from core.signing import checksum_address, parse_address
from core.state import Lien
from core.store import LienRow


@dataclass(frozen=True)
class LienRecord:
    index: int  # the ledger entry
    deed_id: int
    lien: Lien

    def as_json(self) -> dict[str, Any]:
        lien = self.lien
        return {"index": self.index, "deed_id": self.deed_id, "lien_id": lien.lien_id, "holder": lien.holder,
                "amount": lien.amount, "currency": lien.currency, "kind": lien.kind, "open": lien.is_open,
                "opened_index": lien.opened_index, "released_index": lien.released_index}


def next_lien_id(ledger: Ledger) -> int:
    with ledger.engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(LienRow.lien_id), 0))).scalar_one()) + 1


def lien_message(ledger: Ledger, deed: str | int, holder: str, amount: int | str, lien_kind: str,
                 currency: str = "USD") -> dict[str, Any]:
    """A Lien message on the deed as it is now; `amount` in minor units or decimal text."""
    state = ledger.deed(deed)
    currency = check_currency(currency)
    minor = parse_amount(amount, currency) if isinstance(amount, str) else amount
    if isinstance(minor, bool) or not isinstance(minor, int) or minor < 1:
        raise DeedbookError("A lien secures a positive amount.")
    lien_kind = " ".join(lien_kind.split())
    if not lien_kind:
        raise DeedbookError("Say what kind of lien this is (e.g. mortgage, tax, judgment).")
    return {"deedId": state.deed_id, "parcel": state.parcel, "lienId": next_lien_id(ledger),
            "holder": checksum_address(parse_address(holder)), "amount": minor, "currency": currency,
            "lienKind": lien_kind, "deedVersion": state.version}


def release_message(ledger: Ledger, deed: str | int, lien_id: int, holder: str) -> dict[str, Any]:
    state = ledger.deed(deed)
    lien = state.liens.get(lien_id)
    if lien is None:
        known = ", ".join(str(i) for i in sorted(state.liens)) or "none"
        raise DeedbookError(f"Deed {state.deed_id} has no lien {lien_id} (its liens: {known}).")
    if not lien.is_open:
        raise DeedbookError(f"Lien {lien_id} on deed {state.deed_id} was released already (entry {lien.released_index}).")
    if lien.holder.lower() != holder.lower():
        raise DeedbookError(f"Only the lienholder {lien.holder} can release lien {lien_id}.")
    return {"deedId": state.deed_id, "parcel": state.parcel, "lienId": lien_id, "holder": lien.holder,
            "deedVersion": state.version}


def add_lien(ledger: Ledger, deed: str | int, holder_key: UnlockedKey, amount: int | str, lien_kind: str,
             currency: str = "USD") -> LienRecord:
    """Record a lien held (and signed) by `holder_key`; returns the entry index and the new lien."""
    message = lien_message(ledger, deed, holder_key.address, amount, lien_kind, currency)
    index = ledger.append([ledger.sign("Lien", message, holder_key, "lienholder")])[0]
    return LienRecord(index, message["deedId"], ledger.deed(message["deedId"]).liens[message["lienId"]])


def release_lien(ledger: Ledger, deed: str | int, lien_id: int, holder_key: UnlockedKey) -> LienRecord:
    """Release an open lien; only its holder's key can."""
    message = release_message(ledger, deed, lien_id, holder_key.address)
    index = ledger.append([ledger.sign("LienRelease", message, holder_key, "lienholder")])[0]
    return LienRecord(index, message["deedId"], ledger.deed(message["deedId"]).liens[lien_id])


def lien_request(ledger: Ledger, deed: str | int, holder: str, amount: int | str, lien_kind: str,
                 currency: str = "USD") -> SigningRequest:
    """A signing request for a lienholder who signs elsewhere (a wallet); submit the response."""
    return make_request(ledger.identity, "Lien", lien_message(ledger, deed, holder, amount, lien_kind, currency),
                        "Lien", holder)


def release_request(ledger: Ledger, deed: str | int, lien_id: int, holder: str) -> SigningRequest:
    return make_request(ledger.identity, "LienRelease", release_message(ledger, deed, lien_id, holder),
                        "LienRelease", holder)
