"""Several processes appending to one notary's journal at once, and one killed (SIGKILL) at the rename.

Each writer is its own Python process (the desk, the command line, a second desk on one data folder): it
waits for a start file, then appends its rows as fast as it can.  Every row must be there afterwards, once,
and the hash chain must verify; a writer killed mid-append leaves the old journal or the new one, never a
torn file, and the next append goes on from it.
"""

from __future__ import annotations

import os
import platform
import select
import signal
import subprocess
import sys
import threading
import time
from typing import Any
from pathlib import Path

import pytest

from core.errors import Cancelled, Interrupted
from core.file_locks import open_lock, try_lock
from core.jurisdictions import profile
from core.keys import UnlockedKey
from core.lock_holder import Holder, write_holder
from core.notary_journal import JOURNAL_BUSY, NotaryJournal
from core.signing import address_of_private_key, checksum_address

ROOT = Path(__file__).resolve().parents[2]

# argv: folder, secret (hex), worker, rows, start file, kill ("", "before" or "after" the rename of row 0)
_WRITER = r"""
import os, signal, sys, time
from pathlib import Path
import core.outfiles
from core.jurisdictions import profile
from core.keys import UnlockedKey
from core.notary_journal import NotaryJournal
from core.signing import address_of_private_key, checksum_address

folder, secret, worker, rows, start, kill = sys.argv[1:7]
key = UnlockedKey("notary", checksum_address(address_of_private_key(bytes.fromhex(secret))), bytes.fromhex(secret))
if kill:
    replace = os.replace

    def dying_replace(src, dst):  # the journal's atomic rewrite, killed on either side of its rename
        if kill == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        replace(src, dst)
        os.kill(os.getpid(), signal.SIGKILL)

    core.outfiles.os.replace = dying_replace
while not Path(start).exists():
    time.sleep(0.001)
journal = NotaryJournal(folder)
for n in range(int(rows)):
    journal.append(key, row_type="refusal", profile=profile("generic"), act={"entryIndex": n}, reason=f"w{worker} r{n}")
"""


def _secret() -> tuple[str, UnlockedKey]:
    secret = os.urandom(32)
    return secret.hex(), UnlockedKey("notary", checksum_address(address_of_private_key(secret)), secret)


def _writers(folder: Path, secret: str, count: int, rows: int, kill: str = "") -> list[subprocess.Popen[bytes]]:
    start = folder / "start"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(folder), secret, str(w), str(rows), str(start), kill],
            env=env,
            stderr=subprocess.PIPE,
        )
        for w in range(count)
    ]
    time.sleep(1.0)  # every writer imported and polling for the start
    start.touch()
    return procs


def test_concurrent_writers_lose_no_row(tmp_path: Path) -> None:
    secret, key = _secret()
    writers, rows = 4, 25
    procs = _writers(tmp_path, secret, writers, rows)
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    journal = NotaryJournal(tmp_path)
    check = journal.verify(key.address)
    assert check.ok, check.reason
    reasons = sorted(str(r.data["reason"]) for r in journal.rows())
    assert reasons == sorted(f"w{w} r{n}" for w in range(writers) for n in range(rows))  # each row once


def _killed_at_rename(tmp_path: Path, when: str) -> tuple[UnlockedKey, NotaryJournal]:
    secret, key = _secret()
    journal = NotaryJournal(tmp_path)
    for n in range(3):
        journal.append(key, row_type="refusal", profile=profile("generic"), act={"entryIndex": n}, reason=f"first {n}")
    (proc,) = _writers(tmp_path, secret, 1, 1, kill=when)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    return key, journal


def test_a_kill_before_the_rename_leaves_the_old_journal(tmp_path: Path) -> None:
    key, journal = _killed_at_rename(tmp_path, "before")
    check = journal.verify(key.address)
    assert check.ok and check.rows == 3, check.reason
    # the dead writer's lock went with it: the next append goes on from the old journal
    journal.append(key, row_type="refusal", profile=profile("generic"), reason="after the kill")
    assert journal.verify(key.address).rows == 4


