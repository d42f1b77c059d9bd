"""Keystores from elsewhere: bounded key derivation, the address they name, keys below the curve order.

Whatever a keystore file holds, import and unlock end in a key or one sentence, quickly,
and a refused import leaves nothing in the keys folder.
"""

from __future__ import annotations

import copy
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DeedbookError, WrongPassword
from core.keys import KeyStore
from core.signing import SECP256K1_N
from tests.helpers import PASSWORD

FIELD_PRIME = 2**256 - 2**32 - 977


@pytest.fixture(scope="module")
def scrypt_keystore(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    store = KeyStore(tmp_path_factory.mktemp("made") / "keys")
    info = store.create("source", PASSWORD, n=1024)
    return dict(json.loads(info.path.read_text()))


@pytest.fixture(scope="module")
def pbkdf2_keystore() -> dict[str, Any]:
    return dict(Account.encrypt(os.urandom(32), PASSWORD, kdf="pbkdf2", iterations=1000))


def _with(keystore: dict[str, Any], **params: Any) -> dict[str, Any]:
    changed = copy.deepcopy(keystore)
    changed["crypto"]["kdfparams"].update(params)
    return changed


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


SCRYPT_OUT_OF_BOUNDS = [
    ({"p": 2**24}, "p = 16,777,216"),
    ({"r": 2**20}, "r = 1,048,576"),
    ({"dklen": 10**9}, "dklen = 1,000,000,000"),
    ({"dklen": 16}, "dklen = 16"),
    ({"n": 2**21}, "n = 2,097,152"),
    ({"n": 2**31}, "n = 2,147,483,648"),
    ({"n": 1000}, "not a power of two"),
    ({"n": 0}, "n = 0"),
    ({"n": True}, "not a whole number"),
    ({"n": "262144"}, "not a whole number"),
    ({"n": 2**20, "r": 16}, "more work or memory"),  # each within bounds, together 2 GiB
    ({"n": 2**18, "r": 8, "p": 16}, "more work or memory"),  # each within bounds, together 16x geth's work
    ({"salt": "ab" * 10_000}, "salt"),
]
PBKDF2_OUT_OF_BOUNDS = [
    ({"c": 2**31}, "c = 2,147,483,648"),
    ({"c": 0}, "c = 0"),
    ({"prf": "hmac-md5"}, "hmac-sha256"),
    ({"dklen": 2**30}, "dklen = 1,073,741,824"),
]


@pytest.mark.parametrize("params, says", SCRYPT_OUT_OF_BOUNDS)
def test_scrypt_out_of_bounds_is_a_quick_sentence(
    tmp_path: Path, scrypt_keystore: dict[str, Any], params: dict[str, Any], says: str
) -> None:
    _refused_quickly(tmp_path, _with(scrypt_keystore, **params), says)


@pytest.mark.parametrize("params, says", PBKDF2_OUT_OF_BOUNDS)
def test_pbkdf2_out_of_bounds_is_a_quick_sentence(
    tmp_path: Path, pbkdf2_keystore: dict[str, Any], params: dict[str, Any], says: str
) -> None:
    _refused_quickly(tmp_path, _with(pbkdf2_keystore, **params), says)


def _refused_quickly(tmp_path: Path, keystore: dict[str, Any], says: str) -> None:
    """Refused on import (nothing written) and on unlock of a stored file edited the same way."""
    store = KeyStore(tmp_path / "keys")
    source = tmp_path / "foreign.json"
    source.write_text(json.dumps(keystore))
    started = time.monotonic()
    with pytest.raises(DeedbookError, match=says):
        store.import_keystore("foreign", source, PASSWORD)
    assert time.monotonic() - started < 0.5
    assert _files(store.folder) == []
    store.folder.mkdir()
    (store.folder / "edited.json").write_text(json.dumps(keystore))
    started = time.monotonic()
    with pytest.raises(DeedbookError, match=says):
        store.unlock("edited", PASSWORD)
    assert time.monotonic() - started < 0.5


def test_geth_and_eth_account_defaults_are_within_bounds(tmp_path: Path) -> None:
    """The bounds sit above what real wallets write: geth's scrypt and eth-account's pbkdf2 (c = 1,000,000)."""
    secret = os.urandom(32)
    store = KeyStore(tmp_path / "keys")
    for name, kdf in (("geth", "scrypt"), ("ethaccount", "pbkdf2")):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(Account.encrypt(secret, PASSWORD, kdf=kdf)))  # the library's own defaults
        if name == "ethaccount":
            store = KeyStore(tmp_path / "other")  # the same key cannot be imported twice into one folder
        info = store.import_keystore(name, path, PASSWORD)
        assert info.address == Account.from_key(secret).address


