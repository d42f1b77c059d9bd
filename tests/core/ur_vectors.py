"""Inputs of the BC-UR interoperability vectors (scripts/make_ur_vectors.mjs), made deterministically.

Payloads are real request and response files (the ethers.js vectors' transfer, signed by ethers),
a wallet's eth-sign-request, and seeded random bytes.  `python -m tests.core.ur_vectors OUT`
writes the input the node script reads; tests/core/test_ur_interop.py rebuilds the same input
and checks the recorded answers against today's code.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

from core import airgap
from core.requests import parse_request
from core.ur import cbor
from core.ur.eth import EthSignature, EthSignRequest
from core.ur.fountain import FountainEncoder, Xoshiro256
from core.ur.ur import UR, encode_part

ETHERS = json.loads((Path(__file__).parent.parent / "transactions" / "vectors" / "ethers-vectors.json").read_text())
VECTORS = {v["name"]: v for v in ETHERS["vectors"]}


def file_bytes(data: dict[str, Any]) -> bytes:
    """A request or response as `deedbook sign` and `transfer prepare` write it."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def request_file(name: str) -> bytes:
    return file_bytes(VECTORS[name]["request"])


def response_file(name: str) -> bytes:
    vector = VECTORS[name]
    return file_bytes(dict(vector["request"], signature=vector["ethersSignature"]))


def payloads() -> list[dict[str, Any]]:
    seller = parse_request(VECTORS["transfer-buyer"]["request"])
    return [
        {
            "name": "wolf-256",
            "type": "bytes",
            "cborHex": cbor.dumps(Xoshiro256(b"Wolf").next_data(256)).hex(),
            "maxFragment": 30,
        },
        {
            "name": "transfer-request",
            "type": airgap.FILE_TYPE,
            "cborHex": cbor.dumps(request_file("transfer-seller")).hex(),
            "maxFragment": airgap.FRAGMENT_BYTES,
        },
        {
            "name": "transfer-response",
            "type": airgap.FILE_TYPE,
            "cborHex": cbor.dumps(response_file("transfer-seller")).hex(),
            "maxFragment": airgap.FRAGMENT_BYTES,
        },
        {
            "name": "attestation-request",
            "type": airgap.FILE_TYPE,
            "cborHex": cbor.dumps(request_file("attestation")).hex(),
            "maxFragment": 120,
        },
        {
            "name": "wallet-request",
            "type": "eth-sign-request",
            "cborHex": airgap.wallet_ur(seller).cbor.hex(),
            "maxFragment": airgap.FRAGMENT_BYTES,
        },
        {
            "name": "random-3000",
            "type": "bytes",
            "cborHex": cbor.dumps(random.Random(7).randbytes(3000)).hex(),
            "maxFragment": 150,
        },
        {"name": "tiny", "type": "bytes", "cborHex": cbor.dumps(b"Deedbook").hex(), "maxFragment": 200},
    ]


def our_parts(payload: dict[str, Any]) -> list[str]:
    """Deedbook's parts of a payload as a camera might catch them: the first 2 x seqLen + 3 shuffled with
    about 30% missing, then more fountain parts in order."""
    ur = UR(payload["type"], bytes.fromhex(payload["cborHex"]))
    encoder = FountainEncoder(ur.cbor, payload["maxFragment"])
    stream = [encode_part(ur.type, encoder.next_part()) for _ in range(6 * encoder.seq_len + 10)]
    rng = random.Random(payload["name"])
    head, tail = stream[: 2 * encoder.seq_len + 3], stream[2 * encoder.seq_len + 3 :]
    rng.shuffle(head)
    return [part for part in head if rng.random() >= 0.3] + tail


def eth_cases() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    built, parsed = [], []
    for name in ("transfer-seller", "transfer-buyer", "attestation"):
        vector = VECTORS[name]
        request = parse_request(vector["request"])
        ours = EthSignRequest.from_cbor(airgap.wallet_ur(request).cbor)
        signature = bytes.fromhex(vector["ethersSignature"][2:])
        built.append(
            {
                "name": name,
                "requestIdHex": ours.request_id.hex(),
                "signDataHex": ours.sign_data.hex(),
                "chainId": ours.chain_id,
                "addressHex": (ours.address or b"").hex(),
                "origin": airgap.ORIGIN,
                "signatureHex": signature.hex(),
            }
        )
        parsed.append(
            {
                "name": name,
                "requestCborHex": ours.cbor().hex(),
                "signatureCborHex": EthSignature(ours.request_id, signature, airgap.ORIGIN).cbor().hex(),
            }
        )
    return built, parsed


def inputs() -> dict[str, Any]:
    loads = payloads()
    built, parsed = eth_cases()
    return {
        "note": "Made by tests/core/ur_vectors.py; answered by scripts/make_ur_vectors.mjs.",
        "payloads": loads,
        "ourParts": [{"name": p["name"], "parts": our_parts(p)} for p in loads],
        "ethBuild": built,
        "ethParse": parsed,
    }


def main(argv: list[str]) -> int:
    Path(argv[0]).write_text(json.dumps(inputs(), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
