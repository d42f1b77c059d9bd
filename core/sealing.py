"""Sealing small secrets to a secp256k1 key (ECIES): what the notary's journal does with identity numbers.

An ephemeral key agrees a secret with the recipient's public key (ECDH,
libsecp256k1 through coincurve), HKDF-SHA256 turns it into an AES-256-GCM key,
and the text is encrypted with a random nonce; the caller's `context` (which
journal row, which field) is authenticated too, so a sealed value moved to
another row or field no longer opens.  Only the recipient's private key opens
it (`UnlockedKey.shared_secret`), and the private key never leaves core.keys.
No cipher is written here: the `cryptography` package does the AES-GCM and HKDF.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from coincurve import PrivateKey, PublicKey
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.errors import DeedbookError
from core.keys import UnlockedKey

SCHEME = "ecies-secp256k1-hkdf-sha256-aes256gcm/1"
_INFO = b"deedbook/sealed-value/1"


class SealError(DeedbookError):
    """A sealed value that cannot be opened (another key, or changed)."""


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=_INFO)
    return hkdf.derive(shared)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def seal(recipient_public_key: bytes, plaintext: str, context: str) -> dict[str, str]:
    """`plaintext` encrypted to the holder of `recipient_public_key` (33 or 65 bytes), bound to `context`."""
    recipient = PublicKey(recipient_public_key).format(compressed=True)
    ephemeral = PrivateKey()
    shared = ephemeral.ecdh(recipient)
    ephemeral_public = ephemeral.public_key.format(compressed=True)
    nonce = os.urandom(12)
    box = AESGCM(_key(shared, ephemeral_public, recipient)).encrypt(
        nonce, plaintext.encode("utf-8"), context.encode("utf-8")
    )
    return {"scheme": SCHEME, "ephemeral": _b64(ephemeral_public), "nonce": _b64(nonce), "box": _b64(box)}


def open_sealed(key: UnlockedKey, sealed: Any, context: str) -> str:
    """The text sealed to `key` under `context`; a `SealError` sentence for any other key or any change."""
    try:
        if not isinstance(sealed, dict) or sealed.get("scheme") != SCHEME:
            raise ValueError
        ephemeral = base64.b64decode(sealed["ephemeral"], validate=True)
        nonce = base64.b64decode(sealed["nonce"], validate=True)
        box = base64.b64decode(sealed["box"], validate=True)
        shared = key.shared_secret(ephemeral)
        aes = AESGCM(_key(shared, ephemeral, key.public_key))
        return aes.decrypt(nonce, box, context.encode("utf-8")).decode("utf-8")
    except InvalidTag:
        raise SealError(
            f"A sealed value does not open with the key '{key.name}': it was sealed to another key, or changed."
        ) from None
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise SealError("A sealed value is malformed.") from None
