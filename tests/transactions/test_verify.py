"""The transaction rules hold again at verification, which replays every entry in memory."""

from __future__ import annotations

import sqlite3

import pytest

from core.errors import RuleViolation
from core.kinds import apply_entry
from core.liens import add_lien, release_lien
from core.notary import attest
from core.requests import entry_from_responses
from core.state import ApplyContext, InMemoryState
from core.transactions import submit
from core.verify import verify_ledger
from tests.transactions.conftest import Parties


def _busy_ledger(parties: Parties) -> int:
    add_lien(parties.ledger, parties.deed, parties.bank, "100000", "mortgage")
    submit(parties.ledger, parties.sign(parties.prepare(shares=4_000)))  # paid off by the bank's co-signature
    tax = add_lien(parties.ledger, parties.deed, parties.bank, "900", "tax").lien
    release_lien(parties.ledger, parties.deed, tax.lien_id, parties.bank)
    index = submit(
        parties.ledger,
        parties.sign(parties.prepare(shares=1_000, seller=parties.bob.address, to=parties.carol.address)),
    )
    attest(parties.ledger, index, parties.notary, act="acknowledgment", id_number="123")
    return index


@pytest.mark.parametrize("jobs", [1, 2])
def test_transactions_verify(parties: Parties, jobs: int) -> None:
    _busy_ledger(parties)
    report = verify_ledger(parties.ledger, jobs=jobs)
    assert report.ok, report.reason


def test_replay_in_memory_refuses_a_reused_transfer_id(parties: Parties) -> None:
    first = parties.prepare(shares=10)
    submit(parties.ledger, parties.sign(first))
    again = entry_from_responses(
        parties.sign(parties.prepare(shares=10, seller=parties.alice.address, transfer_id=first.transfer_id))
    )
    state = InMemoryState(parties.ledger.identity)
    for recorded in parties.ledger.entries():
        apply_entry(state, recorded.entry, ApplyContext(recorded.index, recorded.recorded_at))
        state.record(recorded.index, recorded.kind, recorded.leaf_hash, recorded.deed_id)
    with pytest.raises(RuleViolation, match="used before"):
        apply_entry(state, again, ApplyContext(state.size, 2**40))


def test_an_edited_transfer_is_named_by_verify(parties: Parties) -> None:
    index = _busy_ledger(parties)
    db = sqlite3.connect(parties.ledger.home.database)
    db.execute("DROP TRIGGER IF EXISTS entries_append_only_update")
    db.execute(
        f"UPDATE entries SET message = replace(message, '\"shares\":1000', '\"shares\":3000') WHERE idx = {index}"
    )
    db.commit()
    db.close()
    report = verify_ledger(parties.ledger, jobs=1)
    assert not report.ok and report.first_bad == index, report.reason


def test_a_deadline_is_checked_against_the_recorded_time(parties: Parties) -> None:
    """Recording time is in the leaf: a transfer stored as recorded after its deadline fails verification."""
    import time

    now = int(time.time())
    index = submit(parties.ledger, parties.sign(parties.prepare(deadline=now + 100, now=now)), recorded_at=now)
    db = sqlite3.connect(parties.ledger.home.database)
    db.execute("DROP TRIGGER IF EXISTS entries_append_only_update")
    db.execute(f"UPDATE entries SET recorded_at = {now + 101} WHERE idx = {index}")
    db.commit()
    db.close()
    report = verify_ledger(parties.ledger, jobs=1)
    assert not report.ok and report.first_bad == index and "deadline" in (report.reason or "")
