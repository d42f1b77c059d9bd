"""Lines people read count in words: '1 deed', not '1 deeds' (verify, distribution list)."""

from __future__ import annotations

from pathlib import Path

import pytest

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
