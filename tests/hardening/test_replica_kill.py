"""A first replica sync killed (SIGKILL) at each point, then what the next commands do; and two syncs at once.

The sync runs as its own process, with one batch per entry (so a kill can fall between batches) and a pause
at the named point: the test kills it there.  Afterwards `replica show` and `verify` must not present the
half-made replica as a good one (one sentence, exit 2), and the same `replica sync` again must finish it: the
replica's entries are then the source's, leaf for leaf, none lost or doubled, and it verifies.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.ledger import Ledger
from core.paths import DataDir
from desktop.workspace import Workspace
from tests.folder_state import folder_state
from tests.hardening.conftest import Office
from tests.hardening.harness import export_document, run_cli, run_here

# A pause (prints "paused") until the file `release` exists; a Ctrl+C the program's own handler took meanwhile is
# said on stdout ("interrupted"), so a test waits for that, not a fixed time, before it lets the program go on.
PAUSE = r"""
import signal, time


def pause():
    heard = signal.getsignal(signal.SIGINT)
    if callable(heard):

        def said(signum, frame):
            heard(signum, frame)  # (Python's own raises KeyboardInterrupt: then nothing is said)
            print("interrupted", flush=True)

        signal.signal(signal.SIGINT, said)
    print("paused", flush=True)
    while not release.exists():
        time.sleep(0.02)
"""

# A sync that stops at `point` (pause()) until the file `release` exists; argv[3:] is the command line.
_PAUSING = (
    PAUSE
    + r"""
import sys, pathlib
import core.ledger, core.replica
from core.ledger import Ledger
from desktop.cli.main import run

point, release = sys.argv[1], pathlib.Path(sys.argv[2])
core.replica.BATCH = 1  # one entry per batch: a kill can fall between batches


def wrap(owner, name, call=1, after=False):
    original, seen = getattr(owner, name), [0]

    def wrapped(*args, **kwargs):
        seen[0] += 1
        if seen[0] == call and not after:
            pause()
        result = original(*args, **kwargs)
        if seen[0] == call and after:
            pause()
        return result

    setattr(owner, name, wrapped)


{
    "before the schema": lambda: wrap(core.ledger, "migrate"),
    "within the schema": lambda: wrap(__import__("alembic.command").command, "upgrade", after=True),  # not committed
    "after the schema": lambda: wrap(core.ledger, "migrate", after=True),
    "mid-batch": lambda: wrap(core.ledger, "write_nodes", call=2),  # in the second batch's transaction
    "between batches": lambda: wrap(Ledger, "append", call=3),  # two whole batches written
    "second batch": lambda: wrap(Ledger, "append", call=2),  # one whole batch written
    "before replica.json": lambda: wrap(core.replica, "_write_state"),
    "nowhere": lambda: None,
}[point]()
sys.exit(run(sys.argv[3:]))
"""
)


def start(point: str, release: Path, argv: list[str]) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    return subprocess.Popen(
        [sys.executable, "-c", _PAUSING, point, str(release), *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_paused(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    if line.strip() != "paused":
        process.kill()
        _, err = process.communicate(timeout=30)
        pytest.fail(f"the sync did not reach its pause: {line!r} {err}")


def interrupt(process: subprocess.Popen[str]) -> str:
    """Ctrl+C (SIGINT) to a paused `process`; returns once its handler took it (the process says so) or it ended,
    with what else it wrote on stdout meanwhile (for the test to judge with the rest)."""
    assert process.stdout is not None
    process.send_signal(signal.SIGINT)
    said = ""
    while (line := process.stdout.readline()) and line != "interrupted\n":
        said += line
    return said


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def leaves(home: Path, db_url: str | None = None) -> list[str]:
    ledger = Ledger.open(DataDir.resolve(home), db_url)
    try:
        return ["0x" + e.leaf_hash.hex() for e in ledger.entries()]
    finally:
        ledger.close()


def one_sentence(outcome: Any) -> str:
    assert "Traceback" not in outcome.out + outcome.err
    said = [line for line in outcome.err.splitlines() if line.strip()]
    assert len(said) == 1, outcome
    return said[0]


@pytest.fixture(scope="module")
def source_template(office_template: Office, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """An office's ledger with a few more deeds (the checkpoint is entry 2, the last ones after it), its export and
    its leaves: made once a module, copied by each test's `source`."""
    root = tmp_path_factory.mktemp("source")
    office = Office(root / "home", office_template.password_file, office_template.alice, office_template.bob)
    shutil.copytree(office_template.home, office.home)
    for n in range(2):
        argv = office.keyed("deed", "register", "--parcel", f"05263011{n}9", "--address", f"{n} Elm St", "--owner")
        assert run_here([*argv[:-4], office.alice, *argv[-4:]]).code == 0
    out = root / "export.json"
    assert run_here(office.argv("export", "--since", "0", "--out", str(out))).code == 0
    assert len(export_document(out)["entries"]) >= 5
    return office.home, out, leaves(office.home)


