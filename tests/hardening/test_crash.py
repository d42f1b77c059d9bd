"""kill -9 at random moments while a process appends registrations and checkpoints, again and again.

After each kill the ledger must verify (entries, chain, projection, and the
witness agreeing with the ledger) and hold every entry the writer reported as
committed: it prints a line only after `append` (or `make_checkpoint`) returned.
The kill times come from a seeded generator: a failure names the seed and round.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.ledger import Ledger
from core.paths import DataDir
from core.verify import verify_ledger
from core.witness import read_witness
from tests.helpers import PASSWORD, make_world

SEED = 20261129
ROUNDS = 8
COMMITS = 8  # a round kills the writer after up to this many commits (every fourth is a checkpoint)

# The writer: registrations, and a checkpoint after every third, until it is killed.
_WRITER = r"""
import sys
from core.checkpoints import make_checkpoint
from core.deeds import register_deed
from core.keys import KeyStore
from core.ledger import Ledger
from core.paths import DataDir

home = DataDir.resolve(sys.argv[1])
ledger = Ledger.open(home)
operator = KeyStore(home.keys).unlock("operator", sys.argv[2])
round_ = sys.argv[3]
print("ready", flush=True)
n = 0
while True:
    n += 1
    deed = register_deed(ledger, operator, parcel=f"R{round_}-{n}", address=f"{n} Crash St", owner=operator.address)
    print("committed", deed.registered_index, "RegisterDeed", flush=True)
    if n % 3 == 0:
        print("committed", make_checkpoint(ledger, operator).index, "Checkpoint", flush=True)
"""


def run_writer_and_kill(home: Path, round_: int, rng: random.Random) -> list[tuple[int, str]]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(home), PASSWORD, str(round_)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    ready = writer.stdout.readline()
    assert ready.strip() == "ready", ready + (writer.stderr.read() if writer.stderr else "")
    # The moment is counted in the writer's own progress (so many commits, then a fraction of one more), not
    # in seconds after it started: a loaded machine slows the writer, and a fixed time then ended every round
    # before the first checkpoint (a CI-like run failed "no checkpoint was ever committed").
    seen = "".join(writer.stdout.readline() for _ in range(rng.randint(0, COMMITS)))
    time.sleep(rng.uniform(0.0, 0.1))
    writer.send_signal(signal.SIGKILL)
    # read through the same buffered pipe as the lines above (communicate() would skip what it holds)
    out = seen + writer.stdout.read()
    err = writer.stderr.read() if writer.stderr else ""
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL, f"the writer stopped by itself: {err}"
    committed = []
    # the kill can land while a line is being written: only whole lines were reported
    whole = out if out.endswith("\n") else out[: out.rfind("\n") + 1]
    for line in whole.splitlines():
        if line.startswith("committed "):
            _, index, kind = line.split()
            committed.append((int(index), kind))
    return committed


def test_kill_9_during_appends_and_checkpoints_loses_nothing(tmp_path: Path) -> None:
    world = make_world(tmp_path / "home")
    world.ledger.close()
    rng = random.Random(SEED)
    reported: list[tuple[int, str]] = []
    for round_ in range(ROUNDS):
        reported += run_writer_and_kill(world.home.root, round_, rng)
        ledger = Ledger.open(DataDir.resolve(world.home.root))
        try:
            report = verify_ledger(ledger, jobs=1)
            where = f"seed {SEED} round {round_}"
            assert report.ok, f"{where}: {report.reason}"
            for index, kind in reported:
                assert ledger.entry(index).kind == kind, f"{where}: entry {index} is not the {kind} reported"
            # a checkpoint is reported once make_checkpoint returned, so after its witness was in place
            checkpoints = [i for i, kind in reported if kind == "Checkpoint"]
            witness = read_witness(ledger.home, ledger.identity)
            if checkpoints:
                assert witness is not None and witness.index >= checkpoints[-1], where
        finally:
            ledger.close()
    assert len(reported) >= ROUNDS, "the writer hardly ever got to commit: the test is not testing"
    assert any(kind == "Checkpoint" for _, kind in reported), "no checkpoint was ever committed"


def test_a_checkpoint_cut_off_between_its_commit_and_its_witness_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The moment a kill splits a checkpoint: the entry committed, the staged witness not yet renamed."""
    from core import checkpoints, witness

    world = make_world(tmp_path / "home")
    world.register("P-1", world.operator.address)
    checkpoints.make_checkpoint(world.ledger, world.operator)
    world.register("P-2", world.operator.address)

    class Killed(BaseException):
        pass

    def killed(*_args: object) -> None:
        raise Killed

    monkeypatch.setattr(witness.StagedWitness, "install", killed)
    with pytest.raises(Killed):
        checkpoints.make_checkpoint(world.ledger, world.operator)
    monkeypatch.undo()
    assert world.ledger.latest_checkpoint().index == 4  # type: ignore[union-attr]
    staged = list(world.home.witness.glob(".*.tmp"))
    assert len(staged) == 1 and read_witness(world.home, world.ledger.identity).index == 2  # type: ignore[union-attr]
    report = verify_ledger(world.ledger, jobs=1)
    assert report.ok, report.reason
    assert any("not the latest (4)" in warning for warning in report.warnings), report.warnings
    checkpoints.make_checkpoint(world.ledger, world.operator)  # and the next checkpoint goes ahead
    report = verify_ledger(world.ledger, jobs=1)
    assert report.ok and not report.warnings, report
