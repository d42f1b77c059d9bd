"""The command line's --json output is JSON that any strict parser reads: no NaN or Infinity, ever."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.finite_json import finite
from desktop.cli.context import print_json

FIGURES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=10,
)


def _strict(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@given(FIGURES)
def test_whatever_the_figures_the_output_is_strict_json_of_the_finite_ones(value: Any) -> None:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        print_json(value)
    assert _strict(out.getvalue()) == json.loads(json.dumps(finite(value)))


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_figure_that_could_not_be_computed_is_null(bad: float, capsys: pytest.CaptureFixture[str]) -> None:
    print_json({"auc": 0.75, "prb": bad, "nested": [1.5, bad, {"cod": bad}]})
    assert _strict(capsys.readouterr().out) == {"auc": 0.75, "prb": None, "nested": [1.5, None, {"cod": None}]}
