"""secp256k1 signatures in Ethereum's 65-byte form, and addresses.

libsecp256k1 (through coincurve) does the curve work.  Only low-s signatures
(EIP-2) are accepted, so a signature cannot be re-encoded into a second valid
form and replayed as a "different" one.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Callable

from core.errors import DeedbookError
from core.hashing import keccak
from core.hexes import ADDRESS

if TYPE_CHECKING:  # coincurve (15 ms to import) loads with the first signature made or checked, not at start-up
    from coincurve import PublicKey

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
HALF_N = SECP256K1_N // 2


class BadSignature(DeedbookError):
    pass


def sign_digest(private_key: bytes, digest: bytes) -> bytes:
    """r || s || v with v in {27, 28}; libsecp256k1 always produces low s."""
    from coincurve import PrivateKey

    raw = PrivateKey(private_key).sign_recoverable(digest, hasher=None)
    return raw[:64] + bytes([raw[64] + 27])


def address_of_public_key(public_key: PublicKey) -> bytes:
    return keccak(public_key.format(compressed=False)[1:])[12:]


def address_of_private_key(private_key: bytes) -> bytes:
    from coincurve import PrivateKey

    return address_of_public_key(PrivateKey(private_key).public_key)


def parse_signature(text: str) -> bytes:
    """A 0x-prefixed 65-byte signature, checked for form (not yet for signer)."""
    if not isinstance(text, str) or not text.startswith("0x"):
        raise BadSignature("The signature must be a 0x-prefixed hex string.")
    try:
        raw = bytes.fromhex(text[2:])
    except ValueError:
        raise BadSignature("The signature is not valid hex.") from None
    check_signature_form(raw)
    return raw


def check_signature_form(signature: bytes) -> None:
    if len(signature) != 65:
        raise BadSignature(f"A signature is 65 bytes; this one has {len(signature)}.")
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:64], "big")
    if not (0 < r < SECP256K1_N and 0 < s < SECP256K1_N):
        raise BadSignature("The signature's r or s is out of range.")
    if s > HALF_N:
        raise BadSignature("The signature has a high s value (EIP-2 requires low s).")
    if signature[64] not in (27, 28):
        raise BadSignature("The signature's v must be 27 or 28.")


def recover_address(digest: bytes, signature: bytes) -> bytes:
    """The 20-byte address that made `signature` over `digest`."""
    check_signature_form(signature)
    point = _recover_point(digest, signature)
    address = _ADDRESS_OF_POINT.get(point)
    if address is None:
        if len(_ADDRESS_OF_POINT) > 65536:  # a ledger has few signers; bound the memo anyway
            _ADDRESS_OF_POINT.clear()
        address = _ADDRESS_OF_POINT[point] = keccak(point[1:])[12:]
    return address


def _recover_point_coincurve(digest: bytes, signature: bytes) -> bytes:
    from coincurve import PublicKey

    try:
        public_key = PublicKey.from_signature_and_message(
            signature[:64] + bytes([signature[64] - 27]), digest, hasher=None
        )
    except ValueError:  # coincurve's word for a signature libsecp256k1 recovers no point from
        raise BadSignature("The signature does not belong to any key.") from None
    return public_key.format(compressed=False)


def _recovery_backend() -> Callable[[bytes, bytes], bytes]:
    """The same three libsecp256k1 calls coincurve makes, without its wrappers' allocations (verify's hot
    path); coincurve's public API where its layout differs."""
    try:
        from coincurve._libsecp256k1 import ffi, lib
        from coincurve.context import GLOBAL_CONTEXT
    except ImportError:  # another coincurve layout: its public API, as before
        return _recover_point_coincurve
    buffers = threading.local()  # cffi lets go of the GIL during the calls: one set of buffers per thread

    def recover_point(digest: bytes, signature: bytes) -> bytes:
        """The uncompressed public key (65 bytes) that made a signature already checked for form."""
        found = getattr(buffers, "found", None)
        if found is None:
            found = buffers.found = (
                ffi.new("secp256k1_ecdsa_recoverable_signature *"),
                ffi.new("secp256k1_pubkey *"),
                ffi.new("unsigned char[65]"),
                ffi.new("size_t *"),
            )
        parsed, key, out, size = found
        if len(digest) != 32:  # (coincurve's ValueError, said as before)
            raise BadSignature("The signature does not belong to any key.")
        ctx = GLOBAL_CONTEXT.ctx
        if not (
            lib.secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, parsed, signature[:64], signature[64] - 27)
            and lib.secp256k1_ecdsa_recover(ctx, key, parsed, digest)
        ):
            raise BadSignature("The signature does not belong to any key.")
        size[0] = 65
        lib.secp256k1_ec_pubkey_serialize(ctx, out, size, key, lib.SECP256K1_EC_UNCOMPRESSED)
        return bytes(ffi.buffer(out, 65))

    return recover_point


_backend: Callable[[bytes, bytes], bytes] | None = None  # picked by the first recovery


def _recover_point(digest: bytes, signature: bytes) -> bytes:
    global _backend
    if _backend is None:
        _backend = _recovery_backend()
    return _backend(digest, signature)


# Memo of public key -> address: a ledger's entries are signed by a few keys, and
# hashing the same point again for each of their signatures is wasted work.
_ADDRESS_OF_POINT: dict[bytes, bytes] = {}


@lru_cache(maxsize=65536)
def checksum_address(address: bytes) -> str:
    """EIP-55 mixed-case form (memoised: a ledger names the same few parties again and again)."""
    lower = address.hex()
    digest = keccak(lower.encode()).hex()
    return "0x" + "".join(c.upper() if int(digest[i], 16) >= 8 else c for i, c in enumerate(lower))


def parse_address(text: str) -> bytes:
    """An address typed or pasted by a person; a mixed-case one must carry a valid checksum."""
    text = text.strip() if isinstance(text, str) else text
    if not isinstance(text, str) or not ADDRESS.fullmatch(text):
        raise DeedbookError(f"'{text}' is not an Ethereum address (0x followed by 40 hex digits).")
    raw = bytes.fromhex(text[2:])
    body = text[2:]
    if body != body.lower() and body != body.upper() and checksum_address(raw) != text:
        raise DeedbookError(f"The address {text} has a wrong checksum: check for a typing mistake.")
    return raw
