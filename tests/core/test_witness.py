"""The witness file, fuzzed: any bytes, any change to a real one, is refused in a sentence or is still the same checkpoint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import merkle
from core.checkpoints import make_checkpoint
from core.witness import UnusableWitness, Witness, disagreement, parse_witness, read_witness
from tests.helpers import World, make_world
from tests.fuzz_json import same_meaning


@pytest.fixture(scope="module")
def witnessed(tmp_path_factory: pytest.TempPathFactory) -> tuple[World, bytes, list[bytes]]:
    world = make_world(tmp_path_factory.mktemp("witness") / "home")
    world.register("P-1", world.operator.address)
    world.register("P-2", world.operator.address)
    make_checkpoint(world.ledger, world.operator)
    world.register("P-3", world.operator.address)
    witness = read_witness(world.home, world.ledger.identity)
    assert witness is not None
    return world, witness.path.read_bytes(), world.ledger.leaves()


def outcome(world: World, raw: bytes, leaves: list[bytes]) -> Witness | None:
    """The witness if it parses and the ledger agrees with it; None if refused in a sentence."""
    try:
        witness = parse_witness(Path("witness.json"), raw, world.ledger.identity)
    except UnusableWitness as refused:
        assert str(refused).startswith("The witness file witness.json ") and "\n" not in str(refused)
        return None
    found = disagreement(witness, len(leaves), leaves.__getitem__, lambda n: merkle.root(leaves[:n]))
    return witness if found is None else None


@pytest.mark.parametrize("size", [-1, 2**256, "3"])
def test_a_size_typed_data_cannot_hold_is_refused_in_a_sentence(
    witnessed: tuple[World, bytes, list[bytes]], size: object
) -> None:
    world, raw, leaves = witnessed  # found by the mutation test below: size -1 escaped as a TypedDataError
    document = json.loads(raw)
    document["checkpoint"]["message"]["size"] = size
    assert outcome(world, json.dumps(document).encode(), leaves) is None


def test_the_real_witness_is_accepted(witnessed: tuple[World, bytes, list[bytes]]) -> None:
    world, raw, leaves = witnessed
    witness = outcome(world, raw, leaves)
    assert witness is not None and witness.index == 3 and witness.size == 3


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_random_bytes_are_refused(witnessed: tuple[World, bytes, list[bytes]], raw: bytes) -> None:
    world, _, leaves = witnessed
    assert outcome(world, raw, leaves) is None


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=80)
    | st.sampled_from(["0x", "0x00", "0x" + "ab" * 32, "0x" + "ab" * 65]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*prefix, i))
    return found


def _mutate(document: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    if not path:
        return value if action == "replace" else document
    *parents, last = path
    target = document
    for part in parents:
        target = target[part]
    if action == "delete":
        del target[last]
    elif action == "replace":
        target[last] = value
    elif action == "add" and isinstance(target[last], dict):
        target[last]["extra"] = value
    return document


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_witnesses_are_refused_unless_nothing_that_matters_changed(
    witnessed: tuple[World, bytes, list[bytes]], data: st.DataObject
) -> None:
    world, raw, leaves = witnessed
    original = json.loads(raw)
    document = json.loads(raw)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(document)
        path = data.draw(st.sampled_from(paths))
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        document = _mutate(document, path, action, data.draw(JSON_VALUES))
    witness = outcome(world, json.dumps(document).encode(), leaves)
    if witness is not None:  # accepted: then it is the same checkpoint, byte for byte where it counts
        # type for type (same_meaning): Python's == would take true or 1.0 for 1
        for key in ("index", "recordedAt", "message"):
            assert same_meaning(document["checkpoint"][key], original["checkpoint"][key]), key
        assert [s["signature"] for s in document["checkpoint"]["signatures"]] == [
            s["signature"] for s in original["checkpoint"]["signatures"]
        ]
