"""The bundled Ames sales as plain rows (no numeric libraries: core stays light)."""

from __future__ import annotations

import csv
import gzip
import io
from functools import lru_cache
from typing import Any

from core.attributes import market_names
from core.paths import RESOURCES

AMES = RESOURCES / "market" / "ames.csv.gz"

# The attributes a demo deed carries: every one the catalogue describes (an appraiser's and the model's).
DEED_ATTRIBUTES = market_names()


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


@lru_cache(maxsize=1)
def ames_rows() -> tuple[dict[str, str], ...]:
    with gzip.open(AMES, "rb") as raw:
        return tuple(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))


def deed_attributes(row: dict[str, str]) -> dict[str, Any]:
    """A sale's property attributes, typed, without empty values."""
    return {name: _number(row[name]) for name in DEED_ATTRIBUTES if row.get(name, "") not in ("", "NA")}
