"""Reasons: which attributes push an estimate above or below a typical sale, in money.

Baseline Shapley values over the property's attributes: the estimate of a
typical sale (medians and most common values of the training market) is moved
to the subject's estimate one attribute at a time, in sampled orders, and each
attribute is credited with its average step.  The steps add up exactly to
log(estimate) - log(typical), for every order, and the log-mean allocation
(L(a, b) = (a - b) / (ln a - ln b), as in LMDI index decomposition) turns them
into amounts of money that add up exactly to estimate - typical.

An attribute equal to the typical value has no effect by construction, so only
the differing ones are evaluated: a deed with three known attributes costs a
handful of predictions; a fully described house about 600, in one batch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from valuation.dataset import FloatArray, SalesData, concat

PERMUTATION_PAIRS = 4  # each order is used with its reverse (antithetic sampling)
LOCATION = "Location"
TIME = "Date of sale"


@dataclass(frozen=True)
class Group:
    """One attribute as the user knows it (a column, or the coordinates together)."""

    label: str
    numeric: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    coordinates: bool = False
    time: bool = False


def groups_for(numeric: list[str], categorical: list[str], coordinates: bool, time: bool) -> list[Group]:
    out = [Group(n, numeric=(n,)) for n in numeric] + [Group(c, categorical=(c,)) for c in categorical]
    if coordinates:
        out.append(Group(LOCATION, coordinates=True))
    if time:
        out.append(Group(TIME, time=True))
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return bool(a == b)


def differs(group: Group, subject: SalesData, baseline: SalesData) -> bool:
    pairs: list[tuple[Any, Any]] = [
        (float(subject.numeric[c][0]), float(baseline.numeric[c][0])) for c in group.numeric
    ]
    pairs += [(subject.categorical[c][0], baseline.categorical[c][0]) for c in group.categorical]
    if group.coordinates:
        pairs += [(float(subject.lat[0]), float(baseline.lat[0])), (float(subject.lon[0]), float(baseline.lon[0]))]
    if group.time:
        pairs.append((float(subject.time[0]), float(baseline.time[0])))
    return not all(_same(a, b) for a, b in pairs)


def blend_rows(
    subject: SalesData, baseline: SalesData, groups: list[Group], take: np.ndarray[Any, np.dtype[np.bool_]]
) -> SalesData:
    """Rows mixing the subject (where take[row, group]) with the baseline (elsewhere)."""
    rows = take.shape[0]

    def mix(s: np.ndarray[Any, Any], b: np.ndarray[Any, Any], mask: np.ndarray[Any, Any]) -> Any:
        return np.where(mask, np.repeat(s[:1], rows), np.repeat(b[:1], rows))

    numeric = {k: np.repeat(v[:1], rows) for k, v in baseline.numeric.items()}
    categorical = {k: np.repeat(v[:1], rows) for k, v in baseline.categorical.items()}
    lat, lon, time = (
        np.repeat(baseline.lat[:1], rows),
        np.repeat(baseline.lon[:1], rows),
        np.repeat(baseline.time[:1], rows),
    )
    for g, group in enumerate(groups):
        mask = take[:, g]
        for c in group.numeric:
            numeric[c] = mix(subject.numeric[c], baseline.numeric[c], mask)
        for c in group.categorical:
            categorical[c] = mix(subject.categorical[c], baseline.categorical[c], mask)
        if group.coordinates:
            lat, lon = mix(subject.lat, baseline.lat, mask), mix(subject.lon, baseline.lon, mask)
        if group.time:
            time = mix(subject.time, baseline.time, mask)
    return SalesData(
        np.full(rows, np.nan),
        time.astype(np.float64),
        lat.astype(np.float64),
        lon.astype(np.float64),
        numeric,
        categorical,
        [""] * rows,
    )


def shapley(
    predict_log: Callable[[SalesData], FloatArray],
    subject: SalesData,
    baseline: SalesData,
    groups: list[Group],
    seed: int = 0,
    pairs: int = PERMUTATION_PAIRS,
) -> tuple[dict[str, float], float, float]:
    """({group label: log contribution}, log baseline, log subject), contributions summing exactly.

    The subject itself is the first row of the one batch predicted, so a valuation
    costs a single call into the models however many attributes differ.
    """
    active = [g for g in groups if differs(g, subject, baseline)]
    p = len(active)
    rng = np.random.default_rng(seed)
    orders = []
    for _ in range(pairs if p > 2 else 1 if p else 0):
        order = rng.permutation(p)
        orders += [order, order[::-1]]
    # row 0: baseline; then for each order, the coalitions after 1..p steps
    take = np.zeros((1 + len(orders) * p, p), dtype=bool)
    for o, order in enumerate(orders):
        for step in range(p):
            take[1 + o * p + step, order[: step + 1]] = True
    values = predict_log(concat([subject, blend_rows(subject, baseline, active, take)]))
    own, base = float(values[0]), float(values[1])
    phi = np.zeros(p)
    for o, order in enumerate(orders):
        path = np.concatenate([[base], values[2 + o * p : 2 + (o + 1) * p]])
        phi[order] += np.diff(path)
    if orders:
        phi /= len(orders)
    return {g.label: float(v) for g, v in zip(active, phi, strict=True)}, base, own


def log_mean(a: float, b: float) -> float:
    """L(a, b) = (a - b) / (ln a - ln b), continuous at a == b."""
    return a if abs(math.log(a) - math.log(b)) < 1e-12 else (a - b) / (math.log(a) - math.log(b))


def in_money(contributions: dict[str, float], typical: float, estimate: float) -> dict[str, float]:
    scale = log_mean(estimate, typical)
    return {k: v * scale for k, v in contributions.items()}