@pytest.mark.parametrize(
    "address, says",
    [
        ("0x" + "22" * 20, "says it holds the key of 0x2222222222222222222222222222222222222222, but it holds"),
        (None, "does not say which address it holds"),
        ("", "does not say which address it holds"),
        ("0xzz" + "22" * 19, "does not say which address it holds"),
        ("22" * 19, "does not say which address it holds"),
        (1234, "does not say which address it holds"),
        (["0x" + "22" * 20], "does not say which address it holds"),
    ],
)
def test_the_address_must_be_the_keys(tmp_path: Path, scrypt_keystore: dict[str, Any], address: Any, says: str) -> None:
    keystore = copy.deepcopy(scrypt_keystore)
    if address is None:
        del keystore["address"]
    else:
        keystore["address"] = address
    source = tmp_path / "claims.json"
    source.write_text(json.dumps(keystore))
    store = KeyStore(tmp_path / "keys")
    with pytest.raises(DeedbookError, match=says):
        store.import_keystore("claims", source, PASSWORD)
    assert _files(store.folder) == []


def test_a_stored_keystore_edited_to_another_address_does_not_sign(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    info = store.create("alice", PASSWORD)
    data = json.loads(info.path.read_text())
    data["address"] = "22" * 20
    info.path.write_text(json.dumps(data))
    assert store.get("alice").address == "0x" + "22" * 20  # what the file claims, until it is opened
    with pytest.raises(DeedbookError, match=r"says it holds the key of 0x2222.*it was edited or damaged"):
        store.unlock("alice", PASSWORD)


@pytest.mark.parametrize(
    "value, ok",
    [
        (0, False),
        (1, True),
        (SECP256K1_N - 1, True),
        (SECP256K1_N, False),
        (SECP256K1_N + 1, False),
        (FIELD_PRIME - 1, False),  # below the field prime, the bound the first release used, but above the order
        (2**256 - 1, False),
    ],
)
def test_a_private_key_is_below_the_curve_order(tmp_path: Path, value: int, ok: bool) -> None:
    raw = tmp_path / "key.txt"
    raw.write_text(f"0x{value:064x}\n")
    store = KeyStore(tmp_path / "keys")
    if ok:
        assert (
            store.import_private_key("k", raw, PASSWORD).address == Account.from_key(value.to_bytes(32, "big")).address
        )
    else:
        with pytest.raises(DeedbookError, match="not hold a valid secp256k1 private key"):
            store.import_private_key("k", raw, PASSWORD)
        assert _files(store.folder) == []


def _forge_keystore(secret: bytes, password: str) -> dict[str, Any]:
    """A keystore v3 made by hand (eth-keyfile refuses to write a key at or above the order)."""
    import hashlib

    from Crypto.Cipher import AES
    from Crypto.Util import Counter

    from core.hashing import keccak

    salt, iv = os.urandom(16), os.urandom(16)
    derived = hashlib.scrypt(password.encode(), salt=salt, n=1024, r=8, p=1, dklen=32)
    counter = Counter.new(128, initial_value=int.from_bytes(iv, "big"))
    ciphertext = AES.new(derived[:16], AES.MODE_CTR, counter=counter).encrypt(secret)
    return {
        "version": 3,
        "id": "forged",
        "address": "11" * 20,
        "crypto": {
            "cipher": "aes-128-ctr",
            "cipherparams": {"iv": iv.hex()},
            "ciphertext": ciphertext.hex(),
            "kdf": "scrypt",
            "kdfparams": {"n": 1024, "r": 8, "p": 1, "dklen": 32, "salt": salt.hex()},
            "mac": keccak(derived[16:32] + ciphertext).hex(),
        },
    }


@pytest.mark.parametrize("value", [FIELD_PRIME - 1, SECP256K1_N, 0])
def test_a_keystore_holding_a_key_outside_the_order_is_refused(tmp_path: Path, value: int) -> None:
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(_forge_keystore(value.to_bytes(32, "big"), PASSWORD)))
    store = KeyStore(tmp_path / "keys")
    with pytest.raises(DeedbookError, match="not hold a valid secp256k1 private key"):
        store.import_keystore("bad", source, PASSWORD)
    assert _files(store.folder) == []
    with pytest.raises(WrongPassword):  # the forged file is a real keystore: the password is checked first
        store.import_keystore("bad", source, "another password")


