"""core.money: ISO 4217 decimals, exact formatting of recorded amounts, whole units for estimates."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import DeedbookError
from core.money import (
    MAX_AMOUNT,
    Notation,
    Money,
    amount_digits,
    amount_text,
    decimals,
    format_amount,
    number_text,
    parse_amount,
    to_minor,
    to_units,
)

CURRENCIES = st.sampled_from(["USD", "EUR", "JPY", "KRW", "KWD", "BHD", "CHF", "XOF"])


@pytest.mark.parametrize(
    ("minor", "currency", "shown"),
    [
        (25_000_000, "JPY", "JPY 25,000,000"),
        (18_000_000, "JPY", "JPY 18,000,000"),
        (25_000_050, "USD", "USD 250,000.50"),
        (21_500_000, "USD", "USD 215,000.00"),
        (95_000_250, "KWD", "KWD 95,000.250"),
        (1_234_500, "KWD", "KWD 1,234.500"),
        (5, "USD", "USD 0.05"),
        (0, "JPY", "JPY 0"),
    ],
)
def test_recorded_amounts_read_exactly_with_their_own_decimals(minor: int, currency: str, shown: str) -> None:
    assert format_amount(minor, currency) == shown
    assert str(Money(minor, currency)) == shown


@pytest.mark.parametrize(
    ("minor", "currency", "shown"),
    [
        (23_157_893, "USD", "USD 231,579"),
        (23_157_850, "USD", "USD 231,578"),  # half to even, as '{:,.0f}' rounds
        (23_157_950, "USD", "USD 231,580"),
        (25_000_000, "JPY", "JPY 25,000,000"),
        (80_000_499, "KWD", "KWD 80,000"),
        (-900_000, "USD", "-USD 9,000"),
    ],
)
def test_estimates_read_in_whole_units(minor: int, currency: str, shown: str) -> None:
    assert format_amount(minor, currency, whole=True) == shown


def test_signs_and_bare_numbers() -> None:
    assert format_amount(4_000_000, "USD", whole=True, signed=True) == "+USD 40,000"
    assert format_amount(-4_000_000, "USD", whole=True, signed=True) == "-USD 40,000"
    assert amount_text(95_000_250, "KWD") == "95,000.250"
    assert amount_text(95_000_250, "KWD", grouped=False) == "95000.250"
    assert amount_text(25_000_000, "JPY", grouped=False) == "25000000"


def test_decimals_follow_iso_4217() -> None:
    assert (decimals("JPY"), decimals("USD"), decimals("KWD"), decimals("EUR")) == (0, 2, 3, 2)
    assert decimals("not a code") == 2


@given(st.integers(min_value=0, max_value=MAX_AMOUNT - 1), CURRENCIES)
def test_what_is_shown_parses_back_to_the_same_minor_units(minor: int, currency: str) -> None:
    assert parse_amount(amount_text(minor, currency), currency) == minor
    assert parse_amount(amount_text(minor, currency, grouped=False), currency) == minor
    assert format_amount(minor, currency).startswith(f"{currency} ")


@given(st.integers(min_value=-(10**15), max_value=10**15), CURRENCIES)
def test_whole_units_round_like_python(minor: int, currency: str) -> None:
    unit = 10 ** decimals(currency)
    from fractions import Fraction

    expected = round(Fraction(abs(minor), unit))
    shown = amount_text(minor, currency, whole=True)
    assert shown == ("-" if minor < 0 else "") + f"{expected:,}"


@given(st.integers(min_value=0, max_value=10**13), CURRENCIES)
def test_units_and_minor_units_convert_both_ways(minor: int, currency: str) -> None:
    assert to_minor(to_units(minor, currency), currency) == minor


def test_parse_refuses_more_decimals_than_the_currency_has() -> None:
    assert parse_amount("25000000", "JPY") == 25_000_000
    assert parse_amount("1.250", "KWD") == 1250
    with pytest.raises(DeedbookError, match="JPY amounts have 0 decimal places"):
        parse_amount("100.5", "JPY")
    with pytest.raises(DeedbookError, match="KWD amounts have 3 decimal places"):
        parse_amount("1.2345", "KWD")


def test_money_adds_within_one_currency_only() -> None:
    a, b = Money(1_000, "USD"), Money(250, "USD")
    assert a + b == Money(1_250, "USD") and a - b == Money(750, "USD") and -b == Money(-250, "USD")
    assert abs(Money(-3, "JPY")) == Money(3, "JPY") and b < a and not Money.zero("USD")
    assert Money.of(231_578.93, "USD") == Money(23_157_893, "USD")
    assert Money.of(231_578.5, "USD", whole=True) == Money(23_157_800, "USD")
    assert Money.of(25_000_000.0, "JPY").units == 25_000_000
    with pytest.raises(ValueError, match="USD with JPY"):
        _ = a + Money(1, "JPY")
    with pytest.raises(ValueError):
        _ = a < Money(1, "JPY")


# The separators desktops write amounts with: (decimal point, group separator), as QLocale gives them for
# en_US, de_DE, fr_FR (a narrow no-break space), de_CH (an apostrophe) and ar_EG (Arabic-Indic digits too).
CONVENTIONS = [(".", ","), (",", "."), (",", "\u202f"), (".", "'"), ("\u066b", "\u066c")]
ARABIC_INDIC = str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")


def written(minor: int, currency: str, point: str, group: str) -> str:
    """An amount as a person in that convention types it: grouped in threes, the currency's decimals."""
    text = amount_text(minor, currency).replace(",", "\0").replace(".", point).replace("\0", group)
    return text.translate(ARABIC_INDIC) if point == "\u066b" else text


