"""A ledger's checkpoints as C2SP signed notes (tlog-checkpoint), and witnesses' cosignatures (tlog-cosignature).

The `Checkpoint` ledger entry stays the operator's signed tree head inside the
ledger; its note is a view of it, derived and checked both ways:

    deedbook/ledger/<ledger id, 64 hex digits>        origin
    <tree size>                                        decimal
    <root hash>                                        base64 of the keccak-256 RFC 6962 root

    — deedbook/ledger/<id> base64(key ID || timestamp (8 bytes) || EIP-712 signature (65 bytes))
    — notary.example/w1 base64(key ID || timestamp (8 bytes) || EIP-191 signature (65 bytes))

The operator's line carries the entry's own EIP-712 signature over
{ledgerId, size, root, timestamp} in the ledger's domain; the timestamp rides in
the signature bytes (as in tlog-cosignature's timestamped_signature), so the
body is the three standard lines and nothing else.  A cosignature is a witness's
EIP-191 ("personal_sign") signature over exactly the message of cosignature/v1,

    cosignature/v1\\ntime <timestamp>\\n<the three body lines>

so a wallet can make one.  Neither type is one C2SP assigns: both use the 0xff
type byte followed by a long identifier, as signed-note recommends.  Key IDs
follow signed-note; a witness's key is its 20-byte address, recovered from the
signature and compared, and the ledger's key is its whole EIP-712 identity.
See docs/witnesses.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from core.entries import Entry, SignatureRecord
from core.errors import DeedbookError, RuleViolation
from core.hashing import keccak
from core.identity import LedgerIdentity
from core.notes import (
    MalformedNote,
    Note,
    NoteSignature,
    VerifierKey,
    b64,
    key_id,
    make_vkey,
    parse_note,
    parse_vkey,
    strict_b64,
)
from core.signing import BadSignature, checksum_address, recover_address

if TYPE_CHECKING:
    from core.keys import UnlockedKey

ORIGIN_PREFIX = "deedbook/ledger/"
CHECKPOINT_TYPE = b"\xffdeedbook-checkpoint/v1"  # the operator's EIP-712 Checkpoint signature
COSIGNATURE_TYPE = b"\xffdeedbook-cosignature/v1"  # a witness's EIP-191 signature over a cosignature/v1 message
MAX_TIMESTAMP = 2**63 - 1
SIGNATURE_BYTES = 8 + 65  # timestamp || r || s || v


class NotSigned(DeedbookError):
    """A checkpoint note without a valid signature by the operator it should have."""


def origin(identity: LedgerIdentity) -> str:
    return ORIGIN_PREFIX + identity.ledger_id.hex()


# -- verifier keys ---------------------------------------------------------------------
def ledger_vkey(identity: LedgerIdentity) -> VerifierKey:
    """The ledger's verifier key: its origin as the name, its whole EIP-712 identity as the key."""
    material = (
        identity.ledger_id
        + identity.chain_id.to_bytes(32, "big")
        + bytes.fromhex(identity.operator[2:])
        + identity.name.encode("utf-8")
    )
    return make_vkey(origin(identity), CHECKPOINT_TYPE, material)


def identity_of(vkey: VerifierKey | str) -> LedgerIdentity:
    """The ledger a ledger key names; `MalformedNote` if it is not a Deedbook ledger key."""
    key = parse_vkey(vkey) if isinstance(vkey, str) else vkey
    if not key.material.startswith(CHECKPOINT_TYPE):
        raise MalformedNote(f"The key {key.name} is not a Deedbook ledger key.")
    raw = key.material[len(CHECKPOINT_TYPE) :]
    if len(raw) < 32 + 32 + 20 + 1:
        raise MalformedNote(f"The ledger key {key.name} is too short to name a ledger.")
    try:
        name = raw[84:].decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedNote(f"The ledger key {key.name} does not hold a ledger name in UTF-8.") from None
    identity = LedgerIdentity(raw[:32], name, checksum_address(raw[64:84]), int.from_bytes(raw[32:64], "big"))
    if key.name != origin(identity):
        raise MalformedNote(f"The ledger key {key.name} is not named by its ledger's origin.")
    return identity


