"""Storage in the bad-input catalogue: the witness, damaged databases, read-only data folders, file modes.

`verify` reports on stdout (`NOT OK: <reason>`, exit 1; `--json` ok=false) and
writes nothing; every other refusal is the harness's one line on stderr, exit 2.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path
from typing import Callable

import pytest

from tests.hardening.conftest import Office
from tests.hardening.harness import Outcome, assert_refused, run_cli
from tests.hardening.storage import fold_wal, on_read_only_mount, read_only_mounts_work


def witness_file(office: Office) -> Path:
    [path] = (office.home / "witness").glob("*.json")
    return path


def assert_verify_fails(outcome: Outcome, says: str) -> None:
    """Exit 1, one line of report on stdout naming the problem, nothing on stderr, no traceback."""
    assert outcome.code == 1, f"exit {outcome.code}: {outcome.out!r} {outcome.err!r}"
    assert "Traceback" not in outcome.out + outcome.err
    assert outcome.err.strip() == "", outcome.err
    reason = [line for line in outcome.out.splitlines() if line.startswith("NOT OK: ")]
    assert len(reason) == 1, outcome.out
    assert says.lower() in reason[0].lower(), f"{says!r} not in {reason[0]!r}"


def verify_json(office: Office, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    outcome = run_cli(office.argv("verify", "--jobs", "1", "--json"), capsys)
    report: dict[str, object] = json.loads(outcome.out)
    assert outcome.code == (0 if report["ok"] else 1)
    return report


def _edit(field: str, value: object) -> Callable[[Path], None]:
    """Change one field of the witness's checkpoint (a dotted path into it) and keep the rest."""

    def edit(path: Path) -> None:
        data = json.loads(path.read_text())
        target = data["checkpoint"]
        *parents, last = field.split(".")
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[last] = value(target[last]) if callable(value) else value
        path.write_text(json.dumps(data))

    return edit


def _flip_hex(text: str) -> str:
    return text[:-1] + ("0" if text[-1] != "0" else "1")


def _replace_with(content: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content)


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "inside.json").write_text("{}")


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _broken_link(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.parent / "nowhere.json")


# name -> (how the witness is damaged, what verify says)
WITNESS_DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "deleted": (Path.unlink, "There is no witness file"),
    "a folder": (_folder, "is a folder"),
    "a broken link": (_broken_link, "a link to a file that is not there"),
    "a FIFO": (_fifo, "not a regular file"),
    "empty": (_replace_with(b""), "not a witness file"),
    "random bytes": (_replace_with(bytes(range(256)) * 4), "not a witness file"),
    "not UTF-8": (_replace_with(b'{"format": "deedbook-witness/1", "x": "\xff\xfe"}'), "not a witness file"),
    "not JSON": (_replace_with(b'{"format": "deedbook-witness/1", '), "not a witness file"),
    "a JSON depth bomb": (_replace_with(b"[" * 200_000), "not a witness file"),
    "too large": (_replace_with(b" " * (2 << 20)), "too large"),
    "another format": (_replace_with(b'{"format": "something/2", "checkpoint": {}}'), "not a witness file"),
    "index a string": (_edit("index", "2"), "index is not a number"),
    "index null": (_edit("index", None), "index is not a number"),
    "index a float": (_edit("index", 2.0), "index is not a number"),
    "index negative": (_edit("index", -1), "index is not a number"),
    "index true": (_edit("index", True), "index is not a number"),
    "index moved": (_edit("index", 1), "is not the checkpoint the witness file holds"),
    "index beyond the ledger": (_edit("index", 10**30), "entries were removed"),
    "recording time edited": (_edit("recordedAt", lambda t: t + 1), "is not the checkpoint the witness file holds"),
    "root edited": (_edit("message.root", _flip_hex), "not carry a valid operator signature"),
    "size edited": (_edit("message.size", 1), "not carry a valid operator signature"),
    "signature edited": (_edit("signatures.0.signature", _flip_hex), "not carry a valid operator signature"),
    "signer renamed": (_edit("signatures.0.role", "registrar"), "not carry a signature by this ledger's operator"),
    "message missing a field": (_edit("message", {"size": 2}), "not a well-formed checkpoint"),
    "signatures not a list": (_edit("signatures", "0x00"), "no message or no signatures"),
}