def test_huge_and_odd_keystore_files(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.truncate(2**30)
    with pytest.raises(DeedbookError, match=r"too large to be a keystore file \(over 1 MB\)"):
        store.import_keystore("big", big, PASSWORD)
    with pytest.raises(DeedbookError, match="is a device"):
        store.import_keystore("zero", Path("/dev/zero"), PASSWORD)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DeedbookError, match="nested far too deep"):
        store.import_keystore("deep", deep, PASSWORD)
    assert _files(store.folder) == []
    store.folder.mkdir()
    os.mkfifo(store.folder / "fifo.json")  # a FIFO in the keys folder must not hang `key list`
    (store.folder / "junk.json").write_bytes(b"\xff\x00")
    assert store.list() == []


# -- fuzzing -------------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    return found


def _outcome(tmp_path: Path, raw: bytes) -> None:
    """Import then unlock: a key or a DeedbookError, never anything else, in bounded time; refused leaves nothing."""
    folder = tmp_path / f"keys-{os.urandom(4).hex()}"
    store = KeyStore(folder)
    source = tmp_path / f"fuzz-{os.urandom(4).hex()}.json"
    source.write_bytes(raw)
    started = time.monotonic()
    try:
        info = store.import_keystore("fuzzed", source, PASSWORD)
    except DeedbookError as refused:
        assert str(refused) and "\n" not in str(refused)
        assert _files(folder) == []
    else:
        assert store.unlock(info.name, PASSWORD).address == info.address
    assert time.monotonic() - started < 10  # bounded derivation: the largest allowed cost is ~3 s


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=600))
def test_random_bytes(tmp_path: Path, raw: bytes) -> None:
    _outcome(tmp_path, raw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), replacement=JSON)
def test_a_value_anywhere_in_a_real_keystore_replaced(
    tmp_path: Path,
    scrypt_keystore: dict[str, Any],
    pbkdf2_keystore: dict[str, Any],
    data: st.DataObject,
    replacement: Any,
) -> None:
    keystore = copy.deepcopy(data.draw(st.sampled_from([scrypt_keystore, pbkdf2_keystore])))
    path = data.draw(st.sampled_from([p for p in _paths(keystore) if p]))
    target = keystore
    for key in path[:-1]:
        target = target[key]
    if data.draw(st.booleans()):
        target[path[-1]] = replacement
    else:
        del target[path[-1]]
    _outcome(tmp_path, json.dumps(keystore).encode())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_bytes_of_a_real_keystore_flipped_or_cut(
    tmp_path: Path, scrypt_keystore: dict[str, Any], data: st.DataObject
) -> None:
    raw = bytearray(json.dumps(scrypt_keystore).encode())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(raw)))
    _outcome(tmp_path, bytes(raw[:cut]))
