"""Uniform Resources (BCR-2020-005): `ur:<type>/<bytewords>` for one part, `ur:<type>/<n>-<m>/<bytewords>`
for part n of a message in m fragments (n > m: a fountain mix).

`encode_parts` cuts a CBOR message into parts; `UrDecoder` takes scanned texts
in any order, ignores repeats, and gives the type and the CBOR message once it
has enough parts.  Texts are case-insensitive (QR codes carry them upper case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.ur import bytewords
from core.ur.errors import UrError
from core.ur.fountain import FountainDecoder, FountainEncoder, Part

_TYPE = re.compile(r"[a-z0-9-]+")
_SEQ = re.compile(r"([1-9][0-9]{0,9})-([1-9][0-9]{0,9})")
MAX_TEXT = 8192  # one QR code holds at most 4,296 alphanumeric characters


@dataclass(frozen=True)
class UR:
    type: str
    cbor: bytes

    def __post_init__(self) -> None:
        if not _TYPE.fullmatch(self.type):
            raise ValueError(f"{self.type!r} is not a UR type (lower-case letters, digits and hyphens).")


def encode_single(ur: UR) -> str:
    return f"ur:{ur.type}/{bytewords.encode_minimal(ur.cbor)}"


def encode_parts(ur: UR, max_fragment_len: int, count: int | None = None, *, first_seq_num: int = 0) -> list[str]:
    """`count` parts (default: the minimal set, one per fragment); a single-part UR when one fragment holds it."""
    encoder = FountainEncoder(ur.cbor, max_fragment_len, first_seq_num)
    if encoder.seq_len == 1 and count is None:
        return [encode_single(ur)]
    return [encode_part(ur.type, encoder.next_part()) for _ in range(count or encoder.seq_len)]


def encode_part(ur_type: str, part: Part) -> str:
    return f"ur:{ur_type}/{part.seq_num}-{part.seq_len}/{bytewords.encode_minimal(part.cbor())}"


@dataclass(frozen=True)
class ParsedPart:
    type: str
    part: Part | None  # None: a single-part UR
    body: bytes  # the CBOR message (single part) or the fragment's CBOR (multi-part)


def parse(text: str) -> ParsedPart:
    """One scanned text as a UR part; a `UrError` sentence if it is not one."""
    if len(text) > MAX_TEXT:
        raise UrError("This QR code holds far more text than a UR part.")
    lower = text.strip().lower()
    if not lower.startswith("ur:"):
        raise UrError("This QR code is not a UR (its text does not start with 'ur:').")
    pieces = lower[3:].split("/")
    if len(pieces) not in (2, 3) or not _TYPE.fullmatch(pieces[0]):
        raise UrError("This QR code's text is not a well-formed UR.")
    body = bytewords.decode_minimal(pieces[-1])
    if len(pieces) == 2:
        return ParsedPart(pieces[0], None, body)
    seq = _SEQ.fullmatch(pieces[1])
    if seq is None:
        raise UrError("This QR code's UR sequence is not of the form n-m.")
    part = Part.from_cbor(body)
    if (part.seq_num, part.seq_len) != (int(seq.group(1)), int(seq.group(2))):
        raise UrError("This QR code's UR sequence does not match the part it carries.")
    return ParsedPart(pieces[0], part, body)


class UrDecoder:
    """The parts of one UR, in any order and with gaps; `result` once complete."""

    def __init__(self) -> None:
        self.type: str | None = None
        self.fountain = FountainDecoder()
        self.single: bytes | None = None

    def receive(self, text: str) -> bool:
        """Take one scanned text; True if it was a part not seen before."""
        parsed = parse(text)
        if self.type is None:
            self.type = parsed.type
        elif parsed.type != self.type:
            raise UrError(f"These QR codes belong to different transfers (a {self.type} and a {parsed.type}).")
        if parsed.part is None:
            if self.single is not None and self.single != parsed.body:
                raise UrError("These QR codes belong to different transfers (two different single-part URs).")
            if self.fountain.shape is not None:
                raise UrError("These QR codes belong to different transfers (a single-part and a multi-part UR).")
            new = self.single is None
            self.single = parsed.body
            return new
        if self.single is not None:
            raise UrError("These QR codes belong to different transfers (a single-part and a multi-part UR).")
        return self.fountain.receive(parsed.part)

    @property
    def complete(self) -> bool:
        return self.single is not None or self.fountain.result is not None

    @property
    def progress(self) -> tuple[int, int]:
        """Fragments known and fragments needed (1 of 1 for a single part)."""
        if self.single is not None:
            return 1, 1
        return len(self.fountain.known), self.fountain.expected

    def result(self) -> UR:
        if self.type is None:
            raise UrError("No UR was read.")
        message = self.single if self.single is not None else self.fountain.result
        if message is None:
            known, needed = self.progress
            raise UrError(f"Not enough QR codes yet: {known} of {needed} fragments are known; scan more frames.")
        return UR(self.type, message)