@given(st.integers(min_value=0, max_value=10**15), CURRENCIES, st.sampled_from(CONVENTIONS))
def test_an_amount_in_the_desktops_convention_reads_as_typed(minor: int, currency: str, conv: tuple[str, str]) -> None:
    point, group = conv
    assert parse_amount(written(minor, currency, point, group), currency, point=point, group=group) == minor


@given(
    st.integers(min_value=0, max_value=10**15),
    st.sampled_from(["USD", "EUR", "JPY", "KRW", "CHF", "XOF"]),
    st.sampled_from(CONVENTIONS),
    st.sampled_from(CONVENTIONS),
)
def test_an_amount_in_another_convention_is_refused_never_misread(
    minor: int, currency: str, typed: tuple[str, str], read: tuple[str, str]
) -> None:
    """A German's '2.450,00' read by an English reader (or the reverse) is refused or means the same amount;
    the old reader dropped every comma and took '2.450,00' for USD 2.45 and '1,5' for USD 15.  (A currency
    with three decimals cannot promise this: '1.250' is KWD 1.25 with a point, 1,250 with a comma.)"""
    text = written(minor, currency, *typed)
    try:
        got = parse_amount(text, currency, point=read[0], group=read[1])
    except DeedbookError:
        return
    assert got == minor


def test_the_command_lines_spelling_refuses_decimal_commas() -> None:
    for text in ("2.450,00", "1,5", "1,23", "1234,567", "1,,000", "1.2.3", "0,500", "-5", ",5", "5."):
        with pytest.raises(DeedbookError, match="not a valid amount"):
            parse_amount(text, "USD")
    with pytest.raises(DeedbookError, match=re.escape("USD amounts have 2 decimal places at most; '1.200' has 3")):
        parse_amount("1.200", "USD")  # 1,200 to a German; the old reader took USD 1.20
    with pytest.raises(DeedbookError, match="JPY amounts have 0 decimal places at most"):
        parse_amount("1.000", "JPY")  # the old reader took JPY 1
    assert parse_amount("1,234,567.89", "USD") == 123456789
    assert parse_amount("1.234,56", "EUR", point=",", group=".") == 123456
    with pytest.raises(
        DeedbookError, match=re.escape("EUR amounts have 2 decimal places at most; '1,234' has 3 (',' starts")
    ):
        parse_amount("1,234", "EUR", point=",", group=".")  # the sentence speaks the typist's convention
    assert amount_digits("1 234,56", point=",", group="\u202f") == "1234.56"  # any space groups
    assert amount_digits("1\u2019234.56", point=".", group="'") == "1234.56"  # any apostrophe
    assert parse_amount("\u0662\u066c\u0664\u0665\u0660\u066b\u0665", "USD", point="\u066b", group="\u066c") == 245050


