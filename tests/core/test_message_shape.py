"""A message's shape check (core/messages.py) decides plain kinds by one pass over exact types: it must
accept and refuse exactly what checking each field with its own predicate does, for every kind."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from core.errors import RuleViolation
from core.kinds import kinds
from core.messages import _predicate

ODD = st.one_of(
    st.integers(-5, 2**70),
    st.booleans(),
    st.none(),
    st.text(max_size=6),
    st.sampled_from(["0x", "0x" + "ab" * 20, "0x" + "AB" * 20 + "0", "0xzz", "0x" + "12" * 32, 1.5, [], {}]),
)


def _spelled(type_name: str) -> st.SearchStrategy[Any]:
    """Values as the ledger stores them, often, and odd ones: so both answers are drawn."""
    if type_name.startswith(("uint", "int")) and not type_name.endswith("]"):
        plain: st.SearchStrategy[Any] = st.integers(0, 2**64)
    elif type_name == "address":
        plain = st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
    elif type_name.startswith("bytes") and not type_name.endswith("]"):
        plain = st.binary(max_size=32).map(lambda b: "0x" + b.hex())
    elif type_name == "string":
        plain = st.text(max_size=10)
    elif type_name == "bool":
        plain = st.booleans()
    else:
        return ODD
    return st.one_of(plain, plain, plain, ODD)


def _one_by_one(kind_name: str, fields: tuple[tuple[str, str], ...], message: dict[str, Any]) -> str:
    for name, type_name in fields:
        if not _predicate(type_name)(message[name]):
            return f"refused: {kind_name}.{name} is not a valid {type_name}."
    return "ok"


def _checked(kind: Any, message: dict[str, Any]) -> str:
    try:
        kind.check_message(message)
    except RuleViolation as refused:
        return f"refused: {refused}"
    return "ok"


@pytest.mark.parametrize("kind_name", sorted(kinds()))
def test_one_pass_decides_as_each_field_does(kind_name: str) -> None:
    kind = kinds()[kind_name]
    fields = kind.fields

    @settings(max_examples=60, deadline=None)
    @given(st.fixed_dictionaries({name: _spelled(type_name) for name, type_name in fields}))
    def decide(message: dict[str, Any]) -> None:
        assert _checked(kind, message) == _one_by_one(kind_name, fields, message)

    decide()


def test_a_registration_in_the_ledger_spelling_passes_and_a_bool_for_a_number_does_not() -> None:
    kind = kinds()["RegisterDeed"]
    message = {
        "deedId": 1,
        "parcel": "0526301100",
        "propertyAddress": "1 Main St",
        "legalDescription": "",
        "owner": "0x" + "ab" * 20,
        "totalShares": 10000,
        "attributes": "{}",
        "nonce": 0,
    }
    assert _checked(kind, message) == "ok"
    assert _checked(kind, {**message, "nonce": False}) == "refused: RegisterDeed.nonce is not a valid uint256."
    assert (
        _checked(kind, {**message, "owner": "0x" + "ab" * 19}) == "refused: RegisterDeed.owner is not a valid address."
    )
