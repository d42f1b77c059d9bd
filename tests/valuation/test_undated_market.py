"""A market without sale dates: comparables and valuations say so in words ("date not known", "not dated"),
the JSON says null, and nothing reads "None" (the command line; the GUI's test is in tests/gui)."""

# ruff: noqa: F811  (the undated_home fixture is imported from its module; pytest hands it to tests by name)

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hardening.harness import run_cli
from tests.valuation.undated import undated_home  # noqa: F401 - a fixture
from valuation.wording import NOT_DATED, SALE_DATE_UNKNOWN, as_of_text, sold_text


def test_the_words_for_a_date_and_for_none() -> None:
    assert sold_text("2010-06") == "2010-06" and sold_text(None) == SALE_DATE_UNKNOWN
    assert as_of_text("2010-07") == "as of 2010-07" and as_of_text(None) == NOT_DATED


def test_value_says_the_dates_are_not_known(undated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--data-dir", str(undated_home), "value", "3"]
    raw = run_cli([*argv, "--json"], capsys)
    assert raw.code == 0, raw.err
    out = json.loads(raw.out)
    assert out["as_of"] is None and len(out["comparables"]) == 5
    assert all(c["sold"] is None for c in out["comparables"])
    assert "None" not in raw.out
    text = run_cli(argv, capsys)
    assert text.code == 0, text.err
    assert "None" not in text.out
    assert f"(parcel {out['parcel']}), {NOT_DATED}:" in text.out
    assert text.out.count(f"sold ({SALE_DATE_UNKNOWN}) for ") == 5


def test_the_model_card_says_its_valuations_are_not_dated(
    undated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = run_cli(["--data-dir", str(undated_home), "valuation", "card"], capsys)
    assert card.code == 0, card.err
    assert f"valuations {NOT_DATED}" in card.out and "None" not in card.out
    raw = run_cli(["--data-dir", str(undated_home), "valuation", "card", "--json"], capsys)
    data = json.loads(raw.out)
    assert data["valuation_date"] is None
    assert any("no sale dates" in limit for limit in data["limits"])
    assert not any("as of the latest sale" in limit for limit in data["limits"])
