"""Split-conformal prediction intervals on the log-price scale.

The residuals are out-of-fold (each sale predicted by a model that never saw
it), so they are honest calibration scores.  Lower and upper tails get their own
quantile because price errors are skewed (over-valuing a run-down house happens
more than under-valuing), and the finite-sample rank ceil((n+1)(1-a/2)) gives at
least the nominal coverage for exchangeable sales.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt


def conformal_bounds(residuals: npt.NDArray[np.float64], coverage: float = 0.90) -> tuple[float, float]:
    """(lower, upper) offsets to add to a log estimate; residual = log price - log estimate."""
    r = np.sort(residuals[np.isfinite(residuals)])
    n = r.size
    if n == 0:
        raise ValueError("no residuals to calibrate on")
    tail = (1.0 - coverage) / 2.0
    # 1-based ranks; the epsilon keeps 200 * (1 - 0.9) / 2 from flooring to 9 in binary floating point
    lo_rank = math.floor((n + 1) * tail + 1e-9)  # 0 means "beyond the smallest"
    hi_rank = math.ceil((n + 1) * (1.0 - tail) - 1e-9)
    lower = float(r[lo_rank - 1]) if lo_rank >= 1 else float(r[0])
    upper = float(r[hi_rank - 1]) if hi_rank <= n else float(r[-1])
    return min(lower, 0.0), max(upper, 0.0)