@pytest.mark.parametrize("damage", WITNESS_DAMAGE, ids=list(WITNESS_DAMAGE))
def test_verify_fails_closed_on_an_unusable_witness(
    office: Office, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    change, says = WITNESS_DAMAGE[damage]
    change(witness_file(office))
    before = office.fingerprint()
    assert_verify_fails(run_cli(office.argv("verify", "--jobs", "1"), capsys), says)
    report = verify_json(office, capsys)
    assert report["ok"] is False and says.lower() in str(report["reason"]).lower()
    assert office.fingerprint() == before


@pytest.mark.parametrize("damage", WITNESS_DAMAGE, ids=list(WITNESS_DAMAGE))
def test_checkpoint_refuses_to_sign_over_an_unusable_witness(
    office: Office, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    """A checkpoint now would replace the evidence; it is refused, and nothing is written."""
    change, _ = WITNESS_DAMAGE[damage]
    path = witness_file(office)
    change(path)
    before = office.fingerprint()
    outcome = run_cli(office.keyed("checkpoint"), capsys)
    in_the_way = damage in ("a folder", "a broken link", "a FIFO")  # refused before the witness is even read
    assert_refused(outcome, 2, says="witness" if in_the_way else "no checkpoint was recorded")
    assert office.fingerprint() == before
    assert not list(path.parent.glob(".*.tmp")), "a staged witness was left behind"


@pytest.mark.parametrize("damage", ["deleted", "random bytes", "index a string", "signature edited", "index moved"])
def test_a_new_witness_is_started_on_request(office: Office, capsys: pytest.CaptureFixture[str], damage: str) -> None:
    change, _ = WITNESS_DAMAGE[damage]
    path = witness_file(office)
    change(path)
    old = path.read_bytes() if path.exists() else None
    outcome = run_cli(office.keyed("checkpoint", "--new-witness"), capsys)
    assert outcome.code == 0, outcome.err
    assert verify_json(office, capsys)["ok"] is True
    kept = list(path.parent.glob(f"{path.name}.replaced-*"))
    assert [k.read_bytes() for k in kept] == ([old] if old is not None else [])


@pytest.mark.parametrize(
    "in_the_way", ["witness folder is a file", "witness file is a folder", "broken link", "link to a file"]
)
def test_checkpoint_refuses_a_witness_path_in_the_way_even_for_a_new_witness(
    office: Office, capsys: pytest.CaptureFixture[str], in_the_way: str, tmp_path: Path
) -> None:
    folder = office.home / "witness"
    path = witness_file(office)
    if in_the_way == "witness folder is a file":
        shutil.rmtree(folder)
        folder.write_text("not a folder")
    elif in_the_way == "witness file is a folder":
        _folder(path)
    elif in_the_way == "broken link":
        _broken_link(path)
    else:
        elsewhere = tmp_path / "elsewhere.json"
        shutil.copy(path, elsewhere)
        path.unlink()
        path.symlink_to(elsewhere)
    before = office.fingerprint()
    assert_refused(run_cli(office.keyed("checkpoint", "--new-witness"), capsys), 2, says="witness")
    assert office.fingerprint() == before


def _append_deed_and_checkpoint(office: Office, capsys: pytest.CaptureFixture[str], parcel: str) -> None:
    for argv in (
        office.keyed("deed", "register", "--parcel", parcel, "--address", "2 Main St", "--owner", office.bob),
        office.keyed("checkpoint"),
    ):
        outcome = run_cli(argv, capsys)
        assert outcome.code == 0, outcome.err


@pytest.mark.parametrize("witness", ["kept", "deleted", "garbage", "from before the rollback"])
def test_a_rolled_back_database_fails_whatever_was_done_to_the_witness(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, witness: str
) -> None:
    """The database restored from a copy taken after the first checkpoint, the witness then treated as named."""
    fold_wal(office.home)
    snapshot = tmp_path / "snapshot.sqlite"
    shutil.copy(office.home / "ledger.sqlite", snapshot)
    old_witness = witness_file(office).read_bytes()
    _append_deed_and_checkpoint(office, capsys, "0526301200")
    fold_wal(office.home)
    shutil.copy(snapshot, office.home / "ledger.sqlite")
    path = witness_file(office)
    says = {
        "kept": "entries were removed",
        "deleted": "There is no witness file",
        "garbage": "not a witness file",
        "from before the rollback": "",
    }[witness]
    if witness == "deleted":
        path.unlink()
    elif witness == "garbage":
        path.write_bytes(b"\x00" * 64)
    elif witness == "from before the rollback":
        path.write_bytes(old_witness)  # a consistent rollback of both: nothing can tell (see docs/ledger.md)
    outcome = run_cli(office.argv("verify", "--jobs", "1"), capsys)
    if witness == "from before the rollback":
        assert outcome.code == 0, outcome.out
    else:
        assert_verify_fails(outcome, says)
        assert_refused(run_cli(office.keyed("checkpoint"), capsys), 2, says="no checkpoint was recorded")


def test_a_witness_from_another_ledger_fails(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "other"
    pw = ["--password-file", str(office.password_file)]
    for argv in (
        ["key", "new", "op", *pw],
        ["init", "--name", "Other County", "--operator", "op", *pw],
        ["checkpoint", "--key", "op", *pw],
    ):
        assert run_cli(["--data-dir", str(other), *argv], capsys).code == 0
    [foreign] = (other / "witness").glob("*.json")
    shutil.copy(foreign, witness_file(office))
    assert_verify_fails(run_cli(office.argv("verify"), capsys), "belongs to another ledger")
    # the same checkpoint claiming to be this ledger's: its signature is for the other ledger's domain
    data = json.loads(foreign.read_text())
    data["ledger"]["ledgerId"] = witness_file(office).stem
    data["checkpoint"]["message"]["ledgerId"] = witness_file(office).stem
    witness_file(office).write_text(json.dumps(data))
    assert_verify_fails(run_cli(office.argv("verify"), capsys), "signature by this ledger's operator")


def test_an_interrupted_checkpoint_leaves_a_witness_that_still_verifies(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a crash between the commit and the rename leaves: the previous witness (and a staged file)."""
    path = witness_file(office)
    previous = path.read_bytes()
    _append_deed_and_checkpoint(office, capsys, "0526301300")
    path.write_bytes(previous)
    (path.parent / f".{path.name}.abc123.tmp").write_text("half a witness")
    outcome = run_cli(office.argv("verify", "--jobs", "1"), capsys)
    assert outcome.code == 0, outcome.out
    assert "warning: The witness file holds checkpoint 2, not the latest (4)" in outcome.out
    assert run_cli(office.keyed("checkpoint"), capsys).code == 0
    assert "warning" not in run_cli(office.argv("verify", "--jobs", "1"), capsys).out


# -- damaged databases ------------------------------------------------------------
def _not_a_database(db: Path) -> None:
    db.write_bytes(b"this is not a database" * 1000)


def _truncated(db: Path) -> None:
    db.write_bytes(db.read_bytes()[: 4096 * 3])


def _zeroed_page(db: Path) -> None:
    """The first page of the entries table (its root) overwritten with zeros."""
    conn = sqlite3.connect(db)
    [root] = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'entries'").fetchone()
    conn.close()
    data = bytearray(db.read_bytes())
    data[4096 * (root - 1) : 4096 * root] = bytes(4096)
    db.write_bytes(bytes(data))


def _sql(*statements: str) -> Callable[[Path], None]:
    def run(db: Path) -> None:
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA writable_schema=ON")
        for statement in statements:
            conn.execute(statement)
        conn.commit()
        conn.close()

    return run


# name -> (damage, what verify says)
DATABASE_DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "not a database": (_not_a_database, "is damaged"),
    "truncated": (_truncated, "is damaged"),
    "a page of zeros": (_zeroed_page, "is damaged"),
    "message not UTF-8": (
        _sql(
            "DROP TRIGGER entries_append_only_update",
            "UPDATE entries SET message = CAST(X'7bff22' AS TEXT) WHERE idx = 1",
        ),
        "not UTF-8",
    ),
    "deed address not UTF-8": (_sql("UPDATE deeds SET address = CAST(X'41ff42' AS TEXT)"), "not UTF-8"),
    "a table renamed in the schema": (
        _sql(
            "UPDATE sqlite_master SET sql = replace(sql, 'CREATE TABLE deeds', 'CREATE TABLE deedz'), "
            "name = 'deedz', tbl_name = 'deedz' WHERE name = 'deeds'"
        ),
        "damaged",
    ),
    "schema version unknown": (_sql("UPDATE alembic_version SET version_num = '0001x'"), "schema version"),
    "ledger identity garbled": (_sql("UPDATE ledger SET ledger_id = 'zz'"), "identity cannot be read"),
}
READERS = [["deed", "list"], ["deed", "show", "1"], ["deed", "history", "1"], ["proof", "1"], ["journal"]]


@pytest.mark.parametrize("damage", DATABASE_DAMAGE, ids=list(DATABASE_DAMAGE))
def test_a_damaged_database_is_one_sentence_everywhere(
    office: Office, capsys: pytest.CaptureFixture[str], damage: str, tmp_path: Path
) -> None:
    fold_wal(office.home)
    change, says = DATABASE_DAMAGE[damage]
    change(office.home / "ledger.sqlite")
    before = office.fingerprint()
    assert_verify_fails(run_cli(office.argv("verify", "--jobs", "1"), capsys), says)
    report = verify_json(office, capsys)
    assert report["ok"] is False and says.lower() in str(report["reason"]).lower()
    readers_failed = 0
    for argv in READERS:
        outcome = run_cli(office.argv(*argv), capsys)
        if outcome.code != 0:  # some damage spares some tables: a reader that never touches it may succeed
            assert_refused(outcome, 2)
            readers_failed += 1
    assert readers_failed, "no reader noticed the damage"
    writer = run_cli(
        office.keyed("deed", "register", "--parcel", "X-1", "--address", "x", "--owner", office.bob), capsys
    )
    if "UTF-8" in damage:  # one bad value that the rules never read: the file itself takes the append
        assert writer.code == 0, writer.err
    else:
        assert_refused(writer, 2)
        assert office.fingerprint() == before


def test_verify_names_what_sqlites_integrity_check_finds(office: Office, capsys: pytest.CaptureFixture[str]) -> None:
    """An index that disagrees with its table: every row reads fine, only the integrity check sees it."""
    fold_wal(office.home)
    conn = sqlite3.connect(office.home / "ledger.sqlite")
    [root] = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_entries_kind'").fetchone()
    conn.close()
    data = bytearray((office.home / "ledger.sqlite").read_bytes())
    page = (root - 1) * 4096
    cell = data.find(b"RegisterDeed", page, page + 4096)
    assert cell > 0
    data[cell : cell + 12] = b"RegisterDeef"  # same length: the page stays well-formed
    (office.home / "ledger.sqlite").write_bytes(bytes(data))
    assert_verify_fails(run_cli(office.argv("verify", "--jobs", "1"), capsys), "integrity check found")


# -- read-only data folders -----------------------------------------------------
needs_mounts = pytest.mark.skipif(not read_only_mounts_work(), reason="this machine cannot make a read-only mount")

READS = [
    (["verify"], "ok: 3 entries"),
    (["deed", "list"], "0526301100"),
    (["deed", "show", "1"], "1 Main St"),
    (["deed", "history", "1"], "RegisterDeed"),
    (["proof", "1"], '"index": 1'),
    (["journal"], ""),
]
PW = "--password-file={password}"
WRITES = [
    ["deed", "register", "--parcel", "X-2", "--address", "2 Main St", "--owner", "{bob}", "--key", "registrar", PW],
    ["checkpoint", "--key", "registrar", PW],
    ["registrar", "add", "{bob}", "--key", "registrar", PW],
    ["key", "new", "carol", PW],
    ["init", "--name", "Another", "--operator", "registrar", PW],
    ["valuation", "train", "--quick"],
]


@needs_mounts
@pytest.mark.parametrize("wal", ["folded", "with -wal and -shm files"])
def test_a_read_only_data_folder_can_be_read_and_refuses_writes(office: Office, tmp_path: Path, wal: str) -> None:
    """A real read-only bind mount (tests run as root, where chmod binds nothing)."""
    if wal == "folded":
        fold_wal(office.home)
    before = office.fingerprint()
    pdf = tmp_path / "out" / "title.pdf"
    pdf.parent.mkdir()
    commands = [argv for argv, _ in READS] + [["pdf", "title", "1", "--out", str(pdf)]]
    commands += [[a.format(bob=office.bob, password=office.password_file) for a in argv] for argv in WRITES]
    outcomes = on_read_only_mount(office.home, commands)
    for (argv, shows), outcome in zip(READS, outcomes, strict=False):
        assert outcome.code == 0, (argv, outcome.err)
        assert shows in outcome.out, (argv, outcome.out)
    assert outcomes[len(READS)].code == 0 and pdf.read_bytes().startswith(b"%PDF"), outcomes[len(READS)].err
    for argv, outcome in zip(WRITES, outcomes[len(READS) + 1 :], strict=True):
        assert_refused(outcome, 2, says="is read-only")
        assert "The data folder" in outcome.err, (argv, outcome.err)
    assert office.fingerprint() == before


# -- modes ------------------------------------------------------------------------
def test_a_new_data_folder_is_private(tmp_path: Path, capsys: pytest.CaptureFixture[str], password_file: Path) -> None:
    home = tmp_path / "new" / "home"
    pw = ["--password-file", str(password_file)]
    assert run_cli(["--data-dir", str(home), "key", "new", "op", *pw], capsys).code == 0
    assert run_cli(["--data-dir", str(home), "init", "--name", "Private", "--operator", "op", *pw], capsys).code == 0
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for name in ("ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm"):
        if (home / name).exists():
            assert stat.S_IMODE((home / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE((home / "ledger.sqlite").stat().st_mode) == 0o600
