"""The stored columns and a deed's attributes are read by msgspec first (core/stored_json.py): wherever it
reads a text its value must be the standard library's, and whatever it refuses the standard library must
decide as before (NaN, 1e400, a lone surrogate, a repeated name, big integers, deep nesting)."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import stored_json as module
from core.entries import canonical_json, canonical_json_acyclic
from core.errors import RuleViolation
from core.kinds import registration
from core.kinds.registration import check_attributes
from core.stored_json import decode_or, stored_json

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(2**300), 2**300)
    | st.sampled_from([2**63, -(2**63) - 1, 2**64, 2**64 - 1, -(2**64), 10**400])
    | st.floats()  # NaN and the infinities too: json.dumps writes them as NaN and Infinity
    | st.text()  # lone surrogates included
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
# Texts json.dumps never writes: repeated names, numbers out of range, odd spacing and escapes, junk.
# fmt: off
SPLICES = st.sampled_from(
    ['{"a":1,"a":2}', '{"a":1,"b":2,"a":[3]}', "1e400", "-1e400", "1.7976931348623159e308", "NaN", "-Infinity",
     '"\\ud800"', '"\\udc00\\ud800"', '"\\uD834\\uDD1E"', "-0", "-0.0", "4.9e-324", "1E2", "01", "1.", ".5",
     "+1", "[1]x", " \n\t", '"\u2028"', '"\x00"', "123456789012345678901234567890", "-9223372036854775809",
     "[" * 3000, "]" * 3000]
)
# fmt: on


@st.composite
def json_texts(draw: st.DrawFn) -> str:
    text = json.dumps(draw(VALUES), ensure_ascii=draw(st.booleans()))
    for _ in range(draw(st.integers(0, 3))):  # splice odd pieces in, where a value could be or anywhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(SPLICES) + text[at:]
    return text


def _outcome(decode: Any, text: Any) -> str:
    """repr keeps types apart (1 from 1.0, True from 1) and shows NaN; an error by its type and sentence."""
    try:
        return "value " + repr(decode(text))
    except (ValueError, RecursionError, TypeError) as error:
        return f"error {type(error).__name__}: {error}"


@settings(max_examples=600, deadline=None)
@given(json_texts() | st.text(alphabet='{}[]":,0123456789.eE+-truefalsnNI \\u', max_size=30))
def test_reading_through_msgspec_gives_the_standard_librarys_answer(text: str) -> None:
    assert _outcome(stored_json, text) == _outcome(json.loads, text)
    assert _outcome(lambda t: decode_or(t, json.loads), text) == _outcome(json.loads, text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"a":1,"b":2,"a":3}', {"a": 3, "b": 2}),  # a repeated name: the last is kept, in the first's place
        ("[18446744073709551616, -9223372036854775809]", [2**64, -(2**63) - 1]),  # big integers stay exact
        ("[1E2, -0, -0.0]", [100.0, 0, -0.0]),
    ],
)
def test_msgspec_reads_these_itself_with_the_same_value(text: str, value: Any) -> None:
    assert repr(msgspec.json.decode(text)) == repr(value)  # repr: 1 and 1.0, and the names' order, told apart
    assert repr(stored_json(text)) == repr(json.loads(text)) == repr(value)


@pytest.mark.parametrize("text", ["[NaN]", "[1e400]", '["\\ud800"]', '"\ud800"'])
def test_what_msgspec_refuses_goes_to_the_standard_library(text: str) -> None:
    with pytest.raises((msgspec.DecodeError, UnicodeEncodeError)):
        msgspec.json.decode(text)
    assert _outcome(stored_json, text) == _outcome(json.loads, text)


def test_bytes_are_refused_as_before() -> None:
    """A tampered column holding a BLOB: the scanner refused it before msgspec, and still does."""
    with pytest.raises(TypeError):
        stored_json(b'{"a":1}')  # type: ignore[arg-type]


def _attributes(text: str) -> str:
    try:
        return check_attributes(text)
    except RuleViolation as refused:
        return f"refused: {refused}"


@st.composite
def attribute_texts(draw: st.DrawFn) -> str:
    names = st.sampled_from(["a", "b", "Gr_Liv_Area", " ", "", "n" * 65]) | st.text(max_size=6)
    values = SCALARS | st.sampled_from([{"k": 1}, [1], "x" * 1001]) | SPLICES
    pairs = draw(st.lists(st.tuples(names, values), max_size=6))
    return (
        "{"
        + ",".join(
            json.dumps(name) + ":" + (value if isinstance(value, str) and draw(st.booleans()) else json.dumps(value))
            for name, value in pairs
        )
        + "}"
    )


@settings(max_examples=400, deadline=None)
@given(attribute_texts())
def test_the_attributes_check_decides_as_it_did_with_the_standard_library_alone(text: str) -> None:
    with_msgspec = _attributes(text)
    with pytest.MonkeyPatch.context() as patch:

        def refuse(_text: str) -> Any:
            raise msgspec.DecodeError("refused")

        patch.setattr(module, "_fast", refuse)  # every text to the standard library's decoder, as before
        assert _attributes(text) == with_msgspec


def test_a_repeated_attribute_name_is_still_refused() -> None:
    assert msgspec.json.decode('{"a":1,"a":2}') == {"a": 2}  # msgspec hides it; the colon count does not
    assert _attributes('{"a":1,"a":2}') == "refused: A deed's attributes name an attribute twice."
    assert _attributes('{"a":1e400}') == "refused: A deed's attributes must be a JSON object of finite values."
    assert _attributes('{"a":NaN}') == "refused: A deed's attributes must be a JSON object of finite values."


@settings(max_examples=400, deadline=None)
@given(attribute_texts())
def test_the_typed_common_case_accepts_only_what_the_full_check_accepts(text: str) -> None:
    """registration._common_case decides most deeds in one typed msgspec pass; without it, the check as before."""
    fast = _attributes(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(registration, "_common_case", lambda _text: False)
        assert _attributes(text) == fast
        patch.setattr(registration, "_PLAIN", frozenset())  # and no plain-decode shortcut either: pairs only
        assert _attributes(text) == fast


@pytest.mark.parametrize(
    ("text", "common"),
    [
        ('{"a":1,"b":"x","c":1.5,"d":true,"e":null}', True),
        ('{"a":1,"a":2}', False),  # msgspec keeps the last; the colon count sees the repeat
        ('{"a":"10:30"}', False),  # a colon inside text: left to the full check, which accepts it
        ('{"a":1e400}', False),
        ('{"a":[1]}', False),
        ('{" ":1}', False),
        ('{"":1}', False),
        ('{"' + "n" * 65 + '":1}', False),
        ('{"a":"' + "x" * 1001 + '"}', False),
    ],
)
def test_the_common_case_takes_plain_attributes_only(text: str, common: bool) -> None:
    assert registration._common_case(text) is common


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_the_reused_encoder_spells_what_canonical_json_does(value: Any) -> None:
    """Compliance records are spelled by one C encoder made once (core/entries.py): the same text."""
    assert canonical_json_acyclic(value) == canonical_json(value)
    assert (
        canonical_json_acyclic({"at": 1_700_000_000, "how": "registration"}) == '{"at":1700000000,"how":"registration"}'
    )


def test_the_reused_encoder_refuses_what_canonical_json_refuses() -> None:
    for odd in ({"a": b"bytes"}, {"a": {1, 2}}, [object()]):
        with pytest.raises(TypeError) as plain:
            canonical_json(odd)
        with pytest.raises(TypeError) as reused:
            canonical_json_acyclic(odd)
        assert str(reused.value) == str(plain.value)
