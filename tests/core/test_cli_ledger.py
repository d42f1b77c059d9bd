"""The ledger's command line as a user runs it: exit codes and one clear sentence."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.cli.main import run


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(tmp_path: Path, password_file: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    h = tmp_path / "h"
    assert cli(capsys, "--data-dir", str(h), "key", "new", "registrar", "--password-file", str(password_file))[0] == 0
    assert (
        cli(
            capsys,
            "--data-dir",
            str(h),
            "init",
            "--name",
            "Story County",
            "--operator",
            "registrar",
            "--password-file",
            str(password_file),
        )[0]
        == 0
    )
    return h


def owner(capsys: pytest.CaptureFixture[str], home: Path, password_file: Path) -> str:
    code, out, _ = cli(capsys, "--data-dir", str(home), "key", "new", "alice", "--password-file", str(password_file))
    assert code == 0
    return out.strip()


def test_register_list_show_history_checkpoint_proof(
    capsys: pytest.CaptureFixture[str], home: Path, password_file: Path, tmp_path: Path
) -> None:
    alice = owner(capsys, home, password_file)
    code, out, _ = cli(
        capsys,
        "--data-dir",
        str(home),
        "deed",
        "register",
        "--parcel",
        "0526301100",
        "--address",
        "1 Main St, Ames",
        "--owner",
        alice,
        "--attr",
        "Gr_Liv_Area=1656",
        "--attr",
        "Neighborhood=NAmes",
        "--key",
        "registrar",
        "--password-file",
        str(password_file),
        "--json",
    )
    assert code == 0
    deed = json.loads(out)
    assert deed["owner"] == alice and deed["attributes"] == {"Gr_Liv_Area": 1656, "Neighborhood": "NAmes"}
    code, out, _ = cli(capsys, "--data-dir", str(home), "deed", "list", "--json")
    assert [d["parcel"] for d in json.loads(out)] == ["0526301100"]
    code, out, _ = cli(capsys, "--data-dir", str(home), "deed", "history", "0526301100", "--json")
    assert [e["kind"] for e in json.loads(out)] == ["RegisterDeed"]
    assert (
        cli(capsys, "--data-dir", str(home), "checkpoint", "--key", "registrar", "--password-file", str(password_file))[
            0
        ]
        == 0
    )
    proof = tmp_path / "proof.json"
    assert cli(capsys, "--data-dir", str(home), "proof", "1", "--out", str(proof))[0] == 0
    code, out, _ = cli(capsys, "--data-dir", str(tmp_path / "empty"), "verify-proof", str(proof), "--json")
    assert code == 0 and json.loads(out)["index"] == 1
    # one changed character in the proof's entry: not genuine, exit 1
    data = json.loads(proof.read_text())
    data["entry"]["message"]["propertyAddress"] = "2 Main St, Ames"
    proof.write_text(json.dumps(data))
    code, _, err = cli(capsys, "--data-dir", str(tmp_path / "empty"), "verify-proof", str(proof))
    assert code == 1 and "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (["deed", "show", "42"], "There is no deed '42'"),
        (["proof", "0"], "No checkpoint covers entry 0"),
        (
            ["deed", "register", "--parcel", "X", "--address", "A", "--owner", "0x12", "--key", "registrar"],
            "not an Ethereum address",
        ),
        (
            ["deed", "register", "--parcel", "X", "--address", "A", "--owner", "0x" + "11" * 20, "--key", "nobody"],
            "no key named 'nobody'",
        ),
        (
            [
                "deed",
                "register",
                "--parcel",
                "X",
                "--address",
                "A",
                "--owner",
                "0x" + "11" * 20,
                "--attr",
                "oops",
                "--key",
                "registrar",
            ],
            "KEY=VALUE",
        ),
        (["verify", "--jobs", "0"], "--jobs must be at least 1"),
    ],
)
def test_bad_input_is_exit_2_with_one_sentence(
    capsys: pytest.CaptureFixture[str], home: Path, argv: list[str], message: str, password_file: Path
) -> None:
    size_before = sqlite3.connect(home / "ledger.sqlite").execute("SELECT count(*) FROM entries").fetchone()[0]
    code, _, err = cli(
        capsys,
        "--data-dir",
        str(home),
        *argv,
        *(["--password-file", str(password_file)] if argv[0] == "deed" and argv[1] == "register" else []),
    )
    assert code == 2 and message in err and "Traceback" not in err and err.count("\n") == 1
    assert sqlite3.connect(home / "ledger.sqlite").execute("SELECT count(*) FROM entries").fetchone()[0] == size_before


def test_wrong_password_is_one_sentence(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the password\n")
    code, _, err = cli(
        capsys, "--data-dir", str(home), "checkpoint", "--key", "registrar", "--password-file", str(wrong)
    )
    assert code == 2 and err.strip() == "deedbook: Wrong password for key 'registrar'."


def test_a_db_url_naming_no_ledger_makes_no_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A read with --db-url naming a SQLite file that is not there (or is empty) made it, wrote the schema into it,
    then said there was no ledger in the data folder."""
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    for database in (tmp_path / "absent.sqlite", empty):
        code, _, err = cli(capsys, "--data-dir", str(tmp_path / "home"), "--db-url", f"sqlite:///{database}", "verify")
        assert code == 2 and err == f"deedbook: There is no ledger in the database {database}.\n"
    assert not (tmp_path / "absent.sqlite").exists() and empty.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite"]


