"""The compiled hashing (core/_speedups.c) against the Python encoders: the same bytes, or no answer.

For every struct type of every kind, random messages (in the ledger's own spelling, and re-spelled:
a uint as text or past 2**63, an address with a space, a bool as a number, a field missing) must hash
to exactly the bytes the Python path gives, or make the compiled path answer None so the Python path
decides.  The Python path itself is checked against eth-account and ethers.js in test_eip712.py.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
import pytest
import sha3

from core import eip712
from core.eip712 import TypedDataError, TypedSchema, signing_digest
from core.kinds import schema

speedups = pytest.importorskip("core._speedups", reason="the C extension was not built (no compiler)")

SEPARATOR = bytes(range(32))


@pytest.mark.skipif(os.environ.get("DEEDBOOK_REQUIRE_SPEEDUPS") != "1", reason="only CI requires the build")
def test_ci_built_the_extension_and_hashing_uses_it() -> None:
    assert eip712._speedups is not None
    assert schema().plan("RegisterDeed") is not None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=700))
def test_keccak_matches_pysha3(data: bytes) -> None:
    assert speedups.keccak256(data) == sha3.keccak_256(data).digest()


def test_keccak_on_block_edges() -> None:
    for size in (0, 1, 7, 8, 135, 136, 137, 271, 272, 273, 4096):
        data = bytes(i * 7 % 251 for i in range(size))
        assert speedups.keccak256(data) == sha3.keccak_256(data).digest(), size


def _canonical(full: TypedSchema, type_name: str) -> st.SearchStrategy[Any]:
    """A value of `type_name` as the ledger stores it."""
    if type_name in full.types:
        return st.fixed_dictionaries({f["name"]: _canonical(full, f["type"]) for f in full.types[type_name]})
    if type_name == "string":
        return st.text(max_size=300)
    if type_name == "address":
        return st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
    if type_name == "bool":
        return st.booleans()
    if type_name.startswith("uint"):
        bits = int(type_name[4:] or 256)
        return st.integers(0, min(2**63 - 1, 2**bits - 1))
    if type_name.startswith("bytes"):
        size = int(type_name[5:])
        return st.binary(min_size=size, max_size=size).map(lambda b: "0x" + b.hex())
    raise AssertionError(f"no strategy for {type_name}")


ODD = st.one_of(
    st.integers(-(2**70), 2**300),
    st.booleans(),
    st.none(),
    st.text(max_size=8),
    st.sampled_from(["0x", "0X" + "ab" * 20, "0x" + "ab" * 19 + " a", "0x" + "AB" * 32, "12", "0x10", " 5"]),
    st.binary(max_size=32),
)


@st.composite
def _respelled(draw: st.DrawFn, full: TypedSchema, type_name: str) -> Any:
    """A message of `type_name` with, sometimes, a field re-spelled, dropped or added."""
    message = draw(_canonical(full, type_name))
    fields = full.types[type_name]
    action = draw(st.sampled_from(["none", "odd", "drop", "extra", "not-a-dict"]))
    if action == "odd":
        message[draw(st.sampled_from(fields))["name"]] = draw(ODD)
    elif action == "drop":
        del message[draw(st.sampled_from(fields))["name"]]
    elif action == "extra":
        message["unexpected"] = 1
    elif action == "not-a-dict":
        return list(message.items())
    return message


def _python_answer(full: TypedSchema, type_name: str, message: Any) -> bytes | str:
    try:
        return full.hash_struct_python(type_name, message)
    except (TypedDataError, ValueError) as refused:  # what the Python path says, for the fallback to say
        return f"{type(refused).__name__}: {refused}"


PLANNED = sorted(name for name in schema().types if schema().plan(name) is not None)


def test_every_kind_of_the_ledger_is_planned() -> None:
    # Registrations, transfers and their acceptances, checkpoints: the bulk of any ledger.
    assert {"RegisterDeed", "Transfer", "Acceptance", "Checkpoint", "LedgerGenesis", "Lien"} <= set(PLANNED)


@pytest.mark.parametrize("type_name", PLANNED)
def test_compiled_path_gives_the_python_bytes(type_name: str) -> None:
    full = schema()
    plan = full.plan(type_name)

    @settings(max_examples=40, deadline=None)
    @given(_canonical(full, type_name))
    def canonical(message: dict[str, Any]) -> None:
        reference = full.hash_struct_python(type_name, message)
        assert speedups.hash_struct(plan, message) == reference
        assert speedups.hash_struct(plan, message, SEPARATOR) == signing_digest(SEPARATOR, reference)
        assert full.digest(SEPARATOR, type_name, message) == signing_digest(SEPARATOR, reference)

    @settings(max_examples=60, deadline=None)
    @given(_respelled(full, type_name))
    def respelled(message: Any) -> None:
        compiled = speedups.hash_struct(plan, message)
        reference = _python_answer(full, type_name, message)
        assert compiled is None or compiled == reference
        # and what callers see is exactly the Python path's answer, its refusal included
        try:
            seen: bytes | str = full.hash_struct(type_name, message)
        except (TypedDataError, ValueError) as refused:
            seen = f"{type(refused).__name__}: {refused}"
        assert seen == reference

    canonical()
    respelled()


def test_without_the_module_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    message = {"name": "Ames", "wallet": "0x" + "11" * 20, "big": 2**200, "ok": True, "tag": "0x" + "22" * 4}
    types = {
        "Party": [
            {"name": "name", "type": "string"},
            {"name": "wallet", "type": "address"},
            {"name": "big", "type": "uint256"},
            {"name": "ok", "type": "bool"},
            {"name": "tag", "type": "bytes4"},
        ]
    }
    compiled = TypedSchema(types)
    assert compiled.plan("Party") is not None
    expected = compiled.hash_struct("Party", message), compiled.digest(SEPARATOR, "Party", message)
    monkeypatch.setattr(eip712, "_speedups", None)
    plain = TypedSchema(types)
    assert plain.plan("Party") is None
    assert (plain.hash_struct("Party", message), plain.digest(SEPARATOR, "Party", message)) == expected


def test_a_malformed_plan_is_refused() -> None:
    with pytest.raises(ValueError):
        speedups.hash_struct((b"short", ()), {})
    with pytest.raises(ValueError):
        speedups.hash_struct((bytes(32), (("a", 99, 0),)), {"a": 1})
    with pytest.raises(ValueError):
        speedups.hash_struct((bytes(32), ()), {}, b"not 32 bytes")
