"""A replica whose latest checkpoint covers a rewritten entry names that entry and keeps a fork proof.

It compared the entries from its latest checkpoint on first, so the rewritten source's own checkpoint
entry was named ("its entry 4 is not the entry 4"), and no fork proof was kept, though the two signed
checkpoints of one size with different roots prove the fork (docs/witnesses.md, "Replicas")."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.conftest import CliOffice
from tests.hardening.harness import run_cli


def test_a_rewrite_under_the_replicas_latest_checkpoint_is_named_with_its_fork_proof(
    cli_office: CliOffice, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    office, forked, replica = cli_office.home, tmp_path / "forked", tmp_path / "county"
    cli_office.register("P-1")
    cli_office.checkpoint()
    shutil.copytree(office, forked)  # the operator keeps a second history from here
    for home, parcel in ((office, "P-2"), (forked, "P-3")):
        cli_office.register(parcel, "2 Main", home=home)
        cli_office.checkpoint(home=home)  # entry 4, over entries 0 to 3
    cli_office.ok("replica", "sync", "--from", str(office), home=replica)

    refused = run_cli(["--data-dir", str(replica), "replica", "sync", "--from", str(forked), "--json"], capsys)
    assert refused.code == 1, refused.err
    report = json.loads(refused.out)
    assert report["first_bad"] == 3 and "its entry 3 is not the entry 3" in report["reason"]
    assert report["fork_proof"] and run_cli(["verify-fork", report["fork_proof"]], capsys).code == 1
    assert (
        json.loads(cli_office.ok("verify", "--json", home=replica))["entries"] == 5
    )  # nothing of the other history synced
