"""Deed searches whose owner part is answered from the distinct owners (PostgreSQL, 4 characters or
more, few owners) in the bad-input catalogue: a piece of an owner's address in any case, two of its
pieces that it never holds together, LIKE's wildcards and escape next to a piece, the separators;
each is searched for as text with the rows of ILIKE; the owners' index dropped is a slower correct
answer, never a traceback; nothing in the ledger changes."""

# ruff: noqa: F811  (the pg_office fixture is imported from the schema-0015 catalogue; pytest hands it over by name)

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from sqlalchemy import create_engine

from tests.hardening.harness import run_cli
from tests.hardening.test_catalogue_pgsearch import (  # noqa: F401 - pg_office: a fixture
    _deeds_listed,
    _fingerprint,
    assert_listed_as_text,
    pg_office,
)

# The office's three deeds have one owner, the operator (a checksummed hex address, mixed case).
# (the search made from that address; the deeds are those whose owner holds it, ignoring case)
SEARCHES: list[tuple[str, Callable[[str], str]]] = [
    ("a piece", lambda owner: owner[2:8]),
    ("a piece, case swapped", lambda owner: owner[5:14].swapcase()),
    ("the whole address, upper case", lambda owner: owner.upper()),
    ("two pieces never together", lambda owner: owner[2:5] + owner[12:14]),
    ("a piece and %", lambda owner: owner[2:6] + "%"),
    ("a piece and _", lambda owner: "_" + owner[3:7]),
    ("a piece and \\", lambda owner: owner[2:6] + "\\"),
    ("a piece and U+0001", lambda owner: owner[-4:] + "\x01"),
    ("a piece and U+0002", lambda owner: owner[2:6] + "\x02"),
    ("% in place of a character", lambda owner: owner[2:4] + "%" + owner[5:7]),
]


def _owner(url: str) -> str:
    engine = create_engine(url)
    with engine.connect() as conn:
        owner = str(conn.exec_driver_sql("SELECT owner FROM deeds WHERE deed_id = 1").scalar_one())
    engine.dispose()
    return owner


@pytest.mark.parametrize(("case", "make"), SEARCHES, ids=[case for case, _ in SEARCHES])
def test_an_owner_search_on_postgresql_is_text_whatever_it_holds(
    pg_office: tuple[Path, str], capsys: pytest.CaptureFixture[str], case: str, make: Callable[[str], str]
) -> None:
    owner = _owner(pg_office[1])
    search = make(owner)
    found = [1, 2, 3] if search.lower() in owner.lower() else []
    assert_listed_as_text(pg_office, capsys, search, found)


def test_without_the_owners_index_an_owner_search_is_slower_and_the_same(
    pg_office: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """ix_deeds_by_owner dropped: the owners are read by scans instead (not an error)."""
    home, url = pg_office
    owner = _owner(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_deeds_by_owner")
    engine.dispose()
    before = _fingerprint(url)
    for search in [owner[4:12].upper(), owner[2:5] + owner[12:14]]:
        found = [1, 2, 3] if search.lower() in owner.lower() else []
        outcome = run_cli(["--data-dir", str(home), "--db-url", url, "deed", "list", f"--search={search}"], capsys)
        assert outcome.code == 0 and outcome.err == "", outcome
        assert _deeds_listed(outcome.out) == found, outcome.out
    assert _fingerprint(url) == before
