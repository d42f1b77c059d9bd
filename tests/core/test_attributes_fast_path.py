"""check_attributes decides the common case from a plain decode (core/kinds/registration.py): it must
accept and refuse exactly what reading the attributes as pairs, one by one, accepts and refuses."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from core.errors import RuleViolation
from core.kinds import registration
from core.kinds.registration import check_attributes

NAMES = st.sampled_from(["a", "b", "Gr_Liv_Area", "x:y", " ", "", "n" * 65, "é"]) | st.text(max_size=8)
VALUES = (
    st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["10:30", 'a"b', "x" * 1001, True, False, None, {"k": 1}, [1, 2]])
)


@st.composite
def attribute_texts(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(NAMES, VALUES), max_size=8))
    colon = draw(st.sampled_from([":", " : ", ":\n"]))
    return "{" + ",".join(json.dumps(name) + colon + json.dumps(value) for name, value in pairs) + "}"


def _answer(text: str) -> str:
    try:
        return check_attributes(text)
    except RuleViolation as refused:
        return f"refused: {refused}"


@settings(max_examples=300, deadline=None)
@given(attribute_texts())
def test_the_fast_path_decides_as_the_pairs_do(text: str) -> None:
    fast = _answer(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(registration, "_PLAIN", frozenset())  # no value passes the fast test: pairs, one by one
        assert _answer(text) == fast


def test_a_name_given_twice_is_refused_even_when_the_rest_is_plain() -> None:
    assert _answer('{"a":1,"a":2}') == "refused: A deed's attributes name an attribute twice."
    assert _answer('{"a" :1,"a":2}') == "refused: A deed's attributes name an attribute twice."
    assert _answer('{"a":"10:30","b":2}') == '{"a":"10:30","b":2}'  # a colon inside text: read as pairs, fine
