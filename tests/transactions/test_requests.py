"""Request/response files: the summary a signer reads, and a parser that never falls over."""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DeedbookError
from core.identity import LedgerIdentity
from core.requests import FORMAT, parse_json_bytes, parse_request, sign_request, summarize
from tests.transactions.conftest import Parties
from tests.fuzz_json import same_meaning


def test_summary_is_derived_from_the_typed_data(parties: Parties) -> None:
    prepared = parties.prepare(price="250000.50", shares=2_500, closing_date="2024-06-30")
    data = prepared.requests[0].as_json()
    data["summary"] = "Harmless: you sign nothing of value."  # a lying free-text field is not what is shown
    request = parse_request(data)
    text = summarize(request, parties.ledger.identity).text()
    for expected in (
        "Transfer of shares of deed 1 (parcel 0526301100)",
        parties.alice.address,
        parties.bob.address,
        "2,500 of 10,000 (25%)",
        "USD 250,000.50",
        "2024-06-30",
        "Test County",
        "(seller)",
    ):
        assert expected in text
    assert "Harmless" not in text and "WARNING" not in text
    assert "0x" + request.digest.hex() in text  # what a hardware wallet can be compared against


def test_summary_warnings(parties: Parties) -> None:
    import time

    now = int(time.time())
    request = parties.prepare(deadline=now + 3600, now=now).requests[1]
    assert "no Deedbook ledger" in " ".join(summarize(request, None, now=now).warnings)
    other = LedgerIdentity(b"\x01" * 32, "Elsewhere", parties.alice.address)
    assert "not this machine's ledger \u201cElsewhere\u201d" in " ".join(summarize(request, other, now=now).warnings)
    late = summarize(request, parties.ledger.identity, now=now + 7200)
    assert any("deadline passed" in w for w in late.warnings) and "PASSED" in late.text()
    gift = parties.prepare(price="0").requests[0]
    assert any("gift" in w for w in summarize(gift, parties.ledger.identity).warnings)


def test_summary_escapes_control_characters(parties: Parties, tmp_path: Any) -> None:
    """A parcel cannot draw a fake line into the summary.

    The registration rule now refuses such a parcel, so the request is crafted by hand, as an
    attacker would: the parser accepts any text, and the summary must still show it escaped."""
    data = parties.prepare().requests[0].as_json()
    data["typedData"]["message"]["parcel"] = "P-2\n  Price          USD 1.00\u202e\x1b[2K"
    text = summarize(parse_request(data), parties.ledger.identity).text()
    assert "\\u000a" in text and "\\u202e" in text and "\\u001b" in text
    assert "\n  Price          USD 1.00" not in text and "\x1b" not in text


def test_role_and_signer_must_match_the_content(parties: Parties) -> None:
    request = parties.prepare().requests[0]
    data = request.as_json()
    with pytest.raises(DeedbookError, match="signed by the seller"):
        parse_request(dict(data, role="buyer"))
    with pytest.raises(DeedbookError, match="seller in its content"):
        parse_request(dict(data, signer=parties.carol.address))
    with pytest.raises(DeedbookError, match="is for"):
        sign_request(request, parties.bob)


def test_foreign_types_are_refused(parties: Parties) -> None:
    data = parties.prepare().requests[0].as_json()
    extra = copy.deepcopy(data)
    extra["typedData"]["types"]["Transfer"].append({"name": "hidden", "type": "uint256"})
    extra["typedData"]["message"]["hidden"] = 1
    with pytest.raises(DeedbookError):
        parse_request(extra)
    renamed = copy.deepcopy(data)
    renamed["typedData"]["types"]["Transfer"][6]["name"] = "priceInCents"
    with pytest.raises(DeedbookError):
        parse_request(renamed)
    newer = dict(data, format="deedbook-signing-request/2")
    with pytest.raises(DeedbookError, match="update Deedbook"):
        parse_request(newer)
    unknown = copy.deepcopy(data)
    unknown["typedData"]["primaryType"] = "Permit"
    with pytest.raises(DeedbookError, match="not a Deedbook entry"):
        parse_request(unknown)


# -- fuzzing ------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _paths(child, (*prefix, i))
    return found


def _set(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    target = root
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return root


@pytest.fixture
def valid_response(parties: Parties) -> dict[str, Any]:
    return parties.sign(parties.prepare())[0].as_json()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=json_values)
def test_parser_turns_any_json_into_a_sentence(garbage: Any) -> None:
    for candidate in (
        garbage,
        {"format": FORMAT, "typedData": garbage, "signer": garbage, "role": "seller", "signature": garbage},
    ):
        try:
            parse_request(candidate, require_signature=True)
        except DeedbookError as error:
            assert str(error) and "\n" not in str(error)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_mutation_of_a_response_is_refused_or_still_genuine(valid_response: dict[str, Any], data: Any) -> None:
    mutated = copy.deepcopy(valid_response)
    path = data.draw(st.sampled_from(_paths(mutated)[1:]))
    replacement = data.draw(
        json_values
        | st.integers(min_value=2**255, max_value=2**300)
        | st.text(alphabet="0123456789abcdefxX", max_size=140).map(lambda t: "0x" + t)
    )
    mutated = _set(mutated, path, replacement)
    try:
        parsed = parse_request(mutated, require_signature=True)
    except DeedbookError as error:
        assert str(error)
        return
    # accepted: then it must still be exactly what was signed (only envelope extras may differ)
    assert same_meaning(parsed.typed_data, valid_response["typedData"])  # type for type: true is not 1
    assert parsed.signature is not None and "0x" + parsed.signature.hex() == valid_response["signature"].lower()


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_file_bytes_never_crash(raw: bytes) -> None:
    try:
        value = parse_json_bytes(raw, "response.json")
    except DeedbookError as error:
        assert str(error)
        return
    with contextlib.suppress(DeedbookError):  # a refusal is fine; anything else fails the test
        parse_request(value, require_signature=True)


def test_deeply_nested_and_huge_json_are_sentences() -> None:
    with pytest.raises(DeedbookError):
        parse_json_bytes(b"[" * 100_000 + b"]" * 100_000, "deep.json")
    with pytest.raises(DeedbookError):
        parse_json_bytes(b"1" * 5000, "big.json")
    with pytest.raises(DeedbookError):
        parse_request(
            json.loads(
                '{"format": "deedbook-signing-request/1", "typedData": {"types": {}, '
                '"primaryType": "Transfer", "domain": {}, "message": {}}}'
            )
        )
