"""The witness role: its answers as c2sp.org/tlog-witness gives them, its state kept atomically, its folder."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

import pytest

from core.checkpoint_note import note_of
from core.checkpoints import make_checkpoint
from core.errors import DeedbookError
from core.notes import Note
from core.paths import DataDir
from core.witness_requests import Candidate
from core.witnessing import add_checkpoint, follow, followed, init_role, read_role
from tests.helpers import World, make_world
from tests.witness.conftest import Witness


def latest_note(world: World) -> Note:
    recorded = make_checkpoint(world.ledger, world.operator)
    return note_of(world.ledger.identity, recorded.message, recorded.signatures)


def grow(world: World, count: int) -> Note:
    for _ in range(count):
        world.register(f"W-{world.ledger.size()}", world.operator.address)
    return latest_note(world)


def ask(witness: Witness, old: int, proof: tuple[bytes, ...], note: Note) -> tuple[int, str, int | None]:
    result = add_checkpoint(witness.home, note, [Candidate(old, None, proof)], lambda: witness.key)
    return result.status, result.sentence, result.size


def test_the_answers_of_add_checkpoint(
    operator: World, witnesses: Callable[..., list[Witness]], tmp_path: Path
) -> None:
    [witness] = witnesses("w.example/1")
    first = grow(operator, 3)
    assert ask(witness, 0, (), first)[0] == 200
    status, sentence, size = ask(witness, 0, (), first)
    assert (status, size) == (409, 4) and "last cosigned" in sentence  # it is not at size 0 any more
    assert ask(witness, 4, (), first)[0] == 200  # the same checkpoint again: cosigned again
    second = grow(operator, 2)
    tree = operator.ledger.tree()
    assert ask(witness, 9, (), second)[0] == 400  # old size past the checkpoint's
    bad = ask(witness, 4, (b"\x00" * 32,) * 3, second)
    assert bad[0] == 422 and "does not check" in bad[1]
    assert ask(witness, 4, tuple(tree.consistency(4, 7)), second)[0] == 200
    assert ask(witness, 4, tuple(tree.consistency(4, 7)), second)[0] == 409  # it is at 7 now
    assert ask(witness, 0, (b"\x00" * 32,), grow(operator, 1))[:1] == (409,)
    # a ledger it does not follow; a note the operator did not sign
    stranger = make_world(tmp_path / "stranger")
    assert ask(witness, 0, (), grow(stranger, 1))[0] == 404
    mallory = operator.key("mallory")
    recorded = operator.ledger.latest_checkpoint()
    assert recorded is not None
    forged = operator.ledger.sign("Checkpoint", recorded.message, mallory, "operator")
    assert ask(witness, 8, (), note_of(operator.ledger.identity, recorded.message, forged.signatures))[0] == 403
    [state] = followed(witness.home)
    assert state.size == 7 and not state.forks


def test_two_requests_at_once_never_roll_the_witness_back(
    operator: World, witnesses: Callable[..., list[Witness]]
) -> None:
    """Checking the old size and recording the new one are one step (a lock): of two requests from the same
    size, one is cosigned and the other told the witness's new size."""
    [witness] = witnesses("w.example/1")
    base = grow(operator, 2)
    assert ask(witness, 0, (), base)[0] == 200
    small, large = grow(operator, 2), grow(operator, 3)
    tree = operator.ledger.tree()
    answers: dict[str, int] = {}
    barrier = threading.Barrier(2)

    def run(label: str, note: Note, size: int) -> None:
        barrier.wait()
        answers[label] = ask(witness, 3, tuple(tree.consistency(3, size)), note)[0]

    threads = [
        threading.Thread(target=run, args=("small", small, 6)),
        threading.Thread(target=run, args=("large", large, 10)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers.values()) == [200, 409]
    [state] = followed(witness.home)
    assert state.size == (6 if answers["small"] == 200 else 10)


def test_a_witness_folder(tmp_path: Path, operator: World) -> None:
    home = DataDir.resolve(tmp_path / "w")
    assert read_role(home) is None
    init_role(home, "w.example/1", "k", operator.operator.address)
    with pytest.raises(DeedbookError, match="already"):
        init_role(home, "w.example/2", "k", operator.operator.address)
    with pytest.raises(DeedbookError, match="without spaces"):
        init_role(DataDir.resolve(tmp_path / "x"), "a name", "k", operator.operator.address)
    follow(home, operator.ledger.identity)
    with pytest.raises(DeedbookError, match="already"):
        follow(home, operator.ledger.identity)
    [path] = (home.root / "witnessing" / "ledgers").glob("*.json")
    path.write_text('{"format": "deedbook-witnessed-ledger/1", "size": "many"}')
    with pytest.raises(DeedbookError, match="damaged"):
        followed(home)
    assert path.stat().st_mode & 0o077 == 0  # the witness's state is its own
