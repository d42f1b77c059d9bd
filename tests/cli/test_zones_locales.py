"""The command line in other zones and locales: times say their zone, amounts read one way whatever the locale."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.dates import offset_name
from core.jurisdictions import profile
from core.keys import UnlockedKey
from core.notary_journal import NotaryJournal
from core.signing import address_of_private_key, checksum_address

from tests.cli.conftest import CliOffice
from tests.hardening.harness import run_cli


@pytest.fixture
def in_auckland(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")  # ignored by the command line's readers, as it should be
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def test_deed_history_says_its_times_are_utc(cli_office: CliOffice, in_auckland: None) -> None:
    """`deed history` printed '2026-11-30 19:45' (UTC, unsaid): in Auckland that reads as a morning 13 hours off."""
    cli_office.register("P-1")
    lines = cli_office.ok("deed", "history", "1").splitlines()
    assert lines and all(re.match(r"\s+\d+  \d{4}-\d\d-\d\d \d\d:\d\d UTC  ", line) for line in lines), lines


def test_an_amount_with_a_decimal_comma_is_refused_not_misread(cli_office: CliOffice, in_auckland: None) -> None:
    """A German's '2.450,00' was read as EUR 2.45 (every comma dropped) and distributed."""
    cli_office.register("P-2")
    cli_office.checkpoint()
    outcome = run_cli(
        [
            "--data-dir",
            str(cli_office.home),
            "distribution",
            "new",
            "1",
            "--amount",
            "2.450,00",
            "--currency",
            "EUR",
            "--key",
            "registrar",
            *cli_office.pw,
        ],
        cli_office.capsys,
    )
    assert outcome.code == 2 and "'2.450,00' is not a valid amount" in outcome.err and "Traceback" not in outcome.err


def test_the_default_closing_date_is_the_day_here(
    cli_office: CliOffice, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """In Kiritimati (UTC+14) after 10:00 UTC it is tomorrow already: a sale closing today closes on that day, not
    on the UTC day (the old default), which is yesterday there."""
    cli_office.register("P-3")
    real = time.time()
    moment = real + max(0, 11 - datetime.fromtimestamp(real, UTC).hour) * 3600  # 11:00 UTC or later
    monkeypatch.setattr(time, "time", lambda: moment)
    monkeypatch.setenv("TZ", "Etc/GMT-14")  # POSIX sign: UTC+14
    time.tzset()
    try:
        here = (datetime.fromtimestamp(moment, UTC) + timedelta(hours=14)).date()
        buyer = "0x" + "11" * 20
        cli_office.ok("transfer", "prepare", "1", "--to", buyer, "--price", "1000", "--out-dir", str(tmp_path / "req"))
        [seller] = (tmp_path / "req").glob("*-seller.json")
        assert json.loads(seller.read_text())["typedData"]["message"]["closingDate"] == here.isoformat()
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_the_notarys_journal_lists_and_selects_its_days_here(cli_office: CliOffice, in_auckland: None) -> None:
    """A refusal written at 10:00 in Auckland on the 8th (21:00 UTC on the 7th) was listed as '2026-12-07' and
    `journal --from 2026-12-08 --to 2026-12-08` said 'No journal rows in that range.' (fails on the old code)."""
    secret = os.urandom(32)
    key = UnlockedKey("notary", checksum_address(address_of_private_key(secret)), secret)
    morning = int(datetime(2026, 12, 7, 21, 0, tzinfo=UTC).timestamp())
    NotaryJournal(cli_office.home).append(key, row_type="refusal", profile=profile("generic"), reason="x", now=morning)
    listed = cli_office.ok("journal", "--from", "2026-12-08", "--to", "2026-12-08").splitlines()
    assert listed[0].startswith("2026-12-08 (UTC+13)  row 0    refusal"), listed
    assert "No journal rows" in cli_office.ok("journal", "--from", "2026-12-07", "--to", "2026-12-07")


def test_a_seals_validity_is_in_days_here(cli_office: CliOffice, in_auckland: None) -> None:
    """`seal cert new` and `seal cert list` printed the certificate's UTC days bare ('valid 2026-11-30 to ...')."""
    seal_password = cli_office.password_file
    made = cli_office.ok(
        "seal",
        "cert",
        "new",
        "office",
        "--key",
        "registrar",
        *cli_office.pw,
        "--seal-password-file",
        str(seal_password),
    )
    today = datetime.now(ZoneInfo("Pacific/Auckland"))
    assert f"valid {today.date().isoformat()} ({offset_name(today.utcoffset())}) to " in made, made
    listed = cli_office.ok("seal", "cert", "list")
    assert re.search(r"valid to \d{4}-\d\d-\d\d \(UTC\+1[23]\)", listed), listed
