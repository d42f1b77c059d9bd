"""What a valuation report shows, as typed objects, and the one conversion to and from its record.

A report is made from valuation/'s `Valuation` and the model card; the record
embeds them as plain JSON (`extra.valuation`, `extra.model`), and the report is
drawn from that JSON, both when it is made and when `verify-pdf` draws it again.
So the JSON is read back into these objects by one function per object
(`from_json`) and written by one (`to_json`), and `to_json(from_json(x)) == x`
for every record this version writes (a test checks it).

Figures are numbers of whole currency units, as `Valuation.to_json()` gives
them (231578.93 USD); they are kept exactly as the JSON has them (an int stays
an int), so drawing from a record is drawing from its own numbers.  The card is
trimmed to what a reader needs (the twelve most influential attributes, the
accuracy figures, the data, the range method, the limits).  Nothing here is
signed: a recorded `Valuation` entry signs the estimate, the range and the
hashes, and the report checks the figures against it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from core.documents.evidence import RecordInvalid
from core.errors import DeedbookError

if TYPE_CHECKING:  # never run: the report reads the result as plain data (no scikit-learn to verify a PDF)
    from valuation.valuer import Valuation

Scalar = str | int | float | bool | None
TOP_FEATURES = 12
_VALUATION_KEYS = (
    "estimate",
    "low",
    "high",
    "coverage",
    "as_of",
    "typical_sale",
    "drivers",
    "other_effects",
    "comparables",
    "assumed_typical",
    "input_sha256",
    "warnings",
    "fsd",
    "confidence",
    "confidence_level",
)
_METRICS = (
    "n",
    "mdape",
    "within_5",
    "within_10",
    "within_20",
    "coverage",
    "mean_interval_width",
    "median_ratio",
    "cod",
    "prd",
    "prb",
)


class _Malformed(Exception):
    pass


def clean(value: Any) -> Any:
    """JSON-safe and canonical: no NaN or infinity, floats rounded to what a report shows."""
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


# -- reading JSON values strictly: a record either has the types a report was made with, or is malformed --


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Malformed
    return value


def _opt_number(value: Any) -> float | None:
    return None if value is None else _number(value)


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Malformed
    return value


def _opt_whole(value: Any) -> int | None:
    return None if value is None else _whole(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Malformed
    return value


def _opt_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _scalar(value: Any) -> Scalar:
    if value is not None and not isinstance(value, (str, int, float, bool)):
        raise _Malformed
    return value


def _mapping(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _Malformed
    return value


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Malformed
    return value


def _present(pairs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in pairs.items() if v is not None}


# -- the valuation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Driver:
    """One reason: how much an attribute moves the estimate from the market's typical sale."""

    feature: str
    effect: float
    direction: str | None
    value: Scalar  # the subject's, as the model shows it (a number stays a number: 1329, not 1329.0)
    typical: Scalar

    @classmethod
    def from_json(cls, data: Any) -> Driver:
        d = _mapping(data)
        return cls(
            _text(d.get("feature")),
            _number(d.get("effect")),
            _opt_text(d.get("direction")),
            _scalar(d.get("value")),
            _scalar(d.get("typical")),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "effect": self.effect,
            "direction": self.direction,
            "value": self.value,
            "typical": self.typical,
        }


@dataclass(frozen=True)
class Difference:
    feature: Scalar
    subject: Scalar
    comparable: Scalar

    @classmethod
    def from_json(cls, data: Any) -> Difference:
        d = _mapping(data)
        return cls(_scalar(d.get("feature")), _scalar(d.get("subject")), _scalar(d.get("comparable")))

    def to_json(self) -> dict[str, Any]:
        return {"feature": self.feature, "subject": self.subject, "comparable": self.comparable}


