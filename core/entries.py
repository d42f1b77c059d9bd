"""Ledger entries: one EIP-712 message, its signatures, and how an entry is hashed.

An entry's *leaf data* is what the Merkle tree and the hash chain commit to:

    recordedAt (8 bytes, big-endian seconds) || digest || signature_1 || ... || signature_k

where `digest` is the EIP-712 signing digest of the entry's message in the
ledger's domain, and each signature is 65 bytes (r || s || v).  That keeps a leaf
checkable by an Ethereum contract (no JSON parsing), and binds the recording time
so a deadline rule can be re-checked at verification.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from core.errors import DeedbookError
from core.hashing import keccak
from core.merkle import leaf_hash
from core.hexes import ADDRESS


@dataclass(frozen=True)
class SignatureRecord:
    role: str  # "operator", "registrar", "seller", "buyer", "lienholder", "notary", "agent", ...
    signer: str  # EIP-55 address the signature must recover to
    signature: bytes  # 65 bytes
    signed_type: str  # the primaryType that was signed: the entry's kind or a wrapper of it

    def as_json(self) -> dict[str, str]:
        return {
            "role": self.role,
            "signer": self.signer,
            "signature": "0x" + self.signature.hex(),
            "signedType": self.signed_type,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "SignatureRecord":
        """A signature record as `as_json` writes it, JSON types as written: str() would have read a signer
        of null as "None" and kept "0X..." or "ab..." prefixes, so a replica could store text the source never
        signed under."""
        try:
            role, signer, signature, signed_type = data["role"], data["signer"], data["signature"], data["signedType"]
            if not all(isinstance(v, str) for v in (role, signer, signature, signed_type)):
                raise TypeError
            if ADDRESS.fullmatch(signer) is None or _SIGNATURE.fullmatch(signature) is None:
                raise ValueError
            return cls(role, signer, bytes.fromhex(signature[2:]), signed_type)
        except (KeyError, TypeError, ValueError):
            raise DeedbookError("A signature record is malformed.") from None


_SIGNATURE = re.compile(r"0x(?:[0-9a-fA-F]{2})*")


@dataclass(frozen=True)
class Entry:
    kind: str
    message: dict[str, Any]
    signatures: tuple[SignatureRecord, ...] = field(default=())

    def message_json(self) -> str:
        return canonical_json(self.message)

    def signatures_json(self) -> str:
        return canonical_json([s.as_json() for s in self.signatures])

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "signatures": [s.as_json() for s in self.signatures]}

    @classmethod
    def from_json(cls, data: Any) -> "Entry":
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("message"), dict)
            or not isinstance(data.get("kind"), str)
        ):
            raise DeedbookError("An entry is malformed: it needs a kind, a message and signatures.")
        signatures = data.get("signatures", [])
        if not isinstance(signatures, list):
            raise DeedbookError("An entry's signatures must be a list.")
        return cls(data["kind"], data["message"], tuple(SignatureRecord.from_json(s) for s in signatures))


# json.dumps with these options builds a new encoder on every call; `verify` spells every compliance record.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept as is."""
    return _CANONICAL.encode(value)


# JSONEncoder.encode builds one more encoder inside (c_make_encoder) for every value; made once here with
# the arguments encode() gives it, it spells the same text in half the time.  Without the circular
# reference check (its markers dict would keep stale ids after an error): only for data read from JSON
# or made of plain records, which cannot hold themselves.
_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_SPELL = (
    None
    if _C_ENCODER is None
    else _C_ENCODER(
        None,  # no circular reference check
        _CANONICAL.default,
        json.encoder.encode_basestring,  # ensure_ascii=False
        None,  # indent
        _CANONICAL.key_separator,
        _CANONICAL.item_separator,
        True,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan
    )
)


def canonical_json_acyclic(value: Any) -> str:
    """canonical_json of a value that does not contain itself (`verify` spells every compliance record)."""
    if _SPELL is None or isinstance(value, str):
        return _CANONICAL.encode(value)
    return "".join(_SPELL(value, 0))


def leaf_data(recorded_at: int, digest: bytes, signatures: tuple[SignatureRecord, ...] | list[bytes]) -> bytes:
    raw = [s.signature if isinstance(s, SignatureRecord) else s for s in signatures]
    return recorded_at.to_bytes(8, "big") + digest + b"".join(raw)


def entry_leaf_hash(recorded_at: int, digest: bytes, signatures: tuple[SignatureRecord, ...] | list[bytes]) -> bytes:
    return leaf_hash(leaf_data(recorded_at, digest, signatures))


def chain_hash(previous: bytes, leaf: bytes) -> bytes:
    """hash_n = H(hash_{n-1} || leaf_n); hash_{-1} is the ledger id."""
    return keccak(previous + leaf)
