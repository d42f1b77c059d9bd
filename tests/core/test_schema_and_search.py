"""Schema migrations (a ledger made by an older version opens and verifies) and deed search."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config

from core.deeds import register_deed
from core.ledger import Ledger
from core.store import MIGRATIONS, SCHEMA_HEAD, make_engine
from core.verify import verify_ledger
from tests.helpers import make_world


def test_a_ledger_at_schema_0001_is_migrated_and_still_verifies(tmp_path: Path) -> None:
    world = make_world(tmp_path / "old")
    register_deed(world.ledger, world.operator, parcel="OLD-1", address="1 Old Rd", owner=world.operator.address)
    # Take the database back to the first schema, as the first release left it.
    database = world.home.database
    db = sqlite3.connect(database)
    db.execute("DROP INDEX ix_deeds_search")
    db.execute("DROP INDEX ix_deeds_by_address")
    db.execute("DROP INDEX ix_deeds_by_owner")
    db.execute("CREATE INDEX ix_deeds_owner ON deeds (owner)")
    db.execute("DROP TABLE once_values")  # added by 0003
    db.execute("DROP TABLE tree_nodes")  # added by 0012
    db.execute("UPDATE alembic_version SET version_num='0001'")
    db.commit()
    db.close()
    reopened = Ledger.open(world.home)
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"ix_deeds_search", "ix_deeds_by_address", "ix_deeds_by_owner"} <= indexes
    assert reopened.deed("OLD-1").address == "1 Old Rd" and verify_ledger(reopened, jobs=1).ok


def test_migrations_from_nothing_reach_the_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == SCHEMA_HEAD


def test_search_ignores_case_takes_wildcards_literally_and_counts_alike(tmp_path: Path) -> None:
    world = make_world(tmp_path / "search")
    owner = world.operator.address
    for parcel, address in [
        ("AB-1", "12 Oak Avenue"),
        ("ab-2", "14 OAK avenue"),
        ("CD-3", "100% Main St"),
        ("CD_4", "7 Elm Court"),
        ("EF-5", "9 Birch Lane"),
    ]:
        register_deed(world.ledger, world.operator, parcel=parcel, address=address, owner=owner)
    ledger = world.ledger
    cases = {
        "oak": [1, 2],
        "AB-": [1, 2],
        "100%": [3],
        "%": [3],
        "CD_": [4],
        "_": [4],
        "birch": [5],
        "": [1, 2, 3, 4, 5],
        owner.lower()[2:12]: [1, 2, 3, 4, 5],
        "nothing like it": [],
    }
    for search, expected in cases.items():
        assert ledger.deed_ids(search=search) == expected, search
        assert ledger.deed_count(search=search) == len(expected), search
    assert ledger.deed_ids(search="oak", order_by="address") == [1, 2]
    by_parcel = sorted(ledger.deeds(), key=lambda d: d.parcel, reverse=True)  # SQLite's binary collation
    assert ledger.deed_ids(order_by="parcel", descending=True, limit=2) == [d.deed_id for d in by_parcel[:2]]