@dataclass(frozen=True)
class ComparableSale:
    """A recorded sale like the subject, with its price adjusted to the subject."""

    label: str | None
    price: float
    sold: str | None  # YYYY-MM
    distance_km: float | None
    adjusted_price: float
    similarity: float | None
    differences: tuple[Difference, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> ComparableSale:
        c = _mapping(data)
        return cls(
            _opt_text(c.get("label")),
            _number(c.get("price")),
            _opt_text(c.get("sold")),
            _opt_number(c.get("distance_km")),
            _number(c.get("adjusted_price")),
            _opt_number(c.get("similarity")),
            tuple(Difference.from_json(d) for d in _items(c.get("differences"))),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "price": self.price,
            "sold": self.sold,
            "distance_km": self.distance_km,
            "adjusted_price": self.adjusted_price,
            "similarity": self.similarity,
            "differences": [d.to_json() for d in self.differences],
        }


@dataclass(frozen=True)
class ReportValuation:
    """A valuation as a report carries it: figures in whole units of `currency`."""

    currency: str
    estimate: float
    low: float
    high: float
    model_sha256: str = ""
    input_sha256: str = ""
    coverage: float | None = None
    as_of: str | None = None
    typical_sale: float | None = None
    other_effects: float | None = None
    drivers: tuple[Driver, ...] = ()
    comparables: tuple[ComparableSale, ...] = ()
    assumed_typical: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    fsd: float | None = None  # forecast standard deviation, a share of the estimate (layout 2 shows it)
    confidence: float | None = None  # 100 x (1 - FSD)
    confidence_level: str | None = None  # high | medium | low

    @classmethod
    def of(cls, valuation: Valuation, card: ModelCard) -> ReportValuation:
        """From valuation/'s result (its own plain form, `to_json`) and the model it came from."""
        data = valuation.to_json()
        body = {k: data[k] for k in _VALUATION_KEYS if k in data}
        currency = str(data.get("currency") or card.currency or "USD")
        try:
            return cls.from_json(clean({**body, "currency": currency, "model_sha256": card.model_sha256 or ""}))
        except RecordInvalid:
            raise DeedbookError("The valuation to report is malformed.") from None

    @classmethod
    def from_json(cls, data: Any) -> ReportValuation:
        """From the record's `extra.valuation`; RecordInvalid when it is not one."""
        try:
            v = _mapping(data)
            return cls(
                _text(v.get("currency")),
                _number(v.get("estimate")),
                _number(v.get("low")),
                _number(v.get("high")),
                _text(v.get("model_sha256", "")),
                _text(v.get("input_sha256", "")),
                _opt_number(v.get("coverage")),
                _opt_text(v.get("as_of")),
                _opt_number(v.get("typical_sale")),
                _opt_number(v.get("other_effects")),
                tuple(Driver.from_json(d) for d in _items(v.get("drivers"))),
                tuple(ComparableSale.from_json(c) for c in _items(v.get("comparables"))),
                tuple(_text(a) for a in _items(v.get("assumed_typical"))),
                tuple(_text(w) for w in _items(v.get("warnings"))),
                _opt_number(v.get("fsd")),
                _opt_number(v.get("confidence")),
                _opt_text(v.get("confidence_level")),
            )
        except _Malformed:
            raise RecordInvalid("The valuation carried in the embedded record is malformed.") from None

    def to_json(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "estimate": self.estimate,
            "low": self.low,
            "high": self.high,
            "model_sha256": self.model_sha256,
            "input_sha256": self.input_sha256,
            "coverage": self.coverage,
            "as_of": self.as_of,
            "typical_sale": self.typical_sale,
            "other_effects": self.other_effects,
            "drivers": [d.to_json() for d in self.drivers],
            "comparables": [c.to_json() for c in self.comparables],
            "assumed_typical": list(self.assumed_typical),
            "warnings": list(self.warnings),
            # only when known: a record made before they were carried reads (and redraws) as it was
            **(
                {"fsd": self.fsd, "confidence": self.confidence, "confidence_level": self.confidence_level}
                if self.fsd is not None
                else {}
            ),
        }


# -- the model card ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardData:
    """What the model learnt from (absent facts are left out of the record)."""

    name: str | None = None
    sha256: str | None = None
    attribution: str | None = None
    rows_read: int | None = None
    sales_used: int | None = None
    ledger_sales: int | None = None
    time_range: tuple[str, ...] | None = None
    price_range: tuple[float, ...] | None = None

    @classmethod
    def from_json(cls, data: Any) -> CardData:
        d = _mapping(data or {})
        times, prices = d.get("time_range"), d.get("price_range")
        return cls(
            _opt_text(d.get("name")),
            _opt_text(d.get("sha256")),
            _opt_text(d.get("attribution")),
            _opt_whole(d.get("rows_read")),
            _opt_whole(d.get("sales_used")),
            _opt_whole(d.get("ledger_sales")),
            None if times is None else tuple(_text(t) for t in _items(times)),
            None if prices is None else tuple(_number(p) for p in _items(prices)),
        )

    def to_json(self) -> dict[str, Any]:
        return _present(
            {
                "name": self.name,
                "sha256": self.sha256,
                "attribution": self.attribution,
                "rows_read": self.rows_read,
                "sales_used": self.sales_used,
                "ledger_sales": self.ledger_sales,
                "time_range": None if self.time_range is None else list(self.time_range),
                "price_range": None if self.price_range is None else list(self.price_range),
            }
        )

    def __bool__(self) -> bool:
        return bool(self.to_json())


@dataclass(frozen=True)
class Interval:
    """How the 90% range is made."""

    method: str | None = None
    coverage: float | None = None
    log_offsets: tuple[float, ...] | None = None
    relative: tuple[float, ...] | None = None

    @classmethod
    def from_json(cls, data: Any) -> Interval:
        d = _mapping(data)
        offsets, relative = d.get("log_offsets"), d.get("relative")
        return cls(
            _opt_text(d.get("method")),
            _opt_number(d.get("coverage")),
            None if offsets is None else tuple(_number(x) for x in _items(offsets)),
            None if relative is None else tuple(_number(x) for x in _items(relative)),
        )

    def to_json(self) -> dict[str, Any]:
        return _present(
            {
                "method": self.method,
                "coverage": self.coverage,
                "log_offsets": None if self.log_offsets is None else list(self.log_offsets),
                "relative": None if self.relative is None else list(self.relative),
            }
        )


@dataclass(frozen=True)
class Feature:
    name: str | None
    kind: str | None
    importance: float | None

    @classmethod
    def from_json(cls, data: Any) -> Feature:
        d = _mapping(data)
        return cls(_opt_text(d.get("name")), _opt_text(d.get("kind")), _opt_number(d.get("importance")))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "importance": self.importance}


