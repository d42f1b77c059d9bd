"""core.keystore_v3 against the Web3 Secret Storage definition's own vectors and against eth-keyfile (the
implementation eth-account uses), both ways, for any key and any password bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from eth_keyfile.keyfile import create_keyfile_json, decode_keyfile_json
from hypothesis import given, settings
from hypothesis import strategies as st

from core import keystore_v3
from core.keys import check_keystore_params
from core.signing import SECP256K1_N, address_of_private_key, checksum_address

SPEC_SECRET = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"


def _crypto(kdf: str, kdfparams: dict[str, object], iv: str, ciphertext: str, mac: str) -> dict[str, object]:
    return {
        "cipher": "aes-128-ctr",
        "cipherparams": {"iv": iv},
        "ciphertext": ciphertext,
        "kdf": kdf,
        "kdfparams": kdfparams,
        "mac": mac,
    }


# The definition's two test vectors, password "testpassword" (ethereum.org, "Web3 Secret Storage Definition").
SPEC_PBKDF2 = _crypto(
    "pbkdf2",
    {
        "c": 262144,
        "dklen": 32,
        "prf": "hmac-sha256",
        "salt": "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd",
    },
    "6087dab2f9fdbbfaddc31a909735c1e6",
    "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
)
SPEC_SCRYPT = _crypto(
    "scrypt",
    {
        "dklen": 32,
        "n": 262144,
        "r": 1,
        "p": 8,
        "salt": "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19",
    },
    "83dbcc02d8ccb40e466191a123791e0e",
    "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
    "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097",
)

secrets = st.binary(min_size=32, max_size=32).filter(lambda b: 0 < int.from_bytes(b, "big") < SECP256K1_N)
passwords = st.binary(max_size=64)  # any bytes: a password read in a C locale need not be UTF-8


@pytest.mark.parametrize("crypto", [SPEC_PBKDF2, SPEC_SCRYPT], ids=["pbkdf2", "scrypt"])
def test_the_definitions_vectors_open_to_its_key(crypto: dict[str, object]) -> None:
    assert keystore_v3.decrypt(crypto, b"testpassword").hex() == SPEC_SECRET
    with pytest.raises(keystore_v3.MacMismatch):
        keystore_v3.decrypt(crypto, b"testpassworD")


@settings(max_examples=40, deadline=None)
@given(secret=secrets, password=passwords)
def test_what_we_write_eth_keyfile_opens(secret: bytes, password: bytes) -> None:
    address = checksum_address(address_of_private_key(secret))
    document = keystore_v3.encrypt(secret, password, address, 16)
    check_keystore_params(document, "written")  # within what we open ourselves
    assert bytes(decode_keyfile_json(json.loads(json.dumps(document)), password)) == secret
    assert document["address"] == address[2:]  # as eth-keyfile writes it: EIP-55 without 0x


@settings(max_examples=40, deadline=None)
@given(secret=secrets, password=passwords, kdf=st.sampled_from(["scrypt", "pbkdf2"]))
def test_what_eth_keyfile_writes_we_open(secret: bytes, password: bytes, kdf: str) -> None:
    document = create_keyfile_json(secret, password, kdf=kdf, iterations=16)
    assert keystore_v3.decrypt(document["crypto"], password) == secret
    with pytest.raises(keystore_v3.MacMismatch):
        keystore_v3.decrypt(document["crypto"], password + b"!")


def test_two_keystores_of_one_key_share_no_salt_iv_or_ciphertext() -> None:
    secret = os.urandom(32)
    address = checksum_address(address_of_private_key(secret))
    first, second = (keystore_v3.encrypt(secret, b"same password", address, 16)["crypto"] for _ in range(2))
    assert first["kdfparams"]["salt"] != second["kdfparams"]["salt"]
    assert first["cipherparams"]["iv"] != second["cipherparams"]["iv"]
    assert first["ciphertext"] != second["ciphertext"]


def test_opening_a_key_does_not_import_eth_keyfile_or_py_ecc(tmp_path: Path) -> None:
    """eth-keyfile imports py_ecc's BLS12-381 tables at import, about a second each command that signs paid."""
    program = (
        "import sys\n"
        "from pathlib import Path\n"
        "from core.keys import KeyStore\n"
        "store = KeyStore(Path(sys.argv[1]))\n"
        "store.create('alice', 'correct horse battery', n=16)\n"
        "store.unlock('alice', 'correct horse battery')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('eth_keyfile', 'py_ecc', 'eth_account')))\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    done = subprocess.run(
        [sys.executable, "-c", program, str(tmp_path / "keys")], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
