"""A lock file that says who holds it (core.lock_holder): what a sync holding its folder writes there, read back
as written; anything else (empty, cut short, garbage, words of a process that has ended) read as no holder."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.lock_holder import MAX_TEXT, Holder, parse_holder, read_holder
from core.paths import DataDir
from core.replica_start import SyncLock, Wait, lock_path


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This machine's clock at UTC+5:30 (no daylight saving), so that local times are known."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def test_the_sync_holding_a_folder_says_who_it_is_and_a_waiter_reads_it_back(tmp_path: Path) -> None:
    home = DataDir.resolve(tmp_path / "replica")
    before = int(time.time())
    lock = SyncLock.take(home, source="/data/county")
    assert lock is not None
    try:
        written = json.loads(lock_path(home).read_bytes())
        assert written["format"] == "deedbook-lock-holder/1" and written["pid"] == os.getpid()
        assert written["host"] == platform.node() and written["source"] == "/data/county"
        assert written["since"].endswith("Z") and written["since"][10] == "T"  # ISO 8601, UTC
        holder = read_holder(lock_path(home))
        assert holder is not None
        assert (holder.pid, holder.host, holder.source) == (os.getpid(), platform.node(), "/data/county")
        assert before <= holder.since <= int(time.time())
    finally:
        lock.release()
    assert lock_path(home).read_bytes() == b""  # let go of: its words no longer name anyone
    assert read_holder(lock_path(home)) is None


def test_a_urls_user_and_password_are_not_written(tmp_path: Path) -> None:
    home = DataDir.resolve(tmp_path / "replica")
    lock = SyncLock.take(home, source="https://clerk:s3cret@records.example.org:8443/county")
    assert lock is not None
    try:
        data = lock_path(home).read_bytes()
        assert b"s3cret" not in data and b"clerk" not in data
        holder = read_holder(lock_path(home))
        assert holder is not None and holder.source == "https://records.example.org:8443/county"
    finally:
        lock.release()


def test_the_sentence_names_the_source_the_process_the_host_and_the_local_time(zone: None) -> None:
    since = 1_796_000_000  # 2026-11-30 00:53:20 UTC, 06:23 at UTC+5:30
    holder = Holder(4242, "clerk-pc", "https://records.example.org", since)
    assert (
        holder.words(now=since + 3600)
        == "from https://records.example.org, process 4242 on clerk-pc, since 06:23 UTC+5:30"
    )
    assert holder.words(now=since + 86_400) == (
        "from https://records.example.org, process 4242 on clerk-pc, since 2026-11-30 06:23 UTC+5:30"
    )  # another day: the day too
    assert Holder(4242, "", None, since).words(now=since).startswith("process 4242, since ")
    said = str(Wait(Path("/data/replica"), holder))
    assert said.startswith(
        "Another sync into /data/replica is running (from https://records.example.org, process 4242 on clerk-pc, since "
    )
    assert said.endswith("); waiting for it to end\u2026")
    assert (
        str(Wait(Path("/data/replica"), None))
        == "Another sync into /data/replica is running; waiting for it to end\u2026"
    )


def test_a_long_source_keeps_its_end_which_names_it() -> None:
    source = "/srv/offices/" + "archive/" * 30 + "county-replica"
    words = Holder(7, "pc", source, 0).words(now=0, source_limit=40)
    assert words.startswith("from \u2026") and ("/county-replica, process 7 on pc" in words)
    assert len(words.split(", process")[0]) == len("from ") + 40


def test_what_another_process_wrote_is_shown_as_one_printable_line() -> None:
    holder = Holder(7, "pc\x1b[2J\n", "/a\u202eb", 0)
    words = holder.words(now=0)
    assert "\x1b" not in words and "\n" not in words and "\u202e" not in words


GOOD = Holder(4242, "another-host", "/data/county", 1_796_000_000).as_bytes()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n",
        GOOD[: len(GOOD) // 2],  # read while the holder was writing it
        GOOD[:-3],
        GOOD[1:],  # without the byte Windows keeps locked
        b"\x00\xff\xfe garbage",
        b"\n" + json.dumps({"format": "deedbook-lock-holder/2", "pid": 1, "host": "h", "since": "2026-11-30T01:33:20Z"}).encode(),
        b"\n" + json.dumps({"format": "deedbook-lock-holder/1", "pid": "4242", "host": "h", "since": "2026-11-30T01:33:20Z"}).encode(),
        b"\n" + json.dumps({"format": "deedbook-lock-holder/1", "pid": True, "host": "h", "since": "2026-11-30T01:33:20Z"}).encode(),
        b"\n" + json.dumps({"format": "deedbook-lock-holder/1", "pid": 0, "host": "h", "since": "2026-11-30T01:33:20Z"}).encode(),
        b"\n" + json.dumps({"format": "deedbook-lock-holder/1", "pid": -1, "host": "h", "since": "2026-11-30T01:33:20Z"}).encode(),
        b"\n" + json.dumps({"format": "deedbook-lock-holder/1", "pid": 1, "host": "h", "since": "yesterday"}).encode(),
        b"\n" + json.dumps({"format": "deedbook-lock-holder/1", "pid": 1, "host": "h", "since": 1796000000}).encode(),
        b"\n" + json.dumps({"format": "deedbook-lock-holder/1", "pid": 1, "host": "h" * (MAX_TEXT + 1), "since": "2026-11-30T01:33:20Z"}).encode(),
        b"\n" + json.dumps({"format": "deedbook-lock-holder/1", "pid": 1, "host": "h", "source": 5, "since": "2026-11-30T01:33:20Z"}).encode(),
        b"\n" + b"[" * 30_000,  # within the size, deeper than the decoder goes
    ],
    ids=[
        "empty", "a newline", "half", "cut short", "unskipped", "garbage", "another format", "pid as text", "pid true",
        "pid 0", "pid negative", "since not a time", "since a number", "host too long", "source a number", "deep",
    ],
)  # fmt: skip
def test_a_file_not_as_written_is_no_holder_and_the_plain_sentence(tmp_path: Path, data: bytes) -> None:
    assert parse_holder(GOOD) is not None  # the premise: the same file whole is one
    path = tmp_path / ".replica.lock"
    path.write_bytes(data)
    assert parse_holder(data) is None and read_holder(path) is None
    assert read_holder(tmp_path / "missing.lock") is None


def test_the_words_of_a_process_here_that_has_ended_are_not_said(tmp_path: Path) -> None:
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(ended.stdout)
    path = tmp_path / ".replica.lock"
    path.write_bytes(Holder(pid, platform.node(), "/data/county", int(time.time())).as_bytes())
    assert read_holder(path) is None  # (were its id given again meanwhile, the next test's case)
    path.write_bytes(Holder(pid, "another-host", "/data/county", int(time.time())).as_bytes())
    assert read_holder(path) is not None  # another machine's processes cannot be looked at from here


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux's /proc tells when a process started")
def test_words_older_than_the_process_now_with_that_id_are_not_said(tmp_path: Path) -> None:
    path = tmp_path / ".replica.lock"
    path.write_bytes(Holder(os.getpid(), platform.node(), "/data/county", int(time.time())).as_bytes())
    assert read_holder(path) is not None  # this process wrote it
    started_long_before = int(time.time()) - 10 * 86_400
    path.write_bytes(Holder(os.getpid(), platform.node(), "/data/county", started_long_before).as_bytes())
    assert read_holder(path) is None  # written before this process started: another process with the same id


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=400) | st.binary(max_size=400).map(lambda b: GOOD[: len(b) % len(GOOD)] + b))
def test_any_bytes_read_as_a_holder_or_none_never_an_error(data: bytes) -> None:
    found = parse_holder(data)
    assert found is None or isinstance(found, Holder)


texts = st.text(max_size=MAX_TEXT)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 2**31 - 1), texts, st.none() | texts.filter(bool), st.integers(0, 253_402_300_799))
def test_any_holder_written_reads_back_as_itself(pid: int, host: str, source: str | None, since: int) -> None:
    holder = Holder(pid, host, source, since)
    assert parse_holder(holder.as_bytes()) == holder


def test_a_waiting_sync_says_again_when_the_holder_is_named_later(tmp_path: Path) -> None:
    """Words half-written at the first read (here: none yet) give the plain sentence; once the holder's words are
    there, the wait says whom it waits for (once), then Cancel ends it with nothing held."""
    from core.errors import Cancelled
    from core.file_locks import open_lock, try_lock
    from core.lock_holder import write_holder

    home = DataDir.resolve(tmp_path / "replica").ensure()
    other = open_lock(lock_path(home), "the test's lock", "")
    assert try_lock(other)
    heard: list[Wait] = []
    deadline, heard_at = time.monotonic() + 10, [0.0]

    def waiting(wait: Wait) -> None:
        heard.append(wait)
        heard_at[0] = time.monotonic()

    def cancelled() -> bool:  # asked at each look at the lock: the other sync writes its words after the first
        if len(heard) == 1 and lock_path(home).read_bytes() == b"":
            write_holder(other, Holder(os.getpid(), platform.node(), "/data/county", int(time.time())))
        settled = len(heard) >= 2 and time.monotonic() > heard_at[0] + 0.5  # a few looks more: nothing more said
        return settled or time.monotonic() > deadline

    try:
        with pytest.raises(Cancelled):
            SyncLock.take(home, waiting, cancelled, source="/data/mine")
    finally:
        os.close(other)
    assert [w.holder.source if w.holder else None for w in heard] == [None, "/data/county"]  # said once each
    assert str(heard[0]) == f"Another sync into {home.root} is running; waiting for it to end\u2026"
    assert "(from /data/county, process " in str(heard[1])