# The notations QLocale gives for en_US, de_DE, fr_FR, de_CH, ar_EG and en_IN (tests/gui checks these are Qt's).
NOTATIONS: list[Notation] = [
    {},
    {"point": ",", "group": "."},
    {"point": ",", "group": "\u202f"},
    {"point": ".", "group": "'"},
    {"point": "\u066b", "group": "\u066c", "zero": "\u0660"},
    {"point": ".", "group": ",", "indian": True},
]


@given(st.integers(min_value=0, max_value=MAX_AMOUNT - 1), CURRENCIES, st.sampled_from(NOTATIONS))
def test_an_amount_shown_in_a_desktops_notation_reads_back_the_same(
    minor: int, currency: str, notation: Notation
) -> None:
    """What the GUI shows can be typed back into its amount fields: parse(format(x)) == x."""
    shown = amount_text(minor, currency, **notation)
    separators = {key: value for key, value in notation.items() if key != "zero"}
    assert parse_amount(shown, currency, **separators) == minor  # type: ignore[arg-type]
    assert format_amount(minor, currency, **notation) == f"{currency} {shown}"


@given(st.integers(min_value=-(10**15), max_value=10**15), CURRENCIES)
def test_the_canonical_notation_is_unchanged(minor: int, currency: str) -> None:
    """The command line, the JSON, the PDFs and signed texts keep one spelling: an empty notation is it."""
    places = decimals(currency)
    units, fraction = divmod(abs(minor), 10**places)
    number = f"{units:,}" + (f".{fraction:0{places}d}" if places else "")
    assert amount_text(minor, currency, **{}) == ("-" if minor < 0 else "") + number
    assert format_amount(minor, currency, signed=True) == ("-" if minor < 0 else "+") + f"{currency} {number}"


@pytest.mark.parametrize(
    ("notation", "shown"),
    [
        ({}, "USD 1,234,567.50"),
        ({"point": ",", "group": "."}, "USD 1.234.567,50"),
        ({"point": ",", "group": "\u202f"}, "USD 1\u202f234\u202f567,50"),
        ({"point": ".", "group": "'"}, "USD 1'234'567.50"),
        (
            {"point": "\u066b", "group": "\u066c", "zero": "\u0660"},
            "USD \u0661\u066c\u0662\u0663\u0664\u066c\u0665\u0666\u0667\u066b\u0665\u0660",
        ),
        ({"point": ".", "group": ",", "indian": True}, "USD 12,34,567.50"),
    ],
)
def test_each_desktop_reads_its_own_spelling(notation: Notation, shown: str) -> None:
    assert format_amount(123_456_750, "USD", **notation) == shown
    assert format_amount(-900_000, "JPY", whole=True, **notation).startswith("-JPY ")


def test_indian_grouping_is_read_only_where_the_desktop_writes_it() -> None:
    assert parse_amount("12,34,567.00", "INR", indian=True) == 123_456_700
    assert parse_amount("1,00,00,000", "INR", indian=True) == 10_000_000_00
    assert parse_amount("1,234,567.00", "INR", indian=True) == 123_456_700  # the international grouping means the same
    for text in ("12,34,567.00", "1,00,000"):  # the command line and every other desktop: refused, never misread
        with pytest.raises(DeedbookError, match="not a valid amount"):
            parse_amount(text, "INR")
    for text in ("123,45,678", "12,345,67,890", "01,23,456", "1,2,345"):
        with pytest.raises(DeedbookError, match="not a valid amount"):
            parse_amount(text, "INR", indian=True)
    assert amount_text(1_234_567_00, "INR", indian=True) == "12,34,567.00"
    assert amount_text(99_900, "INR", indian=True) == "999.00"


# --- numbers that are not money (counts, ratios, percentages) in the same notations ---------------------------


