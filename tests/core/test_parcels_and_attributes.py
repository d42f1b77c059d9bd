"""Parcel numbers cannot have look-alikes; attributes are finite and bounded; searches are bounded.

The parcel and attribute rules live in the RegisterDeed kind, so they hold at append
(checked below by signing entries by hand, as a forger would) and again in `verify`.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.deeds import parse_attribute_pairs, parse_attribute_value, register_deed, registration_message
from core.entries import canonical_json
from core.errors import DeedbookError, RuleViolation
from core.kinds.registration import MAX_ATTRIBUTES, check_attributes
from core.verify import verify_ledger
from tests.helpers import World, make_world

OWNER = "0x" + "11" * 20
PARCEL = "0526301100"


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path / "ledger")
    register_deed(w.ledger, w.operator, parcel=PARCEL, address="1 Main St", owner=OWNER)
    return w


LOOK_ALIKES = {
    "zero-width space": "05263\u200b01100",
    "Hangul filler": "0526301100\u3164",
    "Cyrillic capital O": "\u041e526301100",
    "soft hyphen": "0526301\u00ad100",
    "right-to-left override": "0526301100\u202e",
}


@pytest.mark.parametrize("what", sorted(LOOK_ALIKES))
def test_a_look_alike_of_a_registered_parcel_cannot_be_registered(world: World, what: str) -> None:
    with pytest.raises(DeedbookError) as refused:
        register_deed(world.ledger, world.operator, parcel=LOOK_ALIKES[what], address="2 Main St", owner=OWNER)
    assert "letters A-Z, digits" in str(refused.value) and world.ledger.deed_count() == 1


def test_full_width_digits_are_the_same_parcel(world: World) -> None:
    # NFKC: a non-breaking space is a space (a visibly different parcel), full-width digits are digits
    assert registration_message(2, parcel="0526\u00a0301100", address="2 Main", owner=OWNER)["parcel"] == "0526 301100"
    assert (
        registration_message(
            2, parcel=" \uff10\uff15\uff12\uff16\uff13\uff10\uff11\uff11\uff10\uff10 ", address="2 Main", owner=OWNER
        )["parcel"]
        == PARCEL
    )
    with pytest.raises(DeedbookError, match="registered already"):
        register_deed(
            world.ledger,
            world.operator,
            parcel="\uff10\uff15\uff12\uff16\uff13\uff10\uff11\uff11\uff10\uff10",
            address="2 Main St",
            owner=OWNER,
        )


@pytest.mark.parametrize(
    "parcel",
    [
        LOOK_ALIKES["zero-width space"],
        LOOK_ALIKES["Cyrillic capital O"],
        "\uff10\uff15\uff12\uff16",
        " P-9",
        "P-9 ",
        "-P9",
        "x" * 65,
        "",
        "P-2\n  Price USD 1.00",
    ],
)
def test_the_rule_refuses_a_hand_signed_parcel_outside_the_set(world: World, parcel: str) -> None:
    """Even signed by a registrar without the input checks, the ledger refuses it: verify does too."""
    message = {
        "deedId": 2,
        "parcel": parcel,
        "propertyAddress": "2 Main",
        "legalDescription": "",
        "owner": OWNER,
        "totalShares": 10_000,
        "attributes": "{}",
        "nonce": 0,
    }
    with pytest.raises(RuleViolation):
        world.ledger.append([world.ledger.sign("RegisterDeed", message, world.operator, "registrar")])
    assert world.ledger.deed_count() == 1 and verify_ledger(world.ledger, jobs=1).ok


@pytest.mark.parametrize("text", ["inf", "-inf", "Infinity", "nan", "NaN", "1e999", "-1e999", " +inf "])
def test_non_finite_numbers_are_refused_at_input(text: str) -> None:
    with pytest.raises(DeedbookError, match="not a finite number"):
        parse_attribute_value(text)
    with pytest.raises(DeedbookError, match="not a finite number"):
        parse_attribute_pairs([f"x={text}"])


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40) | st.from_regex(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,4})?\s*", fullmatch=True))
def test_an_attribute_value_is_text_an_int_or_a_finite_float(text: str) -> None:
    try:
        value = parse_attribute_value(text)
    except DeedbookError:
        return
    assert isinstance(value, (str, int)) or (isinstance(value, float) and math.isfinite(value))
    if isinstance(value, str):
        assert value == text.strip()


def _attributes_entry(world: World, attributes_json: str) -> Any:
    message = {
        "deedId": 2,
        "parcel": "P-2",
        "propertyAddress": "2 Main",
        "legalDescription": "",
        "owner": OWNER,
        "totalShares": 10_000,
        "attributes": attributes_json,
        "nonce": 0,
    }
    return world.ledger.sign("RegisterDeed", message, world.operator, "registrar")


@pytest.mark.parametrize(
    "attributes_json, says",
    [
        ('{"x":Infinity}', "finite"),
        ('{"x":NaN}', "finite"),
        ('{"x":-Infinity}', "finite"),
        ('{"x":1e999}', "finite"),
        ('{"x":{"nested":1}}', "not text, a number"),
        ('{"x":[1,2]}', "not text, a number"),
        ('{"x":1,"x":2}', "twice"),
        ("{" + ",".join(f'"a{i}":{i}' for i in range(MAX_ATTRIBUTES + 1)) + "}", "at most 200 attributes"),
        (json.dumps({"n" * 65: 1}), "1 to 64 characters"),
        (json.dumps({"long": "v" * 1001}), "longer than 1,000 characters"),
        (json.dumps({f"k{i}": "v" * 900 for i in range(80)}), "at most 64 KB"),
        ("{oops}", "JSON object"),
        ("[]", "JSON object"),
    ],
)
def test_the_rule_refuses_unbounded_or_non_finite_attributes(world: World, attributes_json: str, says: str) -> None:
    with pytest.raises(RuleViolation, match=says):
        world.ledger.append([_attributes_entry(world, attributes_json)])
    assert world.ledger.deed_count() == 1


def test_bounded_attributes_within_the_limits_are_recorded(world: World) -> None:
    attributes = {f"a{i}": ("v" * 100 if i % 2 else i + 0.5) for i in range(MAX_ATTRIBUTES)}
    attributes["flag"] = True
    attributes.pop("a0")
    deed = register_deed(
        world.ledger, world.operator, parcel="P-2", address="2 Main", owner=OWNER, attributes=attributes
    )
    assert deed.attributes == attributes
    assert check_attributes(canonical_json(attributes)) and verify_ledger(world.ledger, jobs=1).ok


def test_two_hundred_thousand_attributes_are_refused_at_once() -> None:
    pairs = [f"a{i}={i}" for i in range(200_000)]
    started = time.monotonic()
    with pytest.raises(DeedbookError, match="at most 200 attributes"):
        parse_attribute_pairs(pairs)
    with pytest.raises(DeedbookError, match="at most 200 attributes"):
        registration_message(1, parcel="P-1", address="A", owner=OWNER, attributes={f"a{i}": i for i in range(200_000)})
    assert time.monotonic() - started < 1


def test_a_search_longer_than_the_limit_is_a_sentence(world: World) -> None:
    with pytest.raises(DeedbookError, match="A search is at most 200 characters"):
        world.ledger.deeds(search="a" * 100_000)
    with pytest.raises(DeedbookError, match="at most 200"):
        world.ledger.deed_count(search="%_" * 50_000)
    assert [d.deed_id for d in world.ledger.deeds(search="0526" + " " * 300)] == [1]  # spaces around do not count


def test_the_gui_search_box_has_the_same_limit() -> None:
    from core.deed_search import MAX_SEARCH_CHARS
    from desktop.gui.panes.deeds import SEARCH_MAX_LENGTH

    assert SEARCH_MAX_LENGTH == MAX_SEARCH_CHARS


def test_an_attributes_value_is_written_by_the_number_writer_given() -> None:
    """The GUI writes the number as its desktop does; the unit and the certificate's default are unchanged."""
    from core import attributes

    assert attributes.value_text("Gr_Liv_Area", 11250) == "11,250 sq ft"
    assert attributes.value_text("Gr_Liv_Area", 11250, number=lambda v: "11.250") == "11.250 sq ft"
