"""Days people read are their days: the notary's journal and the days of instants, in other zones.

A refusal written at 10:00 in Auckland on 2026-12-08 is 21:00 UTC on the 7th: the journal listed it as the 7th
and a period of "the 8th" left it out. Its signed row (its `at`, hash and signature) stays as written."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from core.dates import DAY, LAST_INSTANT, day_here, format_day_here, format_utc_day, parse_deadline
from core.jurisdictions import profile
from core.keys import UnlockedKey
from core.notary_journal import CSV_COLUMNS, JournalRow, NotaryJournal, csv_rows, in_period
from core.csvexport import write_csv
from core.signing import address_of_private_key, checksum_address

INSTANTS = st.integers(min_value=DAY, max_value=LAST_INSTANT - 2 * DAY)
MORNING_IN_AUCKLAND = int(datetime(2026, 12, 7, 21, 0, tzinfo=UTC).timestamp())  # 10:00 on the 8th, UTC+13
EVENING_IN_LOS_ANGELES = int(datetime(2026, 12, 8, 5, 0, tzinfo=UTC).timestamp())  # 21:00 on the 7th, UTC-8


def _key() -> UnlockedKey:
    secret = os.urandom(32)
    return UnlockedKey("notary", checksum_address(address_of_private_key(secret)), secret)


def _refusal(seconds: int) -> JournalRow:
    return JournalRow({"seq": 0, "at": seconds, "type": "refusal", "act": None})


@given(INSTANTS, st.timezones())
def test_the_day_here_holds_the_instant_from_its_midnight_on_that_clock(seconds: int, zone: ZoneInfo) -> None:
    """The day and offset shown ('2026-12-08 (UTC+13)') read back as a midnight (core's own parser) that the
    instant falls within a day of: the day is the one that clock was on, and the offset the one it had then."""
    shown = format_day_here(seconds, zone=zone)
    day, offset = shown[:10], shown[12:-1]
    assert day == day_here(seconds, zone=zone)
    midnight = parse_deadline(f"{day} 00:00 {offset}")
    assert midnight <= seconds < midnight + DAY
    assert abs(date.fromisoformat(day) - datetime.fromtimestamp(seconds, UTC).date()) <= timedelta(days=1)


@given(st.integers(min_value=4 * DAY, max_value=LAST_INSTANT - 4 * DAY), st.timezones(), st.integers(-2, 2))
def test_a_period_of_one_day_selects_a_row_written_on_that_day_here(seconds: int, zone: ZoneInfo, shift: int) -> None:
    row = _refusal(seconds)
    day = (date.fromisoformat(day_here(seconds, zone=zone)) + timedelta(days=shift)).isoformat()
    assert (in_period([row], day, day, zone) == [row]) == (shift == 0)
    assert in_period([row], None, day, zone) == ([row] if shift >= 0 else [])
    assert in_period([row], day, None, zone) == ([row] if shift <= 0 else [])


def test_in_auckland_a_mornings_refusal_is_that_day(tmp_path: Path, zone_here: Callable[[str], None]) -> None:
    """Fails on the old code: the period of the 8th was compared with the UTC day, the 7th, and left it out."""
    journal, key = NotaryJournal(tmp_path), _key()
    journal.append(key, row_type="refusal", profile=profile("generic"), reason="no id", now=MORNING_IN_AUCKLAND)
    signed = journal.path.read_bytes()
    zone_here("Pacific/Auckland")
    rows = journal.rows()
    assert in_period(rows, "2026-12-08", "2026-12-08") == rows
    assert in_period(rows, "2026-12-07", "2026-12-07") == []
    assert rows[0].day() == "2026-12-08" and rows[0].shown_day() == "2026-12-08 (UTC+13)"
    assert journal.path.read_bytes() == signed and journal.verify().ok  # the signed row is as it was


def test_in_los_angeles_an_evenings_refusal_is_that_day(tmp_path: Path, zone_here: Callable[[str], None]) -> None:
    journal, key = NotaryJournal(tmp_path), _key()
    journal.append(key, row_type="refusal", profile=profile("generic"), reason="late", now=EVENING_IN_LOS_ANGELES)
    zone_here("America/Los_Angeles")
    rows = journal.rows()
    assert in_period(rows, "2026-12-07", "2026-12-07") == rows
    assert in_period(rows, "2026-12-08", None) == []
    assert rows[0].shown_day() == "2026-12-07 (UTC-8)"


def test_an_acts_signed_date_stays_with_the_day_it_was_written_beside(
    tmp_path: Path, zone_here: Callable[[str], None]
) -> None:
    """An act's date is signed (the notary's calendar date): it is what the period selects and what is shown,
    never rewritten; where the row was written on another day here, that day is said beside it."""
    journal, key = NotaryJournal(tmp_path), _key()
    generic = profile("generic")
    journal.append(key, row_type="act", profile=generic, act={"actDate": "2026-12-07"}, now=MORNING_IN_AUCKLAND)
    journal.append(key, row_type="act", profile=generic, act={"actDate": "2026-12-08"}, now=MORNING_IN_AUCKLAND)
    zone_here("Pacific/Auckland")
    late, same = journal.rows()
    assert in_period([late, same], "2026-12-07", "2026-12-07") == [late]
    assert late.shown_day() == "2026-12-07, written 2026-12-08 (UTC+13)"
    assert same.shown_day() == "2026-12-08"


def test_the_csv_dates_a_row_by_the_day_its_period_selects_it_by(
    tmp_path: Path, zone_here: Callable[[str], None]
) -> None:
    journal, key = NotaryJournal(tmp_path), _key()
    journal.append(key, row_type="refusal", profile=profile("generic"), reason="no id", now=MORNING_IN_AUCKLAND)
    zone_here("Pacific/Auckland")
    out = write_csv(tmp_path / "journal.csv", CSV_COLUMNS, csv_rows(journal.rows()), force=False)
    with open(out, newline="", encoding="utf-8") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["date"] == "2026-12-08" and row["written"] == "2026-12-08 10:00 UTC+13"


def test_a_deadlines_day_says_it_is_utcs() -> None:
    """A deadline typed as a date ends that UTC day (12:59 the next day in Auckland): its day says so."""
    assert format_utc_day(parse_deadline("2026-12-07")) == "2026-12-07 (UTC)"
