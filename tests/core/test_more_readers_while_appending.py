"""More readers that combine reads of a ledger another program appends to (checkpoints included): the
state a compliance dry run is judged against and `serve`'s /ledger answer.  As in
test_readers_while_appending.py, each runs in a loop while a writer process appends; what it gives
must hold together.  (The GUI panes' reads: tests/gui/test_panes_while_appending.py.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.compliance.acts import reading
from desktop.serve.server import Service
from tests.core.busy_ledger import busy_office, db_url, while_appending

__all__ = ["db_url"]  # the fixture, both engines

GROWING = ("register", "register", "checkpoint") * 15  # a checkpoint every third entry


@pytest.mark.slow
def test_a_dry_runs_state_is_of_one_moment(tmp_path: Path, postgres_url: str) -> None:
    # PostgreSQL only: SQLite's connection is one transaction from its first read, a snapshot or not, so
    # there this cannot fail; PostgreSQL's READ COMMITTED reads each statement anew.
    office = busy_office(tmp_path, postgres_url, 10)
    plan = ("register",) * 45

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
