"""Registering deeds: the service behind `deed register` and the GUI's register form."""
from __future__ import annotations

from typing import Any, Iterable

from core.entries import Entry, canonical_json
from core.errors import DeedbookError
from core.keys import UnlockedKey
from core.kinds.registration import DEFAULT_SHARES
from core.ledger import Ledger
from core.signing import checksum_address, parse_address
from core.state import DeedState, LedgerState


def registration_message(deed_id: int, *, parcel: str, address: str, owner: str, legal: str = "",
                         attributes: dict[str, Any] | None = None, shares: int = DEFAULT_SHARES) -> dict[str, Any]:
    parcel, address = parcel.strip(), address.strip()
    if not parcel:
        raise DeedbookError("A deed needs a parcel number.")
    if not address:
        raise DeedbookError("A deed needs a property address.")
    if shares < 1:
        raise DeedbookError("A deed has at least one share.")
    return {
        "deedId": deed_id, "parcel": parcel, "propertyAddress": address, "legalDescription": legal.strip(),
        "owner": checksum_address(parse_address(owner)), "totalShares": shares,
        "attributes": canonical_json(attributes or {}), "nonce": 0,
    }


def register_deed(ledger: Ledger, key: UnlockedKey, *, parcel: str, address: str, owner: str, legal: str = "",
                  attributes: dict[str, Any] | None = None, shares: int = DEFAULT_SHARES) -> DeedState:
    """Sign a RegisterDeed with the registrar `key` and record it; returns the new deed.

    The deed number is the next one at the moment of recording (taken inside the
    write lock), so registrars working at once all get theirs, in some order."""
    registration_message(0, parcel=parcel, address=address, owner=owner, legal=legal, attributes=attributes,
                         shares=shares)  # refuse bad input before waiting for the lock

    def build(state: LedgerState) -> list[Entry]:
        message = registration_message(state.next_deed_id, parcel=parcel, address=address, owner=owner, legal=legal,
                                       attributes=attributes, shares=shares)
        return [ledger.sign("RegisterDeed", message, key, "registrar")]

    [index] = ledger.append_built(build)
    deed_id = ledger.entry(index).deed_id
    assert deed_id is not None
    return ledger.deed(deed_id)


def parse_attribute_value(text: str) -> Any:
    """'1500' -> 1500, '7.5' -> 7.5, anything else stays text (as a person means it)."""
    stripped = text.strip()
    for convert in (int, float):
        try:
            value = convert(stripped)
        except ValueError:
            continue
        if convert is float and value != value:  # NaN is not an attribute value
            break
        return value
    return stripped


def parse_attribute_pairs(pairs: Iterable[str]) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise DeedbookError(f"'{pair}' is not an attribute: write KEY=VALUE, e.g. Gr_Liv_Area=1500.")
        attributes[name.strip()] = parse_attribute_value(value)
    return attributes


def deed_json(deed: DeedState, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "deed_id": deed.deed_id, "parcel": deed.parcel, "address": deed.address, "owner": deed.owner,
        "version": deed.version, "total_shares": deed.total_shares,
        "holders": [{"address": a, "shares": s} for a, s in sorted(deed.holders.items(), key=lambda i: -i[1])],
    }
    if full:
        data.update({
            "legal": deed.legal, "attributes": deed.attributes, "registered_index": deed.registered_index,
            "updated_index": deed.updated_index,
            "liens": [{"lien_id": lien.lien_id, "holder": lien.holder, "amount": lien.amount,
                       "currency": lien.currency, "kind": lien.kind, "open": lien.is_open,
                       "opened_index": lien.opened_index, "released_index": lien.released_index}
                      for lien in deed.liens.values()],
            "last_price": deed.last_price, "last_currency": deed.last_currency, "last_sale_at": deed.last_sale_at,
            "last_valuation": deed.last_valuation,
        })
    return data
