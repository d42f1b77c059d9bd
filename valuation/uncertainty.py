"""Forecast standard deviation (FSD) and confidence score per estimate, as lenders read them.

FSD is the standard deviation of the estimate's error, as a share of the
estimate: an FSD of 8% says about two sales in three of properties like this one
sell within 8% of their estimate.  The confidence score is 100 x (1 - FSD):
lenders call above 85 high confidence (FSD under 15%).

How: a small boosted-tree model learns, from the out-of-fold errors of the
training sales, how large the error is for which properties (log of the absolute
log error, on the property's numbers, time, place and its estimate; no price
encodings, so a sale's own price cannot leak in).  Its output is then scaled so
that, cross-fitted on those same sales, 68.3% of them fall within one FSD: the
share a normal error would have, without assuming errors are normal.  The
evaluation checks that share on held-out sales.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from valuation.dataset import FloatArray, SalesData

ONE_SD = 0.6827  # share of a normal distribution within one standard deviation
CROSS_FIT_FOLDS = 3
FSD_RANGE = (0.01, 1.0)
HIGH_CONFIDENCE = 85  # lenders' convention: a score above 85 is high confidence
LOW_CONFIDENCE = 70


@dataclass
class SpreadModel:
    numeric: list[str]
    use_time: bool
    use_coordinates: bool
    gbm: Any = None
    factor: float = 1.0
    constant: float = 0.1  # the FSD used when the tree model could not be fitted (tiny markets)
    calibration: dict[str, float] = field(default_factory=dict)

    def design(self, data: SalesData, log_estimate: FloatArray) -> FloatArray:
        cols = [data.numeric[name] for name in self.numeric]
        if self.use_time:
            cols.append(data.time)
        if self.use_coordinates:
            cols += [data.lat, data.lon]
        cols.append(log_estimate)
        return np.column_stack(cols)

    def fsd(self, data: SalesData, log_estimate: FloatArray) -> FloatArray:
        """The forecast standard deviation of each estimate, as a fraction (0.08 = 8%)."""
        if self.gbm is None:
            return np.full(len(data), self.constant)
        from valuation.model import single_threaded

        with single_threaded():
            raw = np.exp(np.asarray(self.gbm.predict(self.design(data, log_estimate)), dtype=np.float64))
        return np.asarray(np.clip(self.factor * raw, *FSD_RANGE), dtype=np.float64)


def _gbm(seed: int) -> Any:
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(
        learning_rate=0.05,
        max_iter=150,
        max_leaf_nodes=7,
        min_samples_leaf=40,
        l2_regularization=1.0,
        random_state=seed,
    )


def fit_spread(data: SalesData, log_price: FloatArray, oof_log: FloatArray, seed: int = 0) -> SpreadModel:
    """Learn the size of the out-of-fold errors; calibrate it to one standard deviation."""
    from valuation.model import fold_indices, single_threaded

    numeric = [k for k, v in data.numeric.items() if np.isfinite(v).sum() >= 10]
    model = SpreadModel(numeric, data.has_time, data.has_coordinates)
    error = np.abs(log_price - oof_log)
    model.constant = float(np.clip(np.quantile(error, ONE_SD), *FSD_RANGE))
    n = len(data)
    if n < 60:
        return model
    x = model.design(data, oof_log)
    target = np.log(error + 0.005)  # the floor keeps a handful of exact estimates from dominating
    raw = np.zeros(n)
    with single_threaded():
        for train, test in fold_indices(n, CROSS_FIT_FOLDS, seed + 7):
            raw[test] = np.exp(_gbm(seed).fit(x[train], target[train]).predict(x[test]))
        model.gbm = _gbm(seed).fit(x, target)
    model.factor = float(np.quantile(error / raw, ONE_SD))
    fsd = np.clip(model.factor * raw, *FSD_RANGE)
    model.calibration = {
        "within_1_fsd": round(float(np.mean(error <= fsd)), 4),
        "median_fsd": round(float(np.median(fsd)), 4),
    }
    return model


def confidence(fsd: float) -> tuple[int, str]:
    """The confidence score (0-100) and its band, from an FSD."""
    score = round(100.0 * (1.0 - min(max(fsd, 0.0), 1.0)))
    band = "high" if score > HIGH_CONFIDENCE else "medium" if score >= LOW_CONFIDENCE else "low"
    return score, band
