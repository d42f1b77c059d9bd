"""A replica whose latest checkpoint covers a rewritten entry names that entry and keeps a fork proof.

It compared the entries from its latest checkpoint on first, so the rewritten source's own checkpoint
entry was named ("its entry 4 is not the entry 4"), and no fork proof was kept, though the two signed
checkpoints of one size with different roots prove the fork (docs/witnesses.md, "Replicas")."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.hardening.harness import run_cli


def test_a_rewrite_under_the_replicas_latest_checkpoint_is_named_with_its_fork_proof(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    password = tmp_path / "pw.txt"
    password.write_text("correct horse battery\n")
    pw = ["--password-file", str(password)]
    office, forked, replica = tmp_path / "office", tmp_path / "forked", tmp_path / "county"

    def ok(home: Path, *args: str) -> str:
        outcome = run_cli(["--data-dir", str(home), *args], capsys)
        assert outcome.code == 0, outcome.err
        return outcome.out

    owner = ok(office, "key", "new", "registrar", *pw).strip().split()[-1]
    ok(office, "init", "--name", "Fork County", "--operator", "registrar", *pw)
    ok(
        office,
        "deed",
        "register",
        "--parcel",
        "P-1",
        "--address",
        "1 Main",
        "--owner",
        owner,
        "--key",
        "registrar",
        *pw,
    )
    ok(office, "checkpoint", "--key", "registrar", *pw)
    shutil.copytree(office, forked)  # the operator keeps a second history from here
    for home, parcel in ((office, "P-2"), (forked, "P-3")):
        ok(
            home,
            "deed",
            "register",
            "--parcel",
            parcel,
            "--address",
            "2 Main",
            "--owner",
            owner,
            "--key",
            "registrar",
            *pw,
        )
        ok(home, "checkpoint", "--key", "registrar", *pw)  # entry 4, over entries 0 to 3
    ok(replica, "replica", "sync", "--from", str(office))

    refused = run_cli(["--data-dir", str(replica), "replica", "sync", "--from", str(forked), "--json"], capsys)
    assert refused.code == 1, refused.err
    report = json.loads(refused.out)
    assert report["first_bad"] == 3 and "its entry 3 is not the entry 3" in report["reason"]
    assert report["fork_proof"] and run_cli(["verify-fork", report["fork_proof"]], capsys).code == 1
    assert json.loads(ok(replica, "verify", "--json"))["entries"] == 5  # nothing of the other history synced
