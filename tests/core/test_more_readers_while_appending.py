"""More readers that combine reads of a ledger another program appends to (checkpoints included): the
change watcher, the state a compliance dry run is judged against, and `serve`'s /ledger answer.  As in
test_readers_while_appending.py, each runs in a loop while a writer process appends; what it gives
must hold together.  Screening's pinned read is tested in tests/screening/test_screen_while_appending.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.compliance.acts import reading
from core.watch import NewEntries, new_entries
from desktop.serve.server import Service
from tests.core.busy_ledger import busy_office, db_url, while_appending

__all__ = ["db_url"]  # the fixture, both engines

GROWING = ("register", "register", "checkpoint") * 40  # a checkpoint every third entry


@pytest.mark.slow
def test_the_watcher_reports_each_new_entry_once_and_none_beyond_the_size(tmp_path: Path, db_url: str | None) -> None:
    office = busy_office(tmp_path, db_url, 10)
    ledger = office.open()
    start = ledger.size()
    reported: list[NewEntries] = []

    def look() -> None:
        found = new_entries(ledger.engine, reported[-1].size if reported else start)
        if found is not None:
            reported.append(found)

    while_appending(office, GROWING, look)
    look()  # what was recorded after the last look

    assert len(reported) >= 2
    kinds = {e.index: e.kind for e in ledger.entries()}
    for found in reported:  # each report lists exactly the entries from where the last stopped to its size
        assert found.indexes == frozenset(range(found.first, found.size))
        assert found.kinds == {kinds[i] for i in found.indexes}
    assert reported[-1].size == ledger.size() == start + len(GROWING)


@pytest.mark.slow
def test_a_dry_runs_state_is_of_one_moment(tmp_path: Path, db_url: str | None) -> None:
    office = busy_office(tmp_path, db_url, 10)
    plan = ("register",) * 120

    def read() -> tuple[int, int, int]:
        with reading(office.open()) as state:  # the state dry_run applies an entry's rules to
            taken = sum(state.parcel_taken(f"W1-{step}") for step in range(len(plan)))  # the writer's parcels
            return state.size, state.next_deed_id, taken

    states = while_appending(office, plan, read)

    registered = [e.index for e in office.open().entries(kind="RegisterDeed")]
    assert len({size for size, _, _ in states}) >= 2
    for size, next_deed_id, taken in states:
        deeds = len([i for i in registered if i < size])  # the deeds registered before its size
        # its size, its next deed number and the parcels it finds taken agree
        assert next_deed_id == deeds + 1 and taken == deeds - 10


@pytest.mark.slow
def test_serves_ledger_answer_names_the_checkpoint_of_its_size(tmp_path: Path, db_url: str | None) -> None:
    office = busy_office(tmp_path, db_url, 10)
    service = Service(office.home, office.open())

    def ask() -> dict[str, Any]:
        answer = service.get("/ledger", {})
        assert answer.status == 200
        return dict(json.loads(answer.body))

    answers = while_appending(office, GROWING, ask)

    checkpoints = office.open().entries(kind="Checkpoint")
    for answer in answers:  # the latest checkpoint among the entries it says the ledger has
        latest = [c for c in checkpoints if c.index < answer["size"]][-1]
        assert answer["checkpointSize"] == latest.message["size"]
