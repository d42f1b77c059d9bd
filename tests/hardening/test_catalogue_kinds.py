"""One-time values (replay keys): a replayed response is one sentence, and a tampered once_values table
fails `verify` like any other projection.

The office records a transfer of deed 1 (alice to bob) through the real commands; each case then
replays it or edits the table the way someone with the database file could.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli
from tests.hardening.test_catalogue_storage import assert_verify_fails


@dataclass(frozen=True)
class Sold:
    office: Office
    responses: list[Path]
    transfer_id: str
    index: int


@pytest.fixture
def sold(office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Sold:
    folder = tmp_path / "requests"
    prepared = run_cli(
        office.argv(
            "transfer", "prepare", "1", "--to", office.bob, "--price", "250000", "--out-dir", str(folder), "--json"
        ),
        capsys,
    )
    assert prepared.code == 0, prepared.err
    responses = []
    for role, key in (("seller", "alice"), ("buyer", "bob")):
        [request] = folder.glob(f"*-{role}.json")
        out = tmp_path / f"{role}-signed.json"
        signed = run_cli(
            office.argv(
                "sign",
                str(request),
                "--key",
                key,
                "--password-file",
                str(office.password_file),
                "--out",
                str(out),
                "--yes",
            ),
            capsys,
        )
        assert signed.code == 0, signed.err
        responses.append(out)
    submitted = run_cli(office.argv("transfer", "submit", *map(str, responses)), capsys)
    assert submitted.code == 0, submitted.err
    with sqlite3.connect(office.home / "ledger.sqlite") as db:
        transfer_id, index = db.execute("SELECT value, entry_idx FROM once_values WHERE kind='Transfer'").fetchone()
    assert run_cli(office.argv("verify", "--jobs", "1"), capsys).code == 0
    return Sold(office, responses, transfer_id, index)


def test_a_replayed_response_is_one_sentence(sold: Sold, capsys: pytest.CaptureFixture[str]) -> None:
    before = sold.office.fingerprint()
    outcome = run_cli(sold.office.argv("transfer", "submit", *map(str, sold.responses)), capsys)
    assert_refused(outcome, 2, says=f"already recorded (entry {sold.index})")
    assert sold.office.fingerprint() == before


TAMPERING = {
    "a row deleted": ("DELETE FROM once_values", "has lost the transferId"),
    # the last hex digit swapped for another (the id is random: setting it to 'f' left one id in 16 as it was)
    "a value changed": (
        "UPDATE once_values SET value = substr(value, 1, 65) || "
        "CASE WHEN substr(value, 66, 1) = 'f' THEN 'e' ELSE 'f' END",
        "has lost the transferId",
    ),
    "the entry changed": ("UPDATE once_values SET entry_idx = entry_idx - 1", "said to be used by entry"),
    "a row added": (
        "INSERT INTO once_values VALUES ('Transfer', 'transferId', '1', '0x' || hex(zeroblob(32)), 1)",
        "that no entry used",
    ),
    "a row of text": (
        "INSERT INTO once_values VALUES ('Transfer', 'transferId', 'x', char(27) || '[2J', 'x')",
        "that no entry used",
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_a_tampered_once_values_table_fails_verify(sold: Sold, case: str, capsys: pytest.CaptureFixture[str]) -> None:
    statement, says = TAMPERING[case]
    with sqlite3.connect(sold.office.home / "ledger.sqlite") as db:
        db.execute(statement)
    before = sold.office.fingerprint()
    outcome = run_cli(sold.office.argv("verify", "--jobs", "1"), capsys)
    assert_verify_fails(outcome, says)
    assert "\x1b" not in outcome.out  # the stored text is shown escaped
    assert sold.office.fingerprint() == before


def test_a_deleted_row_does_not_open_the_door_to_a_replay(sold: Sold, capsys: pytest.CaptureFixture[str]) -> None:
    """With its row gone the table no longer refuses the replay up front, but the rule still does:
    the deed is at a newer version, so the replayed transfer is stale; nothing is written."""
    with sqlite3.connect(sold.office.home / "ledger.sqlite") as db:
        db.execute("DELETE FROM once_values")
    before = sold.office.fingerprint()
    outcome = run_cli(sold.office.argv("transfer", "submit", *map(str, sold.responses)), capsys)
    assert_refused(outcome, 2, says="stale")
    assert sold.office.fingerprint() == before
