"""Several processes writing to one ledger at once, for the concurrency tests.

Each writer is its own process (forked from a clean, preloaded server process, so
nothing is shared but the database): it opens the ledger, unlocks its keys, waits at
a barrier until every writer is ready, then runs its operations as fast as it can and
reports what each gave, including every refusal, so a test can say exactly what went
wrong.
"""

from __future__ import annotations

import multiprocessing
import queue
import sqlite3
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.ledger import Ledger

PASSWORD = "correct horse battery"
OPERATIONS = ("register", "lien", "release", "checkpoint", "attest", "rules")
_PRELOAD = [
    "core.checkpoints",
    "core.compliance.rules",
    "core.deeds",
    "core.keys",
    "core.ledger",
    "core.liens",
    "core.notary",
    "core.verify",
    "eth_keyfile.keyfile",
    "psycopg",
]  # what every writer needs, imported once


@dataclass(frozen=True)
class Job:
    root: str
    db_url: str | None
    worker: int
    plan: tuple[str, ...]  # operations from OPERATIONS, in order
    seeded_deeds: int = 0  # liens go on deeds 1..seeded_deeds


@dataclass(frozen=True)
class Outcome:
    worker: int
    operation: str
    value: int | None  # the deed number, lien number or entry index it recorded
    error: str | None = None


def _run(job: Job, barrier: Any, results: Any) -> None:
    from core.checkpoints import make_checkpoint
    from core.compliance.rules import set_rules
    from core.compliance.schema import RuleSet
    from core.deeds import register_deed
    from core.errors import DeedbookError
    from core.keys import KeyStore
    from core.ledger import Ledger
    from core.liens import add_lien, release_lien
    from core.notary import attest
    from core.paths import DataDir

    home = DataDir.resolve(job.root)
    ledger = Ledger.open(home, job.db_url)
    keys = KeyStore(home.keys)
    operator = keys.unlock("operator", PASSWORD)
    bank = keys.unlock("bank", PASSWORD) if {"lien", "release"} & set(job.plan) else None
    barrier.wait()
    mine: list[tuple[int, int]] = []  # (deed, lien) added by this writer and not released yet
    for step, operation in enumerate(job.plan):
        try:
            if operation == "register":
                deed = register_deed(
                    ledger,
                    operator,
                    parcel=f"W{job.worker}-{step}",
                    address=f"{step} Writer St",
                    owner=operator.address,
                )
                value = deed.deed_id
            elif operation == "lien":
                assert bank is not None
                deed_id = (job.worker + step) % job.seeded_deeds + 1
                record = add_lien(ledger, deed_id, bank, "1000", f"tax {job.worker}-{step}")
                mine.append((deed_id, record.lien.lien_id))
                value = record.lien.lien_id
            elif operation == "release":
                assert bank is not None
                deed_id, lien_id = mine.pop(0)
                value = release_lien(ledger, deed_id, lien_id, bank).index
            elif operation == "checkpoint":
                value = make_checkpoint(ledger, operator).index
            elif operation == "attest":
                value = attest(ledger, 1, operator, act="acknowledgment")
            elif operation == "rules":  # a new version of the rules, each one's text its own
                value = set_rules(ledger, operator, RuleSet(max_holders_per_deed=1000 + step))
            else:
                raise ValueError(operation)
            results.put(Outcome(job.worker, operation, value))
        except DeedbookError as refused:
            results.put(Outcome(job.worker, operation, None, str(refused)))
        except Exception as error:  # noqa: BLE001 - the worker process's top: a bug is reported, not a hung test
            results.put(Outcome(job.worker, operation, None, f"{type(error).__name__}: {error}"))
    ledger.close()


def run_writers(jobs: list[Job], timeout: float = 240.0) -> list[Outcome]:
    """Run every job in its own process, all starting together; every operation's outcome."""
    context = multiprocessing.get_context("forkserver")  # a clean process, modules loaded once, forked per writer
    context.set_forkserver_preload(["tests.writers", *_PRELOAD])
    barrier = context.Barrier(len(jobs))
    results = context.Queue()
    processes = [context.Process(target=_run, args=(job, barrier, results)) for job in jobs]
    for process in processes:
        process.start()
    expected = sum(len(job.plan) for job in jobs)
    outcomes: list[Outcome] = []
    deadline = time.monotonic() + timeout
    try:
        while len(outcomes) < expected:
            try:
                outcomes.append(results.get(timeout=1.0))
            except queue.Empty:
                if time.monotonic() > deadline or not any(p.is_alive() for p in processes):
                    raise AssertionError(
                        f"only {len(outcomes)} of {expected} operations were reported "
                        f"(writers' exit codes {[p.exitcode for p in processes]})"
                    ) from None
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    return outcomes


class HeldLock:
    """Another program holding the ledger's write lock, as a busy writer would."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        if ledger.engine.dialect.name == "sqlite":
            self._sqlite = sqlite3.connect(ledger.home.database, isolation_level=None, check_same_thread=False)
            self._sqlite.execute("BEGIN IMMEDIATE")
        else:
            from sqlalchemy import create_engine

            from core import store

            self._engine = create_engine(ledger.engine.url)
            self._conn = self._engine.connect()
            self._transaction = self._conn.begin()
            self._conn.exec_driver_sql(store.POSTGRES_WRITE_LOCK)

    def release(self) -> None:
        if self.ledger.engine.dialect.name == "sqlite":
            self._sqlite.execute("ROLLBACK")
            self._sqlite.close()
        else:
            self._transaction.rollback()
            self._conn.close()
            self._engine.dispose()
