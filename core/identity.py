"""A ledger's identity and its EIP-712 domain.

The domain's salt is the ledger id, so a signature made for one ledger recovers
to a different address (and is refused) on any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.eip712 import domain_separator

DOMAIN_VERSION = "1"


@dataclass(frozen=True)
class LedgerIdentity:
    ledger_id: bytes  # 32 random bytes chosen at `init`
    name: str
    operator: str  # EIP-55 address of the operator key, the first registrar
    chain_id: int = 1
    _separator: bytes = field(default=b"", compare=False, repr=False)

    @property
    def ledger_id_hex(self) -> str:
        return "0x" + self.ledger_id.hex()

    def domain(self) -> dict[str, Any]:
        return {
            "name": f"Deedbook: {self.name}",
            "version": DOMAIN_VERSION,
            "chainId": self.chain_id,
            "salt": self.ledger_id_hex,
        }

    @property
    def separator(self) -> bytes:
        if not self._separator:
            object.__setattr__(self, "_separator", domain_separator(self.domain()))
        return self._separator

    def as_json(self) -> dict[str, Any]:
        return {"ledgerId": self.ledger_id_hex, "name": self.name, "operator": self.operator, "chainId": self.chain_id}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "LedgerIdentity":
        return cls(
            bytes.fromhex(str(data["ledgerId"])[2:]), str(data["name"]), str(data["operator"]), int(data["chainId"])
        )
