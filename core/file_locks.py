"""One process at a time: an exclusive lock on a small file, which the operating system lets go of when the
process dies (flock on POSIX, msvcrt.locking on Windows).  The witness (core.witness.witness_lock), a
replica's sync (core.replica_start.SyncLock) and the notary's journal (core.notary_journal.journal_lock) each
hold one."""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from core.errors import Cancelled, DeedbookError


def open_lock(path: Path, what: str, nothing: str) -> int:
    """The lock file's descriptor (made if missing); a folder that cannot hold it is one sentence:
    "Cannot lock `what` (why); `nothing`." """
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise DeedbookError(f"Cannot lock {what} ({error.strerror or error}); {nothing}") from None


def try_lock(fd: int) -> bool:
    """Take the lock if no other process holds it; False if one does."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def lock(fd: int) -> None:
    """Take the lock, waiting as long as another process holds it.  Closing `fd` lets go of it."""
    if sys.platform == "win32":
        import msvcrt

        while True:  # LK_LOCK gives up after about 10 seconds: wait as long as the other holder runs
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                return
            except OSError as error:
                if error.errno not in (errno.EDEADLK, errno.EACCES):
                    raise
                time.sleep(1)
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_EX)


WAIT_POLL_SECONDS = 0.2


def lock_unless(
    fd: int, cancelled: Callable[[], bool], stopped: str, meanwhile: Callable[[], None] | None = None
) -> None:
    """`lock`, looking every fraction of a second whether the person stopped waiting (a blocked flock cannot
    be interrupted from another thread): `Cancelled(stopped)` when `cancelled()` says so; `meanwhile()` runs
    between two looks."""
    while not try_lock(fd):
        if cancelled():
            raise Cancelled(stopped)
        time.sleep(WAIT_POLL_SECONDS)
        if meanwhile is not None:
            meanwhile()
