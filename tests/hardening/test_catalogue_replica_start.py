"""A refused first replica sync leaves the data folder as it was: no ledger database, no replica.json, no
witness file, no folder it made (the folder's listing, names and sizes, is the same before and after).

Each case hands `replica sync` a source that is refused (a damaged bundle, one whose entries break the
ledger's rules, a checkpoint that does not check, a folder that is not a ledger, a server's bad answer),
into a data folder that does not exist yet and into one that exists and holds only keys.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.errors import DeedbookError
from core.ledger import Ledger
from desktop.workspace import Workspace
from tests.hardening.conftest import Office
from tests.hardening.fixed_server import fixed_server
from tests.hardening.harness import export_document, run_cli, run_here


def listing(root: Path, *, database_sizes: bool = True) -> list[tuple[str, int]] | None:
    """Every path under `root` with its size (folders as -1); None when `root` is not there.  Without
    `database_sizes`, SQLite's files count by name (-2): closing the last connection of a ledger that was only
    read checkpoints its WAL into the file, the same ledger in other sizes."""

    def size(p: Path) -> int:
        if not p.is_file():
            return -1
        return -2 if not database_sizes and p.name.startswith("ledger.sqlite") else p.stat().st_size

    if not root.exists():
        return None
    return sorted((str(p.relative_to(root)), size(p)) for p in root.rglob("*"))


def _ledger_state(root: Path) -> tuple[int, str]:
    from core.paths import DataDir

    ledger = Ledger.open(DataDir(root))
    try:
        return ledger.size(), ledger.merkle_root().hex()
    finally:
        ledger.close()


def _flip(signature: str) -> str:
    return signature[:-4] + ("00" if signature[-4:-2] != "00" else "11") + signature[-2:]


def _bad_signature(b: dict[str, Any]) -> None:
    b["entries"][1]["signatures"][0]["signature"] = _flip(b["entries"][1]["signatures"][0]["signature"])


def _altered_parcel(b: dict[str, Any]) -> None:
    b["entries"][1]["message"]["parcel"] = "0526301101"


def _recorded_earlier(b: dict[str, Any]) -> None:  # the checkpoint's root no longer the tree's
    b["entries"][1]["recordedAt"] -= 100


def _checkpoint_root(b: dict[str, Any]) -> None:
    b["checkpoint"]["message"]["root"] = "0x" + "11" * 32


def _from_entry_one(b: dict[str, Any]) -> None:
    b["since"], b["entries"] = 1, b["entries"][1:]


def _genesis_signature(b: dict[str, Any]) -> None:
    b["entries"][0]["signatures"][0]["signature"] = _flip(b["entries"][0]["signatures"][0]["signature"])


# case: (how the good export is changed, the exit code, what the sentence says)
BUNDLES: dict[str, tuple[Callable[[dict[str, Any]], None], int, str]] = {
    "an entry's signature changed": (_bad_signature, 1, "rules refuse"),
    "a deed's parcel changed": (_altered_parcel, 1, "rules refuse"),
    "an entry recorded at another time": (_recorded_earlier, 1, "rules refuse"),
    "the genesis entry's signature changed": (_genesis_signature, 1, "rules refuse"),
    "the checkpoint's root changed": (_checkpoint_root, 2, "cannot be trusted"),
    "a bundle from entry 1": (_from_entry_one, 2, "needs the entries from 0 on"),
}


@pytest.fixture(scope="module")
def export(office_template: Office, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("replica-start") / "export.json"
    assert run_here([*office_template.argv("export", "--since", "0", "--out", str(out))]).code == 0
    return export_document(out)


def _target(tmp_path: Path, exists: bool) -> Path:
    target = tmp_path / "new" / "replica"
    if exists:  # a folder a person made, holding a key already
        (target / "keys").mkdir(parents=True)
        (target / "keys" / "note.txt").write_text("kept\n")
    return target


def _one_sentence(code: int, out: str, err: str) -> str:
    said = [line for line in (err if code == 2 else out).splitlines() if line.strip()]
    assert "Traceback" not in out + err
    assert len(said) == 1, (out, err)
    return said[0]


@pytest.mark.parametrize("exists", [False, True], ids=["no folder", "a folder with keys"])
@pytest.mark.parametrize("case", sorted(BUNDLES))
def test_a_refused_first_sync_from_a_bundle_leaves_the_folder_as_it_was(
    case: str, exists: bool, export: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change, code, says = BUNDLES[case]
    bundle = copy.deepcopy(export)
    change(bundle)
    source = tmp_path / "bundle.json"
    source.write_text(json.dumps(bundle))
    target = _target(tmp_path, exists)
    before = listing(tmp_path / "new")
    outcome = run_cli(["--data-dir", str(target), "replica", "sync", "--from", str(source)], capsys)
    assert outcome.code == code, outcome
    assert says in _one_sentence(outcome.code, outcome.out, outcome.err)
    assert listing(tmp_path / "new") == before


@pytest.mark.parametrize("exists", [False, True], ids=["no folder", "a folder with keys"])
def test_a_refused_first_sync_from_a_folder_or_a_server_leaves_the_folder_as_it_was(
    exists: bool, export: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = _target(tmp_path, exists)
    before = listing(tmp_path / "new")
    empty = tmp_path / "empty"
    empty.mkdir()
    bad = copy.deepcopy(export)
    _bad_signature(bad)
    cut = json.dumps(export)[:-40].encode()  # a damaged answer
    for answers, says in (
        ({"/export": (200, json.dumps(bad).encode())}, "rules refuse"),
        ({"/export": (200, cut)}, "did not answer with JSON"),
        ({"/export": (500, b"the disk is full\n")}, "refused: the disk is full"),
    ):
        with fixed_server(answers) as url:
            outcome = run_cli(["--data-dir", str(target), "replica", "sync", "--from", url], capsys)
        assert outcome.code in (1, 2) and says in _one_sentence(outcome.code, outcome.out, outcome.err)
        assert listing(tmp_path / "new") == before
    outcome = run_cli(["--data-dir", str(target), "replica", "sync", "--from", str(empty)], capsys)
    assert outcome.code == 2 and "no ledger" in _one_sentence(2, outcome.out, outcome.err)
    assert listing(tmp_path / "new") == before


def test_the_guis_sync_path_leaves_the_folder_as_it_was(export: dict[str, Any], tmp_path: Path) -> None:
    """The workspace function the "Witness & replicas" pane runs on its worker: refused, nothing stays (not even
    the folder, which was not there)."""
    target = _target(tmp_path, False)
    before = listing(tmp_path / "new")
    bad = copy.deepcopy(export)
    _bad_signature(bad)
    source = tmp_path / "bundle.json"
    source.write_text(json.dumps(bad))
    report = Workspace.open(target).replica_sync(str(source)).value
    assert not report.ok and report.size == 0 and "rules refuse" in str(report.reason)
    assert listing(tmp_path / "new") == before
    _checkpoint_root(bad)
    source.write_text(json.dumps(bad))
    with pytest.raises(DeedbookError, match="cannot be trusted"):
        Workspace.open(target).replica_sync(str(source))
    assert listing(tmp_path / "new") == before


def test_a_first_sync_that_is_not_refused_starts_the_replica(
    export: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same source, unchanged, starts it (so the cases above are refusals, not a sync that never writes)."""
    source = tmp_path / "bundle.json"
    source.write_text(json.dumps(export))
    target = _target(tmp_path, False)
    outcome = run_cli(["--data-dir", str(target), "replica", "sync", "--from", str(source)], capsys)
    assert outcome.code == 0 and "Started the replica" in outcome.out
    assert {"ledger.sqlite", "replica.json", "witness"} <= {p.name for p in target.iterdir()}


