"""What the price screen looks at: a sale's price against the valuation model, in terms
that mean the same in every market.

The gap between the price and the estimate is measured in units of the model's own
out-of-fold error on market sales (so a market the model values roughly does not
flag every sale), the property's price level as its place in the market's price
distribution, the property's age at the sale where the table has a year of
construction, and the time of year of the closing where the sale has a month.
Nothing here reads a sale-condition or sale-type column: those are never features
(see valuation.schema.SALE_TERMS).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

MAD_TO_SD = 1.4826  # a normal distribution's sd per median absolute deviation


@dataclass(frozen=True)
class MarketErrors:
    """The valuation model's out-of-fold errors on the market sales it learnt from."""

    residuals: FloatArray  # sorted log(price) - log(out-of-fold estimate)
    log_prices: FloatArray  # sorted log prices of those sales
    centre: float  # median residual
    scale: float  # robust standard deviation of the residuals
    log_median: float  # the market's median log price
    log_spread: float  # the standard deviation of its log prices

    @classmethod
    def from_oof(cls, log_price: FloatArray, oof_log: FloatArray) -> "MarketErrors":
        r = np.sort(log_price - oof_log)
        centre = float(np.median(r))
        scale = MAD_TO_SD * float(np.median(np.abs(r - centre)))
        return cls(
            r,
            np.sort(log_price),
            centre,
            max(scale, 1e-3),
            float(np.median(log_price)),
            max(float(np.std(log_price)), 1e-3),
        )

    def share_at_or_below(self, residual: float) -> float:
        """Share of market sales whose price was this far (or further) below their estimate."""
        return float(np.searchsorted(self.residuals, residual, side="right")) / self.residuals.size

    def share_at_or_above(self, residual: float) -> float:
        return float(self.residuals.size - np.searchsorted(self.residuals, residual, side="left")) / self.residuals.size

    def share_cheaper(self, log_value: float) -> float:
        """Share of the market's sales that sold for less than this."""
        return float(np.searchsorted(self.log_prices, log_value, side="left")) / self.log_prices.size


# The inputs of the screen, one column each, in this order.
GAP, LEVEL, AGE, ROUND, SEASON = "gap", "level", "age", "roundness", "season"
INPUTS = (GAP, LEVEL, AGE, ROUND, SEASON)


def roundness(price: FloatArray) -> FloatArray:
    """Trailing zeros of the whole price, 0 to 3: 250,000 -> 3, 143,250 -> 1, 143,267 -> 0.

    Negotiated prices are round; prices computed by someone (an allocation between two
    deeds, a share of a property, a court-set price) often are not.
    """
    whole = np.round(price)
    out = np.zeros(price.shape[0])
    exact = np.abs(price - whole) < 0.005  # a price with cents has no trailing zeros
    for power in (10.0, 100.0, 1000.0):
        out += exact & (np.mod(whole, power) == 0)
    return out


def inputs(
    errors: MarketErrors,
    price: FloatArray,
    log_estimate: FloatArray,
    age: FloatArray,
    time: FloatArray,
    spread: FloatArray | None = None,
) -> FloatArray:
    """n x 5: the price gap in error units, the price level in market spreads, the age at the sale
    (NaN = unknown), the price's roundness and the time of year of the closing (0-1, NaN = unknown).
    `spread`: per sale, how many times wider than the market's its estimate's errors are (an estimate
    that assumed attributes it lacks); the gap is read in that estimate's own error units."""
    gap = (np.log(price) - log_estimate - errors.centre) / errors.scale
    if spread is not None:
        gap = gap / spread
    level = (log_estimate - errors.log_median) / errors.log_spread
    season = np.mod(np.asarray(time, dtype=np.float64), 1.0)
    # a year alone reads as mid-year (valuation.schema): its season is unknown (2 July loses its own)
    season[season == 0.5] = np.nan
    return np.column_stack([gap, level, np.asarray(age, dtype=np.float64), roundness(price), season])


def sale_age(time: FloatArray, numeric: dict[str, FloatArray], year_columns: list[str]) -> FloatArray:
    """Years from construction to the sale: the sale time minus the earliest year-like attribute
    (built, remodelled, garage built: the earliest is the construction).  NaN where unknown."""
    if not year_columns:
        return np.full(time.shape[0], np.nan)
    years = np.column_stack([numeric[c] for c in year_columns])
    known = np.isfinite(years).any(axis=1)
    built = np.where(known, np.min(np.where(np.isfinite(years), years, np.inf), axis=1), np.nan)
    return np.asarray(time - built, dtype=np.float64)