@pytest.fixture
def source(office: Office, source_template: tuple[Path, Path, list[str]], tmp_path: Path) -> tuple[Path, list[str]]:
    """The test's office holds `source_template`'s ledger; its export (a copy) and leaves."""
    home, export, want = source_template
    shutil.rmtree(office.home)
    shutil.copytree(home, office.home)
    out = tmp_path / "export.json"
    shutil.copyfile(export, out)
    return out, list(want)


POINTS = [
    "before the schema",
    "within the schema",
    "after the schema",
    "mid-batch",
    "between batches",
    "before replica.json",
]


def _killed_then_finished(
    point: str, source: Path | str, want: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], db: list[str]
) -> None:
    target = tmp_path / "new" / "replica"
    argv = ["--data-dir", str(target), *db, "replica", "sync", "--from", str(source)]
    syncing = start(point, tmp_path / "never", argv)
    wait_paused(syncing)
    kill(syncing)
    # what the next commands say about what the kill left: never a good replica
    for command, says in ((["replica", "show"], "did not finish"), (["verify"], "did not finish")):
        outcome = run_cli(["--data-dir", str(target), *db, *command], capsys)
        assert outcome.code == 2, (point, command, outcome)
        assert says in one_sentence(outcome), (point, command)
    overview = Workspace.open(target, db[1] if db else None).overview()  # the GUI's replica view
    assert overview.replica is None and overview.ledger_name is None
    assert overview.problem is not None and "did not finish" in overview.problem
    # the same sync again finishes the job
    outcome = run_cli(argv, capsys)
    assert outcome.code == 0 and "Started the replica" in outcome.out, (point, outcome)
    assert leaves(target, db[1] if db else None) == want
    assert run_cli(["--data-dir", str(target), *db, "verify"], capsys).code == 0
    shown = run_cli(["--data-dir", str(target), *db, "replica", "show", "--json"], capsys)
    assert shown.code == 0 and json.loads(shown.out)["size"] == len(want)
    assert not (target / "replica-start.json").exists()