def test_a_db_url_whose_port_is_no_number_is_one_sentence(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The check for an absent SQLite file parsed the URL first and let the port's ValueError through: 'Deedbook
    failed unexpectedly (ValueError: invalid literal for int()...)' (fails on the old code)."""
    url = "postgresql+psycopg://bob:s3cret@127.0.0.1:port/ledger"
    code, _, err = cli(capsys, "--data-dir", str(tmp_path / "home"), "--db-url", url, "deed", "list")
    assert code == 2 and err == (
        "deedbook: Cannot use the database URL 'postgresql+psycopg://127.0.0.1:port/ledger': its port is not a number.\n"
    )


def test_no_ledger_and_corrupt_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = cli(capsys, "--data-dir", str(tmp_path / "none"), "verify")
    assert code == 2 and "There is no ledger" in err
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "ledger.sqlite").write_bytes(b"this is not a database" * 100)
    code, _, err = cli(capsys, "--data-dir", str(broken), "deed", "list")
    assert code == 2 and "Traceback" not in err and ("cannot be used" in err or "damaged" in err)


def test_a_ledger_from_a_newer_version_is_refused(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    db = sqlite3.connect(home / "ledger.sqlite")
    db.execute("UPDATE alembic_version SET version_num='9999'")
    db.commit()
    code, _, err = cli(capsys, "--data-dir", str(home), "deed", "list")
    assert code == 2 and "newer Deedbook" in err


def test_verify_exit_1_names_the_entry(capsys: pytest.CaptureFixture[str], home: Path, password_file: Path) -> None:
    alice = owner(capsys, home, password_file)
    cli(
        capsys,
        "--data-dir",
        str(home),
        "deed",
        "register",
        "--parcel",
        "P1",
        "--address",
        "A",
        "--owner",
        alice,
        "--key",
        "registrar",
        "--password-file",
        str(password_file),
    )
    db = sqlite3.connect(home / "ledger.sqlite")
    db.execute("DROP TRIGGER entries_append_only_update")
    db.execute("UPDATE entries SET message=replace(message, 'P1', 'P2') WHERE idx=1")
    db.commit()
    code, out, _ = cli(capsys, "--data-dir", str(home), "verify", "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and report["first_bad"] == 1 and "Entry 1" in report["reason"]


def test_a_killed_bulk_import_leaves_a_verifying_ledger(tmp_path: Path) -> None:
    """SIGKILL in the middle of `demo`: whole batches are kept, no partial entry, verify passes."""
    home = tmp_path / "killed"
    env = dict(os.environ, DEEDBOOK_HOME=str(home))
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop", "demo", "--deeds", "20000"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    database = home / "ledger.sqlite"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until some batches are in, then kill mid-import
        if database.exists():
            try:
                count = sqlite3.connect(database).execute("SELECT count(*) FROM entries").fetchone()[0]
            except sqlite3.DatabaseError:
                count = 0
            if count > 1200:
                break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    count = sqlite3.connect(database).execute("SELECT count(*) FROM entries").fetchone()[0]
    assert 1 < count < 20001 and (count - 1) % 500 == 0  # genesis + whole batches of 500
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "verify", "--json"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["entries"] == count
