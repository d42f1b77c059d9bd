"""Whatever a proof file holds, `verify-proof` answers genuine, not genuine, or one sentence — never a crash.

A proof is a file anyone may hand in; these tests mutate a real one (any value
anywhere replaced, keys dropped) and feed raw bytes, and accept only three
outcomes: still genuine (only when the mutation changed nothing that is proved:
the file is then the original but for the checkpoint entry's unsigned position), a
`VerificationFailed` with a reason, or a `DeedbookError` sentence.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.checkpoints import make_checkpoint
from core.errors import DeedbookError, VerificationFailed
from core.proofs import build_proof, read_proof_file, verify_proof
from tests.helpers import make_world
from tests.fuzz_json import same_meaning

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*prefix, i))
    return found


@pytest.fixture(scope="module")
def genuine(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    world = make_world(tmp_path_factory.mktemp("proof-fuzz"))
    registrar = world.key("registrar2")
    world.ledger.append(
        [
            world.ledger.sign(
                "AddRegistrar",
                {"ledgerId": world.ledger.identity.ledger_id_hex, "registrar": registrar.address},
                world.operator,
                "operator",
            )
        ]
    )
    world.register("0526301100", world.key("alice").address, registrar=registrar)  # needs its appointment
    make_checkpoint(world.ledger, world.operator)
    proof = build_proof(world.ledger, 2)
    assert verify_proof(proof).index == 2
    return proof


def _proving_parts(proof: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    """Everything but the checkpoint entry's own index and recording time, which its signature does not cover
    (they say where the checkpoint sits in the ledger; nothing a proof proves rests on them).  The typed data
    for other tools may be left out, not changed."""
    kept = copy.deepcopy(proof)
    if "typedData" not in kept:
        kept["typedData"] = original["typedData"]
    if isinstance(kept.get("checkpoint"), dict):
        kept["checkpoint"].pop("index", None)
        kept["checkpoint"].pop("recordedAt", None)
    return kept


def _outcome(data: Any) -> str:
    try:
        report = verify_proof(data)
    except VerificationFailed as failed:
        assert failed.reason
        return "not genuine"
    except DeedbookError as refused:
        assert str(refused)
        return "refused"
    return f"genuine {report.index} {report.leaf_hash} {report.root}"


@pytest.mark.parametrize(
    ("path", "spelt"),
    [
        (("ledger", "chainId"), lambda one: one == 1),  # the chain id is 1: true
        (("ledger", "chainId"), float),
        (("ledger", "chainId"), str),
        (("treeSize",), float),
        (("treeSize",), str),
    ],
    ids=["chainId-true", "chainId-float", "chainId-text", "treeSize-float", "treeSize-text"],
)
def test_a_whole_number_spelt_otherwise_is_refused(
    genuine: dict[str, Any], path: tuple[str, ...], spelt: Callable[[int], Any]
) -> None:
    """The ledger's chain id or the tree size as true, 1.0 or "1": int() would take each (and true and 1.0
    hash as 1 does), so such a proof verified as genuine; it is malformed."""
    mutated = copy.deepcopy(genuine)
    target = mutated
    for step in path[:-1]:
        target = target[step]
    whole = target[path[-1]]
    assert type(whole) is int and (path[-1] != "chainId" or whole == 1)
    target[path[-1]] = spelt(whole)
    assert _outcome(mutated) == "refused"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), replacement=JSON)
def test_any_value_replaced_is_refused_or_changes_nothing(
    genuine: dict[str, Any], data: st.DataObject, replacement: Any
) -> None:
    mutated = copy.deepcopy(genuine)
    path = data.draw(st.sampled_from(_paths(genuine)))
    target = mutated
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = replacement
    outcome = _outcome(mutated)
    if outcome.startswith("genuine"):
        assert outcome == _outcome(genuine)
        assert same_meaning(_proving_parts(mutated, genuine), _proving_parts(genuine, genuine))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_key_dropped_is_refused_or_changes_nothing(genuine: dict[str, Any], data: st.DataObject) -> None:
    mutated = copy.deepcopy(genuine)
    path = data.draw(st.sampled_from([p for p in _paths(genuine) if isinstance(p[-1], str)]))
    target = mutated
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    outcome = _outcome(mutated)
    if outcome.startswith("genuine"):
        assert outcome == _outcome(genuine)
        assert same_meaning(_proving_parts(mutated, genuine), _proving_parts(genuine, genuine))


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
def test_file_bytes_are_a_sentence(raw: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("raw") / "proof.json"
    path.write_bytes(raw)
    try:
        data = read_proof_file(path)
    except DeedbookError as refused:
        assert str(refused)
        return
    assert _outcome(data) in ("not genuine", "refused")


def test_the_genuine_proof_round_trips_through_a_file(genuine: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(genuine))
    assert _outcome(read_proof_file(path)) == _outcome(genuine)
