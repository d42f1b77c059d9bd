"""EIP-712 asked again of ethers.js itself, on the requests today's Deedbook makes.

tests/transactions/test_vectors.py checks recorded answers without node; this test, when node
and ethers are installed (ETHERS_DIR, as `.ci/run` does), runs scripts/make_eip712_vectors.mjs on
fresh requests so that a kind added since the vectors were recorded is checked by ethers too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from core.eip712 import typed_data_digest
from core.signing import checksum_address, recover_address
from tests.transactions import vector_world

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_eip712_vectors.mjs"


def _ethers_dir() -> Path | None:
    folder = os.environ.get("ETHERS_DIR")
    if not folder or shutil.which("node") is None:
        return None
    path = Path(folder)
    return path if (path / "node_modules" / "ethers").is_dir() else None


@pytest.mark.skipif(_ethers_dir() is None, reason="needs node and ETHERS_DIR with the ethers package")
def test_ethers_agrees_on_every_request_made_today(tmp_path: Path) -> None:
    os.environ.setdefault("DEEDBOOK_SCRYPT_N", "1024")
    world = vector_world.build(tmp_path / "home")
    made = vector_world.inputs(world)
    world.ledger.close()
    inputs, output = tmp_path / "inputs.json", tmp_path / "vectors.json"
    inputs.write_text(json.dumps(made))
    cases = made["cases"]
    env = {**os.environ, "ETHERS_DIR": str(_ethers_dir())}
    subprocess.run(["node", str(SCRIPT), str(inputs), str(output)], check=True, env=env, timeout=120)
    vectors = json.loads(output.read_text())["vectors"]
    assert [v["name"] for v in vectors] == [c["name"] for c in cases]  # type: ignore[index]
    for vector in vectors:
        typed = vector["request"]["typedData"]
        assert "0x" + typed_data_digest(typed).hex() == vector["ethersDigest"], vector["name"]
        signed_there = bytes.fromhex(vector["ethersSignature"][2:])
        assert checksum_address(recover_address(typed_data_digest(typed), signed_there)) == vector["signer"]
        assert vector["ethersRecoveredDeedbookSigner"] == vector["signer"], vector["name"]
