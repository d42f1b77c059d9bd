"""Searches whose every trigram is dense, in the bad-input catalogue: asked as a rare piece of
themselves (core.deed_search._rare_window) and filtered by the rowids read once, `deed list
--search` still lists deed 1 ("0526301100 / 1 Main St, Ames, IA") exactly when it holds the text,
whatever quotes, separators, case or letters beyond ASCII the search has, with or without SQLite's
JSON functions; nothing in the ledger changes.  (PROBE 1: every trigram of deed 1 counts as dense,
as ", Ames, IA" does on a county's million deeds.)"""

from __future__ import annotations

from unittest import mock

import pytest

from core import deed_search
from core.store import make_engine
from tests.hardening.conftest import Office
from tests.hardening.harness import run_cli

# (search, does deed 1 hold it?, the index's query for it)
DENSE = [
    ("St, Ames", True, '"St, Ames"'),  # in the sample (deed 1): the search itself
    ("AMES, IA", True, '"AMES, IA"'),
    ("es, Ames", False, '"s, A"'),  # each trigram in deed 1, the text not: a piece that no deed holds
    ("ES, AMES, AMES", False, '"S, A"'),
    ("St, IA", False, '"t, I"'),
    ("1 Main St, Ames, Ames, IA", False, '"s, A"'),
    (" IA\x01\x01", False, '" IA\x01"'),  # the index's separators (after each value): in no value
    ("Ames, IA\x01\x01", False, '" IA\x01"'),
    ("Main St, Ames, IA, Main", False, '"Main St, Ames, IA, Main"'),  # ", M" in no deed: the phrase
    ('Ames, "IA', False, '"Ames, ""IA"'),  # a quote: in no deed, the phrase (its quote doubled)
    ("AmÉs, IA", False, '"AmÉs, IA"'),  # "mÉs" folds to "més": in no deed
]


@pytest.mark.parametrize("json", [True, False], ids=["json", "no-json"])
@pytest.mark.parametrize(("search", "found", "query"), DENSE)
def test_a_search_of_dense_trigrams_is_found_where_its_text_is(
    office: Office, capsys: pytest.CaptureFixture[str], search: str, found: bool, query: str, json: bool
) -> None:
    before = office.fingerprint()
    with mock.patch.object(deed_search, "PROBE", 1), mock.patch.object(deed_search, "json_supported", lambda: json):
        engine = make_engine(f"sqlite:///{office.home / 'ledger.sqlite'}", read_only=True)
        with engine.connect() as conn:
            assert deed_search.selective(conn, search) == query
        engine.dispose()
        outcome = run_cli(office.argv("deed", "list", f"--search={search}"), capsys)
    assert outcome.code == 0 and outcome.err == "", outcome.err
    listed = "0526301100" in outcome.out and not outcome.out.startswith("No deed matches")
    assert listed is found, (search, outcome.out)
    assert office.fingerprint() == before
