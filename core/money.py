"""Amounts of money: decimal text in, integer minor units in the ledger, one way to show them.

The ledger never holds a float: USD 250,000.50 is stored as 25000050 (cents),
JPY 25,000,000 as 25000000 (the yen has no minor unit), KWD 1,234.500 as
1234500 (fils).  The number of decimals follows ISO 4217.  Every front end (the
command line, the GUI, the PDFs, valuation) converts and formats amounts here,
so an amount always reads with its own currency and its own decimals:

- a recorded amount (a price, a lien, a recorded valuation) exactly:
  'JPY 25,000,000', 'USD 250,000.50', 'KWD 1,234.500';
- a model's figure (an estimate, a range, an effect) rounded to whole units,
  `whole=True`: 'USD 215,000'.  Cents of an estimate are noise; cents of a
  price are money.

That canonical spelling is the command line's, the JSON's, the PDFs' and the signed texts'.  The GUI
writes amounts the way its desktop types them (de_DE 'USD 2.450,00'): it passes the locale's separators
(a `Notation`) to the same functions, and parse_amount with that notation reads the text back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache, total_ordering
from typing import TypedDict

from core.errors import DeedbookError

_CURRENCY = re.compile(r"[A-Z]{3}")
_AMOUNT = re.compile(r"(\d+)(?:\.(\d+))?")
_DECIMALS = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}
MAX_AMOUNT = 10**30  # far above any property price, far below uint256


def is_currency(code: object) -> bool:
    return isinstance(code, str) and _CURRENCY.fullmatch(code) is not None


def check_currency(code: str) -> str:
    """An ISO 4217 code as typed ('usd' is accepted and becomes 'USD')."""
    normal = (code or "").strip().upper()
    if not is_currency(normal):
        raise DeedbookError(f"'{code}' is not a currency code: use three letters, e.g. USD or EUR.")
    return normal


def decimals(currency: str) -> int:
    """Digits after the decimal point (ISO 4217): JPY 0, USD 2, KWD 3; 2 for a code it does not list."""
    return int(_DECIMALS.get(currency, 2)) if is_currency(currency) else 2


# Group separators that look alike, one as good as another: the spaces (fr_FR writes 1\u202f234,56) and
# the apostrophes (de_CH 1'234.56).
_ALIKE = (frozenset(" \u00a0\u202f"), frozenset("'\u2019"))


class Notation(TypedDict, total=False):
    """How a desktop writes numbers (its locale's, passed in by the GUI; absent keys are the canonical
    spelling): `point` before the decimals, `group` between groups, `zero` the digit zero of its script
    (ar_EG '\u0660': digits are zero..zero+9), `indian` groups of two above the first three (en_IN
    12,34,567.00), `space` between a currency's code and its number (the GUI's no-break space keeps
    'EUR 2.450,00' on one line), `percent` the sign after a percentage (ar_EG '\u066a\u061c')."""

    point: str
    group: str
    zero: str
    indian: bool
    space: str
    percent: str


def _ascii_digits(text: str) -> str:
    """Decimal digits of any script as ASCII ('\u0662\u0664' as ar_EG types 24 -> '24'); other characters kept."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def amount_digits(text: str, what: str = "amount", *, point: str = ".", group: str = ",", indian: bool = False) -> str:
    """An amount as typed with `point` before the decimals and `group` between thousands (a desktop's
    locale: de_DE writes 1.234,56) -> '1234.56', the one spelling parse_amount reads.  A group separator
    counts only between groups of three digits before the point, so '1,5' and '2.450,00' written with
    the other convention are refused, never read as 15 or 2.45.  Digits may be any script's (ar_EG).
    indian=True (an en_IN desktop) also takes groups of two above the last three: '12,34,567.00'."""
    typed = _ascii_digits(str(text).strip().replace("_", ""))
    groups = next((alike for alike in _ALIKE if group in alike), frozenset(group))
    whole, dot, fraction = typed.partition(point)
    parts = re.split("|".join(re.escape(g) for g in sorted(groups)), whole) if whole else [whole]
    # threes after a first group of one to three digits that is not a zero ('0,500' is half of something)
    grouped = len(parts) == 1 or (
        1 <= len(parts[0]) <= 3 and not parts[0].startswith("0") and all(len(part) == 3 for part in parts[1:])
    )
    if indian and not grouped and len(parts) > 2:  # lakhs and crores: 1-2 digits, then twos, then the last three
        grouped = (
            1 <= len(parts[0]) <= 2
            and not parts[0].startswith("0")
            and all(len(part) == 2 for part in parts[1:-1])
            and len(parts[-1]) == 3
        )
    digits = "".join(parts)
    if not (
        grouped and digits.isascii() and digits.isdigit() and (not dot or (fraction.isascii() and fraction.isdigit()))
    ):
        example = f"250{group}000{point}50"
        raise DeedbookError(
            f"'{text}' is not a valid {what}: write digits, with '{point}' before the decimals "
            f"and '{group}' between thousands if you like, e.g. {example}."
        )
    return f"{digits}.{fraction}" if dot else digits


