"""Our EIP-712 encoder against eth-account's reference implementation."""

from __future__ import annotations

import os

from eth_account import Account
from eth_account.messages import _hash_eip191_message, encode_typed_data
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from core.eip712 import TypedDataError, typed_data_digest
from core.signing import checksum_address, recover_address, sign_digest

DOMAIN = {"name": "Deedbook: Test", "version": "1", "chainId": 1, "salt": "0x" + "ab" * 32}
DOMAIN_TYPES = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "salt", "type": "bytes32"},
]
TYPES = {
    "EIP712Domain": DOMAIN_TYPES,
    "Party": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
    "Deal": [
        {"name": "seller", "type": "Party"},
        {"name": "buyers", "type": "Party[]"},
        {"name": "price", "type": "uint256"},
        {"name": "memo", "type": "string"},
        {"name": "blob", "type": "bytes"},
        {"name": "id", "type": "bytes32"},
        {"name": "final", "type": "bool"},
        {"name": "delta", "type": "int64"},
    ],
}

addresses = st.binary(min_size=20, max_size=20).map(checksum_address)
parties = st.fixed_dictionaries({"name": st.text(max_size=30), "wallet": addresses})
deals = st.fixed_dictionaries(
    {
        "seller": parties,
        "buyers": st.lists(parties, max_size=3),
        "price": st.integers(0, 2**256 - 1),
        "memo": st.text(max_size=60),
        "blob": st.binary(max_size=40).map(lambda b: "0x" + b.hex()),
        "id": st.binary(min_size=32, max_size=32).map(lambda b: "0x" + b.hex()),
        "final": st.booleans(),
        "delta": st.integers(-(2**63), 2**63 - 1),
    }
)


def reference_digest(message: dict) -> bytes:
    return _hash_eip191_message(
        encode_typed_data(full_message={"types": TYPES, "primaryType": "Deal", "domain": DOMAIN, "message": message})
    )


@settings(max_examples=60, deadline=None)
@given(deals)
def test_digest_matches_eth_account(message: dict) -> None:
    ours = typed_data_digest({"types": TYPES, "primaryType": "Deal", "domain": DOMAIN, "message": message})
    assert ours == reference_digest(message)


def test_signature_is_byte_identical_to_eth_account_and_recovers() -> None:
    secret = os.urandom(32)
    message = {
        "seller": {"name": "Ana", "wallet": "0x" + "11" * 20},
        "buyers": [],
        "price": 10,
        "memo": "é",
        "blob": "0x",
        "id": "0x" + "00" * 32,
        "final": True,
        "delta": -5,
    }
    full = {"types": TYPES, "primaryType": "Deal", "domain": DOMAIN, "message": message}
    digest = typed_data_digest(full)
    ours = sign_digest(secret, digest)
    theirs = Account.sign_typed_data(secret, full_message=full).signature
    assert ours == bytes(theirs)
    assert checksum_address(recover_address(digest, ours)) == Account.from_key(secret).address


@pytest.mark.parametrize(
    "broken",
    [
        {"types": TYPES, "primaryType": "Nope", "domain": DOMAIN, "message": {}},
        {"types": TYPES, "primaryType": "Deal", "domain": DOMAIN, "message": {"seller": 3}},
        {"types": TYPES, "primaryType": "Deal", "domain": {"name": "x", "bogus": 1}, "message": {}},
        {"types": {"Deal": "not a list"}, "primaryType": "Deal", "domain": DOMAIN, "message": {}},
        ["not", "an", "object"],
    ],
)
def test_malformed_typed_data_is_a_clear_error(broken: object) -> None:
    with pytest.raises(TypedDataError):
        typed_data_digest(broken)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=12,
    )
)
def test_any_json_either_hashes_or_raises_a_typed_data_error(garbage: object) -> None:
    candidate = {"types": TYPES, "primaryType": "Deal", "domain": DOMAIN, "message": garbage}
    try:
        typed_data_digest(candidate)
    except TypedDataError:
        pass
    else:  # only a complete, well-typed Deal may hash
        assert isinstance(garbage, dict) and set(garbage) >= {"seller", "buyers", "price"}
