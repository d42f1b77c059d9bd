"""Ctrl+C (SIGINT) during a running replica sync: the sync stops between two batches, says how far it got in one
sentence (exit 130), and leaves the replica at its last whole batch; the same `replica sync` later finishes it.

The sync is a real process with one entry per batch (tests/hardening/test_replica_kill.py's `_PAUSING` script),
paused inside its third batch's append: the test sends SIGINT there, then lets the batch go on.  That batch
finishes (it is one transaction already under way) and the sync stops before the fourth."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.ledger import Ledger
from core.paths import DataDir
from tests.folder_state import folder_state
from tests.hardening.conftest import Office
from tests.hardening.harness import export_document, run_cli, run_here
from tests.hardening.test_replica_kill import PAUSE, interrupt, leaves, source, source_template, start, wait_paused

__all__ = ["source", "source_template"]  # the fixtures, shared with the kill tests

KINDS = ["a v2 bundle", "a v1 bundle", "a data folder", "a serve URL"]


@contextmanager
def _source_of(kind: str, office: Office, bundle: Path, tmp_path: Path) -> Iterator[str]:
    """The source as `replica sync --from` takes it, for as long as the test needs it (a server is stopped after)."""
    if kind == "a v2 bundle":
        yield str(bundle)
    elif kind == "a v1 bundle":
        v1 = tmp_path / f"{bundle.stem}-v1.json"
        v1.write_text(json.dumps(export_document(bundle)), encoding="utf-8")
        yield str(v1)
    elif kind == "a data folder":
        yield str(office.home)
    else:
        with _serving(office) as url:
            yield url


@contextmanager
def _serving(office: Office) -> Iterator[str]:
    """`deedbook serve` of the office's ledger on the loopback address, for the block; its URL."""
    from desktop.serve.server import make_server

    served = Ledger.open(DataDir.resolve(office.home))
    server = make_server(DataDir.resolve(office.home), served, quiet=True).start()
    try:
        yield server.url
    finally:
        server.stop()
        served.close()


def _interrupted_in_third_batch(argv: list[str], tmp_path: Path) -> tuple[int, str, str]:
    release = tmp_path / "release"
    syncing = start("between batches", release, argv)  # paused as its third batch's append begins
    wait_paused(syncing)
    before = interrupt(syncing)  # handled in the paused main thread
    release.touch()
    out, err = syncing.communicate(timeout=60)
    return syncing.returncode, before + out, err


def _held(home: Path, db_url: str | None = None) -> list[str]:
    """The replica's leaves, also while its first sync is unfinished (opened as the sync that finishes it would)."""
    ledger = Ledger.open(DataDir.resolve(home), db_url, finishing=True)
    try:
        return ["0x" + e.leaf_hash.hex() for e in ledger.entries()]
    finally:
        ledger.close()


