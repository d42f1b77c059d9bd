"""`deedbook-export/2`: a bundle written entry by entry and read line by line (core.bundle_lines).

Written in pages and read in batches, never whole; cut short, miscounted or changed it is one sentence
and nothing is synced; a v1 file still syncs."""

from __future__ import annotations

import json
import weakref
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import core.bundle_lines as bundle_lines
import core.bundles as bundles
import core.replica as replica_module
from core.bundle_lines import read_bundle
from core.bundles import BadBundle, build_bundle, bundle_text
from core.ledger import Ledger
from core.paths import DataDir
from core.replica import BundleSource, LedgerSource, sync
from tests.hardening.harness import assert_refused, fingerprint, run_cli
from tests.helpers import World
from tests.witness.conftest import count_alive_entries
from tests.witness.test_replica import grow


def export(world: World, since: int, out: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    made = run_cli(["--data-dir", str(world.home.root), "export", "--since", str(since), "--out", str(out)], capsys)
    assert made.code == 0, made.err
    return out


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def test_an_export_is_json_lines_that_carry_what_a_v1_bundle_does(
    operator: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grow(operator, 4)
    grow(operator, 2, checkpoint=False)
    path = export(operator, 3, tmp_path / "b.jsonl", capsys)
    head, *entries, last = (json.loads(line) for line in lines(path))
    whole = build_bundle(operator.ledger, 3)
    assert head["format"] == "deedbook-export/2" and "entries" not in head
    assert {k: v for k, v in whole.items() if k not in ("format", "entries")} == {
        k: v for k, v in head.items() if k != "format"
    }
    assert entries == whole["entries"] and len(entries) == operator.ledger.size() - 3
    assert last == {"end": "deedbook-export/2", "entries": len(entries)}
    bundle = read_bundle(path)
    assert (bundle.since, bundle.size, bundle.total) == (3, operator.ledger.size(), operator.ledger.size())
    assert [e.entry for e in bundle.entries] == [e.entry for e in bundles.parse_bundle(whole).entries]
    assert [e.entry for e in bundle.entries] == [e.entry for e in bundle.entries]  # read again, the same


def test_an_export_reads_the_ledger_a_page_at_a_time(
    operator: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The old export read every entry at once (one list of the whole ledger); fails on the old code."""
    grow(operator, 9)
    monkeypatch.setattr(bundle_lines, "PAGE", 4)
    spans: list[int] = []
    real = Ledger.entries

    def entries(self: Ledger, start: int = 0, stop: int | None = None, **kw: Any) -> Any:
        got = real(self, start, stop, **kw)
        spans.append(len(got))
        return got

    monkeypatch.setattr(Ledger, "entries", entries)
    path = export(operator, 0, tmp_path / "b.jsonl", capsys)
    assert max(spans) <= 4 and sum(spans) >= operator.ledger.size()
    assert len(lines(path)) == operator.ledger.size() + 2


def test_an_export_holds_no_snapshot_while_it_writes_its_entries_and_an_append_meanwhile_is_not_in_it(
    operator: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The size, checkpoint and proofs are read in one moment, the entries after it a page at a time outside it:
    another program appends and SQLite checkpoints its WAL whole (TRUNCATE: blocked by any reader's snapshot)
    while the export is between pages, and the file is byte for byte the one written before the append (the old
    export held its snapshot to the end: the checkpoint was busy)."""
    import dataclasses
    import io
    import sqlite3

    grow(operator, 9)
    before = io.BytesIO()
    bundle_lines.write_bundle(operator.ledger, 2, before)
    monkeypatch.setattr(bundle_lines, "PAGE", 4)
    other = Ledger.open(operator.home)  # another program's ledger: its own connections
    database = operator.home.root / "ledger.sqlite"
    real, busy = Ledger.entries, []

    def entries(self: Ledger, start: int = 0, stop: int | None = None, **kw: Any) -> Any:
        if self is operator.ledger and start == 6:  # between the first page and the second
            dataclasses.replace(operator, ledger=other).register("APPENDED", operator.operator.address)
            with sqlite3.connect(database) as conn:
                busy.append(conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0])
        return real(self, start, stop, **kw)

    monkeypatch.setattr(Ledger, "entries", entries)
    during = io.BytesIO()
    assert bundle_lines.write_bundle(operator.ledger, 2, during) == operator.ledger.size() - 1 - 2
    other.close()
    assert busy == [0]  # no reader held the WAL
    assert during.getvalue() == before.getvalue()
    assert (
        b"APPENDED" not in during.getvalue()
        and operator.ledger.entry(operator.ledger.size() - 1).message["parcel"] == "APPENDED"
    )  # appended meanwhile: in the ledger, not in the export


def test_a_sync_holds_a_batch_of_the_files_entries_at_most(
    operator: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Entries read from the file alive at once, first sync and a later one, are two batches at most: the old
    reader held them all (fails on the old code: all 12 alive with batches of 3)."""
    grow(operator, 10)
    monkeypatch.setattr(replica_module, "BATCH", 3)
    most = count_alive_entries(monkeypatch)
    home = DataDir.resolve(tmp_path / "replica")
    first = export(operator, 0, tmp_path / "b0.jsonl", capsys)
    assert sync(home, None, BundleSource(read_bundle(first), "b0")).ok
    assert most[0] <= 2 * 3, most[0]  # a batch, and the next as it is read
    grow(operator, 8)
    most[0] = 0
    later = export(operator, 5, tmp_path / "b1.jsonl", capsys)  # repeats entries the replica holds: compared
    report = sync(home, None, BundleSource(read_bundle(later), "b1"))
    assert report.ok and report.size == operator.ledger.size()
    assert most[0] <= 2 * 3, most[0]  # a batch, and the next as it is read
    assert [e.leaf_hash for e in Ledger.open(home).entries()] == [e.leaf_hash for e in operator.ledger.entries()]


def test_a_sync_from_a_folder_holds_a_batch_of_its_entries_at_most(
    operator: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From another data folder, too: it built the whole bundle of the source's ledger (fails so: 12 alive)."""
    grow(operator, 10)
    monkeypatch.setattr(replica_module, "BATCH", 3)
    alive, most = [0], [0]
    real = replica_module.BundleEntry

    def counted(*args: Any) -> Any:
        made = real(*args)
        alive[0] += 1
        most[0] = max(most[0], alive[0])
        weakref.finalize(made, lambda: alive.__setitem__(0, alive[0] - 1))
        return made

    monkeypatch.setattr(replica_module, "BundleEntry", counted)
    monkeypatch.setattr(bundles, "BundleEntry", counted)  # as a bundle read from JSON makes them
    home = DataDir.resolve(tmp_path / "replica")
    assert sync(home, None, LedgerSource(operator.ledger, "the office")).ok
    assert 0 < most[0] <= 2 * 3, most[0]
    grow(operator, 8)
    most[0] = 0
    report = sync(home, None, LedgerSource(operator.ledger, "the office"), since=5)  # 5.. compared, then appended
    assert report.ok and report.size == operator.ledger.size()
    assert 0 < most[0] <= 2 * 3, most[0]
    assert [e.leaf_hash for e in Ledger.open(home).entries()] == [e.leaf_hash for e in operator.ledger.entries()]


def test_a_v1_bundle_file_still_syncs(operator: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grow(operator, 3)
    v1 = tmp_path / "b.json"
    v1.write_text(bundle_text(build_bundle(operator.ledger, 0)), encoding="utf-8")
    synced = run_cli(["--data-dir", str(tmp_path / "replica"), "replica", "sync", "--from", str(v1)], capsys)
    assert synced.code == 0 and "Started the replica: 5 new entries" in synced.out, synced.err


def _cut_mid_entry(rows: list[bytes]) -> bytes:
    return b"".join(rows[:3]) + rows[3][: len(rows[3]) // 2]


def _without_last_line(rows: list[bytes]) -> bytes:
    return b"".join(rows[:-1])


def _one_entry_fewer(rows: list[bytes]) -> bytes:  # the last line counts what is there; the first does not
    last = json.loads(rows[-1])
    last["entries"] -= 1
    return b"".join([*rows[:-2], json.dumps(last).encode() + b"\n"])


def _last_line_miscounts(rows: list[bytes]) -> bytes:
    last = json.loads(rows[-1])
    last["entries"] += 1
    return b"".join([*rows[:-1], json.dumps(last).encode() + b"\n"])


def _an_entry_past_the_first_lines_size(rows: list[bytes]) -> bytes:
    head = json.loads(rows[0])
    head["size"] -= 1
    return b"".join([json.dumps(head).encode() + b"\n", *rows[1:]])


def _something_after_the_last_line(rows: list[bytes]) -> bytes:
    return b"".join(rows) + rows[1]


def _deep_entry(rows: list[bytes]) -> bytes:
    return b"".join([rows[0], b"[" * 100_000 + b"]" * 100_000 + b"\n", *rows[2:]])


def _not_utf8_entry(rows: list[bytes]) -> bytes:
    return b"".join([rows[0], rows[1].replace(b'"kind"', b'"\xff\xfe"'), *rows[2:]])


def _first_line_cut(rows: list[bytes]) -> bytes:  # only part of the first line: as a v1 file cut short, but v2's start
    return rows[0][: len(rows[0]) // 2]


def _first_line_damaged(rows: list[bytes]) -> bytes:  # a byte in the middle of the first line zeroed
    middle = len(rows[0]) // 2
    return b"".join([rows[0][:middle] + b"\0" + rows[0][middle + 1 :], *rows[1:]])


def _first_line_not_a_head(rows: list[bytes]) -> bytes:  # valid JSON, but its format is gone
    head = json.loads(rows[0])
    del head["format"]
    return b"".join([json.dumps(head).encode() + b"\n", *rows[1:]])


def _checkpoint_entry_restamped(rows: list[bytes]) -> bytes:  # the checkpoint's own entry, a second later
    index = json.loads(rows[0])["checkpoint"]["index"]
    changed = []
    for row in rows:
        item = json.loads(row)
        if isinstance(item, dict) and item.get("index") == index and "kind" in item:
            item["recordedAt"] += 1
            row = json.dumps(item).encode() + b"\n"
        changed.append(row)
    assert changed != rows, "the bundle carries its checkpoint's entry"
    return b"".join(changed)


DAMAGE = {
    "first line cut short": (_first_line_cut, "Line 1 of "),
    "first line damaged": (_first_line_damaged, "is not JSON: the deedbook-export/2 bundle is damaged"),
    "first line JSON but no v2 head": (_first_line_not_a_head, "is not a deedbook-export/2 first line"),
    "cut mid-entry": (_cut_mid_entry, "in the middle of entry"),
    "cut between entries": (_without_last_line, "ends before its last line"),
    "an entry fewer than the first line says": (_one_entry_fewer, "where its first line says"),
    "a last line that miscounts": (_last_line_miscounts, "its last line does not end"),
    "an entry past the first line's size": (_an_entry_past_the_first_lines_size, "more entries than its first line"),
    "something after the last line": (_something_after_the_last_line, "its last line does not end"),
    "an entry nested deep": (_deep_entry, "is not JSON"),
    "an entry not UTF-8": (_not_utf8_entry, "is not JSON"),
    # the fuzz catalogue found it: past every checkpoint nothing else checks the time, but this one is said twice
    "the checkpoint's entry not the checkpoint": (_checkpoint_entry_restamped, "its checkpoint and its entry"),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_streamed_bundle_is_one_sentence_and_nothing_synced(
    operator: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    damage: str,
) -> None:
    """A replica that holds entries already, and a bundle whose damage is past its first batch: the batches
    before it are not appended (the file is checked whole first), nor does a new replica start."""
    monkeypatch.setattr(replica_module, "BATCH", 2)
    grow(operator, 3)
    home = tmp_path / "replica"
    start = export(operator, 0, tmp_path / "b0.jsonl", capsys)
    assert run_cli(["--data-dir", str(home), "replica", "sync", "--from", str(start)], capsys).code == 0
    grow(operator, 8)
    change, says = DAMAGE[damage]
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(change(lines(export(operator, 5, tmp_path / "b1.jsonl", capsys))))
    before = fingerprint(home)
    outcome = run_cli(["--data-dir", str(home), "replica", "sync", "--from", str(bad)], capsys)
    assert_refused(outcome, 2, says=says)
    assert fingerprint(home) == before
    fresh = tmp_path / "fresh"
    whole = change(lines(export(operator, 0, tmp_path / "b2.jsonl", capsys)))
    bad.write_bytes(whole)
    assert_refused(run_cli(["--data-dir", str(fresh), "replica", "sync", "--from", str(bad)], capsys), 2)
    assert not (fresh / "ledger.sqlite").exists()


def test_a_damaged_first_line_says_so_and_names_the_line(operator: World, tmp_path: Path) -> None:
    """A v2 file whose first line is damaged was read as v1 and called 'not an export bundle (not JSON)'
    (fails on the old code): now one sentence naming line 1, cut short, not JSON or no v2 head."""
    grow(operator, 3)
    path = tmp_path / "b.jsonl"
    with path.open("wb") as handle:
        bundle_lines.write_bundle(operator.ledger, 0, handle)
    rows = lines(path)
    for change, says in [
        (_first_line_cut, f"Line 1 of {path} is not a whole line: the deedbook-export/2 bundle is incomplete"),
        (_first_line_damaged, f"Line 1 of {path} is not JSON: the deedbook-export/2 bundle is damaged."),
        (_first_line_not_a_head, f"Line 1 of {path} is not a deedbook-export/2 first line"),
        (  # its format itself damaged: known as JSON lines by the entry that follows
            lambda rows: b"".join([rows[0][:20] + b"\0" + rows[0][21:], *rows[1:]]),
            f"Line 1 of {path} is not JSON: the deedbook-export/2 bundle is damaged.",
        ),
    ]:
        path.write_bytes(change(rows))
        with pytest.raises(BadBundle) as refused:
            read_bundle(path)
        assert str(refused.value).startswith(says), str(refused.value)
        assert "not an export bundle" not in str(refused.value)


def test_json_that_is_no_bundle_names_no_format_the_export_does_not_write(tmp_path: Path) -> None:
    """A JSON file of some other kind was 'not a Deedbook export bundle (deedbook-export/1)', a format the
    export no longer writes (fails on the old code): the sentence names the command that makes one."""
    path = tmp_path / "other.json"
    path.write_text('{"format": "something-else/1", "entries": []}\n')
    with pytest.raises(BadBundle) as refused:
        read_bundle(path)
    assert str(refused.value) == f"The file {path} is not a Deedbook export bundle (one made by `deedbook export`)."


def test_a_v1_file_cut_short_is_still_the_v1_sentence(operator: World, tmp_path: Path) -> None:
    grow(operator, 3)
    whole = bundle_text(build_bundle(operator.ledger, 0)).encode()
    path = tmp_path / "b.json"
    for cut in (whole[: len(whole) // 2], whole[:40], whole + b"\n" + whole[:10]):
        path.write_bytes(cut)
        with pytest.raises(BadBundle, match=r"is not an export bundle \(not JSON\)\.$"):
            read_bundle(path)
    path.write_bytes(whole)  # and whole, it is read, written by hand over lines too
    assert read_bundle(path).size == operator.ledger.size()
    path.write_text(json.dumps(json.loads(whole), indent=2))
    assert read_bundle(path).size == operator.ledger.size()


def test_a_line_over_the_limit_is_refused_unread(
    operator: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grow(operator, 2)
    path = tmp_path / "b.jsonl"
    with path.open("wb") as handle:
        bundle_lines.write_bundle(operator.ledger, 0, handle)
    longest = max(len(line) for line in lines(path)[1:])  # an entry's (the first line has a limit of its own)
    monkeypatch.setattr(bundle_lines, "MAX_LINE_BYTES", longest - 2)
    with pytest.raises(BadBundle, match="is over"):
        read_bundle(path)


def test_a_file_changed_after_it_was_checked_is_not_read(
    operator: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grow(operator, 3)
    path = export(operator, 0, tmp_path / "b.jsonl", capsys)
    bundle = read_bundle(path)
    rows = lines(path)
    path.write_bytes(b"".join([*rows[:-1], rows[-2], rows[-1]]))  # swapped in place after the check
    with pytest.raises(BadBundle, match="changed after it was checked"):
        list(bundle.entries)


@pytest.fixture(scope="module")
def genuine(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from tests.helpers import make_world

    world = make_world(tmp_path_factory.mktemp("source") / "operator", "Story County")
    grow(world, 3)
    path = tmp_path_factory.mktemp("bundle") / "b.jsonl"
    with path.open("wb") as handle:
        bundle_lines.write_bundle(world.ledger, 0, handle)
    world.ledger.close()
    return path.read_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_proper_prefix_of_a_bundle_is_refused(genuine: bytes, tmp_path: Path, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(genuine) - 1))
    path = tmp_path / "cut.jsonl"
    path.write_bytes(genuine[:cut])
    with pytest.raises(BadBundle):
        read_bundle(path)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_bundle_changed_anywhere_is_read_whole_or_refused_in_one_sentence(
    genuine: bytes, tmp_path: Path, data: st.DataObject
) -> None:
    """Bytes replaced, inserted or taken out anywhere, lines doubled or dropped: the reader says one sentence
    (BadBundle) or gives a bundle whose entries all read back; never another exception."""
    rows = genuine.splitlines(keepends=True)
    how = data.draw(st.sampled_from(["bytes", "drop line", "double line", "swap lines"]))
    if how == "bytes":
        at = data.draw(st.integers(0, len(genuine)))
        gone = data.draw(st.integers(0, 8))
        put = data.draw(st.binary(max_size=8) | st.sampled_from([b"\n", b"{", b"]", b'"', b"\\", b"1e999", b"NaN"]))
        changed = genuine[:at] + put + genuine[at + gone :]
    else:
        i, j = data.draw(st.integers(0, len(rows) - 1)), data.draw(st.integers(0, len(rows) - 1))
        if how == "drop line":
            changed = b"".join(rows[:i] + rows[i + 1 :])
        elif how == "double line":
            changed = b"".join(rows[: i + 1] + rows[i:])
        else:
            rows[i], rows[j] = rows[j], rows[i]
            changed = b"".join(rows)
    path = tmp_path / "changed.jsonl"
    path.write_bytes(changed)
    try:
        bundle = read_bundle(path)
    except BadBundle as said:
        assert "\n" not in str(said).strip() and str(said).endswith(".")
        return
    read = list(bundle.entries)
    assert len(read) == len(bundle.entries) == bundle.size - bundle.since


def test_a_witness_follows_the_ledger_a_streamed_bundle_names(
    operator: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`witness follow BUNDLE` reads the ledger key from the bundle's first line (it read the file as one JSON
    document, so a v2 bundle "named no ledger": fails without the first-line reading)."""
    from core.checkpoint_note import ledger_vkey
    from desktop.workspace.witnessing import _ledger_key_in

    grow(operator, 2)
    path = export(operator, 0, tmp_path / "b.jsonl", capsys)
    assert _ledger_key_in(path) == ledger_vkey(operator.ledger.identity).text()


def test_the_export_shows_its_progress_a_tenth_at_a_time() -> None:
    """A county's export is 500 pages: a line each was 500 lines on the terminal."""
    from desktop.cli.witness_cmd import _tenths

    heard: list[tuple[float, str]] = []
    hear = _tenths(lambda fraction, said: heard.append((fraction, said)), "written")
    for done in range(2000, 1_000_001, 2000):
        hear(done, 1_000_000)
    assert 10 <= len(heard) <= 11 and heard[-1] == (1.0, "1,000,000 of 1,000,000 entries written")
    assert _tenths(None, "written") is None  # no terminal: nothing shown


def test_a_sync_says_how_far_it_got_after_each_batch(
    operator: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A county's first sync takes minutes: the CLI and the GUI hear (appended, of) after each batch."""
    grow(operator, 10)
    monkeypatch.setattr(replica_module, "BATCH", 5)
    heard: list[tuple[int, int]] = []
    path = export(operator, 0, tmp_path / "b.jsonl", capsys)
    report = sync(
        DataDir.resolve(tmp_path / "replica"),
        None,
        BundleSource(read_bundle(path), "b"),
        progress=lambda *a: heard.append(a),
    )
    size = operator.ledger.size()
    assert report.ok and heard == [(5, size), (10, size), (size, size)]
