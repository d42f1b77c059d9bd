"""JSON has no NaN or Infinity: a figure that could not be computed is written as null.

`json.dumps` writes float('nan') as NaN, which strict JSON parsers (and most other languages') refuse.
Numpy's scalars are handled by duck typing, so core imports no numpy."""

from __future__ import annotations

import math
from typing import Any


def finite(value: Any) -> Any:
    """`value` with every non-finite float in it (numpy's too), however nested, replaced by None."""
    if isinstance(value, float):  # numpy.float64 is a float
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    if hasattr(value, "dtype") and getattr(value, "shape", None) == ():  # numpy.float32 and other scalars
        item = value.item()
        return finite(item) if isinstance(item, float) else value
    return value


def finite_figures(figures: dict[str, Any]) -> dict[str, Any]:
    """`finite` of a dict of figures (an evaluation, a model card), typed as one."""
    out: dict[str, Any] = finite(figures)
    return out
