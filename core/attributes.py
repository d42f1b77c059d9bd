"""The property attributes Deedbook knows, described once: name, label, unit, kind, range.

A deed's attributes are free KEY=VALUE pairs (a user's own CSV columns are
welcome); the names below are the bundled market's (resources/market/ames.csv.gz)
and the valuation model's features, listed in order of importance to an
appraiser.  The register form asks for the `form` ones, a certificate of title
prints the `certificate` ones, a demo deed carries all of them, and every
screen labels attributes through `label`, which gives an unknown name a
readable label too.  Plain data: no Qt, nothing drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Literal

Kind = Literal["int", "float", "choice"]


@dataclass(frozen=True)
class Attribute:
    name: str  # as in the market data, the valuation features and a deed's attributes
    label: str  # what a person reads
    kind: Kind
    unit: str = ""  # "sq ft": shown after a value, and in brackets after the label on a certificate
    low: float | None = None  # the range a form accepts (int and float kinds)
    high: float | None = None
    form: bool = False  # asked for by the register form
    certificate: bool = False  # printed on a certificate of title

    @property
    def heading(self) -> str:
        """'Living area (sq ft)': the label with its unit, where values stand alone."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


def _a(
    name: str,
    label: str,
    kind: Kind,
    unit: str = "",
    low: float | None = None,
    high: float | None = None,
    *,
    form: bool = False,
    certificate: bool = False,
) -> Attribute:
    return Attribute(name, label, kind, unit, low, high, form, certificate)


SQ_FT = "sq ft"
# Certificates of title print the `certificate` headings: documents are verified by drawing them again,
# so changing one of those labels (or units) breaks every certificate issued before (docs/documents.md).
CATALOGUE: tuple[Attribute, ...] = (
    _a("Gr_Liv_Area", "Living area", "int", SQ_FT, 100, 20_000, form=True, certificate=True),
    _a("Lot_Area", "Lot area", "int", SQ_FT, 100, 500_000, form=True, certificate=True),
    _a("Year_Built", "Year built", "int", "", 1700, 2100, form=True, certificate=True),
    _a("Overall_Qual", "Overall quality", "int", "/ 10", 1, 10, form=True),
    _a("Bedroom_AbvGr", "Bedrooms", "int", "", 0, 20, form=True, certificate=True),
    _a("Full_Bath", "Full bathrooms", "int", "", 0, 10, form=True, certificate=True),
    _a("Bldg_Type", "Building type", "choice", form=True, certificate=True),
    _a("House_Style", "Style", "choice", form=True, certificate=True),
    _a("Neighborhood", "Neighbourhood", "choice", form=True, certificate=True),
    _a("MS_Zoning", "Zoning", "choice", certificate=True),
    _a("Year_Remod_Add", "Remodelled", "int", "", 1700, 2100, form=True),
    _a("Overall_Cond", "Overall condition", "int", "/ 10", 1, 10, form=True),
    _a("Total_Bsmt_SF", "Basement", "int", SQ_FT, 0, 10_000, form=True),
    _a("Garage_Cars", "Garage", "int", "cars", 0, 10, form=True),
    _a("Half_Bath", "Half bathrooms", "int", "", 0, 10, form=True),
    _a("Fireplaces", "Fireplaces", "int", "", 0, 10, form=True),
    _a("Kitchen_Qual", "Kitchen quality", "choice", form=True),
    _a("Central_Air", "Central air", "choice", form=True),
    _a("Exter_Qual", "Exterior quality", "choice"),
    _a("Bsmt_Qual", "Basement quality", "choice"),
    _a("First_Flr_SF", "First floor", "int", SQ_FT, 0, 20_000),
    _a("Second_Flr_SF", "Second floor", "int", SQ_FT, 0, 20_000),
    _a("TotRms_AbvGrd", "Rooms above ground", "int", "", 0, 50),
    _a("Bsmt_Full_Bath", "Basement bathrooms", "int", "", 0, 10),
    _a("Garage_Area", "Garage area", "int", SQ_FT, 0, 10_000),
    _a("Lot_Frontage", "Lot frontage", "int", "ft", 0, 10_000),
    _a("MS_SubClass", "Dwelling class", "choice"),
    _a("Foundation", "Foundation", "choice"),
    _a("Mas_Vnr_Area", "Masonry veneer", "int", SQ_FT, 0, 10_000),
    _a("Wood_Deck_SF", "Wood deck", "int", SQ_FT, 0, 10_000),
    _a("Open_Porch_SF", "Open porch", "int", SQ_FT, 0, 10_000),
    _a("Pool_Area", "Pool", "int", SQ_FT, 0, 10_000),
    _a("Latitude", "Latitude", "float", "", -90, 90, form=True),
    _a("Longitude", "Longitude", "float", "", -180, 180, form=True),
)
_BY_NAME = {a.name: a for a in CATALOGUE}
COORDINATES = ("Latitude", "Longitude")  # a map's business, not a line of a property's description


def get(name: str) -> Attribute | None:
    return _BY_NAME.get(name)


def label(name: str) -> str:
    """'Gr_Liv_Area' -> 'Living area'; a name the catalogue does not know (a user's own column)
    reads with its underscores as spaces: 'pool_house_SF' -> 'pool house SF'."""
    known = _BY_NAME.get(name)
    if known is not None:
        return known.label
    readable = " ".join(str(name).replace("_", " ").split())
    return readable or str(name)


def heading(name: str) -> str:
    """The label with its unit, 'Living area (sq ft)'."""
    known = _BY_NAME.get(name)
    return known.heading if known is not None else label(name)


def number_text(value: Any) -> str:
    """A value as written on a certificate: whole numbers from 10,000 up grouped by thousands
    (11,250; a year stays 1994), anything else as given."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10000:
        return f"{value:,}"
    return str(value)


def value_text(name: str, value: Any, *, number: Callable[[Any], str] = number_text) -> str:
    """A value beside its label, with its unit: 1656 -> '1656 sq ft', 7 -> '7 / 10'.  `number` writes the
    value (the GUI's fmt.figure: '11.250 sq ft' on de_DE); by default as a certificate does."""
    known = _BY_NAME.get(name)
    text = number(value)
    if known is None or not known.unit or isinstance(value, bool) or not isinstance(value, (int, float)):
        return text
    return f"{text} {known.unit}"


def ordered(names: Iterable[str]) -> list[str]:
    """The catalogue's names first, in its order of importance, then the others alphabetically."""
    given = set(names)
    known = [a.name for a in CATALOGUE if a.name in given]
    return known + sorted(n for n in given if n not in _BY_NAME)


def form_attributes() -> tuple[Attribute, ...]:
    return tuple(a for a in CATALOGUE if a.form)


def certificate_attributes() -> tuple[Attribute, ...]:
    return tuple(a for a in CATALOGUE if a.certificate)


def market_names() -> tuple[str, ...]:
    """Every catalogued name: the attributes a demo deed carries from its market sale."""
    return tuple(a.name for a in CATALOGUE)
