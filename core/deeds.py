"""Registering deeds: the service behind `deed register` and the GUI's register form."""

from __future__ import annotations

import math
import time
from typing import Any, Callable, Iterable, Required, TypedDict, Unpack

from core import attributes as catalogue
from core.display import clean, script_note
from core.entries import Entry, SignatureRecord, canonical_json
from core.errors import DeedbookError
from core.keys import UnlockedKey
from core.kinds.registration import (
    DEFAULT_SHARES,
    MAX_ATTRIBUTES,
    MAX_SHARES,
    check_attribute,
    check_attributes,
    normalize_parcel,
)
from core.ledger import Ledger
from core.money import Money
from core.signing import checksum_address, parse_address
from core.state import ApplyContext, DeedState, LedgerState


def registration_message(
    deed_id: int,
    *,
    parcel: str,
    address: str,
    owner: str,
    legal: str = "",
    attributes: dict[str, Any] | None = None,
    shares: int = DEFAULT_SHARES,
) -> dict[str, Any]:
    parcel, address = normalize_parcel(parcel), address.strip()
    if not address:
        raise DeedbookError("A deed needs a property address.")
    if shares < 1:
        raise DeedbookError("A deed has at least one share.")
    if shares > MAX_SHARES:
        raise DeedbookError(f"A deed has at most {MAX_SHARES:,} shares.")
    return {
        "deedId": deed_id,
        "parcel": parcel,
        "propertyAddress": address,
        "legalDescription": legal.strip(),
        "owner": checksum_address(parse_address(owner)),
        "totalShares": shares,
        "attributes": check_attributes(_attributes_json(attributes or {})),
        "nonce": 0,
    }


class Registration(TypedDict, total=False):
    """A deed's registration as given: the fields `registration_message` checks and builds from."""

    parcel: Required[str]
    address: Required[str]
    owner: Required[str]
    legal: str
    attributes: dict[str, Any] | None
    shares: int


def _registration_entries(
    state: LedgerState, fields: Registration, sign: Callable[[str, dict[str, Any]], Entry]
) -> list[Entry]:
    """The RegisterDeed recorded for `fields`, numbered as the next deed in `state`: built here alone, so what
    `check_registration` applies before asking is exactly what `register_deed` signs and records."""
    return [sign("RegisterDeed", registration_message(state.next_deed_id, **fields))]


def check_registration(ledger: Ledger, registrar: str, **fields: Unpack[Registration]) -> None:
    """What registering would refuse, said before the `registrar`'s key is unlocked or anyone is asked:
    the fields, a parcel registered already, a key that is no registrar, the ledger's rules, all applied
    to the ledger as it is now (as `dry_run` does for the compliance acts). Nothing is written."""
    from core.compliance.acts import PLACEHOLDER, reading
    from core.kinds import apply_entry

    def unsigned(kind: str, message: dict[str, Any]) -> Entry:
        signer = checksum_address(parse_address(registrar))
        return Entry(kind, message, (SignatureRecord("registrar", signer, PLACEHOLDER, kind),))

    with reading(ledger) as state:
        for entry in _registration_entries(state, fields, unsigned):
            apply_entry(state, entry, ApplyContext(state.size, int(time.time())))


def register_deed(ledger: Ledger, key: UnlockedKey, **fields: Unpack[Registration]) -> DeedState:
    """Sign a RegisterDeed with the registrar `key` and record it; returns the new deed.

    The deed number is the next one at the moment of recording (taken inside the
    write lock), so registrars working at once all get theirs, in some order."""
    registration_message(0, **fields)  # refuse bad input before waiting for the lock

    def build(state: LedgerState) -> list[Entry]:
        return _registration_entries(state, fields, lambda kind, message: ledger.sign(kind, message, key, "registrar"))

    [index] = ledger.append_built(build)
    deed_id = ledger.entry(index).deed_id
    assert deed_id is not None
    return ledger.deed(deed_id)


