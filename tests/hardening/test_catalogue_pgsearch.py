"""Deed searches on a PostgreSQL ledger (schema 0015) in the bad-input catalogue: whatever a search
holds (the U+0001 that joins the columns' pieces, the U+0002 they are cut on, LIKE's wildcards and
escape, letters whose lower case differs in length) it is searched for as text with the rows of
ILIKE on each column; too long, or the search's own indexes or function damaged, is one sentence
(exit 2), never a traceback; nothing in the ledger changes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from tests import postgres
from tests.core.test_deed_search import _office
from tests.hardening.harness import assert_refused, run_cli

# The office's deeds: 1 AB-1 "12 Oak Avenue", 2 CD-2 "100% Maple St", 3 EF-3 "9 Birch", one owner.
# (search, the deeds it finds)
SEARCHES = [
    ("o", [1]),  # (the owner's address is hex: no o, no k, no h, no m)
    ("O", [1]),
    ("%", [2]),
    ("_", []),
    ("\\", []),
    ("0%", [2]),
    ("% m", [2]),
    ("\x01", []),
    ("1\x01", []),  # the end of parcel AB-1 and the separator: never across two columns
    ("1\x0112", []),
    ("b-1\x01", []),
    ("\x02", []),
    ("k\x02", []),
    ("\u212a", [1]),  # the Kelvin sign: lower case "k", like ILIKE
    ("ß", []),
    ("-1", [1]),
    ("H", [3]),
    ("zq", []),
    ("e, ", []),
    ("OAK AV", [1]),
    ("oak avenue", [1]),
]


def _deeds_listed(out: str) -> list[int]:
    parcels = {"AB-1": 1, "CD-2": 2, "EF-3": 3}
    return sorted(number for parcel, number in parcels.items() if parcel in out)


def _fingerprint(url: str) -> str:
    engine = create_engine(url)
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in ("entries", "deeds", "holdings", "alembic_version"):
            for row in conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1"):
                digest.update(repr(tuple(row)).encode())
    engine.dispose()
    return digest.hexdigest()


@pytest.fixture
def pg_office(postgres_url: str, tmp_path: Path) -> tuple[Path, str]:
    ledger, _operator = _office(tmp_path / "home", postgres_url)
    ledger.close()
    return ledger.home.root, postgres_url


@pytest.fixture(scope="module")
def searched_office(
    postgres_server: postgres.Server, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str]]:
    """One office for every search below: a search only reads, and each asserts the ledger unchanged after it
    (a database and its migrations a case were most of its time)."""
    url = postgres_server.new_database()
    ledger, _operator = _office(tmp_path_factory.mktemp("searched") / "home", url)
    ledger.close()
    yield ledger.home.root, url
    postgres_server.drop_database(url)


@pytest.mark.parametrize(("search", "found"), SEARCHES)
def test_a_search_on_postgresql_is_text_whatever_it_holds(
    searched_office: tuple[Path, str], capsys: pytest.CaptureFixture[str], search: str, found: list[int]
) -> None:
    assert_listed_as_text(searched_office, capsys, search, found)


def assert_listed_as_text(
    pg_office: tuple[Path, str], capsys: pytest.CaptureFixture[str], search: str, found: list[int]
) -> None:
    """`deed list --search` finds exactly `found`, says nothing on stderr, and changes nothing."""
    home, url = pg_office
    before = _fingerprint(url)
    outcome = run_cli(["--data-dir", str(home), "--db-url", url, "deed", "list", f"--search={search}"], capsys)
    assert outcome.code == 0 and outcome.err == "", outcome.err
    assert _deeds_listed(outcome.out) == found, outcome.out
    assert _fingerprint(url) == before


# (what was done to the search's own objects, the search, what the sentence says)
DAMAGE = [
    ("DROP FUNCTION deed_short_grams(text, text, text) CASCADE", "ma", "deed_short_grams"),
    ("DROP INDEX ix_deeds_short_grams", "zq", None),  # not an error: the scan answers, more slowly
    ("ALTER TABLE deeds DROP COLUMN address_folded", "maple", "address_folded"),
]


@pytest.mark.parametrize(("statement", "search", "says"), DAMAGE)
def test_damaged_search_objects_are_one_sentence(
    pg_office: tuple[Path, str], capsys: pytest.CaptureFixture[str], statement: str, search: str, says: str | None
) -> None:
    home, url = pg_office
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(statement)
    engine.dispose()
    before = _fingerprint(url)
    outcome = run_cli(["--data-dir", str(home), "--db-url", url, "deed", "list", f"--search={search}"], capsys)
    if says is None:
        assert outcome.code == 0 and outcome.err == "" and "No deed matches" in outcome.out, outcome
    else:
        assert_refused(outcome, says=says)
    too_long = run_cli(["--data-dir", str(home), "--db-url", url, "deed", "list", "--search=" + "x" * 201], capsys)
    assert_refused(too_long, says="at most 200 characters")
    assert _fingerprint(url) == before
