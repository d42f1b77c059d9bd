"""Training: fit the model on a market and keep what valuing a property needs.

A `TrainedModel` is everything the stored file holds: how to read attributes
(the schema), the fitted model with its calibrated range, the training sales
(for comparables), the typical sale (the reference point for reasons) and the
attributes' importance in this market.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from valuation.assumed import fit_widening, typical_sale
from valuation.comparables import CompIndex
from valuation.dataset import SalesData, TableSpec
from valuation.explain import LOCATION, TIME, Group, groups_for, in_money, shapley
from valuation.model import ModelParams, ValuationModel, fit_model
from valuation.progress import Steps

IMPORTANCE_SAMPLE = 40
KEY_FEATURES = 5


@dataclass
class TrainedModel:
    spec: TableSpec
    model: ValuationModel
    baseline: SalesData  # the typical sale of this market: reasons are measured from it
    groups: list[Group]
    comps: CompIndex
    importance: dict[str, float]  # mean absolute effect in money over a sample of sales
    valuation_time: float  # the default "as of" time: the latest sale in the data
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def has_coordinates(self) -> bool:
        return self.model.regressor.builder.location is not None


def _importance(
    model: ValuationModel, data: SalesData, baseline: SalesData, groups: list[Group], seed: int
) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(data), size=min(IMPORTANCE_SAMPLE, len(data)), replace=False)
    totals = {g.label: 0.0 for g in groups}
    typical = float(np.exp(model.predict_log(baseline)[0]))
    for r in rows:
        subject = data.take(np.array([r]))
        contributions, _, log_value = shapley(model.predict_log, subject, baseline, groups, seed, pairs=1)
        for label, money in in_money(contributions, typical, float(np.exp(log_value))).items():
            totals[label] += abs(money)
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])
    return {k: round(v / len(rows), 2) for k, v in ranked}


def train_model(
    data: SalesData, spec: TableSpec, params: ModelParams = ModelParams(), steps: Steps | None = None
) -> TrainedModel:
    steps = steps or Steps()
    started = time.perf_counter()
    model = fit_model(data, params, steps.sub(0.0, 0.92), measure_assumed=True)
    data = data.take(model.kept)  # the sales validation kept: comparables and reasons come from them
    builder = model.regressor.builder
    valuation_time = builder.time_range[1] if builder.use_time else float("nan")
    baseline = typical_sale(data, valuation_time)
    numeric = [n for n in spec.numeric_names if n in builder.numeric]
    groups = groups_for(numeric, spec.categorical_names, builder.location is not None, builder.use_time)
    steps.report(0.93, "measuring which attributes matter")
    importance = _importance(model, data, baseline, groups, params.seed)
    if model.masked is not None:  # measured in the inner folds; the bands need the importance
        model.assumed = fit_widening(model.masked, importance, model.lower, model.upper, params.coverage)
        model.masked = None  # not stored: the widening is all valuing needs
    keys = [k for k in importance if k not in (LOCATION, TIME)][:KEY_FEATURES]
    key_numeric = [k for k in keys if k in data.numeric]
    spreads = {}
    for k in key_numeric:
        q1, q3 = np.nanpercentile(data.numeric[k], [25, 75])
        spreads[k] = float(q3 - q1) if q3 > q1 else float(np.nanstd(data.numeric[k]) or 1.0)
    lat0 = builder.location.lat0 if builder.location is not None else 0.0
    comps = CompIndex(data, model.oof_log, key_numeric, [k for k in keys if k in data.categorical], spreads, lat0)
    steps.report(1.0, "trained")
    info = {"training_seconds": round(time.perf_counter() - started, 1)}
    return TrainedModel(spec, model, baseline, groups, comps, importance, valuation_time, info)
