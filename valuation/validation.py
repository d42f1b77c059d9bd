"""Sales validation: which sales a model of market value learns from and is judged on.

Two rules, stated in the model card, the same in training and evaluation:

1. A sale-condition column, when the table has one, decides (valuation.dataset.
   sale_filters): family, foreclosure, partial-interest, adjoining-land ... sales
   are left out before anything else happens.
2. Sales no such column vouches for (the ledger's own transfers, a table without
   the column, a row with the condition blank) are screened on price by the
   shipped price screen (valuation.screening), against the model's out-of-fold
   estimate; those it rates high risk, and those priced more than 6 robust error
   spreads from the estimate, are left out of training and, in an evaluation,
   out of the figures.

And one option for the figures only: the IAAO outlier trim of ratios (estimate /
price) beyond 3 interquartile ranges from the quartiles.
"""

from __future__ import annotations

import numpy as np

from valuation.dataset import BoolArray, FloatArray, SalesData
from valuation.screening.features import MarketErrors, inputs, sale_age

EXTREME_GAP = 6.0  # robust error spreads: 0.4% of Ames market sales are this far off, 7% of non-market ones
SCREEN_RULE = (
    "sales no sale-condition column vouches for (the ledger's own sales, tables without such a "
    "column) are screened on price against the model's out-of-fold estimate; those the price "
    "screen rates high risk (the top 1% of the labelled Ames sales), or priced more than "
    f"{EXTREME_GAP:g} robust error spreads from the estimate, are left out"
)
TRIM_IQR = 3.0
TRIM_RULE = f"IAAO outlier trim: ratios beyond {TRIM_IQR:g} interquartile ranges from the quartiles"


def screened_out(data: SalesData, log_estimate: FloatArray, errors: MarketErrors, years: list[str]) -> BoolArray:
    """The sales rule 2 leaves out (never one a sale-condition column vouched for)."""
    candidates = ~data.vetted_mask
    if not candidates.any():
        return np.zeros(len(data), dtype=bool)
    from valuation.screening import shipped

    screen = shipped.load()
    x = inputs(errors, data.price, log_estimate, sale_age(data.time, data.numeric, years), data.time)
    # the screen's curves stop at 8 spreads, so a price keyed in at a tenth is no more suspect to it
    # than one at half; validation also drops what no market sale looks like
    suspect = (screen.model.score(x) >= screen.high) | (np.abs(x[:, 0]) > EXTREME_GAP)
    return np.asarray(candidates & suspect, dtype=bool)


def iaao_trim(ratio: FloatArray, k: float = TRIM_IQR) -> BoolArray:
    """True for ratios inside [Q1 - k IQR, Q3 + k IQR] (IAAO Standard on Ratio Studies, appendix B)."""
    q1, q3 = np.quantile(ratio, [0.25, 0.75])
    spread = q3 - q1
    return np.asarray((ratio >= q1 - k * spread) & (ratio <= q3 + k * spread), dtype=bool)