@dataclass(frozen=True)
class WitnessKey:
    name: str
    address: str  # EIP-55

    @property
    def vkey(self) -> VerifierKey:
        return make_vkey(self.name, COSIGNATURE_TYPE, bytes.fromhex(self.address[2:]))


def witness_of(vkey: VerifierKey | str) -> WitnessKey:
    key = parse_vkey(vkey) if isinstance(vkey, str) else vkey
    if not key.material.startswith(COSIGNATURE_TYPE) or len(key.material) != len(COSIGNATURE_TYPE) + 20:
        raise MalformedNote(f"The key {key.name} is not a Deedbook witness key.")
    return WitnessKey(key.name, checksum_address(key.material[len(COSIGNATURE_TYPE) :]))


# -- the body --------------------------------------------------------------------------
@dataclass(frozen=True)
class Body:
    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{b64(self.root)}\n"


def parse_body(text: str) -> Body:
    lines = text.split("\n")
    if len(lines) != 4 or lines[3] != "":
        raise MalformedNote("A Deedbook checkpoint is three lines (origin, size, root), without extension lines.")
    origin_line, size_line, root_line = lines[:3]
    if not origin_line:
        raise MalformedNote("The checkpoint's origin line is empty.")
    if (
        not size_line.isascii()
        or not size_line.isdigit()
        or (size_line != "0" and size_line.startswith("0"))
        or len(size_line) > 19
        or int(size_line) > MAX_TIMESTAMP
    ):
        raise MalformedNote("The checkpoint's size is not a decimal number without leading zeros.")
    root = strict_b64(root_line, "The checkpoint's root hash")
    if len(root) != 32:
        raise MalformedNote("The checkpoint's root hash is not 32 bytes.")
    return Body(origin_line, int(size_line), root)


def body_of(identity: LedgerIdentity, message: Mapping[str, Any]) -> Body:
    return Body(origin(identity), int(message["size"]), bytes.fromhex(str(message["root"])[2:]))


# -- the operator's signature -----------------------------------------------------------
def _timestamped(timestamp: int, signature: bytes) -> bytes:
    return timestamp.to_bytes(8, "big") + signature


def operator_line(identity: LedgerIdentity, message: Mapping[str, Any], signature: bytes) -> NoteSignature:
    key = ledger_vkey(identity)
    return NoteSignature(key.name, key.key_id, _timestamped(int(message["timestamp"]), signature))


def note_of(
    identity: LedgerIdentity,
    message: Mapping[str, Any],
    signatures: Sequence[SignatureRecord],
    cosignatures: Sequence[NoteSignature] = (),
) -> Note:
    """The note of a Checkpoint entry (its message and operator signature), with cosignature lines."""
    operator = [s for s in signatures if s.role == "operator"]
    if len(operator) != 1:
        raise NotSigned("A checkpoint carries exactly one operator signature.")
    lines = (operator_line(identity, message, operator[0].signature), *cosignatures)
    return Note(body_of(identity, message).text(), tuple(lines))


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint note whose operator signature checked for `identity`."""

    identity: LedgerIdentity
    body: Body
    message: dict[str, Any]  # the Checkpoint entry's message
    operator: SignatureRecord
    note: Note

    @property
    def size(self) -> int:
        return self.body.size

    @property
    def root(self) -> bytes:
        return self.body.root

    def operator_only(self) -> Note:
        """The note with the operator's line alone (what a witness keeps and compares)."""
        return note_of(self.identity, self.message, (self.operator,))


