"""Dates as people type them and as the ledger stores them, and instants as people read them.

The ledger keeps calendar dates as ISO text ("2024-06-30": a wallet shows it as
is) and instants as Unix seconds (a deadline).  What is stored, printed by the
command line or drawn on a PDF is UTC and says so ('2024-06-30 23:59 UTC'), so the
same request reads the same on every machine.  A screen may show an instant on
this machine's clock, and then names the offset ('2024-07-01 11:59 UTC+12'):
`format_local`, `format_here`; `parse_deadline` reads each form back.  A day a person reads (a journal row's,
a seal's validity) is the day on this machine's calendar with its offset said: `day_here`, `format_day_here`.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta, tzinfo

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


# An instant as format_instant writes it, inside a sentence.
SHOWN_UTC = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC(?![+-]\d)")
# An instant as format_instant and format_local show it: '2024-06-30 23:59 UTC', '2024-07-01 11:59 UTC+12'.
_SHOWN = re.compile(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?) UTC(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?")


def parse_deadline(text: str) -> int:
    """A deadline as Unix seconds: a date means the end of that day (UTC); a date and time means that moment
    (UTC unless it names an offset: 2024-06-30T17:00+12:00, or as shown, 2024-06-30 17:00 UTC+12)."""
    stripped = (text or "").strip()
    if is_iso_date(stripped):
        return date_to_epoch(date.fromisoformat(stripped)) + DAY - 1
    shown = _SHOWN.fullmatch(stripped)
    if shown is not None:
        clock, sign, hours, minutes, secs = shown.groups()
        offset = (
            "+00:00" if sign is None else f"{sign}{int(hours):02d}:{minutes or '00'}" + (f":{secs}" if secs else "")
        )
        stripped = clock + offset
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


def today_here(now: float | None = None, zone: tzinfo | None = None) -> date:
    """Today on this machine's calendar (or `zone`'s): the day of an act done here (a closing, a notarial
    act), which in Auckland's morning is already a day past the UTC day, and in Honolulu's evening not yet."""
    return datetime.fromtimestamp(time.time() if now is None else now, UTC).astimezone(zone).date()


LATEST_OFFSET = timedelta(hours=14)  # Kiritimati, UTC+14: no calendar anywhere is further ahead


def latest_day(now: float | None = None) -> date:
    """The latest date that is today somewhere on Earth: a date after it is in the future for everyone, one
    up to it may be a notary's today (their machine's zone may be set wrong; the rule cannot know)."""
    return (datetime.fromtimestamp(time.time() if now is None else now, UTC) + LATEST_OFFSET).date()


def format_instant(seconds: int) -> str:
    """'2024-06-30 23:59 UTC' (years past 9999 or before 1 shown as a raw number)."""
    try:
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return f"{seconds} (Unix seconds)"


def offset_name(offset: timedelta | None) -> str:
    """'UTC', 'UTC+13', 'UTC-10', 'UTC+5:45': a clock's offset as a person reads it (not an abbreviation:
    'CST' is Chicago's and China's, and Windows spells zones out)."""
    total = int((offset or timedelta()).total_seconds())
    if not total:
        return "UTC"
    hours, rest = divmod(abs(total), 3600)
    minutes, secs = divmod(rest, 60)  # seconds only in a local mean time (Monrovia's -0:44:30 until 1972)
    tail = f":{minutes:02d}:{secs:02d}" if secs else (f":{minutes:02d}" if minutes else "")
    return f"UTC{'-' if total < 0 else '+'}{hours}{tail}"


def format_local(seconds: int, *, zone: tzinfo | None = None, with_seconds: bool = False) -> str:
    """'2024-07-01 11:59 UTC+12': the instant on this machine's clock (or `zone`'s), its offset named, the
    offset of that instant (daylight saving as it was then, not as it is now)."""
    try:
        moment = datetime.fromtimestamp(seconds, UTC).astimezone(zone)
    except (OverflowError, OSError, ValueError):
        return f"{seconds} (Unix seconds)"
    offset = moment.utcoffset() or timedelta()
    exact = with_seconds or offset.seconds % 60  # an offset in seconds (a local mean time): the minute alone misleads
    return moment.strftime("%Y-%m-%d %H:%M:%S" if exact else "%Y-%m-%d %H:%M") + " " + offset_name(offset)


def format_here(seconds: int, *, zone: tzinfo | None = None) -> str:
    """'2024-06-30 23:59 UTC', and where this machine's clock is not UTC, that moment on it:
    '2024-06-30 23:59 UTC (2024-07-01 11:59 UTC+12 here)' — a deadline as both parties read it."""
    utc, local = format_instant(seconds), format_local(seconds, zone=zone)
    return utc if local.endswith(" UTC") or local == utc else f"{utc} ({local} here)"


def format_day(seconds: int) -> str:
    """'2024-06-30', the UTC day of an instant (years past 9999 or before 1: the raw number)."""
    try:
        return datetime.fromtimestamp(seconds, UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return str(seconds)


def day_here(seconds: int, *, zone: tzinfo | None = None) -> str:
    """'2026-12-08', the day of an instant on this machine's calendar (or `zone`'s): the day a person here says
    it happened (10:00 in Auckland on the 8th is the 7th in UTC); the raw number where no calendar has it."""
    try:
        return datetime.fromtimestamp(seconds, UTC).astimezone(zone).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return str(seconds)


def format_day_here(seconds: int, *, zone: tzinfo | None = None) -> str:
    """'2026-12-08 (UTC+13)': `day_here` naming the offset it was taken in, where a bare day would be read as
    UTC's (a command line's other days) or as the reader's own (a table read in another zone)."""
    try:
        moment = datetime.fromtimestamp(seconds, UTC).astimezone(zone)
    except (OverflowError, OSError, ValueError):
        return f"{seconds} (Unix seconds)"
    return f"{moment.date().isoformat()} ({offset_name(moment.utcoffset())})"


def format_utc_day(seconds: int) -> str:
    """'2026-12-07 (UTC)': the UTC day of an instant that ends a UTC day (a deadline or an expiry typed as a
    date), saying so: in Auckland that day ends at 12:59 on the next."""
    return f"{format_day(seconds)} (UTC)"


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
