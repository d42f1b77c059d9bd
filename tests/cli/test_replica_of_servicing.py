"""A replica syncs a ledger holding distributions and votes, as `replica sync` is documented to.

Its first sync carries the record-date checkpoint and the distribution in one batch; the append
refused that ("A record date must be a checkpoint recorded before the entry that uses it"), so no
ledger with a distribution could be replicated from scratch (docs/witnesses.md, docs/servicing.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hardening.harness import run_cli


@pytest.fixture
def office(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, list[str], str]:
    home, password = tmp_path / "office", tmp_path / "pw.txt"
    password.write_text("correct horse battery\n")
    pw = ["--password-file", str(password)]
    out = run_cli(["--data-dir", str(home), "key", "new", "registrar", *pw], capsys).out
    owner = out.strip().split()[-1]
    run_cli(["--data-dir", str(home), "init", "--name", "Replica County", "--operator", "registrar", *pw], capsys)
    return home, pw, owner


def _ok(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> str:
    outcome = run_cli(["--data-dir", str(home), *args], capsys)
    assert outcome.code == 0, outcome.err
    return outcome.out


def _register(capsys: pytest.CaptureFixture[str], home: Path, pw: list[str], owner: str, parcel: str) -> None:
    _ok(
        capsys,
        home,
        "deed",
        "register",
        "--parcel",
        parcel,
        "--address",
        "1 Main",
        "--owner",
        owner,
        "--key",
        "registrar",
        *pw,
    )


def _sync(capsys: pytest.CaptureFixture[str], source: Path, replica: Path) -> None:
    bundle = replica.parent / f"bundle-{len(list(replica.parent.glob('bundle-*')))}.json"
    _ok(capsys, source, "export", "--since", "0", "--out", str(bundle))
    report = json.loads(_ok(capsys, replica, "replica", "sync", "--from", str(bundle), "--json"))
    assert report["ok"] is True, report["reason"]
    assert report["size"] == json.loads(_ok(capsys, source, "verify", "--json"))["entries"]


def test_a_first_sync_carries_a_distribution_and_its_record_date_together(
    office: tuple[Path, list[str], str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home, pw, owner = office
    _register(capsys, home, pw, owner, "P-1")
    _ok(capsys, home, "checkpoint", "--key", "registrar", *pw)
    _ok(capsys, home, "distribution", "new", "1", "--amount", "100", "--currency", "USD", "--key", "registrar", *pw)
    _ok(
        capsys,
        home,
        "vote",
        "propose",
        "1",
        "--text",
        "Roof?",
        "--threshold",
        "0.6",
        "--closes",
        "2099-12-31",
        "--key",
        "registrar",
        *pw,
    )
    _ok(capsys, home, "checkpoint", "--key", "registrar", *pw)
    replica = tmp_path / "county"
    _sync(capsys, home, replica)
    theirs = json.loads(_ok(capsys, home, "distribution", "show", "1", "--json"))
    assert json.loads(_ok(capsys, replica, "distribution", "show", "1", "--json")) == theirs
    assert json.loads(_ok(capsys, replica, "verify", "--json"))["ok"] is True


def test_a_later_sync_carries_a_new_record_date_of_a_deed_it_holds_unchanged(
    office: tuple[Path, list[str], str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home, pw, owner = office
    _register(capsys, home, pw, owner, "P-1")
    _ok(capsys, home, "checkpoint", "--key", "registrar", *pw)
    replica = tmp_path / "county"
    _sync(capsys, home, replica)
    _register(capsys, home, pw, owner, "P-2")  # another deed changes; deed 1 does not
    _ok(capsys, home, "checkpoint", "--key", "registrar", *pw)
    _ok(capsys, home, "distribution", "new", "1", "--amount", "100", "--currency", "USD", "--key", "registrar", *pw)
    _ok(capsys, home, "distribution", "new", "2", "--amount", "50", "--currency", "USD", "--key", "registrar", *pw)
    _ok(capsys, home, "checkpoint", "--key", "registrar", *pw)
    _sync(capsys, home, replica)
    for number in ("1", "2"):
        shown = json.loads(_ok(capsys, replica, "distribution", "show", number, "--json"))
        assert shown == json.loads(_ok(capsys, home, "distribution", "show", number, "--json"))
        assert [p["holder"] for p in shown["payouts"]] == [owner]
    assert json.loads(_ok(capsys, replica, "verify", "--json"))["ok"] is True