def open_checkpoint(note: Note, identity: LedgerIdentity) -> SignedCheckpoint:
    """The checkpoint a note states for `identity`, once the operator's signature on it checks."""
    body = parse_body(note.text)
    if body.origin != origin(identity):
        raise NotSigned(f"The checkpoint is for {body.origin[:90]}, not for the ledger {origin(identity)}.")
    if body.size < 1:
        raise NotSigned("A Deedbook checkpoint covers at least one entry; this one covers none.")
    key = ledger_vkey(identity)
    line = next((s for s in note.signatures if s.name == key.name and s.key_id == key.key_id), None)
    if line is None:
        raise NotSigned(f"The checkpoint carries no signature by the operator of the ledger {identity.name!r}.")
    if len(line.signature) != SIGNATURE_BYTES:
        raise NotSigned("The operator's signature line on the checkpoint is not a Deedbook checkpoint signature.")
    timestamp = int.from_bytes(line.signature[:8], "big")
    message = {
        "ledgerId": identity.ledger_id_hex,
        "size": body.size,
        "root": "0x" + body.root.hex(),
        "timestamp": timestamp,
    }
    record = SignatureRecord("operator", identity.operator, line.signature[8:], "Checkpoint")
    from core.kinds import check_signatures

    try:
        if timestamp > MAX_TIMESTAMP:
            raise RuleViolation("its time is out of range")
        check_signatures(identity, Entry("Checkpoint", message, (record,)))
    except (RuleViolation, DeedbookError) as bad:
        raise NotSigned(
            f"The operator's signature on the checkpoint of {body.size} entries does not check "
            f"({str(bad).rstrip('.')})."
        ) from None
    return SignedCheckpoint(identity, body, message, record, note)


# -- cosignatures ------------------------------------------------------------------------
def cosignature_message(body: Body, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode("ascii") + body.text().encode("utf-8")


def personal_digest(message: bytes) -> bytes:
    """EIP-191 version 0x45 (personal_sign), the digest a wallet signs for a text message."""
    return keccak(b"\x19Ethereum Signed Message:\n" + str(len(message)).encode("ascii") + message)


@dataclass(frozen=True)
class Cosigner:
    name: str
    address: str  # EIP-55, recovered from the signature
    timestamp: int
    line: NoteSignature

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "address": self.address,
            "timestamp": self.timestamp,
            "line": self.line.line().rstrip("\n"),
        }


def cosign(body: Body, name: str, key: "UnlockedKey", timestamp: int) -> NoteSignature:
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise DeedbookError("A cosignature's time is out of range.")
    witness = WitnessKey(name, key.address).vkey
    signature = key.sign(personal_digest(cosignature_message(body, timestamp)))
    return NoteSignature(name, witness.key_id, _timestamped(timestamp, signature))


def check_cosignature(body: Body, line: NoteSignature) -> Cosigner | None:
    """The witness a cosignature line is by, if it is a Deedbook cosignature that checks; None otherwise
    (another key's line, a damaged one: readers ignore lines they cannot check, as signed-note says)."""
    if len(line.signature) != SIGNATURE_BYTES:
        return None
    timestamp = int.from_bytes(line.signature[:8], "big")
    if timestamp > MAX_TIMESTAMP:
        return None
    try:
        address = recover_address(personal_digest(cosignature_message(body, timestamp)), line.signature[8:])
    except BadSignature:
        return None
    if key_id(line.name, COSIGNATURE_TYPE, address) != line.key_id:
        return None  # the key ID names another key (or the line was altered)
    return Cosigner(line.name, checksum_address(address), timestamp, line)


def cosigners(note: Note, body: Body | None = None) -> list[Cosigner]:
    """Every cosignature line of `note` that checks, in the note's order (one per witness key)."""
    body = body or parse_body(note.text)
    found: dict[tuple[str, str], Cosigner] = {}
    for line in note.signatures:
        cosigner = check_cosignature(body, line)
        if cosigner is not None:
            found.setdefault((cosigner.name, cosigner.address), cosigner)
    return list(found.values())


def carried_lines(checkpoint: Any) -> list[NoteSignature]:
    """The cosignature lines a proof's or record's checkpoint carries (a malformed list is an error)."""
    if not isinstance(checkpoint, dict) or "cosignatures" not in checkpoint:
        return []
    lines = checkpoint["cosignatures"]
    if not isinstance(lines, list) or len(lines) > 64 or not all(isinstance(line, str) for line in lines):
        raise DeedbookError("The checkpoint's cosignatures are not a list of note signature lines.")
    if not lines:
        return []
    try:
        return list(parse_note("x\n\n" + "".join(line + "\n" for line in lines)).signatures)
    except MalformedNote as bad:
        raise DeedbookError(f"The checkpoint's cosignatures are malformed: {bad}") from None
