"""Keystore v3 files: compatible both ways with eth-account (geth/MetaMask format)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from eth_account import Account

from core.errors import DeedbookError, NotFound, WrongPassword
from core.keys import KeyStore
from tests.helpers import PASSWORD


@pytest.fixture
def store(tmp_path: Path) -> KeyStore:
    return KeyStore(tmp_path / "keys")


def test_created_key_is_a_standard_keystore_never_clear(store: KeyStore) -> None:
    info = store.create("alice", PASSWORD)
    data = json.loads(info.path.read_text())
    assert data["version"] == 3 and data["crypto"]["kdf"] == "scrypt"
    secret = Account.decrypt(data, PASSWORD)  # the reference implementation opens it
    assert Account.from_key(secret).address == info.address
    assert secret.hex() not in info.path.read_text() and bytes(secret).hex() not in info.path.read_text()
    assert oct(info.path.stat().st_mode & 0o777) == "0o600"
    assert "secret" not in repr(store.unlock("alice", PASSWORD)).lower()


def test_import_of_a_keystore_made_elsewhere(store: KeyStore, tmp_path: Path) -> None:
    secret = os.urandom(32)
    foreign = tmp_path / "metamask.json"
    foreign.write_text(json.dumps(Account.encrypt(secret, "their password", kdf="scrypt", iterations=1024)))
    with pytest.raises(WrongPassword, match="Wrong password"):
        store.import_keystore("bob", foreign, "not it")
    assert store.list() == []
    info = store.import_keystore("bob", foreign, "their password")
    assert info.address == Account.from_key(secret).address
    assert store.unlock("bob", "their password").address == info.address


def test_import_raw_private_key_and_export_round_trip(store: KeyStore, tmp_path: Path) -> None:
    secret = os.urandom(32)
    raw = tmp_path / "key.txt"
    raw.write_text("0x" + secret.hex() + "\n")
    info = store.import_private_key("carol", raw, PASSWORD)
    out = store.export("carol", tmp_path / "carol-export.json")
    assert Account.from_key(Account.decrypt(json.loads(out.read_text()), PASSWORD)).address == info.address
    with pytest.raises(DeedbookError, match="already here"):
        store.import_private_key("carol2", raw, PASSWORD)
    with pytest.raises(DeedbookError, match="exists already"):
        store.export("carol", out)


@pytest.mark.parametrize("content", ["", "zz", "0x1234", "{\"version\": 3}", "0x" + "00" * 32])
def test_bad_private_key_files_are_clear_errors(store: KeyStore, tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(content)
    with pytest.raises(DeedbookError):
        store.import_private_key("x", bad, PASSWORD)
    assert store.list() == []


@pytest.mark.parametrize("content", ["not json", "[]", "{\"version\": 2}", "{\"version\": 3, \"crypto\": {}}"])
def test_bad_keystore_files_are_clear_errors(store: KeyStore, tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with pytest.raises(DeedbookError):
        store.import_keystore("x", bad, PASSWORD)


def test_names_passwords_and_unknown_keys(store: KeyStore) -> None:
    with pytest.raises(DeedbookError, match="not a usable key name"):
        store.create("../evil", PASSWORD)
    # 'ü' is a letter: the refusal said 'use letters' (fails on the old code); it says which ones
    with pytest.raises(
        DeedbookError, match=r"'Jürgen' is not a usable key name: use 1 to 64 plain letters \(A-Z, a-z\)"
    ):
        store.create("Jürgen", PASSWORD)
    with pytest.raises(DeedbookError, match="at least 8"):
        store.create("short", "abc")
    store.create("dave", PASSWORD)
    with pytest.raises(DeedbookError, match="exists already"):
        store.create("dave", PASSWORD)
    with pytest.raises(NotFound, match="no key named 'erin'"):
        store.unlock("erin", PASSWORD)
    with pytest.raises(WrongPassword):
        store.unlock("dave", PASSWORD + "!")


def test_a_password_typed_in_a_c_locale_opens_the_keystore_made_with_its_bytes(store: KeyStore, tmp_path: Path) -> None:
    """In a C or POSIX locale Python reads a typed "pässword" (Latin-1 bytes, not UTF-8) as lone surrogates
    (surrogateescape): those stand for the very bytes typed, and a keystore made elsewhere with them opens."""
    from eth_keyfile.keyfile import create_keyfile_json

    typed_bytes = "pässwort-1".encode("latin-1")
    secret = os.urandom(32)
    foreign = tmp_path / "latin1.json"
    foreign.write_text(json.dumps(create_keyfile_json(secret, typed_bytes, kdf="scrypt", iterations=1024)))
    as_read = typed_bytes.decode("utf-8", "surrogateescape")  # what getpass/stdin give in a C locale
    assert any("\udc80" <= ch <= "\udcff" for ch in as_read)
    info = store.import_keystore("latin", foreign, as_read)
    assert info.address == Account.from_key(secret).address
    assert store.unlock("latin", as_read).address == info.address
    with pytest.raises(WrongPassword, match="Wrong password"):
        store.unlock("latin", "pässwort-1")  # the same letters as UTF-8 are other bytes


@pytest.mark.parametrize("odd", ["\ud800", "abc\udfffdef", "\ud83d-half-an-emoji"])
def test_a_password_with_a_lone_surrogate_is_said_to_be_no_text_not_a_damaged_keystore(
    store: KeyStore, odd: str
) -> None:
    store.create("alice", PASSWORD)
    with pytest.raises(WrongPassword, match="not text"):
        store.unlock("alice", odd)
    with pytest.raises(WrongPassword, match="not text"):
        store.create("bob", "long enough " + odd)
    assert [k.name for k in store.list()] == ["alice"]  # nothing written for a password that is no text
