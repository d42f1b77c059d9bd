"""The bundled Ames sales as plain rows (no numeric libraries: core stays light)."""
from __future__ import annotations

import csv
import gzip
import io
from functools import lru_cache
from typing import Any

from core.paths import RESOURCES

AMES = RESOURCES / "market" / "ames.csv.gz"

# The attributes a demo deed carries: the ones an appraiser and the valuation model use.
DEED_ATTRIBUTES = (
    "Gr_Liv_Area", "Overall_Qual", "Overall_Cond", "Year_Built", "Year_Remod_Add", "Total_Bsmt_SF",
    "First_Flr_SF", "Second_Flr_SF", "Full_Bath", "Half_Bath", "Bsmt_Full_Bath", "Bedroom_AbvGr",
    "TotRms_AbvGrd", "Kitchen_Qual", "Exter_Qual", "Bsmt_Qual", "Fireplaces", "Garage_Cars", "Garage_Area",
    "Lot_Area", "Lot_Frontage", "Neighborhood", "MS_Zoning", "MS_SubClass", "Bldg_Type", "House_Style",
    "Central_Air", "Foundation", "Mas_Vnr_Area", "Wood_Deck_SF", "Open_Porch_SF", "Pool_Area", "Longitude", "Latitude",
)


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
