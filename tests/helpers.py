"""Building blocks for tests: a real ledger with real keys in a temporary folder."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.entries import Entry, canonical_json
from core.keys import KeyStore, UnlockedKey
from core.ledger import Ledger
from core.paths import DataDir
from core.state import LedgerState

PASSWORD = "correct horse battery"


@dataclass
class World:
    home: DataDir
    keys: KeyStore
    ledger: Ledger
    operator: UnlockedKey

    def key(self, name: str) -> UnlockedKey:
        if not any(k.name == name for k in self.keys.list()):
            self.keys.create(name, PASSWORD)
        return self.keys.unlock(name, PASSWORD)

    def register(self, parcel: str, owner: str, *, attributes: dict[str, object] | None = None,
                 shares: int = 10_000, registrar: UnlockedKey | None = None) -> int:
        def build(state: LedgerState) -> list[Entry]:  # the deed number as the ledger is when it is recorded
            message = {"deedId": state.next_deed_id, "parcel": parcel,
                       "propertyAddress": f"{parcel} Main Street, Ames, IA", "legalDescription": f"Lot {parcel}",
                       "owner": owner, "totalShares": shares,
                       "attributes": canonical_json(attributes or {"Gr_Liv_Area": 1500}), "nonce": 0}
            return [self.ledger.sign("RegisterDeed", message, registrar or self.operator, "registrar")]

        [index] = self.ledger.append_built(build)
        deed_id = self.ledger.entry(index).deed_id
        assert deed_id is not None
        return deed_id


def make_world(root: Path, name: str = "Test County") -> World:
    home = DataDir.resolve(root).ensure()
    keys = KeyStore(home.keys)
    keys.create("operator", PASSWORD)
    operator = keys.unlock("operator", PASSWORD)
    return World(home, keys, Ledger.create(home, None, name, operator), operator)
