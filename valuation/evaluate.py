"""K-fold cross-validation of the whole pipeline, as an AVM is audited.

Each outer fold refits everything on the other folds: feature encodings, the
location prices, both models, the blend weight and the conformal calibration
(itself an inner K-fold).  The held-out sales are then valued exactly as a new
property would be, so coverage and accuracy are out-of-sample figures.
"""
from __future__ import annotations

import time
from typing import Any

import numpy as np

from core.errors import DeedbookError
from valuation.dataset import SalesData
from valuation.metrics import avm_metrics
from valuation.model import ModelParams, fit_model, fold_indices
from valuation.progress import Steps


def cross_validate(data: SalesData, folds: int = 5, params: ModelParams = ModelParams(),
                   steps: Steps | None = None) -> dict[str, Any]:
    steps = steps or Steps()
    if not 2 <= folds <= 20:
        raise DeedbookError("The number of folds must be between 2 and 20.")
    if len(data) < folds * 10:
        raise DeedbookError(f"{len(data)} sales are too few for {folds}-fold evaluation.")
    started = time.perf_counter()
    n = len(data)
    estimate, low, high = np.zeros(n), np.zeros(n), np.zeros(n)
    weights = []
    for i, (train, test) in enumerate(fold_indices(n, folds, params.seed + 1)):
        fold_steps = steps.sub(i / folds, (i + 1) / folds)
        fold_steps.report(0.0, f"fold {i + 1} of {folds}")
        model = fit_model(data.take(train), params, fold_steps)
        estimate[test], low[test], high[test] = model.predict(data.take(test))
        weights.append(model.weight)
    result = avm_metrics(data.price, estimate, low, high)
    result.update({
        "folds": folds,
        "seconds": round(time.perf_counter() - started, 1),
        "blend_tree_weights": [round(w, 2) for w in weights],
        "per_fold_mdape": [avm_metrics(data.price[te], estimate[te])["mdape"]
                           for _, te in fold_indices(n, folds, params.seed + 1)],
    })
    return result
