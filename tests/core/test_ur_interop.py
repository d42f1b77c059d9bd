"""BC-UR and EIP-4527 against independent implementations: @ngraveio/bc-ur and @keystonehq/bc-ur-registry-eth.

The answers were recorded by scripts/make_ur_vectors.mjs (see tests/core/ur_vectors.py);
pytest needs no node.  With node and the two packages installed (UR_TOOLS_DIR, as the script's
header says), `test_live_round_trip_with_node` asks them again on fresh inputs.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from core import airgap
from core.ur import cbor
from core.ur.eth import EthSignature, EthSignRequest
from core.ur.ur import UR, UrDecoder, encode_parts, encode_single
from tests.core import ur_vectors

VECTORS = json.loads((Path(__file__).parent.parent / "data" / "ur" / "ur-vectors.json").read_text())
THEIR_PARTS = VECTORS["theirParts"]


def _decode(parts: list[str]) -> UR:
    decoder = UrDecoder()
    for part in parts:
        decoder.receive(part)
        if decoder.complete:
            break
    return decoder.result()


def test_the_recorded_inputs_are_todays() -> None:
    """What the independent implementations were given is what Deedbook makes today."""
    made = ur_vectors.inputs()
    assert [p["cborHex"] for p in made["payloads"]] == [p["cborHex"] for p in THEIR_PARTS]
    assert [p["parts"] for p in made["ourParts"]] == [p["parts"] for p in VECTORS["ourPartsDecoded"]]
    assert [e["requestCborHex"] for e in made["ethParse"]] == [e["requestCborHex"] for e in VECTORS["keystoneParsed"]]


@pytest.mark.parametrize("vector", VECTORS["ourPartsDecoded"], ids=lambda v: v["name"])
def test_their_decoder_reassembles_our_parts(vector: dict[str, Any]) -> None:
    payload = next(p for p in THEIR_PARTS if p["name"] == vector["name"])
    assert vector["ok"], vector["error"]
    assert (vector["type"], vector["cborHex"]) == (payload["type"], payload["cborHex"])  # byte-identical
    assert vector["used"] <= len(vector["parts"])


@pytest.mark.parametrize("vector", THEIR_PARTS, ids=lambda v: v["name"])
def test_our_encoder_writes_their_parts(vector: dict[str, Any]) -> None:
    """Same fragments, same fountain mixes: the part texts are identical, so either side reads the other's."""
    ur = UR(vector["type"], bytes.fromhex(vector["cborHex"]))
    assert encode_single(ur) == vector["single"]
    if vector["seqLen"] > 1:
        assert encode_parts(ur, vector["maxFragment"], count=len(vector["parts"])) == vector["parts"]


@pytest.mark.parametrize("vector", THEIR_PARTS, ids=lambda v: v["name"])
def test_our_decoder_reads_their_parts_in_any_order_with_gaps(vector: dict[str, Any]) -> None:
    expected = UR(vector["type"], bytes.fromhex(vector["cborHex"]))
    parts = list(vector["parts"])
    assert _decode(parts) == expected
    assert _decode(list(reversed(parts))) == expected
    if vector["seqLen"] > 1:
        mixed_only = parts[vector["seqLen"] :]  # none of the plain fragments: every one recovered by XOR
        assert _decode(mixed_only) == expected
        rng = random.Random(vector["name"])
        for _ in range(5):
            shuffled = parts[:]
            rng.shuffle(shuffled)
            kept = [p for p in shuffled if rng.random() >= 0.3]
            decoder = UrDecoder()
            for part in kept + parts:  # a camera that missed ~30% and sees the loop again
                decoder.receive(part)
            assert decoder.result() == expected
    if vector["type"] == airgap.FILE_TYPE:  # a Deedbook file comes back byte for byte
        assert cbor.loads(_decode(parts).cbor) == cbor.loads(bytes.fromhex(vector["cborHex"]))


