"""The figures an automated valuation model is judged by.

Accuracy as AVM vendors report it (median absolute percentage error, share of
estimates within 5/10/20% of the price), the calibration of the 90% range, and
the IAAO Standard on Ratio Studies (2013) statistics assessors use for uniformity
(COD) and vertical equity (PRD, PRB), with ratio = estimate / sale price.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def prb(estimate: FloatArray, price: FloatArray) -> float:
    """Price-related bias: % change in ratio when value doubles (IAAO 2013, appendix B)."""
    ratio = estimate / price
    median = float(np.median(ratio))
    value = 0.5 * price + 0.5 * estimate / median  # proxy for market value, neutral to both
    x = np.log(value) / math.log(2.0)
    yv = (ratio - median) / median
    xc = x - x.mean()
    denom = float((xc**2).sum())
    return float((xc * (yv - yv.mean())).sum() / denom) if denom > 0 else 0.0


def prd(estimate: FloatArray, price: FloatArray) -> float:
    """Price-related differential: mean ratio over the sales-weighted mean ratio (IAAO 2013)."""
    return float(np.mean(estimate / price)) / float(estimate.sum() / price.sum())


def avm_metrics(
    price: FloatArray, estimate: FloatArray, low: FloatArray | None = None, high: FloatArray | None = None
) -> dict[str, Any]:
    ratio = estimate / price
    ape = np.abs(ratio - 1.0)
    median_ratio = float(np.median(ratio))
    out: dict[str, Any] = {
        "n": int(price.size),
        "mdape": round(100.0 * float(np.median(ape)), 3),
        "within_5": round(float(np.mean(ape <= 0.05)), 4),
        "within_10": round(float(np.mean(ape <= 0.10)), 4),
        "within_20": round(float(np.mean(ape <= 0.20)), 4),
        "rmse_log": round(float(np.sqrt(np.mean(np.log(ratio) ** 2))), 4),
        "median_ratio": round(median_ratio, 4),
        # coefficient of dispersion: average % deviation of ratios from their median
        "cod": round(100.0 * float(np.mean(np.abs(ratio - median_ratio))) / median_ratio, 3),
        # price-related differential: mean ratio over the sales-weighted mean ratio
        "prd": round(prd(estimate, price), 4),
        "prb": round(prb(estimate, price), 4),
    }
    if low is not None and high is not None:
        out["coverage"] = round(float(np.mean((price >= low) & (price <= high))), 4)
        # width relative to the estimate: comparable across markets and price levels
        out["mean_interval_width"] = round(float(np.mean((high - low) / estimate)), 4)
        out["mean_interval_width_money"] = round(float(np.mean(high - low)), 2)
    return out
