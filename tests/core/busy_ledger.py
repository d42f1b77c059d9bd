"""A ledger another process appends to while a reader runs in a loop: the race tests of readers that
combine several reads (tests/core/test_verify_while_appending.py, test_readers_while_appending.py).

The appender is a writer process of tests/writers.py; the reader runs in the test's own process,
on its own `Ledger`, as another desktop's would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from core.checkpoints import make_checkpoint
from core.keys import KeyStore, UnlockedKey
from core.ledger import Ledger
from core.paths import DataDir
from tests.writers import PASSWORD, Job, Outcome, run_writers

T = TypeVar("T")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str | None:
    """Both engines: None (the data folder's SQLite) or a fresh PostgreSQL database."""
    return None if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))


@dataclass(frozen=True)
class Office:
    home: DataDir
    db_url: str | None

    def open(self) -> Ledger:
        return Ledger.open(self.home, self.db_url)

    def key(self, name: str) -> UnlockedKey:
        return KeyStore(self.home.keys).unlock(name, PASSWORD)


def busy_office(tmp_path: Path, db_url: str | None, registered: int) -> Office:
    """A ledger (operator and bank keys) with `registered` deeds and a checkpoint over them."""
    home = DataDir.resolve(tmp_path / "office").ensure()
    keys = KeyStore(home.keys)
    keys.create("operator", PASSWORD)
    keys.create("bank", PASSWORD)
    Ledger.create(home, db_url, "Busy County", keys.unlock("operator", PASSWORD))
    if registered:
        run_writers([Job(str(home.root), db_url, 0, ("register",) * registered)], timeout=600)
    office = Office(home, db_url)
    make_checkpoint(office.open(), office.key("operator"))
    return office


def while_appending(
    office: Office, plan: tuple[str, ...], read: Callable[[], T], *, seeded_deeds: int = 0, at_least: int = 2
) -> list[T]:
    """Run `read` again and again while another process carries out `plan` (tests.writers operations);
    what each read gave.  Every operation of the plan must have been recorded."""
    outcomes: list[Outcome] = []
    writing = threading.Event()

    def append() -> None:
        writing.set()
        outcomes.extend(run_writers([Job(str(office.home.root), office.db_url, 1, plan, seeded_deeds)], timeout=600))

    writer = threading.Thread(target=append)
    writer.start()
    writing.wait()
    results: list[T] = []
    try:
        while writer.is_alive() or len(results) < at_least:
            results.append(read())
    finally:
        writer.join()
    assert [o.error for o in outcomes if o.error] == [] and len(outcomes) == len(plan)
    return results
