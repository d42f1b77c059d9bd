"""Instants as people read them in any zone: shown with their offset, read back to the same instant."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.dates import DAY, LAST_INSTANT, format_here, format_instant, format_local, offset_name, parse_deadline
from core.errors import DeedbookError

INSTANTS = st.integers(min_value=0, max_value=LAST_INSTANT - 2 * DAY)


@given(INSTANTS, st.timezones())
def test_a_shown_instant_reads_back_as_the_same_instant_in_any_zone(seconds: int, zone: ZoneInfo) -> None:
    minute = seconds - seconds % 60
    offset = datetime.fromtimestamp(seconds, UTC).astimezone(zone).utcoffset()
    # to the minute, unless the offset itself has seconds (Monrovia, -0:44:30 until 1972): then to the second
    exact = offset is not None and offset.seconds % 60 != 0
    assert parse_deadline(format_local(seconds, zone=zone)) == (seconds if exact else minute)
    assert parse_deadline(format_local(seconds, zone=zone, with_seconds=True)) == seconds
    assert parse_deadline(format_instant(seconds)) == minute


@given(INSTANTS, st.timezones())
def test_the_shown_day_is_the_zones_day(seconds: int, zone: ZoneInfo) -> None:
    """Near midnight the local day is not the UTC day: what is shown is the day on that clock, and says so."""
    local = datetime.fromtimestamp(seconds, UTC).astimezone(zone)
    assert format_local(seconds, zone=zone).startswith(local.date().isoformat())
    assert format_here(seconds, zone=zone).startswith(format_instant(seconds))


def test_the_offset_is_named_as_it_was_at_that_instant() -> None:
    chicago = ZoneInfo("America/Chicago")
    # 2026-11-01: 01:30 happens twice in Chicago, first on daylight time, then on standard time.
    first, second = 1_793_514_600, 1_793_514_600 + 3600
    assert format_local(first, zone=chicago) == "2026-11-01 01:30 UTC-5"
    assert format_local(second, zone=chicago) == "2026-11-01 01:30 UTC-6"
    assert [parse_deadline(format_local(s, zone=chicago)) for s in (first, second)] == [first, second]
    # One minute before midnight UTC is already tomorrow in Kiritimati and still today in Honolulu.
    late = 1_796_687_940  # 2026-12-07 23:59 UTC
    assert format_local(late, zone=ZoneInfo("Pacific/Kiritimati")) == "2026-12-08 13:59 UTC+14"
    assert format_local(late, zone=ZoneInfo("Pacific/Honolulu")) == "2026-12-07 13:59 UTC-10"
    assert format_local(late, zone=ZoneInfo("Etc/GMT+12")) == "2026-12-07 11:59 UTC-12"
    assert format_here(late, zone=ZoneInfo("Pacific/Auckland")) == "2026-12-07 23:59 UTC (2026-12-08 12:59 UTC+13 here)"
    assert format_here(late, zone=UTC) == "2026-12-07 23:59 UTC"
    assert offset_name(ZoneInfo("Asia/Kathmandu").utcoffset(datetime(2026, 1, 1))) == "UTC+5:45"
    assert format_local(0, zone=ZoneInfo("Africa/Monrovia")) == "1969-12-31 23:15:30 UTC-0:44:30"  # hypothesis found it


def test_a_deadline_may_name_its_offset() -> None:
    assert parse_deadline("2026-12-08 12:59 UTC+13") == parse_deadline("2026-12-07T23:59Z")
    assert parse_deadline("2026-12-08T12:59+13:00") == parse_deadline("2026-12-07 23:59 UTC")
    for text in ("2026-12-08 12:59 UTC+", "2026-12-08 12:59 UTC+25", "2026-12-08 12:59 NZDT"):
        with pytest.raises(DeedbookError, match="is not a deadline"):
            parse_deadline(text)
