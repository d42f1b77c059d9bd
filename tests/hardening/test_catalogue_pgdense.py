"""Deed searches of 4 characters or more on a PostgreSQL ledger (schema 0017, the index of tagged
4-character pieces) in the bad-input catalogue: whatever the search holds (LIKE's wildcards and
escape, the U+0002 that cuts the pieces, letters whose lower case differs, pieces of two columns)
it is searched for as text with the rows of ILIKE on each column; the index's objects damaged is
one sentence (exit 2) or a slower correct answer, never a traceback; nothing in the ledger changes."""

# ruff: noqa: F811  (the pg_office fixture is imported from the schema-0015 catalogue; pytest hands it over by name)

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from core import deed_search_pg
from tests.hardening.harness import assert_refused, run_cli
from tests.hardening.test_catalogue_pgsearch import (  # noqa: F401 - pg_office: a fixture
    _deeds_listed,
    _fingerprint,
    assert_listed_as_text,
    pg_office,
)

# The office's deeds: 1 AB-1 "12 Oak Avenue", 2 CD-2 "100% Maple St", 3 EF-3 "9 Birch", one owner.
# (search, the deeds it finds)
SEARCHES = [
    ("100% m", [2]),
    ("0% maple", [2]),
    ("100_", []),
    ("%_\\x", []),
    ("ak\\a", []),
    ("Oak\x02", []),
    ("oak \x02avenue", []),
    ("12 Oa\u212a", [1]),  # the Kelvin sign: lower case "k", like ILIKE
    ("12 OA\u212a AVENUE", [1]),
    ("Birch\x01", []),
    ("B-112 OA", []),  # parcel AB-1 then address "12 O...": never across two columns
    ("-112 oak", []),
    ("ue, ", []),
    ("e st", [2]),
    ("\u00e9bec", []),
    ("9 BIRCH", [3]),
]


@pytest.mark.parametrize(("search", "found"), SEARCHES)
def test_a_long_search_on_postgresql_is_text_whatever_it_holds(
    pg_office: tuple[Path, str], capsys: pytest.CaptureFixture[str], search: str, found: list[int]
) -> None:
    assert_listed_as_text(pg_office, capsys, search, found)


# (what was done to the index's objects, the search, what the sentence says).  Without
# deed_pieces every statement on the deeds fails (the planner inlines the index's expression), so
# the fingerprint is taken before the damage and compared after a repair.
DAMAGE = [
    ("DROP FUNCTION deed_pieces(text, text)", "oak avenue", "deed_pieces"),
    ("DROP FUNCTION deed_long_grams(text, text, text) CASCADE", "maple", "deed_long_grams"),
    ("DROP INDEX ix_deeds_long_grams", "birch", None),  # not an error: the scan answers, more slowly
]


@pytest.mark.parametrize(("statement", "search", "says"), DAMAGE)
def test_a_damaged_long_index_is_one_sentence(
    pg_office: tuple[Path, str], capsys: pytest.CaptureFixture[str], statement: str, search: str, says: str | None
) -> None:
    home, url = pg_office
    before = _fingerprint(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(statement)
    outcome = run_cli(["--data-dir", str(home), "--db-url", url, "deed", "list", f"--search={search}"], capsys)
    if says is None:
        assert outcome.code == 0 and outcome.err == "" and _deeds_listed(outcome.out) == [3], outcome
    else:
        assert_refused(outcome, says=says)
    with engine.begin() as conn:  # what the next migration or a repair would make again
        for made in deed_search_pg.long_statements():
            conn.exec_driver_sql(made)
    engine.dispose()
    assert _fingerprint(url) == before