def test_a_kill_after_the_rename_leaves_the_new_journal(tmp_path: Path) -> None:
    key, journal = _killed_at_rename(tmp_path, "after")
    check = journal.verify(key.address)
    assert check.ok and check.rows == 4, check.reason
    assert journal.rows()[-1].data["reason"] == "w0 r0"
    journal.append(key, row_type="refusal", profile=profile("generic"), reason="after the kill")
    assert journal.verify(key.address).rows == 5


def _held(journal: NotaryJournal) -> int:
    """The journal's lock, held as another process would (flock: a second open file conflicts even in-process)."""
    fd = open_lock(journal.path.with_name(".journal.jsonl.lock"), "the test's journal", "")
    assert try_lock(fd)
    return fd


def test_a_writer_waits_for_the_one_holding_the_journal_and_says_so(tmp_path: Path) -> None:
    _, key = _secret()
    journal = NotaryJournal(tmp_path)
    journal.append(key, row_type="refusal", profile=profile("generic"), reason="first")
    holder, said = _held(journal), []
    threading.Timer(0.3, os.close, (holder,)).start()  # the other writer finishes
    started = time.monotonic()
    journal.append(key, row_type="refusal", profile=profile("generic"), reason="second", waiting=said.append)
    assert time.monotonic() - started >= 0.25
    assert said == ["Another program is writing in the notary's journal; waiting for it to finish\u2026"]
    assert journal.verify(key.address).rows == 2


@pytest.mark.parametrize("who", ["another program", "this program"])
def test_a_writer_waiting_names_the_program_holding_the_journal(tmp_path: Path, who: str) -> None:
    """The holder wrote who it is in the lock file (core.lock_holder): the waiting writer names it, unless it is
    this very process (another window's worker): "Another program" would then be untrue."""
    _, key = _secret()
    journal = NotaryJournal(tmp_path)
    journal.append(key, row_type="refusal", profile=profile("generic"), reason="first")
    lock_file = journal.path.with_name(".journal.jsonl.lock")
    assert lock_file.read_bytes() == b""  # an append that ended took its words away
    holder, said = _held(journal), []
    pid = os.getppid() if who == "another program" else os.getpid()  # the parent: a process that runs
    write_holder(holder, Holder(pid, platform.node(), None, int(time.time())))
    threading.Timer(0.3, os.close, (holder,)).start()
    journal.append(key, row_type="refusal", profile=profile("generic"), reason="second", waiting=said.append)
    if who == "this program":
        assert said == ["Another program is writing in the notary's journal; waiting for it to finish\u2026"]
    else:
        (sentence,) = said
        assert sentence.startswith(
            f"Another program is writing in the notary's journal (process {pid} on {platform.node()}, since "
        ), sentence
        assert sentence.endswith("); waiting for it to finish\u2026")
    assert journal.verify(key.address).rows == 2 and lock_file.read_bytes() == b""


def test_ctrl_c_while_waiting_is_one_sentence_and_adds_nothing(tmp_path: Path) -> None:
    _, key = _secret()
    journal = NotaryJournal(tmp_path)
    journal.append(key, row_type="refusal", profile=profile("generic"), reason="first")
    before = journal.path.read_bytes()
    holder = _held(journal)

    def ctrl_c(*_: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, ctrl_c)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(Interrupted, match=r"^Stopped waiting for the notary's journal; nothing was added to it\.$"):
            journal.append(key, row_type="refusal", profile=profile("generic"), reason="second", waiting=print)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        os.close(holder)
    assert journal.path.read_bytes() == before