def test_a_refused_first_sync_leaves_no_tables_in_a_postgresql_database(
    postgres_url: str, export: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import create_engine, inspect

    bad = copy.deepcopy(export)
    _bad_signature(bad)
    source = tmp_path / "bundle.json"
    source.write_text(json.dumps(bad))
    target = _target(tmp_path, False)
    before = listing(tmp_path / "new")
    argv = ["--data-dir", str(target), "--db-url", postgres_url, "replica", "sync", "--from", str(source)]
    outcome = run_cli(argv, capsys)
    assert outcome.code == 1 and "rules refuse" in _one_sentence(1, outcome.out, outcome.err)
    assert listing(tmp_path / "new") == before
    engine = create_engine(postgres_url)
    try:
        assert inspect(engine).get_table_names() == []
        with engine.connect() as conn:
            assert "pg_trgm" not in {r[0] for r in conn.exec_driver_sql("SELECT extname FROM pg_extension")}
    finally:
        engine.dispose()


def test_a_refused_start_leaves_a_replica_another_sync_started_meanwhile(
    export: dict[str, Any], tmp_path: Path
) -> None:
    """Two first syncs into one database: the one refused after the other started the replica removes nothing.
    Syncs into one folder take turns (tests/hardening/test_replica_kill.py); here the other sync works from
    another data folder on the same --db-url database, which no folder's lock covers."""
    from core.bundles import parse_bundle
    from core.paths import DataDir
    from core.replica import BundleSource, sync

    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    home, other = DataDir.resolve(tmp_path / "replica"), DataDir.resolve(tmp_path / "other")
    good = parse_bundle(copy.deepcopy(export))
    bad = copy.deepcopy(export)
    _bad_signature(bad)

    class Racing(BundleSource):
        def bundle(self, since: int) -> Any:
            assert sync(other, url, BundleSource(good, "the other sync")).started  # meanwhile, in another process
            return super().bundle(since)

    with pytest.raises(DeedbookError, match="already"):
        sync(home, url, Racing(parse_bundle(bad), "the refused one"))
    replica = Ledger.open(other, url)
    assert replica.size() == len(export["entries"])
    replica.close()
    assert (other.root / "replica.json").is_file()
    assert not home.root.exists()  # the refused one's folder held nothing before it


def test_a_sync_refused_by_a_ledger_already_there_or_a_database_out_of_reach_changes_nothing(
    office: Office, export: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another ledger's folder (not a replica: no replica.json), refused by its identity; and a new folder whose
    --db-url cannot be reached: neither keeps the sync's record or lock file, nor a folder made for them."""
    other = tmp_path / "other"
    pw = ["--password-file", str(office.password_file)]
    # run_here: the ledger `init` opened is closed before the listing (left to the garbage collector, it went
    # during the sync, its -wal and -shm with it, and the folder seemed changed: one failure under load)
    assert run_here(["--data-dir", str(other), "key", "new", "clerk", *pw]).code == 0
    assert run_here(["--data-dir", str(other), "init", "--name", "Other", "--operator", "clerk", *pw]).code == 0
    source = tmp_path / "bundle.json"
    source.write_text(json.dumps(export))
    state = _ledger_state(other)
    before = listing(other, database_sizes=False)
    outcome = run_cli(["--data-dir", str(other), "replica", "sync", "--from", str(source)], capsys)
    assert outcome.code == 2 and "this replica follows" in _one_sentence(2, outcome.out, outcome.err)
    assert listing(other, database_sizes=False) == before
    assert _ledger_state(other) == state
    target = _target(tmp_path, False)
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    argv = ["--data-dir", str(target), "--db-url", unreachable, "replica", "sync", "--from", str(source)]
    outcome = run_cli(argv, capsys)
    assert outcome.code == 2 and _one_sentence(2, outcome.out, outcome.err)
    assert listing(tmp_path / "new") is None