@dataclass(frozen=True)
class ModelCard:
    """The model card as a report carries it: what the model is, what it learnt from, how good it is."""

    created: str | None = None
    valuation_date: str | None = None
    model_sha256: str | None = None
    currency: str | None = None
    data: CardData = field(default_factory=CardData)
    kind: str | None = None  # the model's own description
    interval: Interval | None = None
    metrics: Mapping[str, float] = field(default_factory=dict)  # out-of-fold accuracy, by name (_METRICS)
    features: tuple[Feature, ...] = ()  # the most influential attributes, most first
    libraries: Mapping[str, str] | None = None  # library -> version, as trained
    limits: tuple[str, ...] | None = None
    seed: int | None = None

    @classmethod
    def from_card(cls, card: Mapping[str, Any]) -> ModelCard:
        """From valuation/'s model card (`valuation.service.card`, the workspace's `Valued.card`): trimmed to
        the attributes that were used, the most influential first."""
        used = [f for f in card.get("features") or [] if isinstance(f, dict) and f.get("used", True)]
        top = sorted(used, key=lambda f: -float(f.get("importance") or 0))[:TOP_FEATURES]
        model = card.get("model") or {}
        data = card.get("data") or {}
        metrics = card.get("metrics") or {}
        try:
            return cls.from_json(
                clean(
                    {
                        "created": card.get("created"),
                        "valuation_date": card.get("valuation_date"),
                        "model_sha256": card.get("model_sha256"),
                        "currency": card.get("currency"),
                        "data": {k: v for k, v in data.items() if k in CardData.__dataclass_fields__},
                        "model": {"kind": model.get("kind"), "interval": model.get("interval")},
                        "metrics": {k: metrics[k] for k in _METRICS if k in metrics},
                        "features": [
                            {"name": f.get("name"), "kind": f.get("kind"), "importance": f.get("importance")}
                            for f in top
                        ],
                        "libraries": card.get("libraries"),
                        "limits": card.get("limits"),
                        "seed": card.get("seed"),
                    }
                )
            )
        except RecordInvalid:
            raise DeedbookError("The model card given to the valuation report is malformed.") from None

    @classmethod
    def from_json(cls, data: Any) -> ModelCard:
        """From the record's `extra.model`; RecordInvalid when it is not a model card."""
        try:
            c = _mapping(data or {})
            model = _mapping(c.get("model") or {})
            interval = model.get("interval")
            metrics = _mapping(c.get("metrics") or {})
            libraries = c.get("libraries")
            limits = c.get("limits")
            return cls(
                _opt_text(c.get("created")),
                _opt_text(c.get("valuation_date")),
                _opt_text(c.get("model_sha256")),
                _opt_text(c.get("currency")),
                CardData.from_json(c.get("data")),
                _opt_text(model.get("kind")),
                None if interval is None else Interval.from_json(interval),
                {k: _number(metrics[k]) for k in _METRICS if metrics.get(k) is not None},
                tuple(Feature.from_json(f) for f in _items(c.get("features"))),
                None if libraries is None else {str(k): _text(v) for k, v in _mapping(libraries).items()},
                None if limits is None else tuple(_text(x) for x in _items(limits)),
                _opt_whole(c.get("seed")),
            )
        except _Malformed:
            raise RecordInvalid("The model card carried in the embedded record is malformed.") from None

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "valuation_date": self.valuation_date,
            "model_sha256": self.model_sha256,
            "currency": self.currency,
            "data": self.data.to_json(),
            "model": {"kind": self.kind, "interval": None if self.interval is None else self.interval.to_json()},
            "metrics": dict(self.metrics),
            "features": [f.to_json() for f in self.features],
            "libraries": None if self.libraries is None else dict(self.libraries),
            "limits": None if self.limits is None else list(self.limits),
            "seed": self.seed,
        }

    @property
    def given(self) -> bool:
        """Does the report have a card to show (not only a hash and a currency)?"""
        return bool(self.data or self.metrics or self.features or self.kind)
