"""Comparable sales: the recorded sales most like the subject, as an appraiser's grid.

Similarity mixes what appraisers look at: the model's value of the two
properties (out-of-fold, so a sale's own price does not flatter it), distance on
the ground, time between sales, and the attributes that matter most in this
market.  Each comparable's price is adjusted to the subject by the model's view
of their difference, price x estimate(subject) / estimate(comparable) — the
sales-comparison approach with the model supplying the adjustments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.money import Money
from valuation.dataset import BUNDLED_CURRENCY, FloatArray, SalesData
from valuation.location import project
from valuation.schema import calendar_month

VALUE_SCALE = 0.10  # 10% apart in model value counts as much as...
KM_SCALE = 1.0  # ...one kilometre apart, and as...
YEARS_SCALE = 1.0  # ...one year between the sales
CATEGORY_MISMATCH = 0.5


@dataclass
class CompIndex:
    """What comparables need from training, kept with the model."""

    sales: SalesData
    oof_log: FloatArray
    key_numeric: list[str]
    key_categorical: list[str]
    spreads: dict[str, float]  # interquartile range of each key numeric: its unit of difference
    lat0: float = 0.0


@dataclass(frozen=True)
class Comparable:
    """A recorded sale like the subject, with its price adjusted to the subject."""

    label: str
    price: Money
    sold: str | None  # YYYY-MM
    distance_km: float | None
    adjusted_price: Money
    similarity: float
    differences: list[dict[str, Any]] = field(default_factory=list)  # {feature, subject, comparable}

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "price": self.price.units,
            "sold": self.sold,
            "distance_km": self.distance_km,
            "adjusted_price": self.adjusted_price.units,
            "similarity": self.similarity,
            "differences": self.differences,
        }


def format_value(value: Any) -> str | float | int | None:
    if value is None:
        return None
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if np.isnan(v):
            return None
        return int(v) if v.is_integer() else round(v, 2)
    return str(value)


def date_text(t: float) -> str | None:
    """A fractional year as YYYY-MM."""
    if not np.isfinite(t):
        return None
    year, month = calendar_month(t)
    return f"{year}-{month:02d}"


_TOKEN = re.compile(r"[A-Za-z0-9-]+")


def names_parcel(label: str, parcel: str) -> bool:
    """Does a sale's label name this parcel?  Parcel numbers compare without leading zeros
    (the county writes 0526301100 where a data set may hold 526301100)."""
    wanted = parcel.strip().lstrip("0").lower()
    return len(wanted) >= 4 and any(token.lstrip("0").lower() == wanted for token in _TOKEN.findall(label))


def find(
    index: CompIndex,
    subject: SalesData,
    subject_log: float,
    k: int = 5,
    subject_parcel: str | None = None,
    currency: str = BUNDLED_CURRENCY,
) -> list[Comparable]:
    """The k most similar sales (prices in `currency`, the market's).  Sales of the subject itself
    (its parcel) are its sale history, not comparables: an appraiser's grid leaves them out."""
    sales = index.sales
    d2 = ((subject_log - index.oof_log) / VALUE_SCALE) ** 2
    if subject_parcel:
        own = np.fromiter((names_parcel(label, subject_parcel) for label in sales.labels), bool, len(sales))
        d2 = np.where(own, np.inf, d2)
    km = np.full(len(sales), np.nan)
    if np.isfinite(subject.lat[0]) and np.isfinite(subject.lon[0]):
        here = project(subject.lat[:1], subject.lon[:1], index.lat0)
        there = project(sales.lat, sales.lon, index.lat0)
        km = np.sqrt(((there - here) ** 2).sum(axis=1))
        d2 += np.where(np.isfinite(km), (km / KM_SCALE) ** 2, 4.0)
    if np.isfinite(subject.time[0]):
        d2 += np.where(np.isfinite(sales.time), ((sales.time - subject.time[0]) / YEARS_SCALE) ** 2, 1.0)
    for name in index.key_numeric:
        s, c = subject.numeric[name][0], sales.numeric[name]
        if np.isfinite(s):
            d2 += np.where(np.isfinite(c), ((c - s) / index.spreads[name]) ** 2, 1.0)
    for name in index.key_categorical:
        d2 += np.where(sales.categorical[name] == subject.categorical[name][0], 0.0, CATEGORY_MISMATCH)
    chosen = [i for i in np.argsort(d2, kind="stable")[:k] if np.isfinite(d2[i])]
    out = []
    for i in chosen:
        differences = []
        for name in index.key_numeric + index.key_categorical:
            a = subject.numeric[name][0] if name in subject.numeric else subject.categorical[name][0]
            b = sales.numeric[name][i] if name in sales.numeric else sales.categorical[name][i]
            fa, fb = format_value(a), format_value(b)
            if fa != fb:
                differences.append({"feature": name, "subject": fa, "comparable": fb})
        price = float(sales.price[i])
        out.append(
            Comparable(
                label=sales.labels[i],
                price=Money.of(price, currency),
                sold=date_text(float(sales.time[i])),
                distance_km=round(float(km[i]), 2) if np.isfinite(km[i]) else None,
                adjusted_price=Money.of(price * float(np.exp(subject_log - index.oof_log[i])), currency),
                similarity=round(float(1.0 / (1.0 + np.sqrt(d2[i]))), 3),
                differences=differences,
            )
        )
    return out
