"""K-fold cross-validation of the whole pipeline, as an AVM is audited.

Each outer fold refits everything on the other folds: feature encodings, the
location prices, both models, the blend weight, the equity calibration, sales
validation, the spread (FSD) model and the conformal calibration (itself an
inner K-fold).  The held-out sales are then valued exactly as a new property
would be, so coverage and accuracy are out-of-sample figures.

The figures are on validated sales: the held-out sales the fold's model would
have left out of training by the same rule (valuation.validation) are counted
under `validated_out` and left out of the figures too; `all_sales` gives the
figures on every held-out sale when any were left out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from core.errors import DeedbookError
from valuation.dataset import BoolArray, FloatArray, SalesData
from valuation.metrics import avm_metrics
from valuation.model import ModelParams, fit_model, fold_indices
from valuation.progress import Steps
from valuation.validation import SCREEN_RULE, TRIM_RULE, iaao_trim, screened_out

NO_PRICE = "no price"


def _equity_figures(price: FloatArray, estimate: FloatArray) -> dict[str, Any]:
    m = avm_metrics(price, estimate)
    return {k: m[k] for k in ("mdape", "within_10", "cod", "prd", "prb")}


@dataclass
class OutOfFold:
    """Every sale valued by a model that never saw it, and what validation said about it."""

    estimate: FloatArray
    low: FloatArray
    high: FloatArray
    before_equity: FloatArray  # the same estimates before the equity calibration
    fsd: FloatArray
    screened_out: BoolArray  # held-out sales the fold's model would have left out of training
    weights: list[float]
    stretches: list[float]
    needed: list[float | None]  # the stretch each fold's model would have needed for the IAAO bands
    costs: list[float | None]  # and its out-of-fold MdAPE cost
    folds: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]]


def predict_out_of_fold(
    data: SalesData, folds: int = 5, params: ModelParams = ModelParams(), steps: Steps | None = None
) -> OutOfFold:
    steps = steps or Steps()
    if not 2 <= folds <= 20:
        raise DeedbookError("The number of folds must be between 2 and 20.")
    if len(data) < folds * 10:
        raise DeedbookError(f"{len(data)} sales are too few for {folds}-fold evaluation.")
    n = len(data)
    estimate, low, high, raw, fsd = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    out = np.zeros(n, dtype=bool)
    weights, stretches = [], []
    needed: list[float | None] = []
    costs: list[float | None] = []
    splits = fold_indices(n, folds, params.seed + 1)
    for i, (train, test) in enumerate(splits):
        fold_steps = steps.sub(i / folds, (i + 1) / folds)
        fold_steps.report(0.0, f"fold {i + 1} of {folds}")
        model = fit_model(data.take(train), params, fold_steps)
        held = data.take(test)
        blend = model.predict_log(held, calibrated=False)
        log_estimate = model.equity.apply(blend)
        raw[test] = np.exp(blend)
        estimate[test] = np.exp(log_estimate)
        low[test], high[test] = estimate[test] * np.exp(model.lower), estimate[test] * np.exp(model.upper)
        fsd[test] = model.fsd(held, log_estimate)
        if params.screen_sales and model.errors is not None:
            out[test] = screened_out(held, log_estimate, model.errors, model.years)
        weights.append(model.weight)
        stretches.append(model.equity.stretch)
        needed.append(model.equity.needed)
        costs.append(model.equity.cost)
    return OutOfFold(estimate, low, high, raw, fsd, out, weights, stretches, needed, costs, splits)


def cross_validate(
    data: SalesData, folds: int = 5, params: ModelParams = ModelParams(), steps: Steps | None = None, trim: bool = False
) -> dict[str, Any]:
    started = time.perf_counter()
    oof = predict_out_of_fold(data, folds, params, steps)
    price, estimate, fsd = data.price, oof.estimate, oof.fsd
    keep = ~oof.screened_out
    trimmed = 0
    if trim:
        inside = iaao_trim(estimate[keep] / price[keep])
        trimmed = int((~inside).sum())
        keep[np.flatnonzero(keep)[~inside]] = False
    result = avm_metrics(price[keep], estimate[keep], oof.low[keep], oof.high[keep])
    error = np.abs(np.log(price / estimate))
    by_condition = sum(v for k, v in data.dropped.items() if k != NO_PRICE)
    rules = [rule for rule in data.dropped if rule != NO_PRICE]
    if params.screen_sales:
        rules.append(SCREEN_RULE)
    if trim:
        rules.append(TRIM_RULE)
    result.update(
        {
            "folds": folds,
            "seconds": round(time.perf_counter() - started, 1),
            "fsd_median": round(100.0 * float(np.median(fsd[keep])), 2),  # % of the estimate
            "fsd_within_1": round(float(np.mean(error[keep] <= fsd[keep])), 4),  # calibrated: about 0.683
            "confidence_high_share": round(float(np.mean(fsd[keep] < 0.15)), 4),
            "validated_out": int(by_condition + oof.screened_out.sum() + trimmed),
            "validation": {
                "rules": rules,
                "sale_condition": int(by_condition),
                "screened_out": int(oof.screened_out.sum()),
                "trimmed": trimmed,
            },
            "equity": {
                "stretch_per_fold": [round(s, 2) for s in oof.stretches],
                "needed_per_fold": oof.needed,
                "cost_if_applied_per_fold": oof.costs,
                "before": _equity_figures(price[keep], oof.before_equity[keep]),
                "after": _equity_figures(price[keep], estimate[keep]),
            },
            "blend_tree_weights": [round(w, 2) for w in oof.weights],
            "per_fold_mdape": [
                avm_metrics(price[te][keep[te]], estimate[te][keep[te]])["mdape"] for _, te in oof.folds
            ],
        }
    )
    if not keep.all():
        result["all_sales"] = {"n": len(data), **_equity_figures(price, estimate)}
    result["kept"] = keep  # which sales the figures are on (callers comparing models use it; not printed)
    return result