@given(st.integers(min_value=-(10**25), max_value=10**25))
def test_a_count_with_no_notation_is_the_canonical_spelling(count: int) -> None:
    assert number_text(count) == f"{count:,}"  # exactly, however large (a float would round above 2**53)


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=4))
def test_a_measure_with_no_notation_is_the_canonical_spelling(value: float, places: int) -> None:
    canonical = f"{value:,.{places}f}"
    if canonical.lstrip("-").strip("0.,") == "":  # a negative that rounds to zero is shown unsigned
        canonical = canonical.lstrip("-")
    assert number_text(value, places) == canonical
    assert number_text(value, places, percentage=True) == canonical + "%"


@given(
    st.floats(min_value=0, max_value=1e12, allow_nan=False),
    st.integers(min_value=0, max_value=4),
    st.sampled_from(NOTATIONS),
)
def test_a_number_shown_in_a_desktops_notation_reads_back_the_same(
    value: float, places: int, notation: Notation
) -> None:
    """A count or ratio the GUI shows is the canonical number with only its separators and digits rewritten, so
    the amount fields' reader (amount_digits, with the same separators) reads the canonical digits back."""
    shown = number_text(value, places, **notation)
    point, group = notation.get("point", "."), notation.get("group", ",")
    indian = notation.get("indian", False)
    assert amount_digits(shown, point=point, group=group, indian=indian) == f"{value:.{places}f}".replace(",", "")


@pytest.mark.parametrize(
    ("notation", "count", "ratio", "share"),
    [
        ({}, "1,234,567", "0.46", "12.5%"),
        ({"point": ",", "group": "."}, "1.234.567", "0,46", "12,5%"),
        ({"point": ",", "group": "\u202f"}, "1\u202f234\u202f567", "0,46", "12,5%"),
        ({"point": ".", "group": "'"}, "1'234'567", "0.46", "12.5%"),
        (
            {"point": "\u066b", "group": "\u066c", "zero": "\u0660", "percent": "\u066a\u061c"},
            "\u0661\u066c\u0662\u0663\u0664\u066c\u0665\u0666\u0667",
            "\u0660\u066b\u0664\u0666",
            "\u0661\u0662\u066b\u0665\u066a\u061c",
        ),
        ({"point": ".", "group": ",", "indian": True}, "12,34,567", "0.46", "12.5%"),
    ],
)
def test_each_desktop_writes_counts_ratios_and_percentages_its_way(
    notation: Notation, count: str, ratio: str, share: str
) -> None:
    assert number_text(1_234_567, **notation) == count
    assert number_text(0.456, 2, **notation) == ratio
    assert number_text(12.50, 2, trim=True, percentage=True, **notation) == share
    assert number_text(-3.25, 1, **notation).startswith("-") and number_text(3, signed=True, **notation)[0] == "+"


def test_a_notations_space_joins_a_currency_and_its_number_only_where_given() -> None:
    assert format_amount(245_000, "EUR") == "EUR 2,450.00"  # the command line's, the PDFs', the signed texts'
    assert format_amount(245_000, "EUR", point=",", group=".", space="\u00a0") == "EUR\u00a02.450,00"


def test_a_canonical_number_is_renotated_as_it_was_grouped() -> None:
    """An attribute's value as a certificate writes it ('11,250', a year '1994') in a desktop's notation."""
    from core.money import renotated

    german: Notation = {"point": ",", "group": "."}
    assert renotated("11,250", **german) == "11.250" and renotated("1994", **german) == "1994"
    assert renotated("0.5", **german) == "0,5" and renotated("+3.25", **german) == "+3,25"
    assert renotated("12,345,678", indian=True) == "1,23,45,678"
    assert renotated("1,994", zero="\u0660", group="\u066c") == "\u0661\u066c\u0669\u0669\u0664"
    for text in ("Gable", "1e-05", "12,34", "", "1,2345"):  # not a canonical number: as it is
        assert renotated(text, **german) == text


@given(st.integers(min_value=-(10**20), max_value=10**20), st.sampled_from(NOTATIONS))
def test_renotated_writes_a_count_as_number_text_does(count: int, notation: Notation) -> None:
    from core.money import renotated

    assert renotated(f"{count:,}", **notation) == number_text(count, **notation)
