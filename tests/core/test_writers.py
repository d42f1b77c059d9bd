"""Concurrent writers wait for each other; they are not refused.

Several processes append to one ledger at once, on SQLite and on PostgreSQL:
every well-formed operation is recorded (in some order), deed and lien numbers
have no gap or duplicate, every checkpoint covers exactly the entries before it,
and the ledger verifies.  A writer that cannot get the write lock in time says
so in one sentence and writes nothing.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from core.deeds import register_deed
from core.errors import DeedbookError
from core.keys import KeyStore
from core.ledger import Ledger
from core.paths import DataDir
from core.verify import verify_ledger
from tests.helpers import PASSWORD
from tests.writers import HeldLock, Job, Outcome, run_writers

ENGINES = ["sqlite", "postgresql"]


def _ledger(tmp_path: Path, db_url: str | None, *, seeded: int = 0) -> Ledger:
    home = DataDir.resolve(tmp_path / "office").ensure()
    keys = KeyStore(home.keys)
    keys.create("operator", PASSWORD)
    keys.create("bank", PASSWORD)
    operator = keys.unlock("operator", PASSWORD)
    ledger = Ledger.create(home, db_url, "Busy County", operator)
    for i in range(seeded):
        register_deed(ledger, operator, parcel=f"SEED-{i}", address=f"{i} Seed Rd", owner=operator.address)
    return ledger


@pytest.fixture(params=ENGINES)
def db_url(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("postgres_url") if request.param == "postgresql" else None


def _refusals(outcomes: list[Outcome]) -> list[str]:
    return [f"writer {o.worker} {o.operation}: {o.error}" for o in outcomes if o.error is not None]


def test_eight_writers_register_two_hundred_deeds(tmp_path: Path, db_url: str | None) -> None:
    ledger = _ledger(tmp_path, db_url)
    outcomes = run_writers([Job(str(ledger.home.root), db_url, w, ("register",) * 25) for w in range(8)])

    assert _refusals(outcomes) == []
    numbers = sorted(o.value for o in outcomes if o.value is not None)
    assert numbers == list(range(1, 201))  # every writer's deeds, no gap, no number given twice
    assert ledger.deed_count() == 200 and ledger.size() == 201
    for writer in range(8):  # each writer's own deeds in the order it registered them
        mine = [o.value for o in outcomes if o.worker == writer]
        assert [ledger.deed(n).parcel for n in mine if n is not None] == [f"W{writer}-{s}" for s in range(25)]
    report = verify_ledger(Ledger.open(ledger.home, db_url), jobs=1)
    assert report.ok, report.reason
    assert report.deeds == 200


def test_registrations_liens_and_checkpoints_from_several_writers(tmp_path: Path, db_url: str | None) -> None:
    ledger = _ledger(tmp_path, db_url, seeded=3)
    plan = ("register", "lien", "checkpoint", "lien", "release", "attest") * 3
    outcomes = run_writers([Job(str(ledger.home.root), db_url, w, plan, seeded_deeds=3) for w in range(5)])

    assert _refusals(outcomes) == []
    done = Counter(o.operation for o in outcomes)
    assert done == {"register": 15, "lien": 30, "checkpoint": 15, "release": 15, "attest": 15}
    deeds = sorted(o.value for o in outcomes if o.operation == "register")
    assert deeds == list(range(4, 19))
    liens = sorted(o.value for o in outcomes if o.operation == "lien")
    assert liens == list(range(1, 31))
    assert sum(len(ledger.deed(d).open_liens()) for d in range(1, 4)) == 15
    assert sum(ledger.deed(d).version for d in range(1, 4)) == 3 + 30 + 15  # each lien and release bumped one
    checkpoints = ledger.entries(kind="Checkpoint")
    assert len(checkpoints) == 15
    for checkpoint in checkpoints:  # made inside the lock: it covers exactly the entries before it
        assert checkpoint.message["size"] == checkpoint.index
        assert checkpoint.message["root"] == "0x" + ledger.merkle_root(checkpoint.index).hex()
    report = verify_ledger(Ledger.open(ledger.home, db_url), jobs=1)
    assert report.ok, report.reason
    assert report.warnings == []


def test_a_writer_waits_for_the_lock_and_then_records(tmp_path: Path, db_url: str | None) -> None:
    ledger = _ledger(tmp_path, db_url)
    operator = KeyStore(ledger.home.keys).unlock("operator", PASSWORD)
    held = HeldLock(ledger)
    threading.Timer(0.8, held.release).start()
    started = time.perf_counter()
    deed = register_deed(ledger, operator, parcel="WAITED-1", address="1 Patience Way", owner=operator.address)
    assert time.perf_counter() - started >= 0.7  # it waited for the other writer instead of being refused
    assert deed.deed_id == 1 and ledger.size() == 2


def test_a_lock_held_too_long_is_one_sentence_and_writes_nothing(tmp_path: Path, db_url: str | None) -> None:
    ledger = _ledger(tmp_path, db_url)
    operator = KeyStore(ledger.home.keys).unlock("operator", PASSWORD)
    ledger.lock_wait, ledger.lock_attempts = 0.3, 2
    held = HeldLock(ledger)
    try:
        started = time.perf_counter()
        with pytest.raises(DeedbookError) as refused:
            register_deed(ledger, operator, parcel="LATE-1", address="1 Late Ave", owner=operator.address)
        waited = time.perf_counter() - started
    finally:
        held.release()
    assert str(refused.value) == (
        "The ledger is busy: another program kept it locked for writing for over 0.6 seconds; "
        "nothing was written, try again."
    )
    assert 0.55 <= waited < 5  # two attempts of 0.3 s, not the default 3 x 10 s
    assert ledger.size() == 1 and ledger.deed_count() == 0
    register_deed(ledger, operator, parcel="LATE-1", address="1 Late Ave", owner=operator.address)  # free again
    assert ledger.deed_count() == 1


def test_reads_are_not_blocked_by_a_writer(tmp_path: Path, db_url: str | None) -> None:
    ledger = _ledger(tmp_path, db_url, seeded=2)
    ledger.lock_wait = 10.0  # a read that waited for the writer would take this long at least (or be refused)
    held = HeldLock(ledger)
    try:
        started = time.perf_counter()
        assert [d.parcel for d in ledger.deeds()] == ["SEED-0", "SEED-1"]
        assert verify_ledger(ledger, jobs=1).ok
        # not a speed limit: reads and a verify of three entries took 1.9 s once on a loaded machine
        assert time.perf_counter() - started < ledger.lock_wait
    finally:
        held.release()