def test_threads_of_one_process_lose_no_row_either(tmp_path: Path) -> None:
    # flock belongs to each open file, so two windows' workers in one process wait for each other too
    _, key = _secret()
    journal = NotaryJournal(tmp_path)

    def write(worker: int) -> None:
        for n in range(15):
            journal.append(key, row_type="refusal", profile=profile("generic"), reason=f"t{worker} r{n}")

    threads = [threading.Thread(target=write, args=(w,)) for w in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check = journal.verify(key.address)
    assert check.ok and check.rows == 45, check.reason


def _has_open(pid: int, path: str) -> bool:
    try:
        return any(os.readlink(fd) == path for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # an fd closed, or the process ended, while looking
        return False


def _journal_with_a_row(tmp_path: Path) -> NotaryJournal:
    """A notary's key ("notary", its password in tmp_path/pw) and a journal of one row it signed."""
    from core.keys import DEMO_SCRYPT_N, KeyStore
    from core.paths import DataDir

    keys = KeyStore(DataDir.resolve(tmp_path).ensure().keys)
    keys.create("notary", "correct horse battery", n=DEMO_SCRYPT_N)
    journal = NotaryJournal(tmp_path)
    journal.append(keys.unlock("notary", "correct horse battery"), row_type="refusal", profile=profile("generic"))
    (tmp_path / "pw").write_text("correct horse battery\n")
    return journal


def _void_row_0(tmp_path: Path, **popen: Any) -> "subprocess.Popen[str]":
    """`deedbook journal void 0` in a process of its own, its output piped."""
    argv = ["--data-dir", str(tmp_path), "journal", "void", "0", "--reason", "r", "--key", "notary"]
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", *argv, "--password-file", str(tmp_path / "pw")],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="watches /proc for the wait")
def test_ctrl_c_on_the_command_line_while_it_waits_is_one_sentence(tmp_path: Path) -> None:
    journal = _journal_with_a_row(tmp_path)
    before, holder = journal.path.read_bytes(), _held(journal)
    proc = _void_row_0(tmp_path, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # a terminal's
    try:
        lock = str(journal.path.with_name(".journal.jsonl.lock"))
        deadline = time.monotonic() + 60
        while not _has_open(proc.pid, lock):
            assert time.monotonic() < deadline and proc.poll() is None, "the command never reached the lock"
            time.sleep(0.02)
        time.sleep(0.5)  # from its open to its wait
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(holder)
    assert proc.returncode == 130
    assert (out, err) == (
        "",
        f"deedbook: {JOURNAL_BUSY}\ndeedbook: Stopped waiting for the notary's journal; nothing was added to it.\n",
    )
    assert journal.path.read_bytes() == before


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="watches /proc for the wait")
def test_the_command_line_says_once_on_stderr_that_it_waits_then_appends(tmp_path: Path) -> None:
    """`deedbook journal void` (as `sign` of an attestation and its refusal) waiting for another writer says the
    desk's sentence on stderr once, while it waits, also when stderr is a pipe (it said it on a terminal only)."""
    journal = _journal_with_a_row(tmp_path)
    holder = _held(journal)
    proc = _void_row_0(tmp_path)
    try:
        assert proc.stderr is not None
        ready, _, _ = select.select([proc.stderr], [], [], 60)
        assert ready, "nothing said while waiting"
        first = proc.stderr.readline()
        assert proc.poll() is None  # said while it still waits
        assert journal.verify().rows == 1
    finally:
        os.close(holder)  # the other writer finishes
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert first + err == f"deedbook: {JOURNAL_BUSY}\n"
    assert out == "Journal row 1: void of row 0.\n"
    assert [row.type for row in journal.rows()] == ["refusal", "void"]


def test_cancel_while_waiting_ends_the_wait_and_adds_nothing(tmp_path: Path) -> None:
    """The desk's Cancel: `cancelled()` is asked while the journal is held; its answer ends the wait."""
    _, key = _secret()
    journal = NotaryJournal(tmp_path)
    journal.append(key, row_type="refusal", profile=profile("generic"), reason="first")
    before, holder, said = journal.path.read_bytes(), _held(journal), []
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    try:
        with pytest.raises(Cancelled, match=r"^Stopped waiting for the notary's journal; nothing was added to it\.$"):
            journal.append(
                key,
                row_type="refusal",
                profile=profile("generic"),
                reason="second",
                waiting=said.append,
                cancelled=stop.is_set,
            )
    finally:
        os.close(holder)
    assert said == [JOURNAL_BUSY] and journal.path.read_bytes() == before
