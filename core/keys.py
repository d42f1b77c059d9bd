"""Named signing keys in Web3 Secret Storage (keystore v3, scrypt) files.

The files are the ones geth and MetaMask import and export, one per key in
`<data dir>/keys/<name>.json`.  A private key exists in clear only in memory,
for the moment it signs; it is never written, logged or put in the database.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import DeedbookError, NotFound, WrongPassword
from core.signing import address_of_private_key, checksum_address, sign_digest

# geth's "standard" scrypt cost.  DEEDBOOK_SCRYPT_N lowers it for test suites and
# demo ledgers only: decryption reads n from each file, so either kind opens.
STANDARD_SCRYPT_N = 262144
DEMO_SCRYPT_N = 16384
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


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

    @property
    def address_bytes(self) -> bytes:
        return bytes.fromhex(self.address[2:])

    def sign(self, digest: bytes) -> bytes:
        return sign_digest(self._secret, digest)

    def __repr__(self) -> str:  # never show the secret, even in a traceback
        return f"UnlockedKey({self.name!r}, {self.address})"


def check_key_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise DeedbookError(
            f"'{name}' is not a usable key name: use letters, digits, '.', '_' or '-' (at most 64)."
        )
    return name


def _read_keystore(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DeedbookError(f"There is no file {path}.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise DeedbookError(f"{path} is not a keystore file (it is not readable JSON).") from None
    crypto = data.get("crypto") or data.get("Crypto") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("version") != 3 or not isinstance(crypto, dict):
        raise DeedbookError(f"{path} is not a version 3 keystore file.")
    return data


def _decrypt(keystore: dict[str, Any], password: str, label: str) -> bytes:
    from eth_keyfile.keyfile import decode_keyfile_json  # lazy: eth-keyfile pulls in pycryptodome

    try:
        return bytes(decode_keyfile_json(keystore, password.encode("utf-8")))
    except ValueError as error:
        if "MAC" in str(error):
            raise WrongPassword(f"Wrong password for key '{label}'.") from None
        raise DeedbookError(f"The keystore for '{label}' cannot be read: {error}.") from None
    except (KeyError, TypeError):
        raise DeedbookError(f"The keystore for '{label}' is damaged or incomplete.") from None


def _write_private(path: Path, data: dict[str, Any]) -> None:
    """Write atomically with owner-only permissions (the file is still encrypted)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class KeyStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, name: str) -> Path:
        return self.folder / f"{check_key_name(name)}.json"

    def list(self) -> list[KeyInfo]:
        keys = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                address = checksum_address(bytes.fromhex(str(data["address"]).removeprefix("0x")))
            except (OSError, ValueError, KeyError, TypeError):
                continue  # not one of ours; leave it alone
            keys.append(KeyInfo(path.stem, address, path))
        return keys

    def get(self, name: str) -> KeyInfo:
        path = self._path(name)
        if not path.exists():
            known = ", ".join(k.name for k in self.list()) or "none yet"
            raise NotFound(f"There is no key named '{name}' (keys: {known}).")
        data = _read_keystore(path)
        return KeyInfo(name, checksum_address(bytes.fromhex(str(data["address"]).removeprefix("0x"))), path)

    def find_by_address(self, address: str) -> KeyInfo | None:
        wanted = address.lower()
        return next((k for k in self.list() if k.address.lower() == wanted), None)

    def _store(self, name: str, secret: bytes, password: str, *, n: int | None = None) -> KeyInfo:
        from eth_keyfile.keyfile import create_keyfile_json

        path = self._path(name)
        if path.exists():
            raise DeedbookError(f"A key named '{name}' exists already.")
        address = checksum_address(address_of_private_key(secret))
        if (existing := self.find_by_address(address)) is not None:
            raise DeedbookError(f"This key is already here, under the name '{existing.name}'.")
        data = create_keyfile_json(secret, password.encode("utf-8"), kdf="scrypt", iterations=n or scrypt_n())
        _write_private(path, data)
        return KeyInfo(name, address, path)

    def create(self, name: str, password: str, *, n: int | None = None) -> KeyInfo:
        check_password(password)
        return self._store(name, os.urandom(32), password, n=n)

    def import_private_key(self, name: str, key_file: Path, password: str) -> KeyInfo:
        check_password(password)
        try:
            text = key_file.read_text(encoding="utf-8").strip().removeprefix("0x")
            secret = bytes.fromhex(text)
        except FileNotFoundError:
            raise DeedbookError(f"There is no file {key_file}.") from None
        except (OSError, UnicodeDecodeError, ValueError):
            raise DeedbookError(f"{key_file} does not hold a private key as 64 hex digits.") from None
        if len(secret) != 32 or not 0 < int.from_bytes(secret, "big") < 2**256 - 2**32 - 977:
            raise DeedbookError(f"{key_file} does not hold a valid secp256k1 private key.")
        return self._store(name, secret, password)

    def import_keystore(self, name: str, keystore_file: Path, password: str) -> KeyInfo:
        """Import a geth/MetaMask keystore; the password must open it, so a typo is caught now."""
        data = _read_keystore(keystore_file)
        _decrypt(data, password, name)
        path = self._path(name)
        if path.exists():
            raise DeedbookError(f"A key named '{name}' exists already.")
        address = str(data.get("address", "")).removeprefix("0x").lower()
        if (existing := self.find_by_address("0x" + address)) is not None:
            raise DeedbookError(f"This key is already here, under the name '{existing.name}'.")
        _write_private(path, data)
        return self.get(name)

    def export(self, name: str, out: Path) -> Path:
        """Copy the keystore file as it is: still encrypted, importable by geth and MetaMask."""
        info = self.get(name)
        if out.exists():
            raise DeedbookError(f"{out} exists already; choose another file name.")
        _write_private(out, _read_keystore(info.path))
        return out

    def unlock(self, name: str, password: str) -> UnlockedKey:
        info = self.get(name)
        secret = _decrypt(_read_keystore(info.path), password, name)
        return UnlockedKey(name, info.address, secret)


def check_password(password: str) -> None:
    if len(password) < 8:
        raise DeedbookError("Choose a password of at least 8 characters.")
