"""CSV import and type inference, on odd files a user might bring."""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import DeedbookError
from valuation.csvio import parse_text, read_table
from valuation.dataset import load_csv, street_of
from valuation.schema import CATEGORICAL, CONSTANT, DATE, IDENTIFIER, NUMERIC, TEXT, classify, parse_date, parse_number


@pytest.mark.parametrize(
    "text, value",
    [
        ("215000", 215000.0),
        ("$215,000", 215000.0),
        (" 1.5e3 ", 1500.0),
        ("12%", 12.0),
        ("-3.25", -3.25),
        ("€1,234,567.89", 1234567.89),
        (".5", 0.5),
        ("1,5", None),
        ("abc", None),
        ("", None),
        ("nan", None),
        ("inf", None),
        ("12 000", 12000.0),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text, year",
    [
        ("2010-07-02", 2010.5),
        ("2010/01/01", 2010.0),
        ("07/02/2010", 2010.5),
        ("2010-07", None),
        ("2009", 2009.5),
        ("2010-02-30", None),
        ("yesterday", None),
    ],
)
def test_parse_date(text: str, year: float | None) -> None:
    got = parse_date(text)
    if year is None and text == "2010-07":
        assert got is not None and 2010.5 < got < 2010.6  # year-month: mid-month
    elif year is None:
        assert got is None
    else:
        assert got is not None and abs(got - year) < 0.01


def test_day_first_dates_are_recognised() -> None:
    assert parse_date("25/12/2009", day_first=True) == pytest.approx(2009 + 358 / 365)


def test_classify_columns() -> None:
    n = 100
    assert classify("Order", [str(i) for i in range(n)])[0] == IDENTIFIER
    assert classify("PID", [str(900000 + 7 * i) for i in reversed(range(n))])[0] == IDENTIFIER
    assert classify("area", [str(1000 + 7 * i) for i in range(n)])[0] == NUMERIC  # sorted, yet no row number
    assert classify("area", [str(1000 + (i * 37) % 900) for i in range(n)])[0] == NUMERIC
    assert classify("zip", [str(50010 + i % 4) for i in range(n)])[0] == CATEGORICAL
    assert classify("style", [["Ranch", "Colonial", "Cape"][i % 3] for i in range(n)])[0] == CATEGORICAL
    assert classify("address", [f"{i} Main St" for i in range(n)])[0] == TEXT
    assert classify("sold", [f"2010-{1 + i % 12:02d}-15" for i in range(n)])[0] == DATE
    assert classify("county", ["Story"] * n)[0] == CONSTANT
    assert classify("empty", [None] * n)[0] == CONSTANT


def test_odd_file_semicolons_bom_money_missing_text(tmp_path: Path) -> None:
    lines = ["\ufeffprice;sqft;beds;style;address;sold;notes"]
    styles = ["Ranch", "Colonial", "Split"]
    for i in range(80):
        price = f'"${150000 + 1000 * i:,}"' if i % 7 else "N/A"
        sqft = str(900 + 13 * i) if i % 11 else ""
        lines.append(
            f"{price};{sqft};{2 + i % 3};{styles[i % 3]};{100 + i} {['Oak', 'Elm', 'Ash'][i % 3]} St;"
            f"2015-{1 + i % 12:02d}-01;{'needs roof ' * (i % 5)}unit {i}"
        )
    lines.append("1;2")  # a ragged row, padded (and dropped: its price is 1 but no features... kept, counted)
    path = tmp_path / "odd.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    raw, spec, data = load_csv(path, "price")
    kinds = {c.name: c.kind for c in spec.schema.columns}
    assert kinds["sqft"] == NUMERIC and kinds["style"] == CATEGORICAL and kinds["notes"] == TEXT
    assert spec.schema.time == ["sold"] and spec.streets == {"address (street)": "address"}
    assert raw.ragged_rows == 1
    assert data.dropped["no price"] == 80 // 7 + 1  # "N/A" prices (i = 0, 7, ..., 77)
    assert math.isnan(data.numeric["sqft"][0]) is False
    assert set(data.categorical["address (street)"]) == {"OAK ST", "ELM ST", "ASH ST", None}


def test_gzip_and_latin1(tmp_path: Path) -> None:
    text = "prix,surface,quartier\n" + "\n".join(
        f"{100000 + i * 500},{50 + i},{'Gare' if i % 2 else 'Église'}" for i in range(40)
    )
    path = tmp_path / "ventes.csv.gz"
    path.write_bytes(gzip.compress(text.encode("latin-1")))
    _, _, data = load_csv(path, "prix")
    assert set(data.categorical["quartier"]) == {"Gare", "Église"}


def test_missing_target_column_is_one_clear_sentence(tmp_path: Path) -> None:
    path = tmp_path / "nocol.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(DeedbookError, match=r"has no column 'price'"):
        load_csv(path, "price")


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "empty"),
        ("price,area\nlow,1\nhigh,2\n", "does not hold numbers"),
        ("price,area\n" + "\n".join(f"{100 + i},{i}" for i in range(10)), "at least 30"),
        ("price\n" + "\n".join(str(100 + i) for i in range(50)), "no usable feature"),
        # one price for every sale, or none at all: said as such (it was "does not hold numbers")
        ("price,area\n" + "\n".join(f"250000,{i}" for i in range(50)), r"same \(250,000\): a model learns nothing"),
        ("price,area\n" + "\n".join(f"NA,{i}" for i in range(50)), "is empty: none of its 50 rows has a price"),
        # prices that differ only by being unusable (0): the sales left all cost the same (a model was trained)
        (
            "price,area\n" + "\n".join(f"{250000 * (i % 2)},{1000 + i * 37 % 100}" for i in range(80)),
            r"same price \(250,000\)",
        ),
    ],
)
def test_unusable_files_are_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(DeedbookError, match=message):
        load_csv(path, "price")


