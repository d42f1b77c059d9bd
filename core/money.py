"""Amounts of money: decimal text in, integer minor units (cents) in the ledger.

The ledger never holds a float: "250000.50" USD is stored as 25000050.  The
number of decimals follows ISO 4217 for the currencies that differ from two.
"""
from __future__ import annotations

import re

from core.errors import DeedbookError

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_AMOUNT = re.compile(r"^(\d+)(?:\.(\d+))?$")
_DECIMALS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0,
    "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}
MAX_AMOUNT = 10**30  # far above any property price, far below uint256


def is_currency(code: object) -> bool:
    return isinstance(code, str) and _CURRENCY.match(code) is not None


def check_currency(code: str) -> str:
    """An ISO 4217 code as typed ('usd' is accepted and becomes 'USD')."""
    normal = (code or "").strip().upper()
    if not is_currency(normal):
        raise DeedbookError(f"'{code}' is not a currency code: use three letters, e.g. USD or EUR.")
    return normal


def decimals(currency: str) -> int:
    return int(_DECIMALS.get(currency, 2))


def parse_amount(text: str, currency: str, what: str = "amount") -> int:
    """'250000' or '250000.50' (commas and underscores as thousands separators allowed) -> minor units."""
    cleaned = str(text).strip().replace(",", "").replace("_", "")
    match = _AMOUNT.match(cleaned)
    if match is None:
        raise DeedbookError(f"'{text}' is not a valid {what}: write digits with an optional decimal point, e.g. 250000.50.")
    places = decimals(currency)
    fraction = match.group(2) or ""
    if len(fraction.rstrip("0")) > places:
        raise DeedbookError(f"{currency} amounts have {places} decimal places at most; '{text}' has more.")
    minor: int = int(match.group(1)) * 10**places + int((fraction[:places] or "0").ljust(places, "0") or "0")
    if minor >= MAX_AMOUNT:
        raise DeedbookError(f"The {what} {text} is too large.")
    return minor


def format_amount(minor: int, currency: str) -> str:
    """25000050, 'USD' -> 'USD 250,000.50'."""
    places = decimals(currency) if is_currency(currency) else 2
    whole, fraction = divmod(minor, 10**places) if places else (minor, 0)
    text = f"{whole:,}" + (f".{fraction:0{places}d}" if places else "")
    return f"{currency} {text}"
