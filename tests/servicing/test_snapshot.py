"""The holdings at a record date, three ways, agree for any history of sales (hypothesis): the fold over the
deed's entries (what an append and a statement use), the deed as it was when the checkpoint was signed, and
verify's replay (which checks every distribution recorded against its own snapshots)."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.checkpoints import make_checkpoint
from core.requests import sign_request
from core.servicing import distributions as dist
from core.transactions import prepare_transfer, submit
from core.verify import verify_ledger
from tests.helpers import World, make_world

NAMES = ("alice", "bob", "carol", "dave")


@cache
def _world() -> World:
    world = make_world(Path(tempfile.mkdtemp(prefix="snapshot-")) / "ledger")
    for name in NAMES:
        world.key(name)
    return world


# A history: sales (seller, buyer, share of the seller's holding in percent) with checkpoints between them.
steps = st.lists(
    st.one_of(st.just("checkpoint"), st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES), st.integers(1, 100))),
    min_size=1,
    max_size=8,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps, st.integers(min_value=1, max_value=10**9))
def test_the_three_ways_of_a_record_date_agree(history: list[object], amount: int) -> None:
    world = _world()
    ledger = world.ledger
    keys = {name: world.key(name) for name in NAMES}
    deed = world.register(f"S-{ledger.size()}", keys["alice"].address, shares=97)
    seen: dict[int, dict[str, int]] = {make_checkpoint(ledger, world.operator).index: dict(ledger.deed(deed).holders)}
    for step in history:
        if step == "checkpoint":
            seen[make_checkpoint(ledger, world.operator).index] = dict(ledger.deed(deed).holders)
            continue
        seller, buyer, percent = step  # type: ignore[misc]
        held = ledger.deed(deed).holders.get(keys[seller].address, 0)
        shares = held * percent // 100
        if seller == buyer or shares == 0:
            continue
        prepared = prepare_transfer(
            ledger,
            deed,
            keys[buyer].address,
            "1",
            "USD",
            shares=shares,
            closing_date="2026-03-31",
            seller=keys[seller].address,
        )
        submit(
            ledger, [sign_request(r, keys[seller] if r.role == "seller" else keys[buyer]) for r in prepared.requests]
        )
    for checkpoint, holders in seen.items():
        snap = dist.snapshot(ledger, deed, checkpoint)
        assert snap.holders == holders  # the fold over the entries before it == the deed when it was signed
        plan = dist.preview(ledger, deed, amount, "USD", checkpoint=checkpoint)
        assert sum(p.minor for p in plan.payouts) == amount
        dist.record_distribution(ledger, world.operator, plan)  # the append's own check (the stored entries)
    report = verify_ledger(ledger, jobs=1)  # the replay's snapshots at every checkpoint
    assert report.ok, report.reason
