"""How a valuation's dates read, in the CLI, the JSON's readers and the GUI alike.

A market whose sales carry no sale date (a table without a date column) gives
comparables without a sale date and valuations not dated: the JSON says null, and
people read what is true ("date not known") rather than "None".  The CLI, the
valuation pane and the valuation report (from its layout 6) all take their words here.
"""

from __future__ import annotations

SALE_DATE_UNKNOWN = "date not known"
UNDATED = "not dated"
NOT_DATED = f"{UNDATED} (the sales the model learnt from have no dates)"


def sold_text(sold: str | None) -> str:
    """A comparable's sale month (YYYY-MM), or that it is not known."""
    return sold or SALE_DATE_UNKNOWN


def as_of_text(as_of: str | None) -> str:
    """'as of 2010-07' for a valuation (or a model's valuations), or that it is not dated."""
    return f"as of {as_of}" if as_of else NOT_DATED


def as_of_value(as_of: str | None) -> str:
    """What an 'As of' field holds: the month (YYYY-MM), or 'not dated' (its reason said beside it, NOT_DATED)."""
    return as_of or UNDATED
