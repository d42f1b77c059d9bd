"""A lock file that says who holds it, so that one who must wait can say whom it waits for.

The process that takes a lock (core.file_locks) writes into the lock file its process id, its host, what it
works from (a sync's source) and since when; one that finds the lock taken reads that.  The lock itself is the
operating system's: the words are advice, never trusted for the lock.  They may be missing (an older version
holds the lock, or the holder has not written yet), half-written (read between truncating and writing),
stale (a holder killed leaves them: whoever takes the lock next writes over them) or anything at all.
Whatever is not as written reads as no holder (None), and the waiting sentence is then the plain one.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.dates import format_local
from core.errors import one_line
from core.shown_urls import shown_url

FORMAT = "deedbook-lock-holder/1"
# On Windows msvcrt.locking makes byte 0 unreadable to every other process while it is locked: the words start
# after it.
SKIP = b"\n"
MAX_BYTES = 32_768  # more than a holder writes (two texts of MAX_TEXT, each escaped): a larger file is not one
MAX_TEXT = 1000  # a host's or a source's characters, as read
SHOWN_SOURCE = 120  # as said in a sentence
CLOCK_SLACK = 2  # seconds: Linux gives a process's start to a clock tick, its boot time to the second


@dataclass(frozen=True)
class Holder:
    """Who holds a lock: `pid` on `host`, working from `source` (None: nothing to say), since `since`
    (Unix seconds)."""

    pid: int
    host: str
    source: str | None
    since: int

    @classmethod
    def me(cls, source: str | None = None, now: int | None = None) -> "Holder":
        """This process, now (a source's user:password, if a URL carries one, left out)."""
        shown = shown_url(source)[:MAX_TEXT] if source else None
        return cls(os.getpid(), platform.node()[:MAX_TEXT], shown, int(time.time()) if now is None else now)

    def as_bytes(self) -> bytes:
        data = {"format": FORMAT, "pid": self.pid, "host": self.host, "since": _iso(self.since)}
        if self.source is not None:
            data["source"] = self.source
        return SKIP + json.dumps(data).encode("ascii") + b"\n"  # escaped: a path's undecodable bytes too

    def words(self, *, now: float | None = None, source_limit: int = SHOWN_SOURCE, host_limit: int = 100) -> str:
        """'from SOURCE, process 4242 on HOST, since 14:03 UTC+1': the time on this machine's clock, its
        offset named, and its day too when that is not today here; a longer source keeps its end."""
        source = f"from {_end(self.source, source_limit)}, " if self.source else ""
        host = f" on {one_line(self.host, host_limit)}" if self.host else ""  # a machine may have no name to give
        return f"{source}process {self.pid}{host}, since {_local_time(self.since, now)}"


def write_holder(fd: int, holder: Holder) -> None:
    """Say in the lock file (`fd`, its lock held) who holds it: best effort, the lock does not depend on it."""
    with contextlib.suppress(OSError):
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, holder.as_bytes())


def clear_holder(fd: int) -> None:
    """Take the words away before letting go of the lock, so that they never name a holder that has ended
    (best effort: a holder killed leaves them, and `read_holder` looks whether its process still runs)."""
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)


def read_holder(path: Path) -> Holder | None:
    """Who the lock file says holds it, if it says so as written and that can still be true (None otherwise).
    Read through a file of its own: the waiter's lock descriptor keeps its place (Windows locks from there)."""
    try:
        with path.open("rb") as file:
            file.seek(len(SKIP))
            data = file.read(MAX_BYTES + 1)
    except OSError:
        return None
    holder = parse_holder(SKIP + data)
    return holder if holder is not None and not _ended(holder) else None


def parse_holder(data: bytes) -> Holder | None:
    """The holder `Holder.as_bytes` wrote; anything else (empty, cut short, another format, any bytes) None."""
    if len(data) > MAX_BYTES or not data.startswith(SKIP):
        return None
    try:
        found = json.loads(data[len(SKIP) :].decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(found, dict) or found.get("format") != FORMAT:
        return None
    pid, host, source, since = (found.get(key) for key in ("pid", "host", "source", "since"))
    started = _instant(since)
    if not (
        type(pid) is int
        and 0 < pid < 2**31
        and isinstance(host, str)
        and len(host) <= MAX_TEXT
        and (source is None or (isinstance(source, str) and 0 < len(source) <= MAX_TEXT))
        and started is not None
    ):
        return None
    return Holder(pid, host, source, started)


def _end(text: str, limit: int) -> str:
    """`text` as one printable line, its last `limit` characters when longer (a path's or a URL's end names
    it: /home/clerk/offices/…/county)."""
    shown = one_line(text, len(text) * 8 + 1)  # a character escaped is at most 8 ('\\x10ffff'): none cut here
    return shown if len(shown) <= limit else "\u2026" + shown[len(shown) - limit + 1 :]


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _instant(text: object) -> int | None:
    """ISO 8601 in UTC, as `_iso` writes it, as Unix seconds."""
    if not isinstance(text, str) or len(text) != 20 or not text.endswith("Z"):
        return None
    try:
        return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())
    except (ValueError, OverflowError, OSError):
        return None


def _local_time(seconds: int, now: float | None) -> str:
    """'14:03 UTC+1' today, '2026-11-30 14:03 UTC+1' another day (as the desktop writes local times)."""
    shown = format_local(seconds)
    today = format_local(int(time.time() if now is None else now))[:11]
    return shown[11:] if shown[:11] == today and shown[10:11] == " " else shown


def _ended(holder: Holder) -> bool:
    """Whether the words are stale: the holder was on this host and its process is gone, or the process now
    with its id started after the words were written (the id was given again).  A lock a process held is let go
    of when it ends, so another process holds it now that did not say so (an older version, or one that has not
    written yet): naming the one that ended would be untrue."""
    if holder.host != platform.node():
        return False  # another machine's processes cannot be seen from here
    if sys.platform == "win32":
        return False  # os.kill there would end the process, not look for it
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it runs (as another user: PermissionError)
    started = _process_start(holder.pid)
    return started is not None and started > holder.since + CLOCK_SLACK


def _process_start(pid: int) -> float | None:
    """When process `pid` started, in Unix seconds (Linux's /proc; None elsewhere or when unreadable)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(line for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime "))
        ticks = int(stat.rpartition(")")[2].split()[19])  # field 22, counted after the name (which may hold spaces)
        return int(boot.split()[1]) + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None
