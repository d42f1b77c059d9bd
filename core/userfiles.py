"""Reading what a person hands us: a file they chose, JSON from somewhere else.

Everything that can go wrong is one sentence (a DeedbookError, or the subclass the
caller names), never a traceback.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from core.errors import DeedbookError

# A JSON string to its closing quote (or the end when unterminated), possessively: linear on any input.
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def read_user_file(path: str | os.PathLike[str], what: str, *, max_bytes: int | None = None,
                   error: type[DeedbookError] = DeedbookError) -> bytes:
    """The bytes of a file a person chose; `what` names what it should be ("a CSV file")."""
    p = Path(path)
    try:
        if max_bytes is not None and p.stat().st_size > max_bytes:
            raise error(f"{p} is too large to be {what} (over {max_bytes // 2**20} MB).")
        return p.read_bytes()
    except FileNotFoundError:
        raise error(f"There is no file {p}.") from None
    except IsADirectoryError:
        raise error(f"{p} is a folder, not {what}.") from None
    except OSError as problem:
        raise error(f"{p} cannot be read ({problem.strerror or problem}).") from None


def json_nests_deeper_than(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than `limit`: very deep JSON can exhaust
    the C stack of the decoder, so files from elsewhere are measured before they are parsed."""
    depth = 0
    for ch in _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)):
        depth += 1 if ch in "[{" else -1
        if depth > limit:
            return True
    return False
