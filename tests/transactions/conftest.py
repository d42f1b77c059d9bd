"""A ledger with a deed and its parties, and helpers to sign transfers as each party would."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from core.deeds import register_deed
from core.keys import UnlockedKey
from core.ledger import Ledger
from core.requests import SigningRequest, sign_request
from core.transactions import PreparedTransfer, prepare_transfer
from tests.helpers import World, make_world


def snapshot(ledger: Ledger) -> tuple[Any, ...]:
    """Everything a refused operation must leave as it was: size, root, and every deed's full state."""
    return ledger.size(), ledger.merkle_root(), [dataclasses.asdict(d) for d in ledger.deeds()]


@dataclass
class Parties:
    world: World
    alice: UnlockedKey  # holds deed 1
    bob: UnlockedKey  # the buyer
    carol: UnlockedKey  # a third party
    bank: UnlockedKey  # a lienholder
    notary: UnlockedKey
    deed: int

    @property
    def ledger(self) -> Ledger:
        return self.world.ledger

    def key_of(self, address: str) -> UnlockedKey:
        for key in (self.alice, self.bob, self.carol, self.bank, self.notary, self.world.operator):
            if key.address.lower() == address.lower():
                return key
        raise KeyError(address)

    def prepare(self, **kwargs: Any) -> PreparedTransfer:
        args: dict[str, Any] = {"to": self.bob.address, "price": "250000"}
        args.update(kwargs)
        deed = args.pop("deed", self.deed)
        return prepare_transfer(self.ledger, deed, **args)

    def sign(self, prepared: PreparedTransfer, now: int | None = None) -> list[SigningRequest]:
        return [sign_request(r, self.key_of(r.signer), now=now) for r in prepared.requests]


@pytest.fixture
def parties(tmp_path: Path) -> Parties:
    world = make_world(tmp_path / "ledger")
    alice = world.key("alice")
    deed = register_deed(
        world.ledger, world.operator, parcel="0526301100", address="1329 Oak Ave, Ames, IA", owner=alice.address
    ).deed_id
    return Parties(world, alice, world.key("bob"), world.key("carol"), world.key("bank"), world.key("notary"), deed)
