"""Distributions and votes on a PostgreSQL ledger: the record-date query and the proposal records work there."""

from __future__ import annotations

import time
from pathlib import Path

from core.checkpoints import make_checkpoint
from core.keys import KeyStore
from core.ledger import Ledger
from core.paths import DataDir
from core.requests import sign_request
from core.servicing import distributions as dist
from core.servicing import votes
from core.transactions import prepare_transfer, submit
from core.verify import verify_ledger
from tests.helpers import PASSWORD


def test_a_distribution_and_a_vote_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    home = DataDir.resolve(tmp_path / "pg-home").ensure()
    keys = KeyStore(home.keys)
    for name in ("operator", "alice", "bob"):
        keys.create(name, PASSWORD)
    operator, alice, bob = (keys.unlock(n, PASSWORD) for n in ("operator", "alice", "bob"))
    ledger = Ledger.create(home, postgres_url, "Postgres County", operator)
    from core.deeds import register_deed

    deed = register_deed(
        ledger, operator, parcel="PG-1", address="1 Elm St", owner=alice.address, attributes={"Gr_Liv_Area": 900}
    ).deed_id
    prepared = prepare_transfer(ledger, deed, bob.address, "100", "USD", shares=2500, closing_date="2026-03-31")
    submit(ledger, [sign_request(r, alice if r.role == "seller" else bob) for r in prepared.requests])
    make_checkpoint(ledger, operator)
    index = dist.record_distribution(ledger, operator, dist.preview(ledger, deed, "999.99", "USD"))
    assert {p["holder"]: p["minor"] for p in ledger.entry(index).message["payouts"]} == {
        alice.address: 74_999,
        bob.address: 25_000,
    }  # 74,999.25 and 24,999.75: the larger remainder gets the cent
    votes.propose(ledger, operator, dist.snapshot(ledger, deed), "Sell?", 7000, int(time.time()) + 3600)
    folder = tmp_path / "ballots"
    votes.ballot_requests(ledger, 1, folder)
    from core.requests import load_request

    request = load_request(next(folder.glob(f"*-{alice.address[2:10].lower()}-yes.json")))
    submit(ledger, [sign_request(request, alice)])
    assert votes.tally_of(ledger, 1).reached  # 7,500 of 10,000 >= 70%
    assert ledger.engine.dialect.name == "postgresql"
    report = verify_ledger(Ledger.open(home, postgres_url), jobs=1)
    assert report.ok, report.reason
