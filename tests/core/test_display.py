"""What is shown: escaped controls, terminal-safe JSON, mixed scripts flagged, spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.csvexport import csv_cell, csv_text
from core.display import clean, is_hidden, mixed_scripts, script_note, terminal_safe_json

HIDDEN = ["\x1b", "\r", "\n", "\x00", "\x7f", "\x9b", "\u202e", "\u2066", "\u200b", "\u2028", "\ufeff", "\U000e0041"]


@pytest.mark.parametrize("ch", HIDDEN)
def test_hidden_characters_are_escaped(ch: str) -> None:
    shown = clean(f"A{ch}B")
    assert ch not in shown and shown.startswith("A\\") and shown.endswith("B")


def test_ansi_escapes_cannot_reach_a_terminal() -> None:
    assert clean("1 Main St\x1b[2K\r2 Fake Rd") == "1 Main St\\u001b[2K\\u000d2 Fake Rd"
    assert clean("x" * 50, 10) == "x" * 10 + "\u2026"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_cleaned_text_has_nothing_hidden(text: str) -> None:
    assert not any(is_hidden(ch) for ch in clean(text))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_terminal_safe_json_is_the_same_value_with_nothing_hidden(value: Any) -> None:
    text = terminal_safe_json(json.dumps(value, ensure_ascii=False, indent=2))
    assert json.loads(text) == value
    assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} and ch not in "\n" for ch in text)


@pytest.mark.parametrize(
    "text, scripts",
    [
        ("1 Main Street, Ames", []),
        ("1 M\u0430in Street", ["Latin", "Cyrillic"]),  # Cyrillic a
        ("\u039fak Avenue", ["Greek", "Latin"]),  # Greek capital omicron
        ("\u0443\u043b. \u041b\u0435\u043d\u0438\u043d\u0430 5", []),  # all Cyrillic
        ("\u6771\u4eac\u90fd\u6e2f\u533a\u829d\u516c\u5712 4-2-8 \u30bf\u30ef\u30fc Tower", []),  # Han, kana, Latin
        ("\uff2d\uff41\uff49\uff4e St", []),  # full-width Latin is Latin
    ],
)
def test_mixed_scripts(text: str, scripts: list[str]) -> None:
    assert mixed_scripts(text) == scripts
    note = script_note("address", text)
    assert (note is None) == (not scripts)
    if scripts:
        assert note is not None and " and ".join(scripts[-2:]) in note


@pytest.mark.parametrize(
    "value, written",
    [
        ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Ames, IA", "Ames, IA"),
        (-5, -5),
        (2.5, 2.5),
        (None, ""),
        (["0xab", "=x"], "0xab =x"),
    ],
)
def test_csv_cells_cannot_start_a_formula(value: Any, written: Any) -> None:
    assert csv_cell(value) == written


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=4))
def test_no_text_cell_of_an_export_starts_a_formula(cells: list[str]) -> None:
    header = [f"c{i}" for i in range(len(cells))]
    rows = list(csv.reader(io.StringIO(csv_text(header, [dict(zip(header, cells, strict=True))]), newline="")))
    assert rows[0] == header
    for original, read in zip(cells, rows[1], strict=True):
        assert not read.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert read in (original, "'" + original)
