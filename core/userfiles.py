"""Reading what a person hands us: a file they chose, JSON from somewhere else.

Every file a person names goes through `open_user_file`: only a regular file is
opened (a device, FIFO or socket is refused before it is opened, and again on the
opened descriptor, so `/dev/zero` cannot fill memory and a FIFO cannot hang), and
size limits count the bytes actually read, not what `stat` claims.

Everything that can go wrong is one sentence (a DeedbookError, or the subclass the
caller names), never a traceback.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

from core.errors import DeedbookError
from core.wording import counted

DEFAULT_MAX_BYTES = 64 * 2**20  # no file a person hands us needs more; callers set tighter limits
LINE_MAX_BYTES = 64 * 1024  # a password or identity-number file: one short line

# A JSON string to its closing quote (or the end when unterminated), possessively: linear on any input.
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# O_NONBLOCK: should a FIFO slip in between stat and open, opening it must not wait for a writer.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def describe_size(count: int) -> str:
    """A byte count as people read it: '512 bytes', '64 KB', '1.5 MB', '1 GB' (never '0 MB')."""
    for unit, size in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if count >= size:
            value = count / size
            return f"{value:.0f} {unit}" if value >= 10 or value == int(value) else f"{value:.1f} {unit}"
    return counted(count, 'byte')


def describe_kind(mode: int) -> str:
    """What a file's mode says it is, as people say it: 'a folder', 'a file', 'a pipe (FIFO)'..."""
    return (
        "a folder"
        if stat.S_ISDIR(mode)
        else "a file"
        if stat.S_ISREG(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )


def _not_regular(p: Path, what: str, mode: int, error: type[DeedbookError]) -> DeedbookError:
    if stat.S_ISDIR(mode):
        return error(f"{p} is a folder, not {what}.")
    return error(f"{p} is {describe_kind(mode)}, not {what}; give a regular file.")


def check_user_folder(path: str | os.PathLike[str], what: str, *, error: type[DeedbookError] = DeedbookError) -> Path:
    """`path` names a folder that is there (a file, a FIFO or a dangling link chosen as a folder is
    refused in a sentence, rather than offered a ledger or listed)."""
    p = Path(path)
    try:
        mode = os.stat(p).st_mode
    except (FileNotFoundError, NotADirectoryError, ValueError):  # ValueError: a NUL in the name
        raise error(f"There is no folder {p}.") from None
    except OSError as problem:
        raise error(f"{p} cannot be read ({problem.strerror or problem}).") from None
    if not stat.S_ISDIR(mode):
        raise error(f"{p} is {describe_kind(mode)}, not {what}.")
    return p


def check_user_file(
    path: str | os.PathLike[str],
    what: str,
    *,
    error: type[DeedbookError] = DeedbookError,
    max_bytes: int | None = None,
) -> Path:
    """`path` names a regular file (looked at with stat, never opened: a FIFO cannot block here), of at
    most `max_bytes` when given (for a file another library will read, such as a PDF shown on screen)."""
    p = Path(path)
    try:
        status = os.stat(p)
    except (FileNotFoundError, NotADirectoryError):
        raise error(f"There is no file {p}.") from None
    except OSError as problem:
        raise error(f"{p} cannot be read ({problem.strerror or problem}).") from None
    except ValueError:  # a NUL in the name
        raise error(f"There is no file {p}.") from None
    if not stat.S_ISREG(status.st_mode):
        raise _not_regular(p, what, status.st_mode, error)
    if max_bytes is not None and status.st_size > max_bytes:
        raise error(f"{p} is too large to be {what} (over {describe_size(max_bytes)}).")
    return p


def open_user_file(path: str | os.PathLike[str], what: str, *, error: type[DeedbookError] = DeedbookError) -> BinaryIO:
    """The opened file a person chose, refused unless it is a regular file; the caller closes it."""
    p = check_user_file(path, what, error=error)
    try:
        fd = os.open(p, _OPEN_FLAGS)
    except (FileNotFoundError, NotADirectoryError):
        raise error(f"There is no file {p}.") from None
    except IsADirectoryError:
        raise error(f"{p} is a folder, not {what}.") from None
    except OSError as problem:
        raise error(f"{p} cannot be read ({problem.strerror or problem}).") from None
    mode = os.fstat(fd).st_mode  # the file opened may not be the one looked at
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _not_regular(p, what, mode, error)
    return os.fdopen(fd, "rb")


def read_user_file(
    path: str | os.PathLike[str],
    what: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    error: type[DeedbookError] = DeedbookError,
) -> bytes:
    """The bytes of a file a person chose; `what` names what it should be ("a CSV file").

    At most `max_bytes + 1` bytes are ever read, so a file that grows while it is
    read, or lies about its size, is refused like one that is too large.
    """
    p = Path(path)
    too_large = error(f"{p} is too large to be {what} (over {describe_size(max_bytes)}).")
    with open_user_file(p, what, error=error) as handle:
        try:
            if os.fstat(handle.fileno()).st_size > max_bytes:
                raise too_large  # refused before a byte is read
            chunks, total = [], 0
            while total <= max_bytes:
                chunk = handle.read(min(max_bytes + 1 - total, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        except OSError as problem:
            raise error(f"{p} cannot be read ({problem.strerror or problem}).") from None
    if total > max_bytes:
        raise too_large
    return b"".join(chunks)


def read_user_text(
    path: str | os.PathLike[str],
    what: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    error: type[DeedbookError] = DeedbookError,
) -> str:
    """A text file a person chose, decoded as UTF-8 (a byte-order mark is allowed)."""
    raw = read_user_file(path, what, max_bytes=max_bytes, error=error)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{Path(path)} is not UTF-8 text, so it cannot be {what}.") from None


def read_first_line(path: str | os.PathLike[str], what: str, *, error: type[DeedbookError] = DeedbookError) -> str:
    """The first line of a short text file (a password, an identity number), without its line break."""
    text = read_user_text(path, what, max_bytes=LINE_MAX_BYTES, error=error)
    return text.split("\n", 1)[0].rstrip("\r")


def json_nests_deeper_than(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than `limit`: very deep JSON can exhaust
    the C stack of the decoder, so files from elsewhere are measured before they are parsed."""
    depth = 0
    for ch in _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)):
        depth += 1 if ch in "[{" else -1
        if depth > limit:
            return True
    return False
