"""Deed searches in the bad-input catalogue: text that is FTS5 query syntax is searched for as text,
a search too long is one sentence, and a damaged or missing search index is one sentence
(exit 2), never a traceback; nothing in the ledger changes."""

from __future__ import annotations

import sqlite3

import pytest

from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli

# (search, does deed 1 "0526301100 / 1 Main St, Ames, IA" match?)
SEARCHES = [
    ('"', False),
    ('""', False),
    ('"Main', False),
    ("Main St", True),
    ("main AND st", False),
    ("main OR zzz", False),
    ("NEAR(main st)", False),
    ("parcel:0526", False),
    ("address : main", False),
    ("^1 M", False),
    ("^1", False),
    ("mai*", False),
    ("*", False),
    ("m*", False),
    ("-", False),
    ("- ", False),
    ("(", False),
    ("{parcel address}: main", False),
    ("\x01", False),
    ("t\x01", False),
    ("n St, ", True),
    ("AMES", True),
    ("a", True),
    ("ᵃ", False),
    ("main st" + "\u0301", False),
    ("%", False),
    ("_", False),
    ("\\", False),
    ("0526301100", True),
]


@pytest.mark.parametrize(("search", "found"), SEARCHES)
def test_a_search_is_text_whatever_it_holds(
    office: Office, capsys: pytest.CaptureFixture[str], search: str, found: bool
) -> None:
    before = office.fingerprint()
    outcome = run_cli(office.argv("deed", "list", f"--search={search}"), capsys)
    assert outcome.code == 0 and outcome.err == "", outcome.err
    assert ("0526301100" in outcome.out) is found, outcome.out
    assert office.fingerprint() == before


def test_a_search_too_long_is_one_sentence(office: Office, capsys: pytest.CaptureFixture[str]) -> None:
    before = office.fingerprint()
    assert_refused(run_cli(office.argv("deed", "list", "--search=" + "x" * 201), capsys), says="at most 200 characters")
    assert office.fingerprint() == before


# (what was done to the index, the search, what the sentence says)
DAMAGE = [
    ("DROP TABLE deeds_fts_terms", "ma", "no such table: deeds_fts_terms"),  # only short searches read it
    ("DROP TABLE deeds_fts", "main", "damaged"),
    ("DROP TABLE deeds_fts", "ma", "no such fts5 table"),
    ("DROP TABLE deeds_fts_data", "main", "damaged"),
    ("DELETE FROM deeds_fts_data", "main", "damaged"),
    ("DELETE FROM deeds_fts_data", "ma", "damaged"),
    ("UPDATE deeds_fts_data SET block = x'00ff00ff00ff'", "main", "damaged"),
    ("UPDATE deeds_fts_data SET block = x'00ff00ff00ff'", "m", "damaged"),
]


def _damage(office: Office, statement: str) -> None:
    with sqlite3.connect(office.home / "ledger.sqlite") as db:
        db.execute(statement)
    db.close()


@pytest.mark.parametrize(("damage", "search", "says"), DAMAGE)
def test_a_damaged_search_index_is_one_sentence(
    office: Office, capsys: pytest.CaptureFixture[str], damage: str, search: str, says: str
) -> None:
    _damage(office, damage)
    before = office.fingerprint()
    assert_refused(run_cli(office.argv("deed", "list", f"--search={search}"), capsys), says=says)
    assert office.fingerprint() == before


@pytest.mark.parametrize("damage", ["DELETE FROM deeds_fts_data", "DROP TABLE deeds_fts"])
def test_a_deed_written_over_a_damaged_index_is_refused_whole(
    office: Office, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    _damage(office, damage)
    before = office.fingerprint()
    register = office.keyed(
        "deed", "register", "--parcel", "0526301101", "--address", "2 Main St", "--owner", office.bob
    )
    assert_refused(run_cli(register, capsys), says="damaged")
    assert office.fingerprint() == before  # the trigger's failure took the whole append back