def parse_amount(
    text: str, currency: str, what: str = "amount", *, point: str = ".", group: str = ",", indian: bool = False
) -> int:
    """'250000', '250,000.50' or '250_000.50' -> minor units.  By default commas group thousands (in threes)
    and a point starts the decimals, whatever the machine's locale, so the same text means the same amount
    everywhere; a form passes the desktop's separators (de_DE: point=',', group='.').  More decimals than
    the currency has are refused, zeros too: '1.200' is USD 1.20 only to someone who writes a decimal point.
    indian=True: en_IN's lakhs too ('12,34,567.00'), for a desktop that writes them."""
    match = _AMOUNT.fullmatch(amount_digits(text, what, point=point, group=group, indian=indian))
    if match is None:  # amount_digits returns digits with at most one point
        raise DeedbookError(f"'{text}' is not a valid {what}.")
    places = decimals(currency)
    fraction = match.group(2) or ""
    if len(fraction) > places:
        hint = f" ('{point}' starts the decimals; '{group}' groups thousands)." if point in str(text) else "."
        raise DeedbookError(
            f"{currency} amounts have {places} decimal places at most; '{text}' has {len(fraction)}{hint}"
        )
    minor: int = int(match.group(1)) * 10**places + int(fraction.ljust(places, "0") or "0")
    if minor >= MAX_AMOUNT:
        raise DeedbookError(f"The {what} {text} is too large.")
    return minor


def to_minor(units: float, currency: str) -> int:
    """A figure in whole units (a model's estimate, a spin box's value) as minor units, rounded."""
    return round(float(units) * 10.0 ** decimals(currency))


def to_units(minor: int, currency: str) -> float:
    """Minor units as a number of whole units, for arithmetic and charts (never for the ledger)."""
    unit: int = 10 ** decimals(currency)
    return minor / unit


def _round_whole(minor: int, unit: int) -> int:
    """Minor units rounded to whole units, half to even (as Python's round and '{:.0f}' do)."""
    quotient, rest = divmod(minor, unit)
    if rest * 2 > unit or (rest * 2 == unit and quotient % 2):
        quotient += 1
    return quotient


@lru_cache(maxsize=16)
def _script(zero: str) -> dict[int, int]:
    """ASCII digits to the script whose zero is `zero` (Unicode keeps each script's ten digits in a row)."""
    return str.maketrans("0123456789", "".join(chr(ord(zero) + n) for n in range(10)))


def _group(units: int, group: str, indian: bool) -> str:
    """1234567 -> '1,234,567' with `group`; indian: '12,34,567' (the last three, then twos)."""
    if not indian:
        text = f"{units:,}"
        return text if group == "," else text.replace(",", group)
    digits = str(units)
    head, parts = digits[:-3], [digits[-3:]]
    while head:
        head, parts = head[:-2], [head[-2:], *parts]
    return group.join(parts)


def _notated(
    sign: str, units: int, fraction: str, *, grouped: bool, point: str, group: str, zero: str, indian: bool
) -> str:
    """A number's parts in a notation: `sign`, the whole `units` (grouped or not), the `fraction`'s digits
    after the notation's point (none if empty), all in the script whose digit zero is `zero`."""
    text = _group(units, group, indian) if grouped else str(units)
    text = sign + text + (f"{point}{fraction}" if fraction else "")
    return text if zero == "0" else text.translate(_script(zero))


def amount_text(
    minor: int,
    currency: str,
    *,
    whole: bool = False,
    grouped: bool = True,
    point: str = ".",
    group: str = ",",
    zero: str = "0",
    indian: bool = False,
) -> str:
    """The number alone: '250,000.50' (a table under a currency heading); grouped=False: '250000.50',
    as parse_amount reads it back (an input field).  A desktop's notation (point, group, zero, indian:
    `Notation`) writes it as that desktop types it, de_DE '250.000,50', and parse_amount with the same
    separators reads it back to `minor`."""
    places = decimals(currency)
    sign = "-" if minor < 0 else ""
    minor = abs(int(minor))
    if whole:
        minor, places = _round_whole(minor, 10**places), 0
    units, fraction = divmod(minor, 10**places)
    digits = f"{fraction:0{places}d}" if places else ""
    return _notated(sign, units, digits, grouped=grouped, point=point, group=group, zero=zero, indian=indian)


