"""Fork proofs: what proves a fork, what does not, and that no change to an honest pair of checkpoints
can make it look like one (hypothesis)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.checkpoint_note import note_of, open_checkpoint
from core.checkpoints import make_checkpoint
from core.errors import DeedbookError
from core.forks import fork_evidence, make_fork, verify_fork
from core.ledger import RecordedEntry
from tests.helpers import World, make_world
from tests.witness.conftest import Witness, checkpoint_and_request
from tests.witness.rewrite import rewrite_entry


def signed(world: World, recorded: RecordedEntry) -> Any:
    return open_checkpoint(note_of(world.ledger.identity, recorded.message, recorded.signatures), world.ledger.identity)


def grow(world: World, count: int) -> RecordedEntry:
    for _ in range(count):
        world.register(f"F-{world.ledger.size()}", world.operator.address)
    return make_checkpoint(world.ledger, world.operator)


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two consistent checkpoints of one ledger and the fork-proof-shaped file of them (no fork)."""
    world = make_world(Path(tmp_path_factory.mktemp("honest")) / "home")
    first, second = grow(world, 3), grow(world, 5)
    small, large = signed(world, first), signed(world, second)
    tree = world.ledger.tree()
    data = make_fork(
        small, large, tree.root(small.size), tree.consistency(small.size, large.size), found_by="test", found_at=1
    )
    return {"world": world, "data": data}


def test_two_consistent_checkpoints_prove_no_fork(honest: dict[str, Any]) -> None:
    verdict = verify_fork(honest["data"])
    assert not verdict.proved and "consistent" in verdict.reason and verdict.sizes == (4, 10)


def test_a_rewritten_history_is_a_fork_at_any_old_size(tmp_path: Path) -> None:
    """The old size a power of two (the proof leaves its root out) or not: the evidence carries the root the new
    tree has there, tied to the new root by the proof."""
    world = make_world(tmp_path / "home")
    held = [grow(world, 2), grow(world, 4)]
    sizes = [int(c.message["size"]) for c in held]
    assert sizes == [3, 8]  # not a power of two, and one
    rewrite_entry(world.ledger, 1, {"propertyAddress": "Rewritten"}, world.operator)
    forged = signed(world, make_checkpoint(world.ledger, world.operator, new_witness=True))
    tree = world.ledger.tree()
    for checkpoint, size in zip(held, sizes, strict=True):
        evidence = fork_evidence(
            signed(world, checkpoint), forged, tree.root(size), tree.consistency(size, forged.size)
        )
        assert evidence is not None, size
        verdict = verify_fork(make_fork(signed(world, checkpoint), forged, *evidence, found_by="t", found_at=1))
        assert verdict.proved and verdict.sizes == (size, forged.size)


def test_the_same_size_with_two_roots_is_a_fork(
    tmp_path: Path, witnesses: Callable[..., list[Witness]], operator: World
) -> None:
    """Two ledgers cannot share an identity, but an operator can sign two trees of one size: a witness shown
    the second keeps both (HTTP's 409)."""
    [witness] = witnesses("w.example/1")
    grow(operator, 2)
    _, request = checkpoint_and_request(operator, tmp_path, 1_760_000_000)
    assert witness.cosign(request, now=1_760_000_100).cosigned
    held = json.loads(request.read_text())
    recorded = operator.ledger.latest_checkpoint()
    assert recorded is not None
    other = {**recorded.message, "root": "0x" + "ab" * 32}
    entry = operator.ledger.sign("Checkpoint", other, operator.operator, "operator")
    note = note_of(operator.ledger.identity, other, entry.signatures)
    from core.witness_requests import Candidate
    from core.witnessing import add_checkpoint

    result = add_checkpoint(
        witness.home, note, [Candidate(recorded.message["size"], None, ())], lambda: witness.key, now=1_760_000_200
    )
    assert result.status == 409 and result.fork is not None
    verdict = verify_fork(result.fork)
    assert verdict.proved and "two different trees" in verdict.reason
    assert held["checkpoint"] in result.fork["checkpoints"]


@pytest.mark.parametrize(
    "change, says",
    [
        (lambda d: {**d, "format": "deedbook-fork-proof/9"}, "not a Deedbook fork proof"),
        (lambda d: {**d, "checkpoints": d["checkpoints"][:1]}, "two checkpoints"),
        (lambda d: {**d, "ledgerKey": "nope"}, "damaged"),
        (lambda d: {**d, "rootAtSmaller": "AAAA"}, "32-byte"),
        (lambda d: {**d, "consistency": ["!!"]}, "base64"),
    ],
)
def test_what_is_not_a_fork_proof_is_said(
    honest: dict[str, Any], change: Callable[[dict[str, Any]], Any], says: str
) -> None:
    with pytest.raises(DeedbookError, match=says):
        verify_fork(change(dict(honest["data"])))


def test_a_checkpoint_not_signed_by_the_operator_proves_nothing(honest: dict[str, Any]) -> None:
    data = dict(honest["data"])
    first = data["checkpoints"][0]
    body, _, sig = first.rpartition("\u2014 ")
    data["checkpoints"] = [
        body + "\u2014 " + sig[:-6] + ("A" if sig[-6] != "A" else "B") + sig[-5:],
        data["checkpoints"][1],
    ]
    verdict = verify_fork(data)
    assert not verdict.proved and "does not prove a fork" in verdict.reason


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_no_change_makes_an_honest_pair_prove_a_fork(honest: dict[str, Any], data: st.DataObject) -> None:
    text = json.dumps(honest["data"])
    at = data.draw(st.integers(0, len(text) - 1))
    mutated = text[:at] + data.draw(st.characters(blacklist_categories=("Cs",))) + text[at + 1 :]
    try:
        parsed = json.loads(mutated)
        verdict = verify_fork(parsed)
    except (ValueError, DeedbookError):
        return
    assert not verdict.proved, (mutated, verdict.reason)
