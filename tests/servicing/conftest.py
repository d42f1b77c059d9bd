"""A deed held in thirds by alice, bob and carol, and a checkpoint after it: the record date."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from core.checkpoints import make_checkpoint
from core.keys import UnlockedKey
from core.requests import sign_request
from core.transactions import prepare_transfer, submit
from tests.helpers import World, make_world


@dataclass
class Thirds:
    world: World
    deed: int
    checkpoint: int
    alice: UnlockedKey
    bob: UnlockedKey
    carol: UnlockedKey

    def sell(self, seller: UnlockedKey, buyer: UnlockedKey, shares: int) -> int:
        prepared = prepare_transfer(
            self.world.ledger,
            self.deed,
            buyer.address,
            "100",
            "USD",
            shares=shares,
            closing_date="2026-03-31",
            seller=seller.address,
        )
        keys = {k.address.lower(): k for k in (seller, buyer)}
        return submit(self.world.ledger, [sign_request(r, keys[r.signer.lower()]) for r in prepared.requests])

    def checkpoint_now(self) -> int:
        return make_checkpoint(self.world.ledger, self.world.operator).index


@pytest.fixture
def thirds(tmp_path: Path) -> Thirds:
    world = make_world(tmp_path / "ledger")
    alice, bob, carol = world.key("alice"), world.key("bob"), world.key("carol")
    deed = world.register("0526301100", alice.address, shares=3)
    o = Thirds(world, deed, 0, alice, bob, carol)
    o.sell(alice, bob, 1)
    o.sell(alice, carol, 1)
    o.checkpoint = o.checkpoint_now()
    return o