def _attributes_json(attributes: dict[str, Any]) -> str:
    if len(attributes) > MAX_ATTRIBUTES:
        raise DeedbookError(f"A deed has at most {MAX_ATTRIBUTES} attributes; {len(attributes):,} were given.")
    for name, value in attributes.items():
        check_attribute(name, value)
    try:
        return canonical_json(attributes)
    except (TypeError, ValueError):
        raise DeedbookError("A deed's attributes are text, finite numbers, true, false or null.") from None


def parse_attribute_value(text: str) -> Any:
    """'1500' -> 1500, '7.5' -> 7.5, anything else stays text (as a person means it).

    'inf', 'nan' and '1e999' are refused: they are no number JSON can hold, and as
    text they would read as a number that is not there."""
    stripped = text.strip()
    try:
        return int(stripped)
    except ValueError:
        pass
    try:
        value = float(stripped)
    except ValueError:
        return stripped
    if not math.isfinite(value):
        raise DeedbookError(
            f"'{clean(stripped, 40)}' is not a finite number; give an attribute a real number or plain text."
        )
    return value


def parse_attribute_pairs(pairs: Iterable[str]) -> dict[str, Any]:
    """KEY=VALUE pairs (as typed on a command line) as attributes, within the ledger's bounds."""
    attributes: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise DeedbookError(f"'{clean(pair, 60)}' is not an attribute: write KEY=VALUE, e.g. Gr_Liv_Area=1500.")
        if len(attributes) >= MAX_ATTRIBUTES and name.strip() not in attributes:
            raise DeedbookError(f"A deed has at most {MAX_ATTRIBUTES} attributes.")
        attributes[name.strip()] = parsed = parse_attribute_value(value)
        check_attribute(name.strip(), parsed)
        known = catalogue.get(name.strip())
        if known is not None and known.kind != "choice" and not isinstance(parsed, (int, float)):
            # the register form takes only a number here; as text the valuation read it as missing ("None")
            raise DeedbookError(
                f"{known.name} ({known.label}) takes a number; '{clean(value.strip(), 40)}' is not one."
            )
    return attributes


def deed_notes(deed: DeedState) -> list[str]:
    """What a reader of this deed should double-check: text mixing look-alike scripts."""
    texts = [("parcel number", deed.parcel), ("property address", deed.address), ("legal description", deed.legal)]
    return [note for what, text in texts if (note := script_note(what, text)) is not None]


def last_sale(deed: DeedState) -> Money | None:
    """The price of the deed's last recorded sale, in the currency it was paid in."""
    if deed.last_price is None or deed.last_currency is None:
        return None
    return Money(deed.last_price, deed.last_currency)


def last_valuation(ledger: Ledger, deed: DeedState) -> Money | None:
    """The deed's last recorded valuation in its own currency: the model's, which need not be the
    last sale's, so it is read from the Valuation entry (the deed row keeps the amount only)."""
    if deed.last_valuation is None or deed.last_valuation_index is None:
        return None
    return Money(deed.last_valuation, str(ledger.entry(deed.last_valuation_index).message["currency"]))


def deed_json(deed: DeedState, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "deed_id": deed.deed_id,
        "parcel": deed.parcel,
        "address": deed.address,
        "owner": deed.owner,
        "version": deed.version,
        "total_shares": deed.total_shares,
        "holders": [{"address": a, "shares": s} for a, s in sorted(deed.holders.items(), key=lambda i: -i[1])],
    }
    if full:
        data.update(
            {
                "legal": deed.legal,
                "attributes": deed.attributes,
                "registered_index": deed.registered_index,
                "updated_index": deed.updated_index,
                "liens": [
                    {
                        "lien_id": lien.lien_id,
                        "holder": lien.holder,
                        "amount": lien.amount,
                        "currency": lien.currency,
                        "kind": lien.kind,
                        "open": lien.is_open,
                        "opened_index": lien.opened_index,
                        "released_index": lien.released_index,
                    }
                    for lien in deed.liens.values()
                ],
                "last_price": deed.last_price,
                "last_currency": deed.last_currency,
                "last_sale_at": deed.last_sale_at,
                "last_valuation": deed.last_valuation,
            }
        )
    return data
