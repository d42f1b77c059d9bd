"""Replicas: started in an empty folder, kept up to date from a bundle, a folder or a URL; every entry goes
through the ledger's rules; a replica verifies, proves and issues certificates of title itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.bundles import build_bundle, parse_bundle
from core.checkpoints import make_checkpoint
from core.errors import DeedbookError
from core.ledger import Ledger
from core.paths import DataDir
from core.replica import BundleSource, LedgerSource, read_state, sync
from core.verify import verify_ledger
from tests.hardening.harness import run_cli
from tests.helpers import World, make_world


def grow(world: World, count: int, checkpoint: bool = True) -> None:
    for _ in range(count):
        world.register(f"R-{world.ledger.size()}", world.operator.address)
    if checkpoint:
        make_checkpoint(world.ledger, world.operator)


def test_a_replica_started_from_bundles_is_the_ledger(
    operator: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the commands run in this process (capsys): as processes of their own, a second or more of imports each
    operators = ["--data-dir", str(operator.home.root)]
    grow(operator, 4)
    home = DataDir.resolve(tmp_path / "replica")
    bundle = tmp_path / "b0.json"
    assert run_cli([*operators, "export", "--since", "0", "--out", str(bundle)], capsys).code == 0
    started = run_cli(["--data-dir", str(home.root), "replica", "sync", "--from", str(bundle)], capsys)
    assert started.code == 0 and "Started the replica: 6 new entries" in started.out, started.err
    grow(operator, 3, checkpoint=False)
    grow(operator, 2)
    held = Ledger.open(home).size()
    later = tmp_path / "b1.json"
    assert run_cli([*operators, "export", "--since", str(held), "--out", str(later)], capsys).code == 0
    again = run_cli(["--data-dir", str(home.root), "replica", "sync", "--from", str(later), "--json"], capsys)
    report = json.loads(again.out)
    assert again.code == 0 and report["appended"] == operator.ledger.size() - held
    replica = Ledger.open(home)
    assert replica.identity == operator.ledger.identity
    assert [e.leaf_hash for e in replica.entries()] == [e.leaf_hash for e in operator.ledger.entries()]
    assert verify_ledger(replica, jobs=1).ok
    assert read_state(home)["size"] == replica.size()
    # a replica proves entries and issues certificates of title that verify anywhere
    proof, title = tmp_path / "proof.json", tmp_path / "title.pdf"
    assert run_cli(["--data-dir", str(home.root), "proof", "3", "--out", str(proof)], capsys).code == 0
    assert run_cli(["--data-dir", str(tmp_path / "anyone"), "verify-proof", str(proof)], capsys).code == 0
    assert run_cli(["--data-dir", str(home.root), "pdf", "title", "2", "--out", str(title)], capsys).code == 0
    assert run_cli(["--data-dir", str(tmp_path / "anyone"), "verify-pdf", str(title)], capsys).code == 0


def test_a_bundle_that_breaks_a_rule_is_refused_whole(operator: World, tmp_path: Path) -> None:
    grow(operator, 3)
    home = DataDir.resolve(tmp_path / "replica")
    data = build_bundle(operator.ledger, 0)
    data["entries"][2]["message"]["owner"] = operator.key("mallory").address  # the signature no longer matches
    report = sync(home, None, BundleSource(parse_bundle(data), "tampered.json"))
    assert not report.ok and "rules refuse" in (report.reason or "") and "signature" in (report.reason or "")
    assert not home.database.exists()  # a replica that could not start leaves nothing behind


@pytest.mark.parametrize("spelling", [True, 1.0, "1"], ids=repr)
def test_a_bundle_whose_chain_id_is_spelt_otherwise_is_refused(operator: World, spelling: object) -> None:
    """int() would take true, 1.0 or "1" for the chain id 1, and parse the bundle as this ledger's."""
    grow(operator, 1)
    data = build_bundle(operator.ledger, 0)
    assert data["ledger"]["chainId"] == 1
    data["ledger"]["chainId"] = spelling
    with pytest.raises(DeedbookError, match="bundle"):
        parse_bundle(data)


def test_a_source_that_is_not_this_replicas_ledger_or_leaves_a_gap_is_refused(operator: World, tmp_path: Path) -> None:
    grow(operator, 2)
    home = DataDir.resolve(tmp_path / "replica")
    assert sync(home, None, LedgerSource(operator.ledger, "source")).ok
    stranger = make_world(tmp_path / "stranger")
    with pytest.raises(DeedbookError, match="this replica follows"):
        sync(home, None, LedgerSource(stranger.ledger, "the stranger"))
    grow(operator, 4)
    gap = parse_bundle(build_bundle(operator.ledger, operator.ledger.size() - 1))
    with pytest.raises(DeedbookError, match="it needs the entries from"):
        sync(home, None, BundleSource(gap, "gap.json"))
    with pytest.raises(DeedbookError, match="holds 0 entries: it needs the entries from 0 on"):
        sync(DataDir.resolve(tmp_path / "empty"), None, BundleSource(gap, "gap.json"))


def test_a_sync_closes_the_replica_it_opened_whether_it_starts_adds_or_refuses(operator: World, tmp_path: Path) -> None:
    """Each sync returns or raises with its ledger closed: its connections (and SQLite's -wal and -shm beside the
    database) were left for the garbage collector, so a refused sync seemed to have changed the folder, and a
    desktop syncing again and again held a pool of connections for each (fails on the old code)."""
    import gc

    grow(operator, 2)
    home = DataDir.resolve(tmp_path / "replica")
    side_files = [home.database.with_name(home.database.name + side) for side in ("-wal", "-shm")]
    stranger = make_world(tmp_path / "stranger")
    gc.disable()  # nothing closed by a collection the test happens to run into
    try:
        assert sync(home, None, LedgerSource(operator.ledger, "source")).ok  # starts the replica
        assert not any(p.exists() for p in side_files)
        grow(operator, 1)
        assert sync(home, None, LedgerSource(operator.ledger, "source")).appended > 0
        assert not any(p.exists() for p in side_files)
        with pytest.raises(DeedbookError, match="this replica follows"):
            sync(home, None, LedgerSource(stranger.ledger, "the stranger"))
        assert not any(p.exists() for p in side_files)
    finally:
        gc.enable()


def test_a_checkpoint_not_signed_by_the_operator_is_refused(operator: World, tmp_path: Path) -> None:
    grow(operator, 2)
    data = build_bundle(operator.ledger, 0)
    data["checkpoint"]["message"]["timestamp"] += 1
    with pytest.raises(DeedbookError, match="cannot be trusted"):
        sync(DataDir.resolve(tmp_path / "replica"), None, BundleSource(parse_bundle(data), "forged.json"))
    assert not (tmp_path / "replica" / "ledger.sqlite").exists()


def test_a_bundle_whose_frontier_or_proof_lies_is_refused(operator: World, tmp_path: Path) -> None:
    grow(operator, 3)
    home = DataDir.resolve(tmp_path / "replica")
    assert sync(home, None, LedgerSource(operator.ledger, "source")).ok
    grow(operator, 3)
    data = build_bundle(operator.ledger, Ledger.open(home).size())
    data["frontier"][0] = data["frontier"][-1]
    with pytest.raises(DeedbookError, match="frontier"):
        sync(home, None, BundleSource(parse_bundle(data), "lying.json"))
    data = build_bundle(operator.ledger, Ledger.open(home).size())
    data["consistency"] = []
    with pytest.raises(DeedbookError, match="does not prove"):
        sync(home, None, BundleSource(parse_bundle(data), "unproved.json"))
