"""C2SP signed notes (c2sp.org/signed-note): a text signed by one or more keys.

    <text: one or more lines, each ending in a newline>
    <an empty line>
    — <key name> <base64(key ID (4 bytes) || signature)>
    ...

A note is valid UTF-8 with no control character but the newline; the text is
separated from the signature lines by the last empty line.  Key names are
non-empty and hold no space and no '+'.  A verifier key ("vkey") names a key
in one line: `<name>+<key ID, 8 hex digits>+<base64(signature type || key)>`,
and the key ID is SHA-256(name || 0x0A || type || key)[:4].

This module knows the format only; what is signed and how (Deedbook's
checkpoint and cosignature types) is core.checkpoint_note's.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from core.errors import DeedbookError

DASH = "\u2014"  # em dash, the start of every signature line
MAX_NOTE_BYTES = 64 * 1024  # a checkpoint with a few dozen cosignatures is ~5 KB
MAX_SIGNATURES = 64  # the format asks verifiers to accept at least 16


class MalformedNote(DeedbookError):
    """Text that is not a signed note, or a key that is not a verifier key."""


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes  # 4 bytes
    signature: bytes  # what the signature type defines (at least one byte)

    def line(self) -> str:
        return f"{DASH} {self.name} {base64.b64encode(self.key_id + self.signature).decode('ascii')}\n"


@dataclass(frozen=True)
class Note:
    text: str  # ends in a newline
    signatures: tuple[NoteSignature, ...]

    def serialize(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def with_signatures(self, extra: tuple[NoteSignature, ...]) -> "Note":
        """The same text with `extra` signature lines added (a line already there is not repeated)."""
        lines = list(self.signatures)
        lines += [s for s in extra if s not in lines]
        return Note(self.text, tuple(lines))


def key_id(name: str, signature_type: bytes, key: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + signature_type + key).digest()[:4]


def check_key_name(name: str, what: str = "A key name") -> str:
    """A key name a note may carry: non-empty, printable, no white space, no '+'."""
    if not name or "+" in name or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise MalformedNote(f"{what} must be non-empty, without spaces or '+': {name[:80]!r} is not.")
    return name


def strict_b64(text: str, what: str) -> bytes:
    """Standard base64 with its padding, spelled the one way it encodes (so a note re-serialises exactly)."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise MalformedNote(f"{what} is not base64.") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise MalformedNote(f"{what} is not base64 in its standard spelling.")
    return raw


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _check_characters(text: str) -> None:
    for ch in text:
        if ch != "\n" and (ord(ch) < 0x20 or ord(ch) == 0x7F):
            raise MalformedNote("A signed note holds no control characters but line breaks.")


def parse_note(data: str | bytes) -> Note:
    """A signed note from its text; `MalformedNote` (one sentence) if it is not one."""
    if isinstance(data, bytes):
        if len(data) > MAX_NOTE_BYTES:
            raise MalformedNote(f"A signed note is at most {MAX_NOTE_BYTES // 1024} KB; this is larger.")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedNote("A signed note is UTF-8 text; this is not.") from None
    if len(data.encode("utf-8", "surrogatepass")) > MAX_NOTE_BYTES:
        raise MalformedNote(f"A signed note is at most {MAX_NOTE_BYTES // 1024} KB; this is larger.")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in data):
        raise MalformedNote("A signed note is UTF-8 text; this is not.")
    _check_characters(data)
    split = data.rfind("\n\n")
    if split < 0:
        raise MalformedNote("A signed note has an empty line between its text and its signatures; this has none.")
    text, block = data[: split + 1], data[split + 2 :]
    if not block or not block.endswith("\n"):
        raise MalformedNote("A signed note ends with signature lines, each ending in a line break.")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNote(f"The note carries {len(lines)} signatures; at most {MAX_SIGNATURES} are read.")
    signatures = []
    for line in lines:
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH:
            raise MalformedNote("A signature line of a note reads '\u2014 <key name> <base64 signature>'.")
        name = check_key_name(parts[1], "A signature's key name")
        raw = strict_b64(parts[2], f"The signature by {name}")
        if len(raw) < 5:
            raise MalformedNote(f"The signature by {name} is too short to hold a key ID and a signature.")
        signatures.append(NoteSignature(name, raw[:4], raw[4:]))
    return Note(text, tuple(signatures))


# -- verifier keys -------------------------------------------------------------------
@dataclass(frozen=True)
class VerifierKey:
    name: str
    key_id: bytes
    material: bytes  # signature type || key

    def text(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{b64(self.material)}"


def make_vkey(name: str, signature_type: bytes, key: bytes) -> VerifierKey:
    check_key_name(name)
    return VerifierKey(name, key_id(name, signature_type, key), signature_type + key)


def parse_vkey(text: str) -> VerifierKey:
    """`<name>+<hex key ID>+<base64 type||key>`, its key ID checked; `MalformedNote` if not one."""
    name, plus, rest = text.strip().partition("+")  # the name holds no '+' (base64 may)
    hex_id, plus_again, encoded = rest.partition("+")
    if not plus or not plus_again:
        raise MalformedNote(f"{text.strip()[:80]!r} is not a verifier key (name+keyid+key).")
    check_key_name(name, "A verifier key's name")
    if len(hex_id) != 8 or any(c not in "0123456789abcdef" for c in hex_id):
        raise MalformedNote(f"The verifier key {name}'s key ID is not 8 lower-case hex digits.")
    material = strict_b64(encoded, f"The verifier key {name}")
    if not material:
        raise MalformedNote(f"The verifier key {name} holds no key.")
    if hashlib.sha256(name.encode("utf-8") + b"\n" + material).digest()[:4].hex() != hex_id:
        raise MalformedNote(f"The verifier key {name}'s key ID does not match its key.")
    return VerifierKey(name, bytes.fromhex(hex_id), material)
