"""Web3 Secret Storage (keystore v3): a secp256k1 key under a password, as geth, MetaMask and eth-account keep it.

The key is AES-128-CTR encrypted with the first 16 bytes of a key derived from the password (scrypt or
pbkdf2-hmac-sha256); keccak-256 of the derived key's next 16 bytes and the ciphertext is the MAC that tells a
wrong password.  Written here rather than taken from eth-keyfile for one reason: since 0.10 eth-keyfile imports
py_ecc's BLS12-381 pairing tables (for its version 4 keystores) at import, about 0.6 s of CPU that every
command opening a key paid before it derived anything.  The tests hold this module to eth-keyfile both ways
(tests/core/test_keystore_v3.py).  A keystore's parameters are checked (core.keys.check_keystore_params) before
anything here derives a key from them.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid
from typing import Any

from core.hashing import keccak

DKLEN = 32
SCRYPT_R, SCRYPT_P = 8, 1  # geth's and eth-keyfile's: n alone sets the cost
SALT_BYTES = 16


class MacMismatch(ValueError):
    """The password derived a key whose MAC is not the keystore's: a wrong password (or a damaged file)."""


def derived_key(kdf: str, params: dict[str, Any], password: bytes) -> bytes:
    salt = bytes.fromhex(_digits(params["salt"]))
    if kdf == "scrypt":
        from Crypto.Protocol.KDF import scrypt  # pycryptodome's: faster here than OpenSSL's (hashlib.scrypt)

        # pycryptodome takes str; latin-1 maps each byte to the one character of that code, so any bytes pass
        key = scrypt(
            password.decode("latin-1"),
            salt.decode("latin-1"),
            key_len=params["dklen"],
            N=params["n"],
            r=params["r"],
            p=params["p"],
        )
        return bytes(key)  # type: ignore[arg-type]  # one key asked for: bytes, not a tuple
    if kdf == "pbkdf2":
        return hashlib.pbkdf2_hmac("sha256", password, salt, params["c"], params["dklen"])
    raise ValueError(f"unknown key derivation {kdf!r}")


def decrypt(crypto: dict[str, Any], password: bytes) -> bytes:
    """The secret in a keystore's `crypto` part (field names in lower case), or MacMismatch."""
    key = derived_key(crypto["kdf"], crypto["kdfparams"], password)
    ciphertext = bytes.fromhex(_digits(crypto["ciphertext"]))
    if not hmac.compare_digest(keccak(key[16:32] + ciphertext), bytes.fromhex(_digits(crypto["mac"]))):
        raise MacMismatch("MAC mismatch")
    return _aes_128_ctr(key[:16], bytes.fromhex(_digits(crypto["cipherparams"]["iv"])), ciphertext)


def encrypt(secret: bytes, password: bytes, address: str, n: int) -> dict[str, Any]:
    """A keystore v3 document holding `secret` (whose EIP-55 address is `address`) under scrypt with cost `n`."""
    salt, iv = os.urandom(SALT_BYTES), os.urandom(16)
    params = {"dklen": DKLEN, "n": n, "r": SCRYPT_R, "p": SCRYPT_P, "salt": salt.hex()}
    key = derived_key("scrypt", params, password)
    ciphertext = _aes_128_ctr(key[:16], iv, secret)
    return {
        "address": address.removeprefix("0x"),  # as eth-keyfile writes it: EIP-55, without 0x
        "crypto": {
            "cipher": "aes-128-ctr",
            "cipherparams": {"iv": iv.hex()},
            "ciphertext": ciphertext.hex(),
            "kdf": "scrypt",
            "kdfparams": params,
            "mac": keccak(key[16:32] + ciphertext).hex(),
        },
        "id": str(uuid.uuid4()),
        "version": 3,
    }


def _aes_128_ctr(key: bytes, iv: bytes, data: bytes) -> bytes:
    """AES-128 in counter mode, the 16-byte iv the whole initial counter block (encrypting and decrypting alike)."""
    from Crypto.Cipher import AES

    return bytes(AES.new(key, AES.MODE_CTR, initial_value=iv, nonce=b"").encrypt(data))


def _digits(value: str) -> str:
    return value[2:] if value[:2] in ("0x", "0X") else value
