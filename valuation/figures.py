"""JSON-safe figures: a figure that could not be computed is null, never NaN or Infinity.

`json.dumps` writes float('nan') as NaN, which is not JSON: a script reading `evaluate --json` or a
stored model card with a strict parser would fail on it.  Inputs are bounded (schema.parse_number), so
this is the last guard, not the rule: every figure the model reports should be finite already."""

from __future__ import annotations

import math
from typing import Any


def finite(value: Any) -> Any:
    """`value` with every non-finite float (numpy's too) in it, however nested, replaced by None."""
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
