"""Honest uncertainty for a property the model knows little about.

An attribute a deed does not give is assumed typical for the market (valuer.py).
The estimate then rests on less, and its error grows: a deed with none of the
columns is valued as the typical sale, and its error is the whole market's
spread of prices.  How much it grows is measured, not set by hand: inside the
inner cross-validation each held-out sale is valued again with attributes
masked (random subsets, and all of them), imputed exactly as `value` imputes
them, by a model that never saw it.  A masked sale is placed by the share of
the model's importance (mean absolute effect in money, training.py) its masked
attributes carry; per band of that share, the FSD is scaled so that 68.3% of the
masked sales fall within one FSD, and the 90% range takes the conformal offsets
of the masked residuals.  More assumed never narrows: each band is at least as
wide as the band before it and the complete record's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from valuation.dataset import BoolArray, FloatArray, SalesData
from valuation.explain import LOCATION
from valuation.intervals import conformal_bounds

MASK_DRAWS = 2  # random masks per held-out sale (plus one with every attribute masked)
# upper edges of the bands of importance share assumed; above 0.999 is "nothing known", a band of its own
BAND_EDGES = (0.1, 0.25, 0.45, 0.7, 0.999)
MIN_BAND = 60  # masked sales a band needs; fewer are pooled with the band before
ONE_SD = 0.6827
FSD_RANGE = (0.01, 1.0)


def typical_sale(data: SalesData, valuation_time: float) -> SalesData:
    """Medians and most common values; the location of the sale nearest the median point."""
    numeric = {k: np.array([np.nanmedian(v) if np.isfinite(v).any() else np.nan]) for k, v in data.numeric.items()}
    categorical = {}
    for k, v in data.categorical.items():
        keys = np.array(["\x00" if x is None else str(x) for x in v])
        values, counts = np.unique(keys, return_counts=True)
        mode = str(values[int(np.argmax(counts))])
        categorical[k] = np.array([None if mode == "\x00" else mode], dtype=object)
    lat, lon = np.array([np.nan]), np.array([np.nan])
    ok = np.isfinite(data.lat) & np.isfinite(data.lon)
    if ok.any():
        d = (data.lat - np.median(data.lat[ok])) ** 2 + (data.lon - np.median(data.lon[ok])) ** 2
        i = int(np.nanargmin(np.where(ok, d, np.nan)))
        lat, lon = data.lat[i : i + 1].copy(), data.lon[i : i + 1].copy()
    return SalesData(np.array([np.nan]), np.array([valuation_time]), lat, lon, numeric, categorical, ["a typical sale"])


def attribute_groups(data: SalesData) -> list[str]:
    """What a deed can lack, named as the reasons name it: each column, and the location."""
    return list(data.numeric) + list(data.categorical) + ([LOCATION] if data.has_coordinates else [])


def draw_masks(n: int, groups: int, rng: np.random.Generator) -> BoolArray:
    """MASK_DRAWS random masks per sale (each with its own masked share, uniform), then one of everything:
    rows are [draw 1 of every sale, draw 2 ..., all masked]."""
    share = rng.random((MASK_DRAWS * n, 1))
    random = rng.random((MASK_DRAWS * n, groups)) < share
    return np.vstack([random, np.ones((n, groups), dtype=bool)])


def assume(data: SalesData, masks: BoolArray, groups: Sequence[str], typical: SalesData) -> SalesData:
    """A copy of `data` with each row's masked attributes set to the typical sale's (as `value` fills them)."""
    out = data.take(np.arange(len(data)))
    for j, name in enumerate(groups):
        rows = masks[:, j]
        if name == LOCATION:
            out.lat[rows], out.lon[rows] = typical.lat[0], typical.lon[0]
        elif name in out.numeric:
            out.numeric[name][rows] = typical.numeric[name][0]
        else:
            out.categorical[name][rows] = typical.categorical[name][0]
    return out


@dataclass
class MaskedErrors:
    """Out-of-fold errors of sales valued with attributes masked (kept only until the widening is fitted)."""

    groups: list[str]
    masks: BoolArray
    residual: FloatArray  # log price - log estimate of the masked record
    fsd: FloatArray  # the FSD the spread model gives the masked record, before any widening


def share_assumed(assumed: Sequence[str], importance: dict[str, float], groups: Sequence[str]) -> float:
    """The share of the model's importance (over what a deed can lack) that `assumed` carries."""
    total = sum(importance.get(g, 0.0) for g in groups)
    if total <= 0:
        return 0.0
    chosen = set(assumed)
    # summed in the groups' order, so assuming one more attribute can never lower the share by rounding
    return min(1.0, sum(importance.get(g, 0.0) for g in groups if g in chosen) / total)


