"""What each column of a sales table is: the price, the time of sale, the
coordinates, numeric or categorical features, or something to leave out.

Inference looks at the values first and at the names only to break ties (an
integer column called "zip" is a category, an all-distinct integer column called
"PID" is an identifier).  Every decision carries a short note so the model card
and the import report can say why a column was used or dropped.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Sequence

from core.errors import DeedbookError, Remedy
from valuation.csvio import RawTable

NUMERIC, CATEGORICAL, TEXT, DATE, IDENTIFIER, CONSTANT = (
    "numeric",
    "categorical",
    "text",
    "date",
    "identifier",
    "constant",
)
# A column describing the sale rather than the property (sale condition, sale type, validity code):
# it decides which sales are market sales (dataset.sale_filters) and is never a feature, because a
# property being valued has no sale yet and the screening model must not see how a sale was coded.
SALE_TERMS = "sale terms"
FEATURE_KINDS = (NUMERIC, CATEGORICAL)

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_CURRENCY = "$€£¥"
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[ T].*)?")
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T].*)?")
_YEAR = re.compile(r"(1[89]\d\d|20\d\d)(\.0+)?")
# No price, area or count in any currency or unit comes near 10^15, and a cell of 1e308 is finite but
# overflows the model's arithmetic (its square is inf): beyond this a cell reads as no number at all.
MAX_MAGNITUDE = 1e15


def is_amount(figure: float) -> bool:
    """Whether a model's figure is an amount of money: 1 unit (a recorded valuation needs a low above 0) up to
    MAX_MAGNITUDE; False for NaN and infinity.  The valuer refuses, and the price screen sets aside, any other."""
    return 1.0 <= figure <= MAX_MAGNITUDE


def parse_number(text: str | None) -> float | None:
    """A number from a spreadsheet cell: '215000', '$215,000', '1.5e3', '12%' -> 12.

    None for what is not plainly a finite number of a sane size: 'inf', 'nan', '1e400' (inf to float),
    '1e308' (beyond MAX_MAGNITUDE), '1_000' (float() reads it, a spreadsheet does not write it)."""
    if text is None:
        return None
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    if s and s[0] in _CURRENCY:
        s = s[1:]
    if s.endswith("%"):
        s = s[:-1]
    if _THOUSANDS.fullmatch(s):
        s = s.replace(",", "")
    if not _NUMBER.fullmatch(s):
        return None
    value = float(s)
    return value if abs(value) <= MAX_MAGNITUDE else None  # also False for nan; inf is beyond it


def _fractional_year(year: int, month: int, day: int) -> float | None:
    try:
        d = date(year, month, day)
    except ValueError:
        return None
    start = date(year, 1, 1).toordinal()
    length = date(year + 1, 1, 1).toordinal() - start
    return year + (d.toordinal() - start) / length


def calendar_month(t: float) -> tuple[int, int]:
    """The year and month of a fractional year as `_fractional_year` makes it (the day of the year over
    the year's length): months are not twelfths, so 1 March (59/365) is March, not February."""
    year = int(t)
    start = date(year, 1, 1).toordinal()
    length = date(year + 1, 1, 1).toordinal() - start
    day = min(length - 1, max(0, int((t - year) * length + 1e-6)))
    return year, date.fromordinal(start + day).month


def parse_date(text: str | None, day_first: bool = False) -> float | None:
    """A sale date as a fractional year (2010-07-02 -> 2010.5); None if not a date."""
    if text is None:
        return None
    s = text.strip()
    m = _ISO.fullmatch(s)
    if m:
        day = int(m.group(3)) if m.group(3) else 15  # year-month only: mid-month
        return _fractional_year(int(m.group(1)), int(m.group(2)), day)
    m = _DMY.fullmatch(s)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        day, month = (a, b) if day_first else (b, a)
        return _fractional_year(int(m.group(3)), month, day)
    m = _YEAR.fullmatch(s)
    if m:
        return int(m.group(1)) + 0.5  # a year alone: mid-year
    return None


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _has(name: str, *words: str) -> bool:
    parts = set(_norm(name).split("_"))
    return any(w in parts for w in words)


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    kind: str
    missing: int
    distinct: int
    note: str = ""


@dataclass
class Schema:
    """The roles of a table's columns, fixed at training and reused to read new rows."""

    target: str
    columns: list[ColumnInfo]
    time: list[str] = field(default_factory=list)  # [date] or [year, month] or [year]
    time_format: str = ""  # "date", "date_day_first", "year_month", "year"
    lat: str | None = None
    lon: str | None = None

    @property
    def features(self) -> list[ColumnInfo]:
        return [c for c in self.columns if c.kind in FEATURE_KINDS]

    def info(self, name: str) -> ColumnInfo:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


_ID_WORDS = ("id", "pid", "order", "index", "idx", "parcel", "apn", "no", "number", "key", "uid", "row")
_CODE_WORDS = (
    "zip",
    "zipcode",
    "postal",
    "postcode",
    "code",
    "class",
    "subclass",
    "type",
    "zone",
    "zoning",
    "district",
    "tract",
    "block",
    "ward",
    "county",
    "area_code",
)
_TEXT_AVG_LEN = 40


def _looks_day_first(values: Sequence[str]) -> bool:
    for v in values:
        m = _DMY.fullmatch(v)
        if m and int(m.group(1)) > 12:
            return True
    return False


def classify(name: str, values: Sequence[str | None]) -> tuple[str, str]:
    """The kind of one column and why, from its values (and, for ties, its name)."""
    present = [v for v in values if v is not None]
    n = len(present)
    if n == 0:
        return CONSTANT, "no values"
    distinct = set(present)
    if len(distinct) == 1:
        return CONSTANT, "one value only"
    numbers = [parse_number(v) for v in present]
    parsed = [x for x in numbers if x is not None]
    if len(parsed) >= 0.95 * n:
        integral = all(x == int(x) for x in parsed)
        if integral and len(set(parsed)) == len(parsed) and len(parsed) > 20:
            row_number = all(b - a == 1 for a, b in itertools.pairwise(parsed))
            if row_number or _has(name, *_ID_WORDS):
                return IDENTIFIER, "distinct whole numbers (a row or parcel number)"
        if integral and _has(name, *_CODE_WORDS) and len(set(parsed)) <= max(50, n // 10):
            return CATEGORICAL, "whole-number codes"
        return NUMERIC, "numbers" if len(parsed) == n else f"numbers ({n - len(parsed)} unreadable as missing)"
    sample = present[:2000]
    day_first = _looks_day_first(sample)
    dates = [parse_date(v, day_first) for v in sample]
    if sum(d is not None for d in dates) >= 0.95 * len(sample):
        return DATE, "dates"
    if len(distinct) == n and n > 20:
        return TEXT, "free text (every value distinct)"
    average = sum(len(v) for v in sample) / len(sample)
    if average > _TEXT_AVG_LEN or len(distinct) > max(50, n // 4):
        return TEXT, "free text (too many distinct values)"
    return CATEGORICAL, f"{len(distinct)} categories"


def describes_sale(name: str) -> bool:
    """Named like a sale-condition, sale-type or validity code ("Sale_Condition", "deed type")."""
    return _has(name, "sale", "sales", "transaction", "deed") and _has(
        name, "condition", "cond", "validity", "valid", "qualification", "type", "arms"
    )


def _find(columns: dict[str, ColumnInfo], want: str | None, role: str, kinds: Sequence[str]) -> str | None:
    if want is None:
        return None
    if want not in columns:
        raise DeedbookError(f"There is no {role} column '{want}' in the table.")
    if columns[want].kind not in kinds:
        raise DeedbookError(f"The {role} column '{want}' does not hold {' or '.join(kinds)} values.")
    return want


def _guess_coordinates(raw: RawTable, infos: dict[str, ColumnInfo]) -> tuple[str | None, str | None]:
    def pick(words: tuple[str, ...], bound: float) -> str | None:
        # As for a numeric column, most values decide: one typed latitude of 500 must not take the whole
        # table's location away; that sale alone is left without one (dataset.coordinates).
        for name, info in infos.items():
            if info.kind == NUMERIC and _norm(name) in words:
                values = [x for v in raw.columns[name] if (x := parse_number(v)) is not None]
                if sum(abs(x) <= bound for x in values) >= 0.95 * len(values):
                    return name
        return None

    lat = pick(("lat", "latitude", "y_lat"), 90.0)
    lon = pick(("lon", "lng", "long", "longitude", "x_lon"), 180.0)
    return (lat, lon) if lat and lon else (None, None)


def _guess_time(infos: dict[str, ColumnInfo]) -> tuple[list[str], str]:
    sale_words = ("sold", "sale", "sales", "closing", "closed", "recorded", "transfer", "deed")
    dates = [n for n, i in infos.items() if i.kind == DATE]
    for name in dates:
        if _has(name, *sale_words) or _has(name, "date"):
            return [name], "date"
    years = [
        n
        for n, i in infos.items()
        if i.kind in (NUMERIC, CATEGORICAL) and _has(n, "yr", "year") and _has(n, *sale_words)
    ]
    months = [
        n
        for n, i in infos.items()
        if i.kind in (NUMERIC, CATEGORICAL) and _has(n, "mo", "month") and _has(n, *sale_words)
    ]
    if years and months:
        return [years[0], months[0]], "year_month"
    if years:
        return [years[0]], "year"
    return ([dates[0]], "date") if len(dates) == 1 else ([], "")


def _check_dates(raw: RawTable, column: str, fmt: str) -> None:
    """A date column chosen by name must hold dates (or years): most of its values, not by accident."""
    present = [v for v in raw.columns[column] if v is not None]
    readable = sum(time_of([v], fmt) is not None for v in present)
    if readable == 0:
        raise DeedbookError(
            f"The date column '{column}' holds no dates: none of its {len(present):,} values reads "
            "as a date (YYYY-MM-DD, DD/MM/YYYY, ...) or a year."
        )
    if readable < 0.5 * len(present):
        raise DeedbookError(
            f"The date column '{column}' holds few dates: only {readable:,} of its {len(present):,} "
            "values read as a date or a year; choose the sale date column."
        )


def _refuse_constant_prices(raw: RawTable, target: str) -> None:
    """A price column with one value or none is no price list: say which, not that it holds no numbers."""
    values = raw.columns[target]
    present = [v for v in values if v is not None]
    if not present:
        raise DeedbookError(f"The price column '{target}' is empty: none of its {len(values):,} rows has a price.")
    price = parse_number(present[0])
    if price is not None:
        raise one_price(f"Every price in the column '{target}' is the same", price)


def one_price(what: str, price: float) -> DeedbookError:
    """The refusal of a table whose prices are all one (`what` says where): a model's errors and ranges would
    all be 0.  The price is shown as a sentence shows it: 250,000 or 1,234.50."""
    shown = f"{price:,.0f}" if price == int(price) else f"{price:,.2f}"
    return DeedbookError(
        f"{what} ({shown}): a model learns nothing from prices that never differ; use a table of sales at their own "
        "prices."
    )


def infer_schema(
    raw: RawTable, target: str, date_column: str | None = None, lat: str | None = None, lon: str | None = None
) -> Schema:
    """Classify every column and assign the roles; explicit choices win over guesses."""
    if target not in raw.columns:
        raise DeedbookError(f"The table {raw.source} has no column '{target}' to use as the price.")
    infos = {}
    for name in raw.header:
        kind, note = classify(name, raw.columns[name])
        values = raw.columns[name]
        if kind == CATEGORICAL and describes_sale(name):
            kind, note = SALE_TERMS, "describes the sale, not the property: validates sales, never a feature"
        infos[name] = ColumnInfo(
            name, kind, sum(v is None for v in values), len({v for v in values if v is not None}), note
        )
    if infos[target].kind == CONSTANT:
        _refuse_constant_prices(raw, target)
    if infos[target].kind not in (NUMERIC, IDENTIFIER):  # all-distinct prices are still prices
        raise DeedbookError(f"The price column '{target}' does not hold numbers.")
    if (lat is None) != (lon is None):
        raise DeedbookError("Give both a latitude and a longitude column, or neither.", remedy=Remedy.LOCATION_COLUMNS)
    lat = _find(infos, lat, "latitude", (NUMERIC,))
    lon = _find(infos, lon, "longitude", (NUMERIC,))
    if lat is None:
        lat, lon = _guess_coordinates(raw, infos)
    if date_column is not None:
        _find(infos, date_column, "date", (DATE, NUMERIC, CATEGORICAL, IDENTIFIER))
        time_cols, fmt = [date_column], "date" if infos[date_column].kind != NUMERIC else "year"
    else:
        time_cols, fmt = _guess_time(infos)
    if fmt == "date" and _looks_day_first([v for v in raw.columns[time_cols[0]] if v][:2000]):
        fmt = "date_day_first"
    if date_column is not None:
        _check_dates(raw, date_column, fmt)
    roles = {target: "the price", **{c: "the time of sale" for c in time_cols}}
    if lat and lon:
        roles.update({lat: "the latitude", lon: "the longitude"})
    columns = []
    for name in raw.header:
        info = infos[name]
        if name in roles:
            info = ColumnInfo(name, "role", info.missing, info.distinct, roles[name])
        columns.append(info)
    return Schema(target, columns, time_cols, fmt, lat, lon)


def time_of(values: Sequence[str | None], fmt: str) -> float | None:
    """The fractional year of one row from its time column value(s)."""
    if fmt in ("date", "date_day_first"):
        return parse_date(values[0], fmt == "date_day_first")
    year = parse_number(values[0])
    if year is None or not 1000 <= year <= 3000:
        return None
    if fmt == "year_month":
        month = parse_number(values[1])
        if month is not None and 1 <= month <= 12:
            return int(year) + (int(month) - 0.5) / 12.0
    return int(year) + 0.5
