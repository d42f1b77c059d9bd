"""Value one property: estimate, 90% range, comparable sales and reasons.

Attributes the caller does not give are assumed typical for the market (the
median or most common value) and listed under `assumed`, so a deed known only by
its floor area still gets an honest answer that says what it took for granted.
An attribute given as empty means "none" (no garage), exactly as in the CSV.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from core.errors import DeedbookError
from core.money import Money
from valuation import comparables
from valuation.comparables import Comparable
from valuation.csvio import is_missing
from valuation.dataset import BUNDLED_CURRENCY, SalesData, fill_absent, from_records, known_columns
from valuation.explain import LOCATION, TIME, in_money, shapley
from valuation.schema import is_amount
from valuation.training import TrainedModel
from valuation.uncertainty import confidence

TOP_DRIVERS = 8


@dataclass(frozen=True)
class Driver:
    """One reason: how much an attribute moves the estimate from the market's typical sale."""

    feature: str
    effect: Money  # in whole units: positive raises the estimate
    value: Any  # the subject's value, as shown
    typical: Any  # the typical sale's

    @property
    def direction(self) -> str:
        return "up" if self.effect.minor >= 0 else "down"

    def to_json(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "effect": self.effect.units,
            "direction": self.direction,
            "value": self.value,
            "typical": self.typical,
        }


@dataclass
class Valuation:
    """A model's answer in money of the market's currency (figures rounded to whole units)."""

    currency: str
    estimate: Money
    low: Money
    high: Money
    as_of: str | None
    typical: Money  # estimate of the market's typical sale: drivers explain the gap to it
    drivers: list[Driver]
    other_effects: Money  # the smaller effects, so drivers + other = estimate - typical
    comparables: list[Comparable]
    assumed: list[str]
    input_sha256: str
    warnings: list[str] = field(default_factory=list)
    fsd: float | None = None  # forecast standard deviation, a fraction of the estimate (0.08 = 8%)
    confidence: int | None = None  # 100 x (1 - FSD): lenders read above 85 as high confidence
    confidence_level: str | None = None  # high | medium | low
    # the share of the model's importance carried by the attributes assumed (0: nothing that matters assumed,
    # 1: nothing known); the FSD and range above are already widened for it
    assumed_share: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """Plain data (`value --json`, the valuation report's record): amounts as numbers of whole units
        of `currency`, as they always were."""
        return {
            "estimate": self.estimate.units,
            "low": self.low.units,
            "high": self.high.units,
            "coverage": 0.90,
            "fsd": self.fsd,
            "confidence": self.confidence,
            "confidence_level": self.confidence_level,
            "as_of": self.as_of,
            "typical_sale": self.typical.units,
            "drivers": [d.to_json() for d in self.drivers],
            "other_effects": self.other_effects.units,
            "comparables": [c.to_json() for c in self.comparables],
            "assumed_typical": self.assumed,
            "assumed_share": self.assumed_share,
            "input_sha256": self.input_sha256,
            "warnings": self.warnings,
            "currency": self.currency,
        }


