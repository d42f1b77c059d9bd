"""Learn the price screen from labelled sales and measure it out of fold, nested.

The bundled Ames data marks each sale's condition; Abnorml, Family, Alloca and
AdjLand sales are not at arm's length.  The screen never sees that column (nor
the sale type): it sees the price, the date, the property, and what the
valuation model says about it.  Evaluation is nested so no figure is flattered:

* outer folds, stratified: the screen is scored only on sales of a fold it was
  not trained on;
* in each outer fold, the valuation model is trained on the other folds' market
  sales; its inner cross-validation gives those sales out-of-fold estimates, and
  the remaining sales (the other folds' non-market ones and the held-out fold)
  are valued by the fold's final model, which never saw them.

That is exactly how the shipped screen is used: a model trained on market sales
values a new transfer it has never seen, and the screen reads the gap.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from core.errors import DeedbookError
from valuation.dataset import BoolArray, FloatArray, SalesData
from valuation.model import ModelParams, ValuationModel, fit_model
from valuation.progress import Steps
from valuation.screening.classifier import AdditiveLogit
from valuation.screening.features import INPUTS, MarketErrors, inputs, sale_age

if TYPE_CHECKING:
    from valuation.screening.shipped import PriceScreen

REVIEW_SHARE = 0.05  # the review queue: the 5% of sales the screen finds most suspicious
HIGH_SHARE = 0.01  # "high": the top 1%


@dataclass
class FoldInputs:
    """The screen's inputs for every sale of a labelled market, as one valuation model sees them."""

    x: FloatArray
    model: ValuationModel
    errors: MarketErrors


def model_inputs(
    data: SalesData, train: np.ndarray, market: np.ndarray, params: ModelParams, steps: Steps
) -> FoldInputs:
    """Fit the valuation model on `market` rows; inputs for all rows (out-of-fold for `market`)."""
    log_price = np.log(data.price)
    model = fit_model(data.take(market), params, steps)
    errors = MarketErrors.from_oof(log_price[market], model.oof_log)
    log_estimate = model.predict_log(data)
    log_estimate[market] = model.oof_log  # the market sales it trained on: their out-of-fold estimates
    age = sale_age(data.time, data.numeric, model.regressor.builder.years)
    return FoldInputs(inputs(errors, data.price, log_estimate, age, data.time), model, errors)


def precision_at(scores: FloatArray, y: BoolArray, share: float) -> tuple[float, float, int]:
    """Precision and recall among the `share` highest scores (ties broken by order)."""
    k = max(1, round(share * scores.size))
    top = np.argsort(-scores, kind="stable")[:k]
    hits = int(y[top].sum())
    return hits / k, hits / max(1, int(y.sum())), k


def ranking_figures(scores: FloatArray, y: BoolArray) -> dict[str, Any]:
    from sklearn.metrics import roc_auc_score

    p5, r5, k5 = precision_at(scores, y, REVIEW_SHARE)
    p1, r1, _ = precision_at(scores, y, HIGH_SHARE)
    return {
        "auc": round(float(roc_auc_score(y, scores)), 4),
        "precision_at_5pct": round(p5, 4),
        "recall_at_5pct": round(r5, 4),
        "reviewed_at_5pct": k5,
        "precision_at_1pct": round(p1, 4),
        "recall_at_1pct": round(r1, 4),
    }


def cross_validate_screen(
    data: SalesData,
    non_market: BoolArray,
    folds: int = 5,
    params: ModelParams = ModelParams(),
    steps: Steps | None = None,
) -> dict[str, Any]:
    """Nested out-of-fold scores of the price screen on labelled sales, and the figures."""
    from sklearn.model_selection import StratifiedKFold

    steps = steps or Steps()
    y = np.asarray(non_market, dtype=bool)
    n = len(data)
    positives = int(y.sum())
    if not 2 <= folds <= 20:
        raise DeedbookError("The number of folds must be between 2 and 20.")
    if positives < 2 * folds or n - positives < 10 * folds:
        raise DeedbookError(f"{positives} non-market sales among {n} are too few for {folds}-fold evaluation.")
    started = time.perf_counter()
    scores = np.zeros(n)
    gap = np.zeros(n)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=params.seed + 2)
    for k, (train, test) in enumerate(splitter.split(np.zeros(n), y)):
        fold_steps = steps.sub(k / folds, (k + 1) / folds)
        fold_steps.report(0.0, f"fold {k + 1} of {folds}: valuing sales")
        market = train[~y[train]]
        fold = model_inputs(data, train, market, params, fold_steps.sub(0.0, 0.95))
        fold_steps.report(0.97, f"fold {k + 1} of {folds}: fitting the screen")
        screen = AdditiveLogit.fit(fold.x[train], y[train], SCREEN_C)
        scores[test] = screen.score(fold.x[test])
        gap[test] = np.abs(fold.x[test, 0])
    result: dict[str, Any] = {
        "n": n,
        "positives": positives,
        "base_rate": round(positives / n, 4),
        "folds": folds,
        "inputs": list(INPUTS),
        **ranking_figures(scores, y),
    }
    result["baseline_price_gap_only"] = ranking_figures(gap, y)
    result["thresholds"] = {
        "review": round(float(np.quantile(scores, 1.0 - REVIEW_SHARE)), 4),
        "high": round(float(np.quantile(scores, 1.0 - HIGH_SHARE)), 4),
    }
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["scores"] = scores  # out of fold, for callers that study them (not printed)
    return result


SCREEN_C = 0.3  # L2 strength of the additive model (fixed, not tuned on the evaluation)


def fit_screen(
    data: SalesData,
    non_market: BoolArray,
    source: dict[str, Any],
    folds: int = 5,
    params: ModelParams = ModelParams(),
    steps: Steps | None = None,
) -> "PriceScreen":
    """The screen to ship: evaluated nested out of fold (figures and review/high thresholds), then
    fitted on every labelled sale with the valuation model trained on all market sales."""
    from core import __version__
    from valuation.screening.shipped import PriceScreen

    steps = steps or Steps()
    y = np.asarray(non_market, dtype=bool)
    figures = cross_validate_screen(data, y, folds, params, steps.sub(0.0, 0.85))
    figures.pop("scores")
    thresholds = figures.pop("thresholds")
    everything = np.arange(len(data))
    fitted = model_inputs(data, everything, everything[~y], params, steps.sub(0.85, 1.0))
    screen = AdditiveLogit.fit(fitted.x, y, SCREEN_C)
    info = {
        "trained_on": {**source, "n": len(data), "non_market": int(y.sum())},
        "evaluation": {"method": "nested stratified K-fold (see valuation/screening/evaluate.py)", **figures},
        "valuation_params": {k: v for k, v in vars(params).items()},
        "deedbook": __version__,
    }
    return PriceScreen(screen, float(thresholds["review"]), float(thresholds["high"]), info)
