"""One agency ledger on PostgreSQL, many desktops: 8 processes append 200 entries each at once, with
no fork, gap, duplicate or lost entry, and the ledger verifies (its stored tree included); another
program's watcher hears every commit."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import pytest

from core import merkle
from core.keys import KeyStore
from core.ledger import Ledger
from core.paths import DataDir
from core.verify import verify_ledger
from core.watch import LedgerWatcher, NewEntries
from tests.helpers import PASSWORD
from tests.writers import Job, run_writers

WRITERS, EACH = 8, 200


@pytest.mark.slow
def test_eight_processes_append_two_hundred_entries_each_at_once(tmp_path: Path, postgres_url: str) -> None:
    home = DataDir.resolve(tmp_path / "agency").ensure()
    keys = KeyStore(home.keys)
    keys.create("operator", PASSWORD)
    keys.create("bank", PASSWORD)
    ledger = Ledger.create(home, postgres_url, "Agency County", keys.unlock("operator", PASSWORD))
    heard: list[NewEntries] = []
    done = threading.Event()

    def note(news: NewEntries) -> None:
        heard.append(news)
        if news.size == 1 + WRITERS * EACH:
            done.set()

    watcher = LedgerWatcher(Ledger.open(home, postgres_url).engine, note, interval=60).start()  # hears, never polls
    try:
        deadline = time.monotonic() + 10
        while not watcher.listening and time.monotonic() < deadline:
            time.sleep(0.05)
        assert watcher.listening
        # registrations everywhere, and a checkpoint now and then from every writer
        plan = tuple("checkpoint" if step % 50 == 49 else "register" for step in range(EACH))
        outcomes = run_writers([Job(str(home.root), postgres_url, w, plan) for w in range(WRITERS)], timeout=900)
        assert done.wait(10)  # the last commit was heard
    finally:
        watcher.stop()

    refused = [f"writer {o.worker} {o.operation}: {o.error}" for o in outcomes if o.error is not None]
    assert refused == []
    registered = sorted(o.value for o in outcomes if o.operation == "register" and o.value is not None)
    assert registered == list(range(1, WRITERS * (EACH - EACH // 50) + 1))  # no gap, no deed number twice
    entries = ledger.entries()
    assert [e.index for e in entries] == list(range(1 + WRITERS * EACH))  # no gap, no duplicate, none lost
    for writer in range(WRITERS):  # each writer's deeds, in the order it registered them
        mine = [o.value for o in outcomes if o.worker == writer and o.operation == "register"]
        assert [ledger.deed(n).parcel for n in mine if n is not None] == [
            f"W{writer}-{s}" for s in range(EACH) if s % 50 != 49
        ]
    leaves = ledger.leaves()
    for checkpoint in ledger.entries(kind="Checkpoint"):  # each covers exactly the entries before it
        assert checkpoint.message["size"] == checkpoint.index
        assert checkpoint.message["root"] == "0x" + merkle.root(leaves[: checkpoint.index]).hex()
    # Every commit was heard, in order, each news starting where the last ended.
    assert heard[0].first == 1 and all(a.size == b.first for a, b in itertools.pairwise(heard))
    report = verify_ledger(Ledger.open(home, postgres_url), jobs=2)
    assert report.ok, report.reason
    assert report.entries == 1 + WRITERS * EACH and report.deeds == len(registered)
