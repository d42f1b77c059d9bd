"""keccak-256, the hash of Ethereum, EIP-712 and our Merkle tree."""

from __future__ import annotations

import sha3  # safe-pysha3: a C keccak with far less per-call overhead than pycryptodome

_keccak_256 = sha3.keccak_256


def keccak(data: bytes) -> bytes:
    digest: bytes = _keccak_256(data).digest()
    return digest
