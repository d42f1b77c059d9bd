"""Automated valuation: sales data import, a blended regression model with a
calibrated 90% range, comparable sales, reasons in money, and AVM evaluation.

Nothing here imports Qt; scikit-learn is imported only inside the functions that
fit or predict, so importing this package costs nothing at application start.
The functions the CLI and the GUI call live in `valuation.service`.
"""

from __future__ import annotations
