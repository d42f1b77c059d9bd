"""The small part of CBOR (RFC 8949) URs need, written deterministically and read strictly.

Values: unsigned and negative integers, byte strings, text, arrays, maps, tags,
booleans and null.  `dumps` writes the deterministic form the UR specification
requires (shortest lengths, map keys sorted by their encoded bytes).  `loads`
reads definite-length items only (a longer head than needed is accepted, as other
writers may pad), refuses anything left over, and bounds depth and sizes by the
input it was given, so a scanned part can never make it build
more than it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.ur.errors import UrError

MAX_DEPTH = 16  # eth-sign-request nests 3 deep; nothing a UR carries here needs more


@dataclass(frozen=True)
class Tagged:
    """A CBOR tag and the value it wraps (#6.37 for a UUID, #6.304 for a key path)."""

    tag: int
    value: Any


def _head(major: int, value: int) -> bytes:
    if value < 0:
        raise ValueError("CBOR heads are unsigned.")
    if value < 24:
        return bytes([major << 5 | value])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | extra]) + value.to_bytes(size, "big")
    raise ValueError("A CBOR integer holds at most 64 bits.")


def dumps(value: Any) -> bytes:
    if value is False:
        return b"\xf4"
    if value is True:
        return b"\xf5"
    if value is None:
        return b"\xf6"
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, (bytes, bytearray)):
        return _head(2, len(value)) + bytes(value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, (list, tuple)):
        return _head(4, len(value)) + b"".join(dumps(item) for item in value)
    if isinstance(value, dict):
        pairs = sorted((dumps(k), dumps(v)) for k, v in value.items())  # deterministic: by encoded key
        return _head(5, len(pairs)) + b"".join(k + v for k, v in pairs)
    if isinstance(value, Tagged):
        return _head(6, value.tag) + dumps(value.value)
    raise TypeError(f"CBOR cannot hold a {type(value).__name__}.")


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, count: int) -> bytes:
        if count > len(self.data) - self.at:
            raise UrError("The CBOR data ends in the middle of an item.")
        chunk = self.data[self.at : self.at + count]
        self.at += count
        return chunk

    def head(self) -> tuple[int, int, int]:
        first = self.take(1)[0]
        major, info = first >> 5, first & 0x1F
        if info < 24:
            return major, info, info
        if info in (24, 25, 26, 27):
            size = 1 << (info - 24)
            return major, info, int.from_bytes(self.take(size), "big")
        raise UrError("The CBOR data uses indefinite lengths or reserved values, which URs never hold.")

    def item(self, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise UrError("The CBOR data nests too deep.")
        major, info, value = self.head()
        if major == 0:
            return value
        if major == 1:
            return -1 - value
        if major == 2:
            return self.take(value)
        if major == 3:
            try:
                return self.take(value).decode("utf-8")
            except UnicodeDecodeError:
                raise UrError("The CBOR data holds text that is not UTF-8.") from None
        if major == 4:
            if value > len(self.data) - self.at:  # every item takes at least a byte
                raise UrError("The CBOR data announces more items than it holds.")
            return [self.item(depth + 1) for _ in range(value)]
        if major == 5:
            if 2 * value > len(self.data) - self.at:
                raise UrError("The CBOR data announces more items than it holds.")
            result: dict[Any, Any] = {}
            for _ in range(value):
                key = self.item(depth + 1)
                if not isinstance(key, (int, str)):
                    raise UrError("The CBOR data has a map key that is neither a number nor text.")
                if key in result:
                    raise UrError("The CBOR data repeats a map key.")
                result[key] = self.item(depth + 1)
            return result
        if major == 6:
            return Tagged(value, self.item(depth + 1))
        if info == 20:
            return False
        if info == 21:
            return True
        if info == 22:
            return None
        raise UrError("The CBOR data holds a value URs never carry (a float or an undefined value).")


def loads(data: bytes) -> Any:
    """The one CBOR item `data` holds; a `UrError` sentence for anything else."""
    reader = _Reader(bytes(data))
    value = reader.item(0)
    if reader.at != len(reader.data):
        raise UrError("The CBOR data has bytes after its item.")
    return value
