"""Deed searches as phrases (schema 0016) in the bad-input catalogue: a search is found where the text
is, never where only the index's separators or two columns put its trigrams side by side; a 0014
ledger is migrated whole (its index made again with positions, a missing one too) or, when its
index cannot be opened or its deeds cannot be read, refused in one sentence and left at 0014."""

from __future__ import annotations

import sqlite3

import pytest

from core import deed_search
from core.store import SCHEMA_HEAD
from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli

# (search, does deed 1 "0526301100 / 1 Main St, Ames, IA" match?)
PHRASES = [
    ("n St, Ames", True),
    ("MAIN ST, AMES, IA", True),
    ("1 main", True),
    ("Ames, IA\x01", False),  # the index has "ia" and two U+0001 after each value: the rule has not
    ("IA\x01\x01", False),
    ("\x01\x01", False),
    ("0526301100\x01\x011 Main", False),  # the end of the parcel and the start of the address
    ("01100 1 Main", False),
    ("IA 0x", False),  # the end of the address and the start of the owner's
    ('"Main St"', False),
    ("Main\"St", False),
    ("Main  St", False),
    ("Ma n St", False),
    ("St, Ames, IA 5", False),
    ("mäin st", False),
]


@pytest.mark.parametrize(("search", "found"), PHRASES)
def test_a_search_is_found_where_its_text_is(
    office: Office, capsys: pytest.CaptureFixture[str], search: str, found: bool
) -> None:
    before = office.fingerprint()
    outcome = run_cli(office.argv("deed", "list", f"--search={search}"), capsys)
    assert outcome.code == 0 and outcome.err == "", outcome.err
    listed = "0526301100" in outcome.out and not outcome.out.startswith("No deed matches")  # (it repeats the search)
    assert listed is found, (search, outcome.out)
    assert office.fingerprint() == before


def _as_0014(office: Office, *damage: str) -> None:
    """The ledger as 0014 left it (the index without positions), then `damage` done to it."""
    with sqlite3.connect(office.home / "ledger.sqlite") as db:
        db.execute(f"DROP TABLE {deed_search.TERMS_TABLE}")
        db.execute(f"DROP TABLE {deed_search.FTS_TABLE}")
        for statement in deed_search.SQLITE_INDEX:
            db.execute(statement.replace("detail='full'", "detail='none'"))
        db.execute("UPDATE alembic_version SET version_num = '0014'")
        for statement in damage:
            db.execute(statement)
    db.close()


def _version(office: Office) -> str:
    with sqlite3.connect(office.home / "ledger.sqlite") as db:
        version = str(db.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    db.close()
    return version


# What was wrong with the 0014 ledger's index: the migration makes it again from the deeds.
REBUILT = [
    (),
    ("DROP TABLE deeds_fts_terms", "DROP TABLE deeds_fts"),
    ("DROP TABLE deeds_fts_terms",),
]


@pytest.mark.parametrize("damage", REBUILT)
def test_a_0014_ledger_gets_an_index_with_positions(
    office: Office, capsys: pytest.CaptureFixture[str], damage: tuple[str, ...]
) -> None:
    _as_0014(office, *damage)
    outcome = run_cli(office.argv("deed", "list", "--search=n St, Ames"), capsys)
    assert outcome.code == 0 and outcome.err == "", outcome.err
    assert "0526301100" in outcome.out
    assert _version(office) == SCHEMA_HEAD
    with sqlite3.connect(office.home / "ledger.sqlite") as db:
        db.execute(f"INSERT INTO {deed_search.FTS_TABLE}({deed_search.FTS_TABLE}, rank) VALUES ('integrity-check', 1)")
        made = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (deed_search.FTS_TABLE,)).fetchone()[0]
    db.close()
    assert "detail='full'" in made


# What keeps the migration from replacing the 0014 ledger's index (an index whose records FTS5 cannot
# read cannot even be dropped) or from filling it (the deeds are gone), and what the sentence says.
UNREADABLE = [
    (("DELETE FROM deeds_fts_data",), "damaged"),
    (("UPDATE deeds_fts_data SET block = x'00ff00ff00ff'",), "damaged"),
    (("ALTER TABLE deeds RENAME TO deeds_gone",), "deeds"),
]


@pytest.mark.parametrize(("damage", "says"), UNREADABLE)
def test_a_0014_ledger_whose_index_or_deeds_cannot_be_read_is_refused_and_left_at_0014(
    office: Office, capsys: pytest.CaptureFixture[str], damage: tuple[str, ...], says: str
) -> None:
    _as_0014(office, *damage)
    before = office.fingerprint()
    assert_refused(run_cli(office.argv("deed", "list"), capsys), says=says)
    assert _version(office) == "0014"
    assert office.fingerprint() == before  # the migration's transaction took everything back