def test_not_a_csv_file(tmp_path: Path) -> None:
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(DeedbookError, match="not a text"):
        read_table(path)
    with pytest.raises(DeedbookError, match="no file"):
        read_table(tmp_path / "absent.csv")


def test_street_of() -> None:
    assert street_of("1234 N Main St Apt 5") == "N MAIN ST"
    assert street_of("12-14 Elm Street, Ames") == "ELM STREET"
    assert street_of("") is None and street_of(None) is None


def test_bundled_market_reads_with_declared_filter() -> None:
    from valuation.dataset import bundled_market_path

    _, spec, data = load_csv(bundled_market_path(), "Sale_Price")
    assert data.rows_read == 2930
    assert [f.column for f in spec.filters] == ["Sale_Condition"]
    assert set(spec.filters[0].values) == {"Abnorml", "AdjLand", "Alloca", "Family"}
    assert len(data) == 2930 - sum(data.dropped.values())
    assert spec.schema.lat == "Latitude" and spec.schema.time == ["Year_Sold", "Mo_Sold"]
    assert "PID" not in data.numeric and "Order" not in data.numeric


# --- properties -------------------------------------------------------------------------------------

cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=15), st.sampled_from([",", ";", "\t"]))
def test_parser_round_trips_any_table(rows: list[list[str]], delimiter: str) -> None:
    """Whatever the cells hold (quotes, delimiters, newlines), reading gives back what was written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL)
    writer.writerow(["a", "b", "c"])
    writer.writerows(rows)
    table = parse_text(buffer.getvalue())
    assert table.header == ["a", "b", "c"]
    kept = [r for r in rows if any(c.strip() for c in r)]  # blank rows are skipped
    assert table.n_rows == len(kept)
    for name, index in zip(table.header, range(3), strict=False):
        for got, row in zip(table.columns[name], kept, strict=True):
            want = row[index].strip()
            assert got == (
                None
                if want.lower() in {"", "na", "n/a", "nan", "null", "none", "-", "?", "#n/a", "nil", "missing"}
                else want
            )


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_parse_number_reads_what_python_writes(x: float) -> None:
    assert parse_number(repr(x)) == x
    assert parse_number(f"{x:,.2f}") == pytest.approx(round(x, 2), abs=0.006)


@given(st.lists(st.one_of(st.none(), cell, st.integers(-(10**6), 10**6).map(str)), min_size=0, max_size=40))
def test_classify_never_fails(values: list[str | None]) -> None:
    kind, note = classify("column", values)
    assert kind in {NUMERIC, CATEGORICAL, TEXT, DATE, IDENTIFIER, CONSTANT} and note


# --- the header the GUI offers for the price column ---------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=6), st.sampled_from([",", ";", "\t"]))
def test_the_header_offered_is_the_one_read(rows: list[list[str]], delimiter: str) -> None:
    """The columns offered for the price are named as the table is read (blank or repeated names
    included), so whichever is chosen exists when training reads the file."""
    import tempfile

    from valuation.csvio import read_header

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL).writerows(rows)
    if not any(any(c.strip() for c in r) for r in rows):
        return  # no header row at all: refused below
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sales.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        assert read_header(path) == read_table(path).header


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "no header row"),
        (b"\n \n\t\n", "no header row"),
        (bytes(range(256)) * 8, "not a text (CSV) file"),
        (b"\x1f\x8b\x08\x00broken", "cannot be decompressed"),
    ],
    ids=["empty", "blank", "binary", "broken-gzip"],
)
def test_a_header_that_is_not_there_is_one_sentence(tmp_path: Path, content: bytes, words: str) -> None:
    """Fails on the old GUI reader: an empty file gave no columns and no word, junk gave junk columns."""
    from valuation.csvio import read_header

    path = tmp_path / "sales.csv"
    path.write_bytes(content)
    with pytest.raises(DeedbookError, match=re.escape(words)):
        read_header(path)
    with pytest.raises(DeedbookError):
        read_table(path)  # what training would have said, later


def test_a_gzip_table_is_known_by_its_bytes(tmp_path: Path) -> None:
    from valuation.csvio import read_header

    path = tmp_path / "sales.txt"  # not named .gz: read_table reads it all the same
    path.write_bytes(gzip.compress(b"Price;Area\n1;2\n"))
    assert read_header(path) == read_table(path).header == ["Price", "Area"]