def input_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 of the attributes as canonical JSON: what a recorded valuation was computed from."""
    canonical = json.dumps(
        {str(k): None if v is None else str(v) for k, v in record.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def used_assumed(trained: TrainedModel, filled: Sequence[str]) -> list[str]:
    """What `fill_absent` assumed that the model actually uses (only that is worth telling the user about)."""
    return [name for name in filled if trained.importance.get(name, 0.0) > 0]


def _fill_unknown(trained: TrainedModel, subject: SalesData, record: Mapping[str, Any]) -> list[str]:
    return used_assumed(trained, fill_absent(subject, [record], trained.spec, trained.baseline)[0])


def widened(trained: TrainedModel, assumed: Sequence[str], fsd: float) -> tuple[float, float, float, float]:
    """(share of importance assumed, FSD, lower, upper log offsets of the 90% range) for an estimate whose
    `assumed` attributes were taken as typical: the model's own figures widened by what assuming them was
    measured to cost (valuation/assumed.py).  The valuation and the price screen both read the range here,
    so a deed has one range wherever it is shown."""
    model = trained.model
    lower, upper, share = model.lower, model.upper, 0.0
    if model.assumed is not None and assumed:
        share = model.assumed.share(assumed)
        fsd, lower, upper = model.assumed.widen(share, fsd, lower, upper)
    return share, fsd, lower, upper


def value_record(
    trained: TrainedModel,
    record: Mapping[str, Any],
    as_of: float | None = None,
    comparables_count: int = 5,
    subject_parcel: str | None = None,
    currency: str = BUNDLED_CURRENCY,
) -> Valuation:
    """Value one property; `currency` is the market's (the model card's), in which prices were given."""
    spec = trained.spec
    when = trained.valuation_time if as_of is None else as_of
    subject = from_records([record], spec, times=[when])
    warnings = []
    assumed = _fill_unknown(trained, subject, record)
    unknown = sorted(
        k
        for k in record
        if k not in known_columns(record, spec)
        and k not in (spec.schema.lat, spec.schema.lon, spec.schema.target, *spec.schema.time)
    )
    if unknown:
        warnings.append(f"not used by this model: {', '.join(unknown[:10])}" + (" ..." if len(unknown) > 10 else ""))
    for name, column in subject.numeric.items():
        value = column[0]
        given = record.get(name)
        if not np.isfinite(value) and given is not None and not is_missing(str(given)):
            warnings.append(f"{name} = {str(given)[:40]} is not a number the model can read: valued as unknown")
        train = trained.comps.sales.numeric[name]
        if np.isfinite(value) and np.isfinite(train).any() and not (np.nanmin(train) <= value <= np.nanmax(train)):
            warnings.append(f"{name} = {value:g} is outside the range of the sales the model learnt from")
    model = trained.model
    contributions, log_typical, log_estimate = shapley(
        model.predict_log, subject, trained.baseline, trained.groups, model.params.seed
    )
    with np.errstate(over="ignore"):  # an overflow is refused just below, by name
        estimate = float(np.exp(log_estimate))
        typical = float(np.exp(log_typical))
    _check_figure(estimate, warnings)

    def whole(x: float) -> Money:  # a model's figure: cents would be noise
        return Money.of(x, currency, whole=True)

    money = in_money(contributions, typical, estimate)
    ranked = sorted(money.items(), key=lambda kv: -abs(kv[1]))
    drivers = [
        Driver(label, whole(amount), _describe(subject, label), _describe(trained.baseline, label))
        for label, amount in ranked[:TOP_DRIVERS]
    ]
    other = sum(amount for _, amount in ranked[TOP_DRIVERS:])
    comps = comparables.find(trained.comps, subject, log_estimate, comparables_count, subject_parcel, currency)
    # what was assumed widens the FSD and range by what was measured
    share, fsd, lower, upper = widened(trained, assumed, float(model.fsd(subject, np.array([log_estimate]))[0]))
    with np.errstate(over="ignore"):
        _check_figure(estimate * float(np.exp(lower)), warnings)
        _check_figure(estimate * float(np.exp(upper)), warnings)
    score, band = confidence(fsd) if np.isfinite(fsd) else (None, None)
    return Valuation(
        currency,
        whole(estimate),
        whole(estimate * np.exp(lower)),
        whole(estimate * np.exp(upper)),
        comparables.date_text(when) if np.isfinite(when) else None,
        whole(typical),
        drivers,
        whole(other),
        comps,
        assumed,
        input_hash(record),
        warnings,
        round(fsd, 4) if np.isfinite(fsd) else None,
        score,
        band,
        round(share, 4),
    )


def _check_figure(amount: float, warnings: list[str]) -> None:
    """Attributes far beyond every sale the model learnt from (a living area of 1e15, or -1e15) drive a
    linear model to no figure at all (inf, or 0 whose log fails), or one no market holds: refused with the
    attributes to check, never reported.  A recorded valuation needs 0 < low, so below 1 unit is none."""
    if is_amount(amount):
        return
    outside = [w.split(" is outside")[0] for w in warnings if " is outside" in w]
    why = f" ({'; '.join(outside[:3])})" if outside else ""
    raise DeedbookError(
        f"No valuation: the attributes lie so far outside the sales the model learnt from{why} that its "
        "estimate is no amount of money; check them."
    )


def _describe(row: SalesData, label: str) -> Any:
    if label == LOCATION:
        if not np.isfinite(row.lat[0]):
            return None
        return f"{row.lat[0]:.5f}, {row.lon[0]:.5f}"
    if label == TIME:
        return comparables.date_text(float(row.time[0]))
    if label in row.numeric:
        return comparables.format_value(row.numeric[label][0])
    return comparables.format_value(row.categorical[label][0])
