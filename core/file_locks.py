"""One process at a time: an exclusive lock on a small file, which the operating system lets go of when the
process dies (flock on POSIX, msvcrt.locking on Windows).  The witness (core.witness.witness_lock) and a
replica's sync (core.replica_start.SyncLock) each hold one."""

from __future__ import annotations

import errno
import os
import sys
import time
from pathlib import Path

from core.errors import DeedbookError


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
