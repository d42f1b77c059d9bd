"""More readers that combine reads of a ledger another program appends to (checkpoints included): the
state a compliance dry run is judged against, `serve`'s /ledger answer and the screening of a prepared
transfer.  As in
test_readers_while_appending.py, each runs in a loop while a writer process appends; what it gives
must hold together.  (The GUI panes' reads: tests/gui/test_panes_while_appending.py.)"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from core.compliance.acts import reading
from core.ledger import Ledger
from core.transactions import prepare_transfer
from desktop.serve.server import Service
from valuation.service import screen_transfer_message
from tests.core.busy_ledger import BusyOffices, busy_offices, db_url, while_appending

__all__ = ["busy_offices", "db_url"]  # the fixtures: built offices, both engines

GROWING = ("register", "register", "checkpoint") * 15  # a checkpoint every third entry


@pytest.mark.slow
def test_a_dry_runs_state_is_of_one_moment(tmp_path: Path, busy_offices: BusyOffices, postgres_url: str) -> None:
    # PostgreSQL only: SQLite's connection is one transaction from its first read, a snapshot or not, so
    # there this cannot fail; PostgreSQL's READ COMMITTED reads each statement anew.
    office = busy_offices.copy(tmp_path, postgres_url, 10)
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
def test_serves_ledger_answer_names_the_checkpoint_of_its_size(
    tmp_path: Path, busy_offices: BusyOffices, db_url: str | None
) -> None:
    office = busy_offices.copy(tmp_path, db_url, 10)
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


class _Remembering(Ledger):
    """A ledger that remembers each size it gave: the last is the place a prepared transfer is screened at."""

    given: list[int]

    def size(self) -> int:
        found = super().size()
        self.given.append(found)
        return found


@pytest.mark.slow
def test_a_prepared_transfer_is_screened_on_every_entry_before_its_place(
    tmp_path: Path, busy_offices: BusyOffices, db_url: str | None
) -> None:
    office = busy_offices.copy(tmp_path, db_url, 3)
    message = prepare_transfer(office.open(), 1, office.key("bank").address, "1.00").message

    def screen() -> tuple[int, int]:
        ledger = _Remembering.open(office.home, office.db_url)
        ledger.given = []
        assessment = screen_transfer_message(office.home, ledger, message, int(time.time()), with_model=False)
        # liens of 1,000.00 against a price of 1.00: "Open liens on deed 1 total ... (n liens), ..."
        found = [re.search(r"\((\d+) liens?\)", r["text"]) for r in assessment.reasons]
        counted = [int(m.group(1)) for m in found if m]
        return ledger.given[-1], counted[0] if counted else 0

    screens = while_appending(office, ("lien",) * 45, screen, seeded_deeds=1)

    liens = [e.index for e in office.open().history(1) if e.kind == "Lien"]
    assert len({place for place, _ in screens}) >= 2
    # screened as entry `place`: every lien recorded before it counts, none after (unpinned, the history,
    # read lazily after the size, held liens beyond the transfer's place)
    for place, counted in screens:
        assert counted == len([i for i in liens if i < place])
