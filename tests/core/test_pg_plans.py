"""Why the ledger's reads on PostgreSQL are planned for their own parameters on every run.

psycopg prepares a statement once a connection has run it 5 times, and after 5 more runs
PostgreSQL's default plan_cache_mode may plan it once for any parameter: for a skewed column (a party holding
20,000 deeds, another 3) that generic plan can be far slower. The core functions read through
`with engine.connect()`, and SQLAlchemy's pool rolls a connection back when it is returned;
psycopg forgets its counts and deallocates what it prepared at every ROLLBACK. So a read run
again and again, each run a checkout, is never prepared, and each run is planned for its own
parameters (docs/scale.md, "The desktop's read paths on PostgreSQL"). If a release of SQLAlchemy
or psycopg, or a long-held connection, changed that, these tests say so.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from core.compliance.recovery import deeds_held
from core.keys import KeyStore
from core.ledger import Ledger
from core.paths import DataDir
from tests.helpers import PASSWORD

MANY, FEW = "0x" + "aa" * 20, "0x" + "bb" * 20
HOLDINGS = "SELECT deed_id FROM holdings WHERE holder = %(holder)s ORDER BY deed_id"


def _skewed_ledger(home: Path, url: str) -> Ledger:
    """A ledger whose holdings table says one party holds 20,000 deeds and another 3 (rows put in
    directly: only the planner's statistics matter here, not what verification would say)."""
    folder = DataDir.resolve(home).ensure()
    keys = KeyStore(folder.keys)
    keys.create("operator", PASSWORD)
    ledger = Ledger.create(folder, url, "Plans County", keys.unlock("operator", PASSWORD))
    with ledger.engine.begin() as conn:
        for holder, first, last in ((MANY, 1, 20000), (FEW, 20001, 20003)):
            conn.exec_driver_sql(
                "INSERT INTO holdings (deed_id, holder, shares) "
                f"SELECT g, '{holder}', 10000 FROM generate_series({first}, {last}) g"
            )
        conn.exec_driver_sql("ANALYZE holdings")
    return ledger


def _prepared(conn: Connection) -> tuple[int, int, int]:
    """(statements prepared, generic plans, custom plans) of this connection's session."""
    count, generic, custom = conn.exec_driver_sql(
        "SELECT count(*), coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0) FROM pg_prepared_statements"
    ).one()
    return int(count), int(generic), int(custom)


def test_a_read_run_again_and_again_through_core_is_never_prepared(postgres_url: str, tmp_path: Path) -> None:
    ledger = _skewed_ledger(tmp_path / "pg", postgres_url)
    ledger.engine.dispose()
    for _ in range(11):  # a party with many deeds, then one with few, on the one pooled connection
        assert len(deeds_held(ledger, MANY)) == 20000
    for _ in range(3):
        assert deeds_held(ledger, FEW) == [20001, 20002, 20003]
    with ledger.engine.connect() as conn:
        assert ledger.engine.pool.checkedout() == 1 and ledger.engine.pool.size() >= 1
        assert _prepared(conn) == (0, 0, 0)  # each run was planned as it came, never kept


def test_the_same_reads_on_one_held_connection_are_prepared_and_planned_generically(
    postgres_url: str, tmp_path: Path
) -> None:
    """What the rollback saves the app from (so the test above can fail): without it psycopg prepares
    the statement on its 6th run; PostgreSQL plans a prepared statement's first 5 runs for their
    parameters and may then plan it once for every party (here from the 11th run on)."""
    ledger = _skewed_ledger(tmp_path / "pg", postgres_url)
    with ledger.engine.connect() as conn:
        for holder in (MANY,) * 11 + (FEW,) * 3:
            conn.exec_driver_sql(HOLDINGS, {"holder": holder}).all()
        count, generic, _custom = _prepared(conn)
        assert count == 1 and generic > 0
        conn.rollback()
        assert _prepared(conn) == (0, 0, 0)  # the rollback deallocated it
    ledger.engine.dispose()