def format_amount(
    minor: int,
    currency: str,
    *,
    whole: bool = False,
    signed: bool = False,
    point: str = ".",
    group: str = ",",
    zero: str = "0",
    indian: bool = False,
    space: str = " ",
    percent: str = "%",  # a Notation's, for its percentages: an amount has none
) -> str:
    """25000050, 'USD' -> 'USD 250,000.50'; whole=True -> 'USD 250,001'; signed=True -> '+USD 250,000.50'.
    A negative amount (an effect that lowers an estimate) reads '-USD 9,000'.  With a desktop's notation
    (`Notation`): de_DE 'USD 250.000,50', fr_FR 'USD 250\u202f000,50', en_IN 'USD 12,34,567.00'; its `space`
    between the code and the number (the GUI's no-break space)."""
    sign = "-" if minor < 0 else ("+" if signed else "")
    number = amount_text(abs(int(minor)), currency, whole=whole, point=point, group=group, zero=zero, indian=indian)
    return f"{sign}{currency}{space}{number}"


def figure_text(units: float, *, signed: bool = False) -> str:
    """A model's figure given as a number of whole units (as a valuation record carries it), rounded
    to whole units: 231578.93 -> '231,579'; signed=True: '+231,579'."""
    return f"{float(units):+,.0f}" if signed else f"{float(units):,.0f}"


def format_figure(units: float, currency: str) -> str:
    """231578.93, 'USD' -> 'USD 231,579'."""
    return f"{currency} {figure_text(units)}"


def number_text(
    value: float,
    places: int = 0,
    *,
    trim: bool = False,
    signed: bool = False,
    percentage: bool = False,
    point: str = ".",
    group: str = ",",
    zero: str = "0",
    indian: bool = False,
    space: str = " ",  # a Notation's, between a currency and its number: a bare number has none
    percent: str = "%",
) -> str:
    """A number that is not money (a count of shares or entries, a ratio, a distance, a score) rounded to
    `places` decimals and grouped: 12345 -> '12,345', (0.456, 2) -> '0.46', as f'{value:,.{places}f}' writes
    it; trim=True drops the fraction's trailing zeros ((12.50, 2) -> '12.5', (12.0, 2) -> '12'); signed=True
    writes '+' before a number that is not negative; percentage=True the notation's `percent` sign after a
    percentage given in percent ((12.5, 1) -> '12.5%').  With a desktop's notation (`Notation`) as that
    desktop writes it (de_DE '12.345', ar_EG '\u0661\u0662\u066b\u0665\u066a\u061c' for 12.5%), and
    amount_digits with the same separators reads the number back.  An int is written exactly, however large."""
    text = str(abs(value)) if isinstance(value, int) and places == 0 else f"{abs(float(value)):.{places}f}"
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0") if trim else fraction
    nonzero = any(ch not in "0." for ch in text)  # -0.001 to two places is '0.00', not '-0.00'
    sign = "-" if value < 0 and nonzero else ("+" if signed else "")
    shown = _notated(sign, int(whole), fraction, grouped=True, point=point, group=group, zero=zero, indian=indian)
    return shown + percent if percentage else shown


_CANONICAL_NUMBER = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")


def renotated(
    text: str,
    *,
    point: str = ".",
    group: str = ",",
    zero: str = "0",
    indian: bool = False,
    space: str = " ",  # a Notation's keys, as number_text takes them
    percent: str = "%",
) -> str:
    """A number written canonically ('11,250', '1994', '0.5', '+3.25') in a notation, as number_text would
    write it: grouped only if it was (a year stays 1994), its digits and point the notation's.  Text that is
    not such a number is returned as it is."""
    match = _CANONICAL_NUMBER.fullmatch(text)
    if match is None:
        return text
    sign, whole, fraction = match.groups()
    digits = int(whole.replace(",", ""))
    grouped = "," in whole  # a year stays 1994
    return _notated(sign, digits, fraction or "", grouped=grouped, point=point, group=group, zero=zero, indian=indian)


@total_ordering
@dataclass(frozen=True)
class Money:
    """An amount in its currency's minor units: what valuation results carry instead of bare floats."""

    minor: int
    currency: str

    @classmethod
    def of(cls, units: float, currency: str, *, whole: bool = False) -> Money:
        """A figure in whole units (a model's output); whole=True rounds it to whole units first."""
        if whole:
            return cls(round(float(units)) * 10 ** decimals(currency), currency)
        return cls(to_minor(units, currency), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @property
    def units(self) -> float:
        return to_units(self.minor, self.currency)

    def text(self, *, whole: bool = False, signed: bool = False) -> str:
        return format_amount(self.minor, self.currency, whole=whole, signed=signed)

    def __str__(self) -> str:
        return self.text()

    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine money with {type(other).__name__}")
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")
        return other

    def __add__(self, other: object) -> Money:
        return Money(self.minor + self._same(other).minor, self.currency)

    def __sub__(self, other: object) -> Money:
        return Money(self.minor - self._same(other).minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.minor), self.currency)

    def __lt__(self, other: object) -> bool:
        return self.minor < self._same(other).minor

    def __bool__(self) -> bool:
        return self.minor != 0