def _first_sync_stopped_then_finished(
    origin: str, want: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], db: list[str]
) -> None:
    target, url = tmp_path / "new" / "replica", db[1] if db else None
    argv = ["--data-dir", str(target), *db, "replica", "sync", "--from", origin]
    code, out, err = _interrupted_in_third_batch(argv, tmp_path)
    assert code == 130, (out, err)
    assert "Traceback" not in out + err and out == ""
    assert err.strip() == f"deedbook: Sync stopped after 3 of {len(want)} entries; run it again to continue."
    # the whole batches written are kept; the first sync is still unfinished, and said so
    assert _held(target, url) == want[:3]
    assert (target / "replica-start.json").is_file() and not (target / "replica.json").exists()
    for command in (["replica", "show"], ["verify"]):
        outcome = run_cli(["--data-dir", str(target), *db, *command], capsys)
        assert outcome.code == 2 and "did not finish" in outcome.err, (command, outcome)
    outcome = run_cli(argv, capsys)  # the same sync goes on from there
    assert outcome.code == 0 and "Started the replica: " in outcome.out, outcome
    assert f"{len(want) - 3:,} new entries" in outcome.out
    assert leaves(target, url) == want
    assert run_cli(["--data-dir", str(target), *db, "verify"], capsys).code == 0
    assert not (target / "replica-start.json").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_ctrl_c_stops_a_first_sync_between_batches_and_the_same_sync_finishes_it(
    kind: str, office: Office, source: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with _source_of(kind, office, source[0], tmp_path) as origin:
        _first_sync_stopped_then_finished(origin, source[1], tmp_path, capsys, [])


def test_ctrl_c_stops_a_first_sync_into_postgresql_between_batches_and_the_same_sync_finishes_it(
    source: tuple[Path, list[str]], postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _first_sync_stopped_then_finished(str(source[0]), source[1], tmp_path, capsys, ["--db-url", postgres_url])


def _grow(office: Office, deeds: int) -> None:
    for n in range(deeds):
        argv = office.keyed("deed", "register", "--parcel", f"05263013{n}9", "--address", f"{n} Ash St", "--owner")
        assert run_here([*argv[:-4], office.alice, *argv[-4:]]).code == 0


@pytest.mark.parametrize("kind", KINDS)
def test_ctrl_c_stops_a_later_sync_between_batches_leaving_a_good_smaller_replica(
    kind: str, office: Office, source: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "replica"
    assert run_cli(["--data-dir", str(target), "replica", "sync", "--from", str(source[0])], capsys).code == 0
    _grow(office, 5)
    grown = tmp_path / "grown.jsonl"
    assert run_here(office.argv("export", "--since", "0", "--out", str(grown))).code == 0
    want, had = leaves(office.home), len(source[1])
    with _source_of(kind, office, grown, tmp_path) as origin:
        argv = ["--data-dir", str(target), "replica", "sync", "--from", origin]
        code, out, err = _interrupted_in_third_batch(argv, tmp_path)
        assert code == 130, (out, err)
        assert "Traceback" not in out + err and out == ""
        assert err.strip() == f"deedbook: Sync stopped after 3 of {len(want) - had} entries; run it again to continue."
        assert leaves(target) == want[: had + 3]  # a replica at a smaller size, not an unfinished one
        assert run_cli(["--data-dir", str(target), "verify"], capsys).code == 0
        shown = run_cli(["--data-dir", str(target), "replica", "show", "--json"], capsys)
        assert shown.code == 0 and json.loads(shown.out)["size"] == had  # the last sync that finished
        outcome = run_cli(argv, capsys)
    assert outcome.code == 0 and f"{len(want) - had - 3:,} new entries" in outcome.out, outcome
    assert leaves(target) == want
    assert run_cli(["--data-dir", str(target), "verify"], capsys).code == 0


def test_a_sync_from_a_server_stops_between_its_pages_and_goes_on_from_the_next(
    office: Office, source: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of three entries: asked to stop once the first page is appended, the sync asks no second page; the
    first, finished, made the replica; the same sync then takes the rest."""
    import threading

    import desktop.serve.server as serve
    from desktop.serve.server import make_server
    from desktop.workspace import Workspace

    want = source[1]
    monkeypatch.setattr(serve, "PAGE", 3)
    served = Ledger.open(DataDir.resolve(office.home))
    server = make_server(DataDir.resolve(office.home), served, quiet=True).start()
    target = tmp_path / "replica"
    try:
        asked = threading.Event()
        report = (
            Workspace.open(target)
            .replica_sync(server.url, cancelled=asked.is_set, progress=lambda _done, _of: asked.set())
            .value
        )
        assert report.ok and report.stopped and report.started and report.appended == 3
        assert report.reason == f"Sync stopped after 3 of {len(want)} entries; run it again to continue."
        assert leaves(target) == want[:3] and (target / "replica.json").is_file()
        stop = json.loads((target / "replica.json").read_text())["stopped"]  # noted, as a stop within a page is
        assert (stop["size"], stop["of"]) == (3, len(want))
        report = Workspace.open(target).replica_sync(server.url).value
        assert report.ok and not report.stopped and report.appended == len(want) - 3
    finally:
        server.stop()
        served.close()
    assert leaves(target) == want


@contextmanager
def _served_in_pages_of_three(office: Office, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    import desktop.serve.server as serve

    monkeypatch.setattr(serve, "PAGE", 3)
    with _serving(office) as url:
        yield url


def test_a_later_sync_stopped_between_two_pages_is_recorded_as_stopped(
    office: Office, source: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """core.replica.sync itself: stopped once the replica's first page of new entries is appended, before the
    next is asked, replica.json says it stopped (its other keys the page's, which finished), as read_state shows
    it; the next sync finishes and takes `stopped` away.  The old paging loop wrote nothing of the stop."""
    from core.bundle_lines import read_bundle
    from core.replica import BundleSource, read_state, sync
    from desktop.serve.client import UrlSource

    home = DataDir.resolve(tmp_path / "replica")
    assert sync(home, None, BundleSource(read_bundle(source[0]), "export")).ok
    had = len(source[1])
    _grow(office, 7)
    want = leaves(office.home)
    with _served_in_pages_of_three(office, monkeypatch) as url:
        appended: list[int] = []
        report = sync(
            home, None, UrlSource(url), cancelled=lambda: bool(appended), progress=lambda n, _: appended.append(n)
        )
        assert report.ok and report.stopped and 0 < report.appended < len(want) - had
        assert leaves(home.root) == want[: report.size]
        state = read_state(home)
        assert state is not None and state["stopped"]["size"] == report.size == state["size"]
        assert state["stopped"]["of"] == len(want)
        assert (
            report.reason
            == f"Sync stopped after {report.appended} of {len(want) - had} entries; run it again to continue."
        )
        report = sync(home, None, UrlSource(url))
    assert report.ok and not report.stopped and leaves(home.root) == want
    state = read_state(home)
    assert state is not None and "stopped" not in state and state["size"] == len(want)


def test_ctrl_c_between_two_pages_of_a_server_is_shown_as_a_stop_by_replica_show(
    office: Office,
    source: tuple[Path, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`replica sync --from URL` gets Ctrl+C (SIGINT to itself) just as its first page of 3 ends: it stops before
    asking the next (exit 130, how far it got), and `replica show` says the last sync stopped (it said nothing
    of it: each page's sync had finished)."""
    import os

    import core.replica as replica_module

    want, target = source[1], tmp_path / "replica"
    real, pages = replica_module._sync_alone, [0]

    def page_then_ctrl_c(*args: object, **kw: object) -> object:
        report = real(*args, **kw)  # type: ignore[arg-type]
        pages[0] += 1
        if pages[0] == 1:
            os.kill(os.getpid(), signal.SIGINT)  # the CLI's handler notes it: the sync asks between pages
        return report

    monkeypatch.setattr(replica_module, "_sync_alone", page_then_ctrl_c)
    with _served_in_pages_of_three(office, monkeypatch) as url:
        outcome = run_cli(["--data-dir", str(target), "replica", "sync", "--from", url], capsys)
        assert outcome.code == 130 and pages[0] == 1, outcome
        assert (
            outcome.err.strip() == f"deedbook: Sync stopped after 3 of {len(want)} entries; run it again to continue."
        )
        shown = run_cli(["--data-dir", str(target), "replica", "show", "--json"], capsys)
        assert shown.code == 0 and json.loads(shown.out)["stopped"]["size"] == 3, shown
        shown = run_cli(["--data-dir", str(target), "replica", "show"], capsys)
        assert f"the last sync stopped at 3 of {len(want)} entries" in shown.out, shown
        outcome = run_cli(["--data-dir", str(target), "replica", "sync", "--from", url], capsys)
    assert outcome.code == 0 and leaves(target) == want, outcome
    assert "stopped" not in json.loads(run_cli(["--data-dir", str(target), "replica", "show", "--json"], capsys).out)


# A sync that pauses while it checks a v2 file's third line (one line a step), until the file `release` exists.
_CHECKING = (
    PAUSE
    + r"""
import sys, pathlib
import core.bundle_lines as lines
from desktop.cli.main import run

release = pathlib.Path(sys.argv[1])
lines.PAGE = 1  # asked at every line
original, seen = lines._parse, [0]


def parse(*args):
    seen[0] += 1
    if seen[0] == 3:
        pause()
    return original(*args)


lines._parse = parse
sys.exit(run(sys.argv[2:]))
"""
)


def test_ctrl_c_while_a_bundle_file_is_checked_stops_the_check_with_nothing_synced(
    source: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A county's file takes a while to check before the sync writes anything: Ctrl+C stops that too, at once."""
    import os
    import subprocess
    import sys

    target = tmp_path / "new" / "replica"
    argv = ["--data-dir", str(target), "replica", "sync", "--from", str(source[0])]
    release = tmp_path / "release"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    checking = subprocess.Popen(
        [sys.executable, "-c", _CHECKING, str(release), *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_paused(checking)
    before = interrupt(checking)
    release.touch()
    out, err = checking.communicate(timeout=60)
    out = before + out
    assert checking.returncode == 130, (out, err)
    assert "Traceback" not in out + err and out == ""
    assert err.strip() == f"deedbook: Stopped checking the file {source[0]}; nothing was synced."
    assert not (tmp_path / "new").exists()
    assert run_cli(argv, capsys).code == 0 and leaves(target) == source[1]


@pytest.mark.parametrize("existing", [False, True], ids=["first sync", "replica"])
def test_a_sync_stopped_before_its_first_batch_leaves_the_folder_as_it_was(
    existing: bool, office: Office, source: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """Stopped before anything is appended (say, Ctrl+C just as a file's check ended): a first sync takes away
    what it made, as a refused one does; a replica is left byte for byte as it was."""
    from core.bundle_lines import read_bundle
    from core.replica import BundleSource, sync

    home = DataDir.resolve(tmp_path / "new" / "replica")
    bundle, of = source[0], len(source[1])
    if existing:
        assert sync(home, None, BundleSource(read_bundle(bundle), "export")).ok
        _grow(office, 2)
        bundle = tmp_path / "grown.jsonl"
        assert run_here(office.argv("export", "--since", "0", "--out", str(bundle))).code == 0
        of = len(leaves(office.home)) - of
    before = folder_state(home.root) if existing else None
    report = sync(home, None, BundleSource(read_bundle(bundle), "export"), cancelled=lambda: True)
    assert report.ok and report.stopped and not report.started and report.appended == 0
    assert report.reason == f"Sync stopped after 0 of {of} entries; run it again to continue."
    if existing:
        assert folder_state(home.root) == before
    else:
        assert not (tmp_path / "new").exists()
