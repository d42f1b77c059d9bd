"""Named signing keys in Web3 Secret Storage (keystore v3, scrypt) files.

The files are the ones geth and MetaMask import and export, one per key in
`<data dir>/keys/<name>.json`.  A private key exists in clear only in memory,
for the moment it signs; it is never written, logged or put in the database.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core import keystore_v3
from core.errors import DeedbookError, NotFound, WrongPassword
from core.outfiles import write_output
from core.signing import SECP256K1_N, address_of_private_key, checksum_address, sign_digest
from core.userfiles import json_nests_deeper_than, read_user_text

# geth's "standard" scrypt cost.  DEEDBOOK_SCRYPT_N lowers it for test suites and
# demo ledgers only: decryption reads n from each file, so either kind opens.
STANDARD_SCRYPT_N = 262144
DEMO_SCRYPT_N = 16384
DEMO_PASSWORD = "deedbook-demo"  # every demo key's password (the README says so): demo keys guard nothing
# A key's or a seal's name is part of a file name, so the same plain characters on every system.
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
FILE_NAME_RULE = "use 1 to 64 plain letters (A-Z, a-z), digits, '.', '_' or '-', starting with a letter or digit"


def scrypt_n() -> int:
    return int(os.environ.get("DEEDBOOK_SCRYPT_N", STANDARD_SCRYPT_N))


@dataclass(frozen=True)
class KeyInfo:
    name: str
    address: str  # EIP-55 checksummed
    path: Path

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "address": self.address, "path": str(self.path)}


@dataclass(frozen=True)
class UnlockedKey:
    """A key opened with its password; it lives only as long as the signing needs it."""

    name: str
    address: str
    _secret: bytes

    def sign(self, digest: bytes) -> bytes:
        return sign_digest(self._secret, digest)

    @property
    def public_key(self) -> bytes:
        """The compressed secp256k1 public key (33 bytes): what data is sealed to (core.sealing)."""
        from coincurve import PrivateKey

        return bytes(PrivateKey(self._secret).public_key.format(compressed=True))

    def shared_secret(self, peer_public_key: bytes) -> bytes:
        """ECDH with another public key (opening data sealed to this key); the secret itself never leaves."""
        from coincurve import PrivateKey

        return bytes(PrivateKey(self._secret).ecdh(peer_public_key))

    def __repr__(self) -> str:  # never show the secret, even in a traceback
        return f"UnlockedKey({self.name!r}, {self.address})"


def check_key_name(name: str) -> str:
    if not FILE_NAME.fullmatch(name or ""):
        raise DeedbookError(f"'{name}' is not a usable key name: {FILE_NAME_RULE}.")
    return name


MAX_KEYSTORE_BYTES = 2**20  # a keystore is about 500 bytes; anything near this is not one
MAX_KEY_FILE_BYTES = 4096  # a raw private key file: 64 hex digits and some white space
_HEX = re.compile(r"(?:0x)?([0-9a-fA-F]*)")

# Key-derivation cost a keystore may ask for, checked before deriving anything.  geth's
# standard is scrypt n=2**18, r=8, p=1, dklen=32 (256 MiB, under a second) and eth-account
# writes pbkdf2 with c=1,000,000; the bounds allow several times that, and stop files asking
# for minutes of CPU or gigabytes of memory.
SCRYPT_MAX_N = 2**20
SCRYPT_MAX_R = 32
SCRYPT_MAX_P = 16
SCRYPT_MAX_MEMORY = 2**30  # bytes: 128 * n * r
SCRYPT_MAX_WORK = 2**24  # n * r * p: 8 times geth's standard
PBKDF2_MAX_C = 2**22
DKLEN_RANGE = (32, 64)  # 16 bytes of AES key and 16 of MAC key at least
MAX_SALT_BYTES = 256


def _lower_keys(value: Any) -> Any:
    """Field names in any case, as geth and eth-keyfile read them ("Crypto" is "crypto")."""
    if isinstance(value, dict):
        return {str(k).lower(): _lower_keys(v) for k, v in value.items()}
    return value


def _read_keystore(path: Path) -> dict[str, Any]:
    text = read_user_text(path, "a keystore file", max_bytes=MAX_KEYSTORE_BYTES)
    if json_nests_deeper_than(text, 8):
        raise DeedbookError(f"{path} is not a keystore file (its JSON is nested far too deep).")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise DeedbookError(f"{path} is not a keystore file (it is not readable JSON).") from None
    crypto = _lower_keys(data).get("crypto") if isinstance(data, dict) else None
    if not isinstance(data, dict) or _lower_keys(data).get("version") != 3 or not isinstance(crypto, dict):
        raise DeedbookError(f"{path} is not a version 3 keystore file.")
    return data


def _hex_bytes(value: Any, what: str, label: str, *, size: int | None = None, most: int = MAX_SALT_BYTES) -> bytes:
    match = _HEX.fullmatch(value) if isinstance(value, str) else None
    digits = match.group(1) if match else None
    if digits is None or len(digits) % 2 or (size is not None and len(digits) != 2 * size) or len(digits) > 2 * most:
        need = f"{size} bytes of hex" if size is not None else "hex"
        raise DeedbookError(f"The keystore {label} is damaged: its {what} is not {need}.")
    return bytes.fromhex(digits)


def _whole(params: dict[str, Any], name: str, low: int, high: int, label: str) -> int:
    value = params.get(name)
    if type(value) is not int:
        raise DeedbookError(
            f"The keystore {label} is damaged: its key-derivation parameter {name} is not a whole number."
        )
    if not low <= value <= high:
        raise DeedbookError(
            f"The keystore {label} asks for key derivation with {name} = {value:,}, outside "
            f"{low:,} to {high:,}; Deedbook does not open it (it would take too long or too much "
            "memory)."
        )
    return value


def check_keystore_params(keystore: dict[str, Any], label: str) -> None:
    """Refuse, in a sentence and before any derivation, a keystore whose cipher or KDF we would not run."""
    crypto = _lower_keys(keystore).get("crypto")
    if not isinstance(crypto, dict):
        raise DeedbookError(f"The keystore {label} is not a version 3 keystore.")
    if crypto.get("cipher") != "aes-128-ctr":
        raise DeedbookError(f"The keystore {label} uses a cipher other than aes-128-ctr; it cannot be opened.")
    params = crypto.get("cipherparams")
    _hex_bytes(params.get("iv") if isinstance(params, dict) else None, "cipher iv", label, size=16)
    _hex_bytes(crypto.get("ciphertext"), "ciphertext", label, size=32)
    _hex_bytes(crypto.get("mac"), "MAC", label, size=32)
    kdf, kdfparams = crypto.get("kdf"), crypto.get("kdfparams")
    if not isinstance(kdfparams, dict):
        raise DeedbookError(f"The keystore {label} is damaged: it has no key-derivation parameters.")
    _hex_bytes(kdfparams.get("salt"), "salt", label)
    _whole(kdfparams, "dklen", *DKLEN_RANGE, label)
    if kdf == "scrypt":
        n = _whole(kdfparams, "n", 2, SCRYPT_MAX_N, label)
        r = _whole(kdfparams, "r", 1, SCRYPT_MAX_R, label)
        p = _whole(kdfparams, "p", 1, SCRYPT_MAX_P, label)
        if n & (n - 1):
            raise DeedbookError(f"The keystore {label} is damaged: its scrypt n ({n:,}) is not a power of two.")
        if 128 * n * r > SCRYPT_MAX_MEMORY or n * r * p > SCRYPT_MAX_WORK:
            raise DeedbookError(
                f"The keystore {label} asks for scrypt with n = {n:,}, r = {r}, p = {p}, more work "
                "or memory than Deedbook spends on opening a key; it does not open it."
            )
    elif kdf == "pbkdf2":
        _whole(kdfparams, "c", 1, PBKDF2_MAX_C, label)
        if kdfparams.get("prf") != "hmac-sha256":
            raise DeedbookError(
                f"The keystore {label} uses pbkdf2 with a function other than hmac-sha256; it cannot be opened."
            )
    else:
        raise DeedbookError(f"The keystore {label} uses an unknown key derivation; only scrypt and pbkdf2 are read.")


def keystore_address(keystore: dict[str, Any], label: str) -> str:
    """The EIP-55 address a keystore says it holds; a missing or malformed one is a sentence."""
    value = _lower_keys(keystore).get("address")
    match = _HEX.fullmatch(value) if isinstance(value, str) else None
    if match is None or len(match.group(1)) != 40:
        raise DeedbookError(
            f"The keystore {label} does not say which address it holds (an 'address' of 40 hex "
            "digits), so it is not used."
        )
    return checksum_address(bytes.fromhex(match.group(1)))


def check_private_key(secret: bytes, label: str) -> bytes:
    """A secp256k1 private key is 32 bytes, 0 < k < n (the curve order, not the field prime)."""
    if len(secret) != 32 or not 0 < int.from_bytes(secret, "big") < SECP256K1_N:
        raise DeedbookError(f"{label} does not hold a valid secp256k1 private key.")
    return secret


def _decrypt(keystore: dict[str, Any], password: str, label: str) -> bytes:
    """The key inside a keystore, after its parameters are checked; it must be the key of the address it names."""
    check_keystore_params(keystore, f"for '{label}'")
    claimed = keystore_address(keystore, f"for '{label}'")
    typed = password_bytes(password)
    try:
        secret = keystore_v3.decrypt(_lower_keys(keystore)["crypto"], typed)
    except keystore_v3.MacMismatch:
        raise WrongPassword(f"Wrong password for key '{label}'.") from None
    except (LookupError, TypeError, AttributeError, ArithmeticError, ValueError):
        # a damaged file the checks above let through
        raise DeedbookError(f"The keystore for '{label}' is damaged and cannot be opened.") from None
    check_private_key(secret, f"The keystore for '{label}'")
    actual = checksum_address(address_of_private_key(secret))
    if actual != claimed:
        raise DeedbookError(
            f"The keystore for '{label}' says it holds the key of {claimed}, but it holds the key of "
            f"{actual}; it was edited or damaged, so it is not used."
        )
    return secret


def _write_private(path: Path, data: dict[str, Any]) -> None:
    """Write atomically with owner-only permissions (the file is still encrypted), never over a key."""
    write_output(path, json.dumps(data), private=True, make_folder=True)


class KeyStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, name: str) -> Path:
        return self.folder / f"{check_key_name(name)}.json"

    def list(self) -> list[KeyInfo]:
        keys = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            try:
                address = keystore_address(_read_keystore(path), str(path))
            except DeedbookError:
                continue  # not one of ours, or damaged; leave it alone
            keys.append(KeyInfo(path.stem, address, path))
        return keys

    def get(self, name: str) -> KeyInfo:
        path = self._path(name)
        if not path.exists():
            known = ", ".join(k.name for k in self.list()) or "none yet"
            raise NotFound(f"There is no key named '{name}' (keys: {known}).")
        return KeyInfo(name, keystore_address(_read_keystore(path), f"of key '{name}'"), path)

    def find_by_address(self, address: str) -> KeyInfo | None:
        wanted = address.lower()
        return next((k for k in self.list() if k.address.lower() == wanted), None)

    def _check_new(self, name: str, address: str) -> Path:
        path = self._path(name)
        if path.exists() or path.is_symlink():
            raise DeedbookError(f"A key named '{name}' exists already.")
        if (existing := self.find_by_address(address)) is not None:
            raise DeedbookError(f"This key is already here, under the name '{existing.name}'.")
        return path

    def _store(self, name: str, secret: bytes, password: str, *, n: int | None = None) -> KeyInfo:
        address = checksum_address(address_of_private_key(secret))
        path = self._check_new(name, address)
        data = keystore_v3.encrypt(secret, password_bytes(password), address, n or scrypt_n())
        _write_private(path, data)
        return KeyInfo(name, address, path)

    def create(self, name: str, password: str, *, n: int | None = None) -> KeyInfo:
        check_password(password)
        secret = os.urandom(32)
        while not 0 < int.from_bytes(secret, "big") < SECP256K1_N:  # about 1 in 2**128
            secret = os.urandom(32)
        return self._store(name, secret, password, n=n)

    def import_private_key(self, name: str, key_file: Path, password: str) -> KeyInfo:
        check_password(password)
        text = read_user_text(key_file, "a private key file", max_bytes=MAX_KEY_FILE_BYTES).strip()
        match = _HEX.fullmatch(text)
        if match is None or len(match.group(1)) != 64:
            raise DeedbookError(f"{key_file} does not hold a private key as 64 hex digits.")
        secret = check_private_key(bytes.fromhex(match.group(1)), str(key_file))
        return self._store(name, secret, password)

    def import_keystore(self, name: str, keystore_file: Path, password: str) -> KeyInfo:
        """Import a geth/MetaMask keystore; the password must open it, so a typo is caught now.

        Everything is checked before anything is written: the file's form, its
        key-derivation cost, the password, and that the key inside is the key of
        the address the file names (a keystore naming another address is refused).
        """
        data = _read_keystore(keystore_file)
        check_keystore_params(data, str(keystore_file))
        address = keystore_address(data, str(keystore_file))
        path = self._check_new(check_key_name(name), address)
        _decrypt(data, password, name)
        _write_private(path, data)
        return KeyInfo(name, address, path)

    def export(self, name: str, out: Path, *, force: bool = False) -> Path:
        """Copy the keystore file as it is: still encrypted, importable by geth and MetaMask."""
        info = self.get(name)
        write_output(out, json.dumps(_read_keystore(info.path)), private=True, force=force)
        return out

    def unlock(self, name: str, password: str) -> UnlockedKey:
        info = self.get(name)
        secret = _decrypt(_read_keystore(info.path), password, name)
        if checksum_address(address_of_private_key(secret)) != info.address:  # the file changed since `get`
            raise DeedbookError(f"The keystore of key '{name}' does not hold the key of {info.address}.")
        return UnlockedKey(name, info.address, secret)


def password_bytes(password: str) -> bytes:
    """The bytes a password stands for: UTF-8, and the very bytes typed where a terminal's or a C locale's
    decoding kept what was not UTF-8 as lone surrogates (surrogateescape), so a keystore made with those bytes
    elsewhere opens here.  Any other lone surrogate is no text at all: said, never taken for a damaged file."""
    try:
        return password.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise WrongPassword(
            "The password holds a character that is not text (a lone surrogate); type it again."
        ) from None


def check_password(password: str) -> None:
    if len(password) < 8:
        raise DeedbookError("Choose a password of at least 8 characters.")
