"""Lines people read count in words: '1 deed', not '1 deeds' (verify, distribution list)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.kinds import describe_entry

from tests.hardening.harness import run_cli


def test_verify_counts_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    password = tmp_path / "pw.txt"
    password.write_text("correct horse battery\n")
    home = ["--data-dir", str(tmp_path / "home")]
    pw = ["--password-file", str(password)]
    owner = run_cli([*home, "key", "new", "registrar", *pw], capsys).out.strip().split()[-1]
    steps = [
        ["init", "--name", "One Deed", "--operator", "registrar", *pw],
        ["deed", "register", "--parcel", "P-1", "--address", "1 Main", "--owner", owner, "--key", "registrar", *pw],
        ["checkpoint", "--key", "registrar", *pw],
    ]
    for step in steps:
        assert run_cli([*home, *step], capsys).code == 0
    full = run_cli([*home, "verify"], capsys)
    assert full.code == 0 and full.out.startswith("ok: 3 entries, 1 deed verified in ")
    since = run_cli([*home, "verify", "--since-checkpoint"], capsys)
    assert (
        since.code == 0
        and since.out.startswith("ok: 1 new entry verified in ")
        and "(3 in the ledger, 1 deed)" in since.out
    )
    paid = ["distribution", "new", "1", "--amount", "100", "--currency", "USD", "--key", "registrar", *pw]
    assert run_cli([*home, *paid], capsys).code == 0
    listed = run_cli([*home, "distribution", "list"], capsys)
    assert listed.code == 0 and "USD 100.00 to 1 holder of deed 1," in listed.out


def test_a_checkpoint_of_one_entry_reads_one_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """'Checkpoint 1: 1 entries' on the command line and in the entry's own summary (fails on the old code)."""
    password = tmp_path / "pw.txt"
    password.write_text("correct horse battery\n")
    home = ["--data-dir", str(tmp_path / "home")]
    pw = ["--password-file", str(password)]
    run_cli([*home, "key", "new", "registrar", *pw], capsys)
    assert run_cli([*home, "init", "--name", "Empty", "--operator", "registrar", *pw], capsys).code == 0
    made = run_cli([*home, "checkpoint", "--key", "registrar", *pw], capsys)
    assert made.code == 0 and made.out.startswith("Checkpoint 1: 1 entry, root 0x"), made.out
    message = {"ledgerId": "0x" + "00" * 32, "size": 1, "root": "0x" + "ab" * 32, "timestamp": 0}
    assert describe_entry("Checkpoint", message, []).detail[0].value.startswith("Checkpoint of 1 entry, root 0xab")
