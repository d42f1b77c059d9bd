"""Dates as people type them and as the ledger stores them.

The ledger keeps calendar dates as ISO text ("2024-06-30": a wallet shows it as
is) and instants as Unix seconds (a deadline).  Everything here is UTC, so the
same request reads the same on every machine.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, UTC

from core.errors import DeedbookError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DAY = 86_400
LAST_INSTANT = 253_402_300_800  # 10000-01-01 UTC: no date past it can be written


def is_iso_date(text: object) -> bool:
    """True for a real calendar date spelled YYYY-MM-DD (the only spelling the ledger accepts)."""
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_date(text: str, what: str = "date") -> date:
    """YYYY-MM-DD as typed by a person; a clear sentence otherwise."""
    stripped = (text or "").strip()
    if not is_iso_date(stripped):
        raise DeedbookError(f"'{text}' is not a {what}: write it as YYYY-MM-DD, e.g. 2024-06-30.")
    return date.fromisoformat(stripped)


def optional_date(value: date | str | None, what: str = "date") -> str | None:
    """A bound given as a date, as YYYY-MM-DD text, or not at all ("" or None), as ISO text or None."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    return parse_date(value, what).isoformat()


def parse_deadline(text: str) -> int:
    """A deadline as Unix seconds: a date means the end of that day (UTC); a date and time means that moment."""
    stripped = (text or "").strip()
    if is_iso_date(stripped):
        return date_to_epoch(date.fromisoformat(stripped)) + DAY - 1
    try:
        moment = datetime.fromisoformat(stripped.replace("Z", "+00:00"))
    except ValueError:
        raise DeedbookError(
            f"'{text}' is not a deadline: write a date (2024-06-30) or a date and time (2024-06-30T17:00Z)."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


_EPOCH_DAY = date(1970, 1, 1).toordinal()


def date_to_epoch(day: date) -> int:
    """Midnight UTC at the start of `day` (whole days since 1970: UTC has no daylight saving; `verify` asks for
    every sale's closing date, and this is a quarter of datetime's way)."""
    return (day.toordinal() - _EPOCH_DAY) * DAY


def iso_date_to_epoch(text: str) -> int:
    return date_to_epoch(date.fromisoformat(text))


def today_utc(now: float | None = None) -> date:
    moment = datetime.now(UTC) if now is None else datetime.fromtimestamp(now, UTC)
    return moment.date()


def format_instant(seconds: int) -> str:
    """'2024-06-30 23:59 UTC' (years past 9999 or before 1 shown as a raw number)."""
    try:
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return f"{seconds} (Unix seconds)"


def format_day(seconds: int) -> str:
    """'2024-06-30', the UTC day of an instant (years past 9999 or before 1: the raw number)."""
    try:
        return datetime.fromtimestamp(seconds, UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return str(seconds)


def describe_interval(seconds: int) -> str:
    """'3 days', '5 hours', '12 minutes' — coarse, for 'expires in …'."""
    seconds = abs(seconds)
    if seconds >= 2 * DAY:
        return f"{seconds // DAY} days"
    if seconds >= 2 * 3600:
        return f"{seconds // 3600} hours"
    return f"{max(1, seconds // 60)} minutes"


def days_from_now(days: int, now: float | None = None) -> int:
    base = datetime.now(UTC) if now is None else datetime.fromtimestamp(now, UTC)
    return int((base + timedelta(days=days)).timestamp())


def deadline_at(deadline: int | str | None, now: int, default_days: int) -> int:
    """A request's deadline as Unix seconds: given (seconds, or ISO text as `parse_deadline` reads it) or
    `default_days` from `now`; one already past is refused."""
    if deadline is None:
        seconds = days_from_now(default_days, now)
    elif isinstance(deadline, int):
        seconds = deadline
    else:
        seconds = int(deadline.strip()) if deadline.strip().isdigit() else parse_deadline(deadline)
    if seconds >= LAST_INSTANT:
        raise DeedbookError(f"'{deadline}' is not a deadline: it is after the year 9999.")
    if seconds <= now:
        raise DeedbookError(f"The deadline {format_instant(seconds)} is already past.")
    return seconds
