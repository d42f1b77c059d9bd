"""A full verify keeps only a digest of each deed's texts and reads the stored tables back a page at a
time (core/deed_texts.py, core/verify_tables.py, core.compliance.store.compliance_agrees): a table
changed behind the application's back is still one sentence naming the deed and the column, exit 1,
nothing changed, with one process or several."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.hardening.conftest import Office
from tests.hardening.harness import run_cli
from tests.hardening.storage import fold_wal
from tests.hardening.test_catalogue_storage import assert_verify_fails

# name -> (the change to deed 1's rows, what verify says)
TABLE_CHANGES: dict[str, tuple[str, str]] = {
    "address": (
        "UPDATE deeds SET address = '2 Main St, Ames, IA'",
        "The deed tables disagree with the ledger about deed 1 (address; last changed by entry",
    ),
    "legal description": ("UPDATE deeds SET legal = 'Lot 1'", "about deed 1 (legal;"),
    "attributes": ("UPDATE deeds SET attributes = replace(attributes, '1656', '1657')", "about deed 1 (attributes;"),
    "attributes made a number": ("UPDATE deeds SET attributes = 1656", "about deed 1 (attributes;"),
    "legal description made a blob": ("UPDATE deeds SET legal = CAST(legal AS BLOB)", "about deed 1 (legal;"),
    "parcel key": ("UPDATE deeds SET parcel_key = '0526301101'", "about deed 1 (parcel_key;"),
    "deed row lost": ("DELETE FROM deeds", "about deed 1 (it is missing from the deeds table;"),
    "holding under a text deed number": (
        "INSERT INTO holdings SELECT 'one', holder, shares FROM holdings",
        "The holdings table holds a row for deed one that no entry registered.",
    ),
    "compliance record": (
        "UPDATE compliance SET data = replace(data, 'registration', 'purchase') WHERE kind = 'acquired'",
        "The compliance table disagrees with the ledger about the acquired 1:0x",
    ),
    "compliance record added": (
        "INSERT INTO compliance SELECT kind, '2' || substr(key, 2), data FROM compliance WHERE kind = 'acquired'",
        "The compliance table holds a acquired 2:0x",
    ),
}


@pytest.mark.parametrize("change", TABLE_CHANGES, ids=list(TABLE_CHANGES))
def test_a_changed_table_is_one_sentence(office: Office, capsys: pytest.CaptureFixture[str], change: str) -> None:
    statement, says = TABLE_CHANGES[change]
    fold_wal(office.home)
    db = sqlite3.connect(Path(office.home) / "ledger.sqlite")
    db.execute(statement)
    db.commit()
    db.close()
    before = office.fingerprint()
    for jobs in ("1", "2"):
        assert_verify_fails(run_cli(office.argv("verify", "--jobs", jobs), capsys), says)
    assert office.fingerprint() == before
