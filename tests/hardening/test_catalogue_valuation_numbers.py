"""Number look-alikes in a sales table or a deed's attributes: "nan", "inf", "1e400", "1e308", "1_000".

docs/valuation.md promises that a numeric cell which does not read as a number is missing, that a sale
without a positive price is dropped and counted, and that coordinates are used within their valid
ranges; so a look-alike is read as missing (never as a number no model can take), a valuation that
comes out as no amount of money is refused in one sentence, and no JSON output holds NaN or Infinity.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli
from valuation.csvio import parse_text
from valuation.dataset import build, make_spec
from valuation.schema import MAX_MAGNITUDE, parse_number

# What float() (or numpy) reads as a number that no sales table means, or that overflows the model.
LOOK_ALIKES = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "-Infinity",
    "1e400",
    "-1e400",
    "1e308",
    "-1.7976931348623157e308",
    "1e16",
    "1_000",
    "0x10",
]
COLUMNS = ["price", "Gr_Liv_Area", "beds", "lat", "lon", "sale_date"]


def _rows(n: int = 60, seed: int = 1) -> list[list[str]]:
    r = random.Random(seed)
    rows = []
    for _ in range(n):
        area, beds = r.randint(600, 3000), r.randint(1, 5)
        price = int(area * 120 + beds * 5000 + r.gauss(0, 15000))
        date = f"20{r.randint(15, 20)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
        lat, lon = f"{42 + r.random() * 0.1:.5f}", f"{-93.6 + r.random() * 0.1:.5f}"
        rows.append([str(price), str(area), str(beds), lat, lon, date])
    return rows


def _text(rows: list[list[str]]) -> str:
    return "\n".join(",".join(row) for row in [COLUMNS, *rows]) + "\n"


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"{constant} in a JSON output")

    return json.loads(text, parse_constant=refuse)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(LOOK_ALIKES) | st.floats(allow_nan=False).filter(lambda x: abs(x) > MAX_MAGNITUDE).map(repr))
def test_a_look_alike_or_an_absurd_magnitude_is_no_number(text: str) -> None:
    assert parse_number(text) is None
    assert parse_number(f" {text} ") is None


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-MAX_MAGNITUDE, max_value=MAX_MAGNITUDE))
def test_a_plain_number_reads_as_itself(x: float) -> None:
    assert parse_number(repr(x)) == x
    assert parse_number(f" {x!r} ") == x


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 59), st.integers(0, len(COLUMNS) - 1), st.sampled_from([*LOOK_ALIKES, "", "-5", "0"])),
        min_size=1,
        max_size=3,  # of 60 rows: a column is read as numbers when 95% of its cells are (schema.classify)
    )
)
def test_look_alikes_in_any_cell_are_missing_never_numbers(cells: list[tuple[int, int, str]]) -> None:
    """The typed sales hold finite, bounded numbers or NaN (missing), and only positive prices."""
    rows = _rows()
    for row, column, text in cells:
        rows[row][column] = text
    raw = parse_text(_text(rows), "sales.csv")
    data = build(raw, make_spec(raw, "price"))
    arrays = [data.price, data.time, data.lat, data.lon, *data.numeric.values()]
    for values in arrays:
        known = values[~np.isnan(values)]
        assert np.isfinite(known).all() and (np.abs(known) <= MAX_MAGNITUDE).all()
    assert (data.price > 0).all()
    unpriced = {row for row, column, _ in cells if column == 0}
    assert len(data) + data.dropped.get("no price", 0) == 60
    assert data.dropped.get("no price", 0) == len(unpriced)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(LOOK_ALIKES) | st.floats().filter(lambda x: not abs(x) <= MAX_MAGNITUDE),
    st.sampled_from(["Gr_Liv_Area", "beds", "lat", "lon"]),
)
def test_a_deed_attribute_look_alike_is_unknown_when_valued(value: Any, name: str) -> None:
    """A deed's attributes are read with the table's rule (text, or a float such as 1e300 or inf)."""
    from valuation.dataset import from_records

    raw = parse_text(_text(_rows()), "sales.csv")
    record = {"Gr_Liv_Area": 1500, "beds": 3, "lat": 42.05, "lon": -93.55, name: value}
    subject = from_records([record], make_spec(raw, "price"))
    if name in ("lat", "lon"):
        assert math.isnan(subject.lat[0]) and math.isnan(subject.lon[0])  # half a place is no place
    else:
        assert math.isnan(subject.numeric[name][0])
        assert np.isfinite(subject.lat[0])


def test_one_latitude_off_the_globe_leaves_that_sale_without_a_place() -> None:
    rows = _rows()
    rows[3][3] = "500"
    raw = parse_text(_text(rows), "sales.csv")
    spec = make_spec(raw, "price")
    assert (spec.schema.lat, spec.schema.lon) == ("lat", "lon")  # the table keeps its location
    data = build(raw, spec)
    assert math.isnan(data.lat[3]) and math.isnan(data.lon[3])
    assert np.isfinite(np.delete(data.lat, 3)).all()


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.write_text(_text(rows), "utf-8")
    return path


def test_train_reads_an_attribute_of_1e308_as_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It crashed training ('Input y contains NaN': the square of 1e308 is inf)."""
    rows = _rows()
    rows[5][1] = "1e308"
    table = _write(tmp_path / "sales.csv", rows)
    home = tmp_path / "home"
    outcome = run_cli(
        ["--data-dir", str(home), "valuation", "train", "--csv", str(table), "--target", "price", "--quick", "--json"],
        capsys,
    )
    assert outcome.code == 0, outcome.err
    card = _strict_json(outcome.out)
    area = next(c for c in card["features"] if c["name"] == "Gr_Liv_Area")
    assert "1 unreadable as missing" in area["note"]


