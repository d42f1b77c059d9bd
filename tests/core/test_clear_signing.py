"""The ERC-7730 clear-signing descriptors (resources/clear-signing/): one per typed-data type a party signs
by request, valid against the ERC-7730 v1 JSON schema, and bound to exactly Deedbook's EIP-712 types.

A kind added later that parties sign by request fails here until its descriptor (a data file, copied from
one of these) is added; the failure says which types to put in it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from core.eip712 import TypedSchema, domain_types
from core.identity import LedgerIdentity
from core.kinds import kinds, schema
from core.requests import parse_request
from tests.core import ur_vectors

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "resources" / "clear-signing"
SCHEMA = json.loads((ROOT / "tests" / "data" / "erc7730" / "erc7730-v1.schema.json").read_text())
SIGNED = sorted((signed, kind.name) for kind in kinds().values() for signed in kind.parties)


def expected_types(signed: str) -> dict[str, Any]:
    """The EIP-712 types a request for `signed` carries, derived from core.kinds (as typed_data makes them)."""
    full = schema()
    needed = [signed, *sorted(full._dependencies(signed, set()) - {signed})]
    domain = LedgerIdentity(b"\x01" * 32, "Any County", "", 1).domain()
    return {"EIP712Domain": domain_types(domain), **{name: full.types[name] for name in needed}}


def descriptor(signed: str) -> dict[str, Any]:
    path = FOLDER / f"{signed}.json"
    assert path.exists(), f"add {path.relative_to(ROOT)} with these EIP-712 types: {json.dumps(expected_types(signed))}"
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def test_there_is_one_descriptor_per_requestable_type_and_no_other() -> None:
    assert sorted(p.stem for p in FOLDER.glob("*.json")) == sorted(s for s, _ in SIGNED)


@pytest.mark.parametrize(("signed", "kind"), SIGNED)
def test_descriptor_is_valid_erc7730(signed: str, kind: str) -> None:
    errors = sorted(Draft4Validator(SCHEMA).iter_errors(descriptor(signed)), key=str)
    assert errors == []


def test_the_schema_is_not_a_rubber_stamp() -> None:
    broken = descriptor("Transfer")
    broken["display"]["formats"]["Transfer"]["fields"]["price"] = {"label": "Price"}  # no format
    assert list(Draft4Validator(SCHEMA).iter_errors(broken))
    assert list(Draft4Validator(SCHEMA).iter_errors({**descriptor("Lien"), "surprise": 1}))


@pytest.mark.parametrize(("signed", "kind"), SIGNED)
def test_descriptor_binds_exactly_deedbooks_types(signed: str, kind: str) -> None:
    context = descriptor(signed)["context"]["eip712"]
    [bound] = context["schemas"]
    assert bound["primaryType"] == signed
    assert bound["types"] == expected_types(signed)
    assert context["domain"] == {"version": "1"}  # name and salt are each ledger's own
    ours, theirs = TypedSchema(expected_types(signed)), TypedSchema(bound["types"])
    assert theirs.type_hash(signed) == ours.type_hash(signed)  # the struct hash a wallet computes is the ledger's


def _paths(fields: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    found = {}
    for key, value in fields.items():
        if "fields" in value:
            found.update(_paths(value["fields"], f"{prefix}{key}."))
        else:
            found[prefix + key] = value
    return found


def _leaves(types: dict[str, Any], struct: str, prefix: str = "") -> dict[str, str]:
    found = {}
    for field in types[struct]:
        if field["type"] in types:
            found.update(_leaves(types, field["type"], f"{prefix}{field['name']}."))
        else:
            found[prefix + field["name"]] = field["type"]
    return found


@pytest.mark.parametrize(("signed", "kind"), SIGNED)
def test_every_field_is_shown_and_nothing_else(signed: str, kind: str) -> None:
    """No field stays silent (a wallet shows the deed, parcel, price, shares and parties, not a hash)."""
    data = descriptor(signed)
    shown = _paths(data["display"]["formats"][signed]["fields"])
    leaves = _leaves(expected_types(signed), signed)
    assert set(shown) == set(leaves)
    for path, field_type in leaves.items():
        if field_type.startswith("address"):
            assert shown[path]["format"] == "addressName", path
    assert set(data["display"]["formats"][signed]["required"]) <= set(leaves)


@pytest.mark.parametrize(
    "name", ["transfer-seller", "transfer-buyer", "transfer-lienholder", "lien-release", "attestation"]
)
def test_real_requests_match_their_descriptor(name: str) -> None:
    """A request Deedbook writes (and ethers signed) carries exactly the types its descriptor binds."""
    request = parse_request(ur_vectors.VECTORS[name]["request"])
    bound = descriptor(request.signed_type)["context"]["eip712"]["schemas"][0]
    assert request.typed_data["types"] == bound["types"] and request.signed_type == bound["primaryType"]
