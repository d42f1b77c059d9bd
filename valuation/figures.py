"""JSON-safe figures: a figure that could not be computed is null, never NaN or Infinity.

Inputs are bounded (schema.parse_number), so this is the last guard, not the rule: every figure the
model reports should be finite already.  The walk itself is core.finite_json's (the command line's
JSON output uses it too)."""

from __future__ import annotations

from typing import Any

from core.finite_json import finite

__all__ = ["finite", "finite_figures"]


def finite_figures(figures: dict[str, Any]) -> dict[str, Any]:
    """`finite` of a dict of figures (an evaluation, a model card), typed as one."""
    out: dict[str, Any] = finite(figures)
    return out