@dataclass
class AssumedWidening:
    """Per band of importance share assumed: the FSD's factor and the 90% range's log offsets."""

    groups: list[str]
    importance: dict[str, float]
    upper_edges: list[float] = field(default_factory=list)
    fsd_factor: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)

    def share(self, assumed: Sequence[str]) -> float:
        return share_assumed(assumed, self.importance, self.groups)

    def band(self, share: float) -> int | None:
        """The band of a share; None when nothing that matters was assumed (the model's own figures)."""
        if share <= 0 or not self.upper_edges:
            return None
        for i, edge in enumerate(self.upper_edges):
            if share <= edge + 1e-12:
                return i
        return len(self.upper_edges) - 1

    def widen(self, share: float, fsd: float, lower: float, upper: float) -> tuple[float, float, float]:
        """(FSD, lower, upper log offsets) for an estimate with `share` of the importance assumed."""
        b = self.band(share)
        if b is None:
            return fsd, lower, upper
        widened = float(np.clip(fsd * self.fsd_factor[b], *FSD_RANGE))
        return widened, min(lower, self.lower[b]), max(upper, self.upper[b])

    def spread_factor(self, share: float) -> float:
        """How many times wider the errors of an estimate with `share` of the importance assumed are
        than the model's own (never narrower): the unit in which the price screen reads its price gap."""
        b = self.band(share)
        return 1.0 if b is None else max(1.0, float(self.fsd_factor[b]))

    def describe(self) -> dict[str, Any]:
        """For the model card."""
        bands, start = [], 0.0
        for i, edge in enumerate(self.upper_edges):
            bands.append(
                {
                    "share_assumed": [round(start, 3), round(min(edge, 1.0), 3)],
                    "fsd_factor": round(self.fsd_factor[i], 3),
                    "relative_range": [
                        round(float(np.exp(self.lower[i])) - 1, 4),
                        round(float(np.exp(self.upper[i])) - 1, 4),
                    ],
                    "masked_sales": self.counts[i],
                }
            )
            start = edge
        return {"method": WIDENING_METHOD, "bands": bands}


WIDENING_METHOD = (
    "attributes a deed lacks are assumed typical; inside the inner cross-validation each held-out sale is "
    f"valued again with random subsets of its attributes masked ({MASK_DRAWS} per sale) and with all of them, "
    "imputed the same way; per band of the share of importance assumed, the FSD is multiplied so that 68.3% "
    "of those masked sales fall within one FSD and the 90% range takes their conformal offsets (never "
    "narrower than a band with less assumed)"
)


def fit_widening(
    errors: MaskedErrors, importance: dict[str, float], base_lower: float, base_upper: float, coverage: float
) -> AssumedWidening:
    """Measure, per band of importance share masked, how much wider the FSD and the range must be."""
    widening = AssumedWidening(list(errors.groups), {g: float(importance.get(g, 0.0)) for g in errors.groups})
    weights = np.array([widening.importance[g] for g in errors.groups])
    total = float(weights.sum())
    if total <= 0 or errors.masks.shape[0] == 0:
        return widening
    share = np.minimum(1.0, (errors.masks @ weights) / total)
    ratio = np.abs(errors.residual) / np.maximum(errors.fsd, 1e-9)
    factor, lower, upper = 1.0, base_lower, base_upper
    start, pending = 0.0, np.zeros(len(share), dtype=bool)
    for edge in (*BAND_EDGES, 1.0):
        pending |= (share > start) & (share <= edge + 1e-12)
        start = edge
        if pending.sum() < MIN_BAND:
            continue  # too few to measure: pooled with the next band
        factor = max(factor, float(np.quantile(ratio[pending], ONE_SD)))
        lo, hi = conformal_bounds(errors.residual[pending], coverage)
        lower, upper = min(lower, lo), max(upper, hi)
        widening.upper_edges.append(min(edge, 1.0))
        widening.fsd_factor.append(factor)
        widening.lower.append(lower)
        widening.upper.append(upper)
        widening.counts.append(int(pending.sum()))
        pending = np.zeros(len(share), dtype=bool)
    if pending.any() and widening.upper_edges:  # a last band too small alone: it takes the widest measured
        widening.upper_edges[-1] = 1.0
    return widening
