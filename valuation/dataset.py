"""Sales data as typed numpy columns, built from a CSV table or from attribute
dictionaries (a deed's attributes, the ledger's recorded sales).

The same `Schema` reads both, so a value typed into a deed is parsed exactly as
the training rows were.  Sales that are not market transactions are excluded by
declared rules (see `sale_filters`), identically in training and evaluation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from core.errors import DeedbookError
from valuation.csvio import RawTable, is_missing, read_table
from valuation.schema import (
    CATEGORICAL,
    NUMERIC,
    SALE_TERMS,
    TEXT,
    ColumnInfo,
    Schema,
    _has,
    infer_schema,
    one_price,
    parse_number,
    time_of,
)

FloatArray = npt.NDArray[np.float64]
ObjArray = npt.NDArray[np.object_]
BoolArray = npt.NDArray[np.bool_]

MIN_SALES = 30  # fewer priced sales than this cannot support a model or its range

# Sale-condition vocabularies of assessors and MLS exports meaning "not an open-market sale".
_NON_MARKET = re.compile(
    r"abnorm|family|adjland|adjoin|alloca|foreclos|short.?sale|related|relative|"
    r"\breo\b|bank.?owned|estate|divorce|gift|trade|non.?arm|distress",
    re.I,
)
_ADDRESS_WORDS = ("address", "addr", "street", "location", "situs")


@dataclass(frozen=True)
class SaleFilter:
    """Sales whose `column` holds one of `values` are left out, with the reason said."""

    column: str
    values: tuple[str, ...]
    reason: str

    def describe(self) -> str:
        return f"{self.column} in {{{', '.join(self.values)}}} ({self.reason})"


@dataclass
class SalesData:
    price: FloatArray
    time: FloatArray  # fractional years; NaN where unknown; all NaN if the table has no dates
    lat: FloatArray  # NaN where unknown or absent
    lon: FloatArray
    numeric: dict[str, FloatArray]
    categorical: dict[str, ObjArray]
    labels: list[str]  # a short name per sale for comparables (address, parcel or row)
    rows_read: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    # True where a sale-condition column vouched for the sale as a market sale; the others
    # (the ledger's own sales, tables without such a column) are validated by screening.
    vetted: BoolArray | None = None

    def __len__(self) -> int:
        return int(self.price.shape[0])

    @property
    def vetted_mask(self) -> BoolArray:
        return np.zeros(len(self), dtype=bool) if self.vetted is None else self.vetted

    def take(self, index: npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> "SalesData":
        idx = np.asarray(index)
        labels = [self.labels[i] for i in (np.flatnonzero(idx) if idx.dtype == bool else idx)]
        return SalesData(
            self.price[idx],
            self.time[idx],
            self.lat[idx],
            self.lon[idx],
            {k: v[idx] for k, v in self.numeric.items()},
            {k: v[idx] for k, v in self.categorical.items()},
            labels,
            self.rows_read,
            dict(self.dropped),
            None if self.vetted is None else self.vetted[idx],
        )

    @property
    def has_time(self) -> bool:
        return bool(np.isfinite(self.time).any())

    @property
    def has_coordinates(self) -> bool:
        return bool(np.isfinite(self.lat).sum() >= 0.5 * len(self))


def concat(parts: Sequence[SalesData]) -> SalesData:
    first = parts[0]
    return SalesData(
        np.concatenate([p.price for p in parts]),
        np.concatenate([p.time for p in parts]),
        np.concatenate([p.lat for p in parts]),
        np.concatenate([p.lon for p in parts]),
        {k: np.concatenate([p.numeric[k] for p in parts]) for k in first.numeric},
        {k: np.concatenate([p.categorical[k] for p in parts]) for k in first.categorical},
        [label for p in parts for label in p.labels],
        sum(p.rows_read for p in parts),
        {k: sum(p.dropped.get(k, 0) for p in parts) for k in {k for p in parts for k in p.dropped}},
        None if all(p.vetted is None for p in parts) else np.concatenate([p.vetted_mask for p in parts]),
    )


def street_of(address: str | None) -> str | None:
    """'1234 N Main St Apt 5' -> 'N MAIN ST': the street is a location category shared by sales."""
    if address is None:
        return None
    text = re.split(r"[,#]| apt | unit | ste ", address.lower())[0]
    words = [w for w in re.split(r"\s+", text.strip()) if w]
    while words and re.match(r"^\d+[a-z]?(-\d+)?$", words[0]):
        words = words[1:]
    return " ".join(words).upper() or None


def derived_streets(raw: RawTable, schema: Schema) -> dict[str, str]:
    """Address columns whose streets repeat enough to be a useful category: {derived name: source}."""
    out = {}
    for info in schema.columns:
        if info.kind == TEXT and _has(info.name, *_ADDRESS_WORDS):
            streets = [street_of(v) for v in raw.columns[info.name]]
            known = [s for s in streets if s]
            if known and len(set(known)) <= len(known) / 3:
                out[f"{info.name} (street)"] = info.name
    return out


def sale_filters(raw: RawTable, schema: Schema) -> list[SaleFilter]:
    """Rules excluding non-market sales, inferred from a sale-condition column if there is one.

    Mass-appraisal practice (IAAO Standard on Ratio Studies) values property at
    market value, so sales between relatives, foreclosures, partial-interest and
    adjoining-land purchases are neither training nor test material.  New homes
    sold before completion ("Partial" in Ames) are market sales and stay.
    """
    filters = []
    for info in schema.columns:
        if info.kind != SALE_TERMS:
            continue
        values = sorted({v for v in raw.columns[info.name] if v is not None and _NON_MARKET.search(v)})
        if values:
            filters.append(SaleFilter(info.name, tuple(values), "not an open-market sale"))
    return filters


def _label_column(schema: Schema) -> str | None:
    for info in schema.columns:
        if info.kind == TEXT and _has(info.name, *_ADDRESS_WORDS):
            return info.name
    for info in schema.columns:
        if info.kind == "identifier" and _has(info.name, "pid", "parcel", "apn", "id"):
            return info.name
    return None


@dataclass
class TableSpec:
    """Everything needed to read rows again the way training read them."""

    schema: Schema
    streets: dict[str, str] = field(default_factory=dict)
    filters: list[SaleFilter] = field(default_factory=list)
    label: str | None = None

    @property
    def numeric_names(self) -> list[str]:
        return [c.name for c in self.schema.features if c.kind == NUMERIC]

    @property
    def categorical_names(self) -> list[str]:
        return [c.name for c in self.schema.features if c.kind == CATEGORICAL] + list(self.streets)

    def feature_infos(self) -> list[ColumnInfo]:
        extra = [ColumnInfo(n, CATEGORICAL, 0, 0, f"street names from {s}") for n, s in self.streets.items()]
        return self.schema.features + extra


def make_spec(
    raw: RawTable,
    target: str,
    date_column: str | None = None,
    lat: str | None = None,
    lon: str | None = None,
    keep_all_sales: bool = False,
) -> TableSpec:
    schema = infer_schema(raw, target, date_column, lat, lon)
    if not schema.features:
        raise DeedbookError(f"The table {raw.source} has no usable feature columns besides the price.")
    filters = [] if keep_all_sales else sale_filters(raw, schema)
    return TableSpec(schema, derived_streets(raw, schema), filters, _label_column(schema))


def _column_arrays(spec: TableSpec, get: Any, n: int) -> tuple[dict[str, FloatArray], dict[str, ObjArray]]:
    numeric = {}
    for name in spec.numeric_names:
        values = [parse_number(v) for v in get(name)]
        numeric[name] = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    categorical = {}
    for info in spec.schema.features:
        if info.kind == CATEGORICAL:
            categorical[info.name] = np.array(list(get(info.name)), dtype=object)
    for derived, source in spec.streets.items():
        categorical[derived] = np.array([street_of(v) for v in get(source)], dtype=object)
    return numeric, categorical


def _floats(values: Iterable[str | None]) -> FloatArray:
    out = [parse_number(v) for v in values]
    return np.array([np.nan if v is None else v for v in out], dtype=np.float64)


def _none(n: int) -> tuple[FloatArray, FloatArray]:
    return np.full(n, np.nan), np.full(n, np.nan)


def coordinates(lat_text: Iterable[str | None], lon_text: Iterable[str | None]) -> tuple[FloatArray, FloatArray]:
    """Latitudes and longitudes; a place off the globe (a latitude of 500) or half known is no place:
    the same for a table's rows and a deed being valued."""
    lat, lon = _floats(lat_text), _floats(lon_text)
    bad = ~((np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    lat[bad], lon[bad] = np.nan, np.nan
    return lat, lon


def _rule_hits(raw: RawTable, spec: TableSpec) -> tuple[list[tuple[SaleFilter, BoolArray]], BoolArray]:
    """Per filter, the rows it leaves out; and the rows whose sale condition is stated at all."""
    n = raw.n_rows
    hits = []
    stated = np.zeros(n, dtype=bool)
    for rule in spec.filters:
        column = raw.columns.get(rule.column, [None] * n)
        hits.append((rule, np.array([v in rule.values for v in column], dtype=bool)))
        stated |= np.array([v is not None for v in column], dtype=bool)
    return hits, stated


def build(raw: RawTable, spec: TableSpec) -> SalesData:
    """Typed sales from a raw table: unpriced rows and filtered sales are dropped and counted."""
    data, priced = _typed(raw, spec)
    keep = priced.copy()
    dropped = {"no price": int((~keep).sum())}
    hits, stated = _rule_hits(raw, spec)
    for rule, hit in hits:
        dropped[rule.describe()] = int((hit & keep).sum())
        keep &= ~hit
    data.dropped = {k: v for k, v in dropped.items() if v}
    data.vetted = stated if spec.filters else None
    data = data.take(np.flatnonzero(keep))
    _check_learnable(data, raw)
    return data


def _check_learnable(data: SalesData, raw: RawTable) -> None:
    """Enough usable sales, at more than one price (one price for all, a model's errors and ranges are all 0)."""
    if len(data) < MIN_SALES:
        raise DeedbookError(f"Only {len(data)} usable sales in {raw.source}; at least {MIN_SALES} are needed.")
    if np.unique(data.price).size == 1:
        raise one_price(f"Every usable sale in {raw.source} has the same price", float(data.price[0]))


def build_labelled(raw: RawTable, spec: TableSpec) -> tuple[SalesData, BoolArray]:
    """Every priced sale, market or not, and which ones the sale-condition filters call non-market:
    the labels the screening model learns from and is evaluated on."""
    if not spec.filters:
        raise DeedbookError(
            f"{raw.source} has no sale-condition column naming non-market sales, so it has "
            "no labels to learn or evaluate screening on."
        )
    data, priced = _typed(raw, spec)
    hits, stated = _rule_hits(raw, spec)
    data.vetted = stated  # the column decided for these rows, either way: never screened out of training
    non_market = np.zeros(raw.n_rows, dtype=bool)
    for _, hit in hits:
        non_market |= hit
    data.dropped = {"no price": int((~priced).sum())} if (~priced).any() else {}
    keep = np.flatnonzero(priced)
    data = data.take(keep)
    _check_learnable(data, raw)
    return data, non_market[keep]


def _typed(raw: RawTable, spec: TableSpec) -> tuple[SalesData, BoolArray]:
    """Every row typed (nothing dropped yet), and which rows have a usable price."""
    schema = spec.schema
    n = raw.n_rows
    price = _floats(raw.columns[schema.target])
    priced = np.isfinite(price) & (price > 0)
    if schema.time:
        cols = [raw.columns[c] for c in schema.time]
        time = np.array(
            [np.nan if (t := time_of(vals, schema.time_format)) is None else t for vals in zip(*cols, strict=True)],
            dtype=np.float64,
        )
    else:
        time = np.full(n, np.nan)
    lat, lon = coordinates(raw.columns[schema.lat], raw.columns[schema.lon]) if schema.lat and schema.lon else _none(n)
    numeric, categorical = _column_arrays(spec, lambda c: raw.columns[c], n)
    if spec.label:
        labels = [v or f"row {i + 1}" for i, v in enumerate(raw.columns[spec.label])]
    else:
        labels = [f"row {i + 1}" for i in range(n)]
    return SalesData(price, time, lat, lon, numeric, categorical, labels, n), priced


def from_records(
    records: Sequence[Mapping[str, Any]],
    spec: TableSpec,
    prices: Sequence[float] | None = None,
    times: Sequence[float] | None = None,
) -> SalesData:
    """Sales (or properties to value) from attribute dictionaries, read with the training schema.

    A key that is absent stays None (unknown: the model fills it with a typical
    value and says so); an empty or "NA" value is read as missing, as in a CSV.
    """
    n = len(records)

    def text(value: Any) -> str | None:
        if value is None:
            return None
        s = str(value).strip()
        return None if is_missing(s) else s

    def get(name: str) -> list[str | None]:
        return [text(r.get(name)) for r in records]

    numeric, categorical = _column_arrays(spec, get, n)
    schema = spec.schema
    time = np.array(times if times is not None else [np.nan] * n, dtype=np.float64)
    if times is None and schema.time:
        for i, r in enumerate(records):
            t = time_of([text(r.get(c)) for c in schema.time], schema.time_format)
            time[i] = np.nan if t is None else t
    lat, lon = coordinates(get(schema.lat), get(schema.lon)) if schema.lat and schema.lon else _none(n)
    price = np.array(prices if prices is not None else [np.nan] * n, dtype=np.float64)
    labels = [
        str(r.get(spec.label) or f"record {i + 1}") if spec.label else f"record {i + 1}" for i, r in enumerate(records)
    ]
    return SalesData(price, time, lat, lon, numeric, categorical, labels, n)


def known_columns(record: Mapping[str, Any], spec: TableSpec) -> set[str]:
    """Which feature columns a record actually gives (present keys, even if empty)."""
    sources = set(spec.streets.values())
    names = {c.name for c in spec.schema.features} | sources
    known = {k for k in record if k in names}
    known |= {d for d, s in spec.streets.items() if s in record}
    return known


def load_csv(
    path: str | Path,
    target: str,
    date_column: str | None = None,
    lat: str | None = None,
    lon: str | None = None,
    keep_all_sales: bool = False,
) -> tuple[RawTable, TableSpec, SalesData]:
    raw = read_table(path)
    spec = make_spec(raw, target, date_column, lat, lon, keep_all_sales)
    return raw, spec, build(raw, spec)


def load_labelled(
    path: str | Path, target: str, date_column: str | None = None, lat: str | None = None, lon: str | None = None
) -> tuple[RawTable, TableSpec, SalesData, BoolArray]:
    """Every priced sale of a table with a sale-condition column, and which ones are non-market."""
    raw = read_table(path)
    spec = make_spec(raw, target, date_column, lat, lon)
    data, non_market = build_labelled(raw, spec)
    return raw, spec, data, non_market


def bundled_market_path() -> Path:
    from core.paths import RESOURCES

    return RESOURCES / "market" / "ames.csv.gz"


BUNDLED_TARGET = "Sale_Price"
BUNDLED_CURRENCY = "USD"  # Ames sold in US dollars
BUNDLED_ATTRIBUTION = (
    "Ames, Iowa residential sales 2006-2010: Dean De Cock, Journal of Statistics "
    "Education 19(3), 2011; data from the Ames City Assessor's Office."
)


def fill_absent(
    data: SalesData, records: Sequence[Mapping[str, Any]], spec: TableSpec, typical: SalesData
) -> list[list[str]]:
    """Give each record's absent attributes the market's typical value; returns what was assumed.

    Used both for properties to value and for the ledger's own sales, so a sale
    recorded with few attributes trains the model exactly as it would be valued.
    """
    assumed: list[list[str]] = []
    for i, record in enumerate(records):
        known = known_columns(record, spec)
        filled = []
        for name, column in data.numeric.items():
            if name not in known:
                column[i] = typical.numeric[name][0]
                filled.append(name)
        for name, labels in data.categorical.items():
            if name not in known:
                labels[i] = typical.categorical[name][0]
                filled.append(name)
        if spec.schema.lat and not (np.isfinite(data.lat[i]) and np.isfinite(data.lon[i])):
            data.lat[i], data.lon[i] = typical.lat[0], typical.lon[0]
            filled.append("Location")
        assumed.append(filled)
    return assumed
