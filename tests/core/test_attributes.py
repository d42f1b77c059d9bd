"""core.attributes: one catalogue of property attributes, and readable labels for any other name."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core import attributes
from core.marketdata import ames_rows, deed_attributes


def test_the_catalogue_names_columns_of_the_bundled_market() -> None:
    header = set(ames_rows()[0])
    assert [a.name for a in attributes.CATALOGUE if a.name not in header] == []
    assert len({a.name for a in attributes.CATALOGUE}) == len(attributes.CATALOGUE)


def test_numbers_have_a_range_that_holds_the_market() -> None:
    rows = ames_rows()
    for a in attributes.CATALOGUE:
        if a.kind == "choice":
            continue
        assert a.low is not None and a.high is not None and a.low < a.high, a.name
        values = [float(r[a.name]) for r in rows if r[a.name] not in ("", "NA")]
        assert a.low <= min(values) and max(values) <= a.high, a.name


def test_a_demo_deed_carries_the_catalogued_attributes() -> None:
    carried = deed_attributes(ames_rows()[0])
    assert set(carried) <= set(attributes.market_names())
    assert {"Gr_Liv_Area", "Neighborhood", "Latitude"} <= set(carried)


def test_labels_units_and_headings() -> None:
    assert attributes.label("Gr_Liv_Area") == "Living area"
    assert attributes.heading("Gr_Liv_Area") == "Living area (sq ft)"
    assert attributes.heading("Neighborhood") == "Neighbourhood"
    assert attributes.value_text("Gr_Liv_Area", 1656) == "1656 sq ft"
    assert attributes.value_text("Lot_Area", 11250) == "11,250 sq ft"
    assert attributes.value_text("Overall_Qual", 7) == "7 / 10"
    assert attributes.value_text("Year_Built", 1994) == "1994"
    assert attributes.value_text("Neighborhood", "NAmes") == "NAmes"


def test_unknown_names_still_read() -> None:
    assert attributes.label("pool_house_SF") == "pool house SF"
    assert attributes.heading("Garage_Yr_Blt") == "Garage Yr Blt"
    assert attributes.value_text("my_column", 123456) == "123,456"


def test_order_puts_the_catalogue_first_then_the_rest_alphabetically() -> None:
    assert attributes.ordered(["zeta", "Neighborhood", "alpha", "Gr_Liv_Area", "Year_Built"]) == [
        "Gr_Liv_Area",
        "Year_Built",
        "Neighborhood",
        "alpha",
        "zeta",
    ]


def test_the_certificate_and_the_form_take_their_subsets_in_catalogue_order() -> None:
    assert [a.heading for a in attributes.certificate_attributes()] == [
        "Living area (sq ft)",
        "Lot area (sq ft)",
        "Year built",
        "Bedrooms",
        "Full bathrooms",
        "Building type",
        "Style",
        "Neighbourhood",
        "Zoning",
    ]
    form = [a.name for a in attributes.form_attributes()]
    assert form[:3] == ["Gr_Liv_Area", "Lot_Area", "Year_Built"] and "Latitude" in form


@given(st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,30}", fullmatch=True))
def test_any_column_name_gets_a_label_without_underscores(name: str) -> None:
    shown = attributes.label(name)
    assert shown and "_" not in shown
    if attributes.get(name) is None:  # the user's own words, only spaced
        assert shown.replace(" ", "") == name.replace("_", "")