@pytest.mark.parametrize("vector", VECTORS["keystoneBuilt"], ids=lambda v: v["name"])
def test_keystones_eth_types_parse_here(vector: dict[str, Any]) -> None:
    request = EthSignRequest.from_cbor(bytes.fromhex(vector["requestCborHex"]))
    assert request.request_id.hex() == vector["requestIdHex"]
    assert request.sign_data.hex() == vector["signDataHex"]
    assert (request.data_type, request.chain_id, request.origin) == (2, vector["chainId"], vector["origin"])
    assert request.address is not None and request.address.hex() == vector["addressHex"]
    assert request.key_path.components == ()
    assert _decode(vector["requestParts"]) == UR("eth-sign-request", bytes.fromhex(vector["requestCborHex"]))
    # Deedbook writes the very same bytes for the same request (deterministic CBOR on both sides)
    assert request.cbor().hex() == vector["requestCborHex"]
    signature = EthSignature.from_cbor(bytes.fromhex(vector["signatureCborHex"]))
    assert (signature.request_id, signature.signature.hex()) == (request.request_id, vector["signatureHex"])
    assert _decode([vector["signatureUr"]]) == UR("eth-signature", bytes.fromhex(vector["signatureCborHex"]))


def test_a_wallet_request_read_by_keystone_rebuilds_the_request_here() -> None:
    """The eth-sign-request keystone built from a transfer request reads back as that request."""
    vector = VECTORS["keystoneBuilt"][0]
    collector = airgap.Collector()
    collector.add_all(vector["requestParts"])
    received = collector.result()
    original = ur_vectors.VECTORS[vector["name"]]["request"]
    assert received.type == "eth-sign-request" and received.parsed is not None
    assert received.parsed.typed_data == original["typedData"] and received.parsed.signer == original["signer"]


@pytest.mark.parametrize("vector", VECTORS["keystoneParsed"], ids=lambda v: v["name"])
def test_keystone_parses_our_eth_types(vector: dict[str, Any]) -> None:
    ours = EthSignRequest.from_cbor(bytes.fromhex(vector["requestCborHex"]))
    assert vector["requestId"] == ours.request_id.hex() == vector["signatureRequestId"]
    assert vector["signDataHex"] == ours.sign_data.hex()
    assert (vector["dataType"], vector["chainId"], vector["origin"], vector["path"]) == (2, 1, "Deedbook", None)
    assert ours.address is not None and vector["address"] == ours.address.hex()
    request = ur_vectors.VECTORS[vector["name"]]
    assert json.loads(bytes.fromhex(vector["signDataHex"])) == request["request"]["typedData"]
    assert vector["signature"] == request["ethersSignature"][2:]


def _tools() -> Path | None:
    folder = os.environ.get("UR_TOOLS_DIR")
    if not folder or shutil.which("node") is None:
        return None
    path = Path(folder)
    return path if (path / "node_modules" / "@ngraveio" / "bc-ur").is_dir() else None


@pytest.mark.skipif(_tools() is None, reason="needs node and UR_TOOLS_DIR with @ngraveio/bc-ur and keystone's registry")
def test_live_round_trip_with_node(tmp_path: Path) -> None:
    """The same questions asked again of the installed packages (the recorded answers must not be stale)."""
    tools = _tools()
    assert tools is not None
    inputs, out = tmp_path / "inputs.json", tmp_path / "out.json"
    inputs.write_text(json.dumps(ur_vectors.inputs()))
    script = Path(__file__).resolve().parents[2] / "scripts" / "make_ur_vectors.mjs"
    subprocess.run(
        ["node", str(script), str(inputs), str(out)],
        check=True,
        env={**os.environ, "UR_TOOLS_DIR": str(tools)},
        capture_output=True,
        timeout=300,
    )
    fresh = json.loads(out.read_text())
    for key in ("theirParts", "ourPartsDecoded", "keystoneBuilt", "keystoneParsed"):
        assert fresh[key] == VECTORS[key], key
