"""`--date COLUMN` must name a column of dates, and the evaluation says which dates it used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop.cli.main import run
from tests.valuation.conftest import write_csv


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "column, says",
    [
        ("Neighborhood", "holds no dates: none of its 600 values"),  # names, not dates
        ("Lot_Area", "holds few dates"),  # numbers, some of which fall between 1000 and 3000 by chance
    ],
)
def test_a_date_column_without_dates_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, slice_csv: Path, column: str, says: str
) -> None:
    code, out, err = _cli(
        capsys,
        "--data-dir",
        str(tmp_path / "home"),
        "valuation",
        "evaluate",
        "--csv",
        str(slice_csv),
        "--target",
        "Sale_Price",
        "--date",
        column,
        "--quick",
        "--json",
    )
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and out == "" and len(lines) == 1 and says in err and "Traceback" not in err


def test_the_evaluation_says_which_dates_it_used(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, slice_rows: list[dict[str, str]]
) -> None:
    rows: list[dict[str, Any]] = [dict(r, Sold=f"{r['Year_Sold']}-{int(r['Mo_Sold']):02d}-15") for r in slice_rows]
    path = write_csv(tmp_path / "dated.csv", rows)
    code, out, err = _cli(
        capsys,
        "--data-dir",
        str(tmp_path / "home"),
        "valuation",
        "evaluate",
        "--csv",
        str(path),
        "--target",
        "Sale_Price",
        "--date",
        "Sold",
        "--folds",
        "2",
        "--quick",
        "--json",
    )
    assert code == 0, err
    dates = json.loads(out)["data"]["dates"]
    years = sorted(int(r["Year_Sold"]) for r in slice_rows)
    assert dates["columns"] == ["Sold"] and dates["format"] == "date"
    assert dates["sales_with_date"] == dates["sales"] > 500
    assert dates["first"].startswith(str(years[0])) and dates["last"].startswith(str(years[-1]))


@pytest.mark.parametrize(
    "day, shown",
    [("2009-03-01", "2009-03"), ("2009-02-28", "2009-02"), ("2008-12-31", "2008-12"), ("2010-01-01", "2010-01")],
)
def test_a_sale_date_is_shown_in_its_own_month(day: str, shown: str) -> None:
    """Comparables, the model card and the screen's reasons name a sale's month by the calendar."""
    from valuation.comparables import date_text
    from valuation.schema import parse_date, time_of

    time = parse_date(day)
    assert time is not None and date_text(time) == shown
    year, month = shown.split("-")
    assert date_text(time_of([year, month], "year_month") or 0.0) == shown  # a year and month: mid-month
