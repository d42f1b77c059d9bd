"""A ledger another process appends to while a reader runs in a loop: the race tests of readers that
combine several reads (tests/core/test_verify_while_appending.py, test_readers_while_appending.py).

The appender is a writer process of tests/writers.py; the reader runs in the test's own process,
on its own `Ledger`, as another desktop's would.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from core.checkpoints import make_checkpoint
from core.keys import KeyStore, UnlockedKey
from core.ledger import Ledger
from core.paths import DataDir
from tests import postgres
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
    Ledger.create(home, db_url, "Busy County", keys.unlock("operator", PASSWORD)).close()
    if registered:
        run_writers([Job(str(home.root), db_url, 0, ("register",) * registered)], timeout=600)
    office = Office(home, db_url)
    ledger = office.open()
    try:
        make_checkpoint(ledger, office.key("operator"))
    finally:
        ledger.close()  # (no connection left: a PostgreSQL template database must have none)
    return office


class BusyOffices:
    """`busy_office`s built once per session and copied for each test: registering 300 deeds takes a writer
    process 10-30 s on a loaded machine, copying the folder (and the PostgreSQL database, from a template)
    a fraction of a second.  Each test gets a ledger of its own, as `busy_office` gives."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[tuple[str, int], Office] = {}

    def copy(self, tmp_path: Path, db_url: str | None, registered: int) -> Office:
        """`busy_office(tmp_path, db_url, registered)`, copied; `db_url`'s (fresh) database becomes the copy's."""
        server = None if db_url is None else postgres.Server(None, 0, db_url)  # the one the database is on
        key = ("sqlite" if server is None else server.url(), registered)
        if key not in self.built:
            template_url = None if server is None else server.new_database()
            self.built[key] = busy_office(self.folder / str(len(self.built)), template_url, registered)
        template = self.built[key]
        home = DataDir.resolve(shutil.copytree(template.home.root, tmp_path / "office"))
        if server is not None and db_url is not None and template.db_url is not None:
            server.copy_database(template.db_url, db_url)
        return Office(home, db_url)

    def drop(self) -> None:
        for office in self.built.values():
            if office.db_url is not None:
                postgres.Server(None, 0, office.db_url).drop_template(office.db_url)


@pytest.fixture(scope="session")
def busy_offices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BusyOffices]:
    offices = BusyOffices(tmp_path_factory.mktemp("busy"))
    yield offices
    offices.drop()


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