@pytest.mark.parametrize("point", POINTS)
def test_a_first_sync_killed_is_never_shown_as_a_replica_and_the_same_sync_finishes_it(
    point: str, source: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _killed_then_finished(point, source[0], source[1], tmp_path, capsys, [])


@pytest.mark.parametrize("point", POINTS)
def test_a_first_sync_into_postgresql_killed_is_finished_by_the_same_sync(
    point: str, source: tuple[Path, list[str]], postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _killed_then_finished(point, source[0], source[1], tmp_path, capsys, ["--db-url", postgres_url])


@pytest.mark.parametrize("kind", ["a data folder", "a serve URL"])
@pytest.mark.parametrize("point", ["mid-batch", "between batches"])
def test_a_first_sync_from_a_folder_or_a_server_killed_is_finished_by_the_same_sync(
    kind: str,
    point: str,
    office: Office,
    source: tuple[Path, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if kind == "a data folder":
        _killed_then_finished(point, office.home, source[1], tmp_path, capsys, [])
        return
    from desktop.serve.server import make_server

    served = Ledger.open(DataDir.resolve(office.home))
    server = make_server(DataDir.resolve(office.home), served, quiet=True).start()
    try:
        _killed_then_finished(point, server.url, source[1], tmp_path, capsys, [])
    finally:
        server.stop()
        served.close()


def test_a_killed_first_sync_then_refused_leaves_the_folder_as_it_was_before_both(
    source: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Killed after its schema, then synced again from a bundle whose entry's signature was changed: refused, and
    the folder is gone again (it was not there before the first sync), not left with the killed sync's schema."""
    target = tmp_path / "new" / "replica"
    syncing = start(
        "after the schema", tmp_path / "never", ["--data-dir", str(target), "replica", "sync", "--from", str(source[0])]
    )
    wait_paused(syncing)
    kill(syncing)
    assert target.is_dir()
    bad = tmp_path / "bad.json"
    bundle = export_document(source[0])
    signature = bundle["entries"][1]["signatures"][0]["signature"]
    bundle["entries"][1]["signatures"][0]["signature"] = (
        signature[:-4] + ("00" if signature[-4:-2] != "00" else "11") + signature[-2:]
    )
    bad.write_text(json.dumps(bundle))
    outcome = run_cli(["--data-dir", str(target), "replica", "sync", "--from", str(bad)], capsys)
    assert outcome.code == 1 and "rules refuse" in outcome.out and "Traceback" not in outcome.out + outcome.err
    assert not (tmp_path / "new").exists()


def _two_at_once(target: Path, db: list[str], source: Path, point: str, tmp_path: Path) -> None:
    """The first sync paused at `point`, the second started meanwhile: it must wait, then both end well."""
    release = tmp_path / "release"
    argv = ["--data-dir", str(target), *db, "replica", "sync", "--from", str(source)]
    first = start(point, release, argv)
    wait_paused(first)
    second = start("nowhere", tmp_path / "unused", argv)
    # The second says it waits once it finds the folder held (after a fixed 3 s here, a loaded machine released
    # the first before the second had reached the lock, and the test failed); one not held runs to its end (EOF).
    said = _said_waiting(second)
    waiting = second.poll() is None
    release.touch()
    out1, err1 = first.communicate(timeout=60)
    out2, err2 = second.communicate(timeout=60)
    assert (first.returncode, second.returncode) == (0, 0), (out1, err1, out2, said + err2)
    assert waiting, "the second sync did not wait for the first"
    assert "waiting" in said, said + err2


def _said_waiting(process: subprocess.Popen[str]) -> str:
    """What `process` says on stderr up to its line that it waits for another sync (all it says, if it never does)."""
    assert process.stderr is not None
    said = ""
    while line := process.stderr.readline():
        said += line
        if "waiting" in line:
            break
    return said


def test_two_first_syncs_into_one_new_folder_make_one_replica(
    source: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "new" / "replica"
    _two_at_once(target, [], source[0], "between batches", tmp_path)
    assert leaves(target) == source[1]
    assert run_cli(["--data-dir", str(target), "verify"], capsys).code == 0


def _grow(office: Office, tmp_path: Path) -> Path:
    """The source two deeds on, exported again."""
    for n in range(2):
        argv = office.keyed("deed", "register", "--parcel", f"05263012{n}9", "--address", f"{n} Oak St", "--owner")
        assert run_here([*argv[:-4], office.alice, *argv[-4:]]).code == 0
    out = tmp_path / "export-2.json"
    assert run_here(office.argv("export", "--since", "0", "--out", str(out))).code == 0
    return out


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_two_syncs_at_once_into_an_existing_replica_append_each_entry_once(
    database: str,
    office: Office,
    source: tuple[Path, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    db = ["--db-url", request.getfixturevalue("postgres_url")] if database == "postgresql" else []
    target = tmp_path / "replica"
    assert run_cli(["--data-dir", str(target), *db, "replica", "sync", "--from", str(source[0])], capsys).code == 0
    grown = _grow(office, tmp_path)
    _two_at_once(target, db, grown, "second batch", tmp_path)
    url = db[1] if db else None
    assert leaves(target, url) == leaves(office.home)
    assert run_cli(["--data-dir", str(target), *db, "verify"], capsys).code == 0


def test_two_syncs_from_one_process_take_turns(
    source: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The GUI's double click: two workers of one process run the workspace's sync into one new folder; the
    second waits while the first is held inside its source, then finds the replica made."""
    import threading

    from core.replica import BundleSource

    held, release, calls = threading.Event(), threading.Event(), []
    original = BundleSource.bundle

    def bundle(self: BundleSource, since: int) -> Any:
        calls.append(since)
        if len(calls) == 1:  # the first sync, inside its turn
            held.set()
            assert release.wait(30)
        return original(self, since)

    monkeypatch.setattr(BundleSource, "bundle", bundle)
    target = tmp_path / "replica"
    reports: dict[str, Any] = {}

    def run(name: str) -> None:
        reports[name] = Workspace.open(target).replica_sync(str(source[0])).value

    first = threading.Thread(target=run, args=("first",))
    first.start()
    assert held.wait(30)
    second = threading.Thread(target=run, args=("second",))
    second.start()
    second.join(2)
    waited = second.is_alive()
    release.set()
    first.join(30)
    second.join(30)
    assert waited, "the second sync did not wait for the first"
    assert reports["first"].ok and reports["first"].started and reports["first"].appended == len(source[1])
    assert reports["second"].ok and not reports["second"].started and reports["second"].appended == 0
    assert leaves(target) == source[1]


def test_a_half_made_replica_refuses_init_and_a_damaged_record_is_said(
    source: tuple[Path, list[str]],
    office: Office,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A first sync refused at its third entry (one batch each) keeps two: `init` there is refused too (its
    ledger would mix with the replica's batches); a damaged replica-start.json is one sentence, and once it
    is removed the sync finishes the replica."""
    import core.replica

    bundle = export_document(source[0])
    signature = bundle["entries"][2]["signatures"][0]["signature"]
    bundle["entries"][2]["signatures"][0]["signature"] = (
        signature[:-4] + ("00" if signature[-4:-2] != "00" else "11") + signature[-2:]
    )
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(bundle))
    target = tmp_path / "replica"
    monkeypatch.setattr(core.replica, "BATCH", 1)
    outcome = run_cli(["--data-dir", str(target), "replica", "sync", "--from", str(bad)], capsys)
    assert outcome.code == 1 and "rules refuse" in outcome.out
    init = ["--data-dir", str(target), "init", "--name", "Mine", "--operator", "registrar"]
    outcome = run_cli([*init, "--password-file", str(office.password_file)], capsys)
    assert outcome.code == 2 and "not finished" in one_sentence(outcome)
    (target / "replica-start.json").write_text('{"format": "deedbook-replica-start/1", "madeFolders": 3}')
    outcome = run_cli(["--data-dir", str(target), "replica", "show"], capsys)
    assert outcome.code == 2 and "not finished" in one_sentence(outcome)
    sync_again = ["--data-dir", str(target), "replica", "sync", "--from", str(source[0])]
    outcome = run_cli(sync_again, capsys)
    assert outcome.code == 2 and "is damaged: remove it" in one_sentence(outcome)
    (target / "replica-start.json").unlink()
    assert run_cli(sync_again, capsys).code == 0
    assert leaves(target) == source[1]


def test_a_later_sync_killed_leaves_a_good_replica_behind_and_the_next_goes_on(
    office: Office, source: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "replica"
    assert run_cli(["--data-dir", str(target), "replica", "sync", "--from", str(source[0])], capsys).code == 0
    grown = _grow(office, tmp_path)
    argv = ["--data-dir", str(target), "replica", "sync", "--from", str(grown)]
    syncing = start("second batch", tmp_path / "never", argv)
    wait_paused(syncing)
    kill(syncing)
    assert len(leaves(target)) == len(source[1]) + 1  # one batch of the two kept
    shown = run_cli(["--data-dir", str(target), "replica", "show", "--json"], capsys)
    assert shown.code == 0 and json.loads(shown.out)["size"] == len(source[1])  # the last sync that finished
    assert run_cli(["--data-dir", str(target), "verify"], capsys).code == 0
    assert run_cli(argv, capsys).code == 0
    assert leaves(target) == leaves(office.home)


def test_two_folders_on_one_database_never_double_an_entry(
    office: Office, source: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """No folder's lock covers two data folders sharing a --db-url database: the sync that finds, in its batch's
    transaction, that the other appended meanwhile is refused in one sentence, and no entry is there twice."""
    from core.bundle_lines import read_bundle
    from core.errors import DeedbookError
    from core.replica import BundleSource, sync

    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    home, other = DataDir.resolve(tmp_path / "one"), DataDir.resolve(tmp_path / "other")
    assert sync(home, url, BundleSource(read_bundle(source[0]), "export")).ok
    grown = read_bundle(_grow(office, tmp_path))

    class Racing(BundleSource):
        def bundle(self, since: int) -> Any:
            assert sync(other, url, BundleSource(grown, "the other folder's sync")).appended == 2  # meanwhile
            return super().bundle(since)

    with pytest.raises(DeedbookError, match="Another sync appended to the replica"):
        sync(home, url, Racing(grown, "this folder's sync"))
    assert leaves(other.root, url) == leaves(office.home)


@pytest.mark.parametrize("existing", [False, True], ids=["first sync", "replica"])
def test_ctrl_c_while_waiting_for_another_sync_ends_in_one_sentence_with_nothing_changed(
    source: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str], existing: bool
) -> None:
    """Another sync holds the folder (here: this test holds its lock); the second waits, saying so; Ctrl+C then
    ends it with one sentence of its own (exit 130, as any Ctrl+C), the folder byte for byte as it was."""
    from core.replica_start import SyncLock

    target = tmp_path / "replica"
    argv = ["--data-dir", str(target), "replica", "sync", "--from", str(source[0])]
    if existing:
        assert run_cli(argv, capsys).code == 0
    home = DataDir.resolve(target)
    lock = SyncLock.take(home)
    assert lock is not None
    try:
        before = folder_state(target)
        second = start("nowhere", tmp_path / "unused", argv)
        assert second.stderr is not None
        said = second.stderr.readline()
        assert "waiting for it to end" in said, said
        second.send_signal(signal.SIGINT)
        out, err = second.communicate(timeout=30)
        after = folder_state(target)  # before the lock is let go of (which empties the words in its file)
    finally:
        lock.release()
    assert second.returncode == 130, (out, err)
    assert "Traceback" not in out + err and out == ""
    assert err.strip() == f"deedbook: Stopped waiting for the other sync into {home.root}; nothing was synced."
    assert after == before
    assert run_cli(argv, capsys).code == 0  # the lock is free again: the next sync runs


@pytest.mark.parametrize("written", ["who", "garbage"])
def test_a_sync_waiting_for_another_says_whom_it_waits_for(
    source: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str
) -> None:
    """The sync holding the folder (this test, holding its lock) wrote who it is: the waiting sync's stderr names
    its source (without the URL's user:password), process, host and start on this machine's clock with its
    offset; words not as written (garbage) leave the plain sentence."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from core.lock_holder import read_holder
    from core.replica_start import SyncLock, lock_path

    monkeypatch.setenv("TZ", "Asia/Kolkata")  # the waiting process's clock: UTC+5:30
    target = tmp_path / "replica"
    home = DataDir.resolve(target)
    lock = SyncLock.take(home, source="https://clerk:s3cret@records.example.org/county")
    assert lock is not None
    try:
        holder = read_holder(lock_path(home))
        assert holder is not None
        if written == "garbage":
            lock_path(home).write_bytes(b"\n{\"format\": \"deedbook-lock-holder/1\", \"pid\": 42")  # cut short
        second = start(
            "nowhere", tmp_path / "unused", ["--data-dir", str(target), "replica", "sync", "--from", str(source[0])]
        )
        assert second.stderr is not None
        said = second.stderr.readline()
        second.send_signal(signal.SIGINT)
        out, err = second.communicate(timeout=30)
    finally:
        lock.release()
    assert second.returncode == 130, (out, err)
    if written == "garbage":
        assert said == f"deedbook: Another sync into {home.root} is running; waiting for it to end\u2026\n"
        return
    there = datetime.fromtimestamp(holder.since, ZoneInfo("Asia/Kolkata"))
    who = f"from https://records.example.org/county, process {os.getpid()} on {platform.node()}"
    assert said in (
        f"deedbook: Another sync into {home.root} is running ({who}, since {there:%H:%M} UTC+5:30); "
        "waiting for it to end\u2026\n",
        f"deedbook: Another sync into {home.root} is running ({who}, since {there:%Y-%m-%d %H:%M} UTC+5:30); "
        "waiting for it to end\u2026\n",  # said past midnight there
    ), said
    assert "s3cret" not in said + err
