"""What a replica holds after a sync stopped between batches: `replica show` (and its --json) read the count from
the replica's ledger and say where the sync stopped; replica.json's own keys stay the last finished sync's.
On the old code `show` said the size the last finished sync recorded, and nothing of the stop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import core.replica as replica_module
from core.paths import DataDir
from core.replica import LedgerSource, SyncReport, sync
from tests.hardening.harness import run_cli
from tests.helpers import World
from tests.witness.test_replica import grow


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DataDir:
    """A replica's data folder, with syncs appending two entries a batch (so that one can stop between them)."""
    monkeypatch.setattr(replica_module, "BATCH", 2)
    return DataDir.resolve(tmp_path / "replica")


def _stopped_after_one_batch(home: DataDir, world: World) -> SyncReport:
    """A sync from `world` stopped once its first batch is appended (as Cancel or Ctrl+C would)."""
    done: list[int] = []
    report = sync(
        home,
        None,
        LedgerSource(world.ledger, str(world.home.root)),
        progress=lambda appended, of: done.append(appended),
        cancelled=lambda: bool(done),
    )
    assert report.stopped and report.appended == replica_module.BATCH, report
    return report


def _show(home: DataDir, capsys: pytest.CaptureFixture[str], *json_flag: str) -> tuple[int, str, str]:
    shown = run_cli(["--data-dir", str(home.root), "replica", "show", *json_flag], capsys)
    return shown.code, shown.out, shown.err


def test_replica_show_says_what_a_stopped_sync_left_and_a_finished_one_clears_it(
    operator: World, home: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    grow(operator, 3)
    assert sync(home, None, LedgerSource(operator.ledger, str(operator.home.root))).ok
    had = operator.ledger.size()
    grow(operator, 6)
    total = operator.ledger.size()
    _stopped_after_one_batch(home, operator)

    code, out, err = _show(home, capsys, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["size"] == had  # replica.json's keys as before: the last sync that finished
    assert {"source", "lastSync", "checkpointSize", "cosigners"} <= shown.keys()
    assert shown["held"] == had + 2 and shown["stopped"]["size"] == had + 2 and shown["stopped"]["of"] == total
    assert shown["heldCheckpointSize"] == shown["checkpointSize"]  # the batch held no newer checkpoint
    code, out, err = _show(home, capsys)
    assert code == 0 and f"{had + 2} entries" in out, (out, err)
    assert f"stopped at {had + 2} of {total} entries; sync again to continue" in out, out

    assert sync(home, None, LedgerSource(operator.ledger, str(operator.home.root))).ok  # the same sync finishes
    code, out, _ = _show(home, capsys, "--json")
    shown = json.loads(out)
    assert shown["size"] == shown["held"] == total and "stopped" not in shown
    assert shown["heldCheckpointSize"] == shown["checkpointSize"] == total - 1  # the checkpoint is the last entry
    code, out, _ = _show(home, capsys)
    assert "stopped" not in out and f"{total} entries" in out


def test_a_stopped_first_sync_says_how_far_it_got(
    operator: World, home: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    grow(operator, 5)
    _stopped_after_one_batch(home, operator)
    code, out, err = _show(home, capsys)
    assert code == 2 and out == "" and "Traceback" not in err
    assert f"did not finish (it was stopped at 2 of {operator.ledger.size()} entries)" in err, err