def test_evaluate_json_stays_json_with_look_alikes_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _rows()
    for i, text in enumerate(LOOK_ALIKES):
        rows[i][i % len(COLUMNS)] = text
    rows[20][3] = "500"
    rows[21][5] = "2026-13-45"
    table = _write(tmp_path / "sales.csv", rows)
    argv = ["--data-dir", str(tmp_path / "home"), "valuation", "evaluate", "--csv", str(table), "--target", "price"]
    outcome = run_cli([*argv, "--quick", "--folds", "2", "--json"], capsys)
    assert outcome.code == 0, outcome.err
    result = _strict_json(outcome.out)
    assert math.isfinite(result["mdape"]) and result["n"] > 0


@pytest.fixture
def priced_office(office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Office:
    """The office with a quick model of a small market that has the deeds' living area as an attribute."""
    table = _write(tmp_path / "sales.csv", _rows())
    argv = ["valuation", "train", "--csv", str(table), "--target", "price", "--quick", "--json"]
    assert run_cli(office.argv(*argv), capsys).code == 0
    return office


def _register(office: Office, capsys: pytest.CaptureFixture[str], parcel: str, area: str) -> None:
    argv = ["deed", "register", "--parcel", parcel, "--address", "2 Main St", "--owner", office.alice]
    outcome = run_cli(office.keyed(*argv, "--attr", f"Gr_Liv_Area={area}"), capsys)
    assert outcome.code == 0, outcome.err


def test_value_says_an_unreadable_attribute_and_refuses_no_amount(
    priced_office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    """1e300 crashed 'value' ('cannot convert float NaN to integer'); now it is an unknown, said in a note."""
    _register(priced_office, capsys, "NUM-1", "1e300")  # deed 2
    outcome = run_cli(priced_office.argv("value", "2", "--json"), capsys)
    assert outcome.code == 0, outcome.err
    valued = _strict_json(outcome.out)
    assert any("Gr_Liv_Area = 1e+300 is not a number the model can read" in w for w in valued["warnings"])
    assert 0 < valued["low"] <= valued["estimate"] <= valued["high"] <= MAX_MAGNITUDE


@pytest.mark.parametrize("area", ["1e15", "-1e15"])
def test_value_refuses_an_estimate_that_is_no_amount(
    priced_office: Office, capsys: pytest.CaptureFixture[str], area: str
) -> None:
    _register(priced_office, capsys, "NUM-2", area)  # deed 2
    before = priced_office.fingerprint()
    outcome = run_cli(priced_office.keyed("value", "2", "--record"), capsys)
    assert_refused(outcome, says="No valuation")
    assert "Gr_Liv_Area" in outcome.err
    assert priced_office.fingerprint() == before


_FIGURES = st.recursive(
    st.floats() | st.integers() | st.text(max_size=3) | st.none() | st.builds(np.float64, st.floats()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(_FIGURES)
def test_a_figure_that_could_not_be_computed_is_null_in_json(value: Any) -> None:
    """The last guard of evaluate's figures and the stored card: strict JSON, finite figures kept as they are."""
    from core.finite_json import finite

    text = json.dumps(finite(value), allow_nan=False)  # raises on NaN or Infinity
    plain = json.loads(json.dumps(value, default=float))
    assert _strict_json(text) == _same_but_null(plain)


def _same_but_null(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _same_but_null(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_same_but_null(v) for v in value]
    return value


@pytest.mark.parametrize("area", ["1e15", "-1e15"])
def test_screening_a_transfer_says_its_price_was_not_screened(
    priced_office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str], area: str
) -> None:
    """A deed whose estimate is no amount (the valuation refuses it) is screened without its price."""
    _register(priced_office, capsys, "NUM-3", area)  # deed 2
    out_dir = tmp_path / "requests"
    argv = ["transfer", "prepare", "2", "--to", priced_office.bob, "--price", "200000", "--currency", "USD"]
    assert run_cli(priced_office.argv(*argv, "--out-dir", str(out_dir)), capsys).code == 0
    request = next(out_dir.glob("*-seller.json"))
    outcome = run_cli(priced_office.argv("screen", "request", str(request), "--json"), capsys)
    assert outcome.code == 0, outcome.err
    reasons = _strict_json(outcome.out)["reasons"]
    assert [r["code"] for r in reasons if r["code"] == "price_not_screened"] == ["price_not_screened"]
    assert any("no amount of money" in r["text"] for r in reasons)
