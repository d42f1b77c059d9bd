"""Writing a file a person named: a PDF, a proof, a signed response, an exported key or table.

One writer for every output, so each gets the same guarantees:

- atomic: the bytes go to a temporary file in the same folder, which is then
  linked or renamed into place, so a half-written file never exists;
- never through a symlink: a name that is a symlink (even a dangling one) is
  refused, and the final rename replaces a name, never writes into a target;
- never over an existing file unless `force=True` (without it the temporary file
  is hard-linked into place, which fails if the name was taken meanwhile; the
  refusal carries `Remedy.OVERWRITE`, which each front end words its own way);
- a missing or read-only folder, or a name that is a folder, is one sentence, said by `check_output`
  before any work (it creates and removes a file there to know).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

from core.errors import DeedbookError, Remedy


def _read_umask() -> int:
    current = os.umask(0o022)  # read once, at import: changing it later would race other threads
    os.umask(current)
    return current


_UMASK = _read_umask()


def _refuse_target(p: Path, force: bool) -> None:
    if p.is_symlink():
        raise DeedbookError(f"{p} is a symbolic link; Deedbook does not write through links: choose another name.")
    if p.is_dir():
        raise DeedbookError(f"{p} is a folder: give a file name, e.g. {p / 'output'}.")
    if p.exists():
        if not p.is_file():
            raise DeedbookError(f"{p} is not a regular file; choose another name.")
        if not force:
            raise DeedbookError(f"{p} exists already; choose another name.", remedy=Remedy.OVERWRITE)


def _folder_problem(folder: Path, error: OSError) -> DeedbookError:
    if error.errno == errno.EROFS:
        return DeedbookError(f"The folder {folder} is on a read-only disk; choose another folder.")
    if error.errno in (errno.EACCES, errno.EPERM):
        return DeedbookError(f"The folder {folder} cannot be written to (permission denied); choose another folder.")
    if error.errno == errno.ENOSPC:
        return DeedbookError(f"The disk holding {folder} is full; nothing was written.")
    return DeedbookError(f"Cannot write in the folder {folder} ({error.strerror or error}).")


def output_folder(path: str | os.PathLike[str]) -> Path:
    """A folder files are to be written in, made if missing; a sentence if something else is there
    (a file, a FIFO, a link to nothing), said before any work is done."""
    from core.userfiles import describe_kind

    folder = Path(path)
    try:
        mode = os.stat(folder).st_mode
    except FileNotFoundError:
        if os.path.islink(folder):
            raise DeedbookError(f"{folder} is a link to a folder that is not there; choose another folder.") from None
    except OSError as error:
        raise _folder_problem(folder, error) from None
    else:
        if not stat.S_ISDIR(mode):
            raise DeedbookError(f"{folder} is {describe_kind(mode)}, not a folder; choose another folder.")
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _folder_problem(folder, error) from None
    return folder


def writable_folder(path: str | os.PathLike[str]) -> Path:
    """`output_folder`, and a file can be made there (a read-only mount, a full disk's last inode): for a job
    that writes several files of its own naming, said before it starts."""
    folder = output_folder(path)
    _probe_writable(folder)
    return folder


def check_output(path: str | os.PathLike[str], *, force: bool = False, make_folder: bool = False) -> Path:
    """Whether `path` can be written (call it before long work); a sentence if not. `write_output` checks again."""
    p = Path(path)
    if not p.name or p.name in (".", ".."):
        raise DeedbookError(f"{path} is not a file name.")
    _refuse_target(p, force)
    folder = p.parent
    if make_folder:
        output_folder(folder)
    if not folder.is_dir():
        raise DeedbookError(f"The folder {folder} does not exist; create it first or choose another.")
    _probe_writable(folder)
    return p


def _probe_writable(folder: Path) -> None:
    """Create and remove a file in `folder`: a read-only mount, a folder without write permission or a full
    disk is said now, before the caller records anything, not when its output is finally written."""
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".deedbook-", suffix=".probe")
    except OSError as error:
        raise _folder_problem(folder, error) from None
    os.close(fd)
    os.unlink(probe)


def write_output(
    path: str | os.PathLike[str],
    data: bytes | str,
    *,
    force: bool = False,
    private: bool = False,
    make_folder: bool = False,
) -> Path:
    """Write `data` (text is UTF-8) to `path` atomically; returns the path written.

    `private` makes the file owner-only (0600), for keystores; `make_folder`
    creates a missing folder (the data folder's own subfolders), otherwise a
    missing folder is refused.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return write_output_with(
        path, lambda handle: handle.write(payload), force=force, private=private, make_folder=make_folder
    )


def write_output_with(
    path: str | os.PathLike[str],
    write: Callable[[BinaryIO], object],
    *,
    force: bool = False,
    private: bool = False,
    make_folder: bool = False,
) -> Path:
    """`write_output` of what `write(handle)` writes, piece by piece (a file too large to hold whole): the
    temporary file is put in place only once `write` returns; anything it raises leaves no file."""
    p = check_output(path, force=force, make_folder=make_folder)
    folder = p.parent
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".deedbook-", suffix=".tmp")
    except OSError as error:
        raise _folder_problem(folder, error) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600 if private else 0o666 & ~_UMASK)  # mkstemp made it 0600; a plain file follows the umask
        _put_in_place(tmp, p, force)
    except DeedbookError:
        raise
    except OSError as error:
        raise _folder_problem(folder, error) from None
    finally:
        tmp.unlink(missing_ok=True)
    return p


def _put_in_place(tmp: Path, p: Path, force: bool) -> None:
    if force:
        _refuse_target(p, force)  # one planted after this look is replaced by the rename, never followed
        os.replace(tmp, p)
        return
    try:
        os.link(tmp, p)  # fails if the name exists by now: no check-then-write race
    except FileExistsError:
        raise DeedbookError(f"{p} exists already; choose another name.", remedy=Remedy.OVERWRITE) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        _refuse_target(p, force)  # a file system without hard links: check, then rename
        os.replace(tmp, p)
