"""A deterministic little ledger for the EIP-712 interoperability vectors.

Fixed ledger id, well-known public test keys (the Hardhat/Anvil development
accounts: never use them for anything real), fixed times and transfer id, so the
typed data is the same on every run.  `python -m tests.transactions.vector_world OUT`
writes the input the ethers.js script signs (scripts/make_eip712_vectors.mjs).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from core.deeds import registration_message
from core.keys import KeyStore, UnlockedKey
from core.kinds import digest_for, get_kind, typed_data
from core.ledger import Ledger
from core.liens import lien_message
from core.notary import attestation_message
from core.paths import DataDir
from core.requests import SigningRequest, make_request
from core.transactions import prepare_transfer

PASSWORD = "vector password"
LEDGER_ID = bytes.fromhex("d3ed600c" * 8)
T0 = 1_718_000_000  # 2024-06-10: when the requests were made
DEADLINE = 4_102_444_800  # 2100-01-01: the vectors stay valid
TRANSFER_ID = "0x" + "7e57" * 16
# Hardhat / Anvil development accounts 0-4: published test keys.
PRIVATE_KEYS = {
    "seller": "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "buyer": "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "bank": "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "notary": "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "operator": "47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "clerk": "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
}
HOLD_ID = "0x" + "b01d" * 16
RECOVERY_ID = "0x" + "3c0e" * 16


@dataclass
class VectorWorld:
    ledger: Ledger
    keys: dict[str, UnlockedKey]
    requests: dict[str, SigningRequest]  # case name -> request
    # case name -> (kind, message, signed type, signer): first versions of versioned kinds, which no
    # request is made of any more but whose recorded entries are hashed with their own types
    earlier: dict[str, tuple[str, dict[str, Any], str, str]] = field(default_factory=dict)


def build(root: Path) -> VectorWorld:
    """Ledger with deed 1 (held by `seller`) under a mortgage by `bank`, and the requests of its sale to `buyer`."""
    home = DataDir.resolve(root).ensure()
    store = KeyStore(home.keys)
    keys: dict[str, UnlockedKey] = {}
    for name, secret in PRIVATE_KEYS.items():
        secret_file = root / f"{name}.hex"
        secret_file.write_text(secret)
        store.import_private_key(name, secret_file, PASSWORD)
        secret_file.unlink()
        keys[name] = store.unlock(name, PASSWORD)
    with mock.patch("core.ledger.os.urandom", lambda n: LEDGER_ID[:n]):
        ledger = Ledger.create(home, None, "Vector County", keys["operator"])
    registration = registration_message(
        1,
        parcel="0526301100",
        address="1329 Oak Ave, Ames, IA 50014",
        owner=keys["seller"].address,
        attributes={"Gr_Liv_Area": 1656},
    )
    ledger.append([ledger.sign("RegisterDeed", registration, keys["operator"], "registrar")], recorded_at=T0 - 100)
    lien = lien_message(ledger, 1, keys["bank"].address, "172000", "mortgage")
    ledger.append([ledger.sign("Lien", lien, keys["bank"], "lienholder")], recorded_at=T0 - 50)
    prepared = prepare_transfer(
        ledger,
        1,
        keys["buyer"].address,
        "250000.50",
        "USD",
        None,
        DEADLINE,
        "2024-06-30",
        transfer_id=TRANSFER_ID,
        now=T0,
    )
    requests = {f"transfer-{r.role}": r for r in prepared.requests}
    partial = prepare_transfer(
        ledger,
        1,
        keys["buyer"].address,
        "62500",
        "EUR",
        2500,
        DEADLINE,
        "2024-07-01",
        transfer_id="0x" + "5a" * 32,
        now=T0,
    )
    requests["partial-transfer-seller"] = partial.requests[0]
    # a bank's new lien, as `deedbook lien prepare` writes it (lien 2 on version 2 of deed 1)
    requests["lien"] = make_request(
        ledger.identity,
        "Lien",
        lien_message(ledger, 1, keys["bank"].address, "50000", "home equity", "USD"),
        "Lien",
        keys["bank"].address,
        now=T0,
    )
    requests["lien-release"] = make_request(
        ledger.identity,
        "LienRelease",
        {"deedId": 1, "parcel": "0526301100", "lienId": 1, "holder": keys["bank"].address, "deedVersion": 2},
        "LienRelease",
        keys["bank"].address,
        now=T0,
    )
    attestation = attestation_message(
        ledger,
        1,
        keys["notary"],
        act="acknowledgment",
        place="Ames, IA",
        id_kind="driver's license",
        id_number="D123-456-789",
        act_date="2024-06-09",
    )
    requests["attestation"] = make_request(
        ledger.identity, "Attestation", attestation, "Attestation", keys["notary"].address, now=T0
    )
    # A hold's co-signature and a recovery approval, as the clerk (a second registrar) is asked for them;
    # made from their messages alone (no hold or recovery is recorded), in both versions of each type.
    operator, clerk = keys["operator"].address, keys["clerk"].address
    hold = {
        "holdId": HOLD_ID,
        "deedId": 1,
        "parcel": "0526301100",
        "holder": "0x" + "00" * 20,
        "reason": "Title fraud inquiry",
        "order": "CV-2026-0142",
        "registrar": operator,
        "approver": clerk,
    }
    approval = {
        "recoveryId": RECOVERY_ID,
        "lost": keys["seller"].address,
        "new": keys["buyer"].address,
        "deedId": 0,
        "order": "",
        "step": 1,
        "role": "registrar",
        "approver": clerk,
    }
    requests["hold-approval"] = make_request(
        ledger.identity, "Hold", {**hold, "deadline": DEADLINE}, "HoldApproval", clerk, now=T0
    )
    requests["hold-release-approval"] = make_request(
        ledger.identity,
        "HoldRelease",
        {**hold, "reason": "Order lifted", "deadline": DEADLINE},
        "HoldReleaseApproval",
        clerk,
        now=T0,
    )
    requests["recovery-approval"] = make_request(
        ledger.identity, "RecoveryApproval", {**approval, "deadline": DEADLINE}, "RecoveryApproval", clerk, now=T0
    )
    earlier = {
        "hold-approval-v1": ("Hold", hold, "HoldApproval", clerk),
        "hold-v1": ("Hold", hold, "Hold", operator),
        "recovery-approval-v1": ("RecoveryApproval", approval, "RecoveryApproval", clerk),
    }
    return VectorWorld(ledger, keys, requests, earlier)


KEY_OF_ROLE = {"seller": "seller", "buyer": "buyer", "lienholder": "bank", "notary": "notary", "approver": "clerk"}


def inputs(world: VectorWorld) -> dict[str, object]:
    cases = []
    for name, request in world.requests.items():
        key = world.keys[KEY_OF_ROLE[request.role]]
        cases.append(
            {
                "name": name,
                "request": request.as_json(),
                "privateKey": "0x" + PRIVATE_KEYS[key.name],
                "pythonSignature": "0x" + key.sign(request.digest).hex(),
            }
        )
    for name, (kind, message, signed_type, signer) in world.earlier.items():
        key = next(k for k in world.keys.values() if k.address == signer)
        digest = digest_for(world.ledger.identity, get_kind(kind), message, signed_type)
        cases.append(
            {
                "name": name,
                "request": {"typedData": typed_data(world.ledger.identity, kind, message, signed_type)},
                "privateKey": "0x" + PRIVATE_KEYS[key.name],
                "pythonSignature": "0x" + key.sign(digest).hex(),
            }
        )
    return {
        "note": "Made by tests/transactions/vector_world.py; signed by scripts/make_eip712_vectors.mjs.",
        "cases": cases,
    }


def main(argv: list[str]) -> int:
    import os
    import tempfile

    os.environ.setdefault("DEEDBOOK_SCRYPT_N", "1024")
    with tempfile.TemporaryDirectory() as tmp:
        world = build(Path(tmp))
        data = inputs(world)
        world.ledger.close()
    Path(argv[0]).write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
