"""Interoperability with ethers.js (a third-party EIP-712 implementation), through recorded vectors.

The vectors were made by scripts/make_eip712_vectors.mjs from the requests of a
deterministic ledger (vector_world.py); pytest needs no node.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.eip712 import domain_separator, typed_data_digest
from core.identity import LedgerIdentity
from core.kinds import digest_for, kinds, typed_data
from core.requests import FORMAT, RequestError, parse_request, write_json
from core.signing import checksum_address, recover_address
from core.transactions import submit
from core.verify import verify_ledger
from desktop.cli.main import run
from tests.transactions import vector_world

VECTORS = json.loads((Path(__file__).parent / "vectors" / "ethers-vectors.json").read_text())["vectors"]
BY_NAME = {v["name"]: v for v in VECTORS}


def _with_signature(vector: dict[str, Any], signature: str) -> dict[str, Any]:
    return dict(vector["request"], signature=signature)


def test_every_version_of_a_versioned_type_has_a_vector() -> None:
    versioned = {"HoldApproval", "HoldReleaseApproval", "RecoveryApproval"}
    current = {v["request"]["typedData"]["primaryType"] for v in VECTORS if not v["name"].endswith("-v1")}
    first = {v["request"]["typedData"]["primaryType"] for v in VECTORS if v["name"].endswith("-v1")}
    assert versioned <= current and {"Hold", "HoldApproval", "RecoveryApproval"} <= first


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["name"])
def test_digest_and_signatures_agree_with_ethers(vector: dict[str, Any]) -> None:
    td = vector["request"]["typedData"]
    digest = typed_data_digest(td)
    assert "0x" + digest.hex() == vector["ethersDigest"]
    assert "0x" + domain_separator(td["domain"]).hex() == vector["ethersDomainSeparator"]
    assert vector["ethersPrimaryType"] == td["primaryType"]
    assert vector["ethersDomainType"] == td["types"]["EIP712Domain"]
    # a signature made by ethers recovers here to the test key's address ...
    ethers_sig = bytes.fromhex(vector["ethersSignature"][2:])
    assert checksum_address(recover_address(digest, ethers_sig)) == vector["signer"]
    if vector["name"].endswith("-v1"):  # a first version: its entries verify, but no request is made of it now
        signed_type = td["primaryType"]
        kind = next(k for k in kinds().values() if signed_type == k.name or signed_type in k.wrappers)
        message = td["message"] if signed_type == kind.name else td["message"][kind.wrappers[signed_type]]
        assert not kind.is_current(message)
        identity = LedgerIdentity(vector_world.LEDGER_ID, "Vector County", "0x" + "00" * 20, 1)
        assert digest_for(identity, kind, message, signed_type) == digest  # the kinds' own hashing, as ethers'
        assert typed_data(identity, kind.name, message, signed_type) == td
        with pytest.raises(RequestError, match="of an earlier Deedbook"):
            parse_request(
                {**_with_signature(vector, vector["ethersSignature"]), "format": FORMAT, "signer": vector["signer"]},
                require_signature=True,
            )
    else:
        assert (
            parse_request(_with_signature(vector, vector["ethersSignature"]), require_signature=True).signer
            == vector["signer"]
        )
    # ... and one made here recovers there to the same address
    assert vector["ethersRecoveredDeedbookSigner"] == vector["signer"]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> vector_world.VectorWorld:
    import os

    os.environ.setdefault("DEEDBOOK_SCRYPT_N", "1024")
    return vector_world.build(tmp_path_factory.mktemp("vectors") / "home")


def test_requests_are_still_the_ones_ethers_signed(world: vector_world.VectorWorld) -> None:
    """The vector files are current: today's Deedbook makes the same typed data and the same signatures."""
    made = vector_world.inputs(world)["cases"]
    assert [c["name"] for c in made] == list(BY_NAME)  # type: ignore[index]
    for case in made:  # type: ignore[union-attr]
        vector = BY_NAME[case["name"]]
        assert case["request"]["typedData"] == vector["request"]["typedData"]
        assert case["pythonSignature"] == vector["deedbookSignature"]
        # RFC 6979 on both sides: the very same signature bytes
        assert vector["deedbookSignature"] == vector["ethersSignature"]


def test_ethers_signed_transfer_is_accepted_by_submit(
    world: vector_world.VectorWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    before = world.ledger.size()
    responses = []
    for name in ("transfer-seller", "transfer-buyer", "transfer-lienholder"):
        vector = BY_NAME[name]
        responses.append(write_json(tmp_path / f"{name}.json", _with_signature(vector, vector["ethersSignature"])))
    code = run(["--data-dir", str(world.ledger.home.root), "transfer", "submit", *map(str, responses), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    recorded = json.loads(out)
    assert recorded["index"] == before and recorded["kind"] == "Transfer"
    deed = world.ledger.deed(1)
    assert deed.holders == {world.keys["buyer"].address: 10_000} and deed.open_liens() == []
    assert verify_ledger(world.ledger, jobs=1).ok
    # the same ethers responses again: refused, nothing written
    with pytest.raises(Exception, match="already recorded"):
        submit(world.ledger, [str(p) for p in responses])
    assert world.ledger.size() == before + 1


@pytest.mark.parametrize("name", ["lien", "lien-release", "attestation"])
def test_ethers_signed_party_requests_are_accepted_by_submit(name: str, tmp_path: Path, capsys: Any) -> None:
    """A bank's lien and release and a notary's attestation, each signed by ethers' wallet, recorded by `submit`."""
    import os

    os.environ.setdefault("DEEDBOOK_SCRYPT_N", "1024")
    fresh = vector_world.build(tmp_path / "home")  # each on its own ledger: a lien and a release both move deed 1
    vector = BY_NAME[name]
    response = write_json(tmp_path / f"{name}.json", _with_signature(vector, vector["ethersSignature"]))
    code = run(["--data-dir", str(fresh.ledger.home.root), "submit", str(response), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    [recorded] = json.loads(out)
    assert recorded["kind"] == vector["request"]["typedData"]["primaryType"]
    signer = recorded["signatures"][0]["signer"]
    assert signer == vector["signer"]
    assert verify_ledger(fresh.ledger, jobs=1).ok
    code = run(["--data-dir", str(fresh.ledger.home.root), "submit", str(response)])
    assert code == 2 and "already recorded" in capsys.readouterr().err
