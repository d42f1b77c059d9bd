"""How values read on screen: shares, stored text, dates, amounts and every other number.  Amounts are
core.money's to format (in their own currency), written as this desktop types them (`notation`), and so are
counts, ratios and percentages (`count`, `decimal`, `percent`); addresses core.display.short_address's to
shorten."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QLocale

from core import attributes, dates
from core.dates import format_day, format_local, today_here
from core.display import clean
from core.money import Money, Notation, check_currency, format_amount, number_text, parse_amount, renotated
from core.screening.records import figure_of
from core.wording import counted as counted_in_english


def shares(count_: int, total: int) -> str:
    """'2,500 of 10,000 (25%)' as the desktop writes numbers (de_DE '2.500 of 10.000 (25%)')."""
    return f"{count(count_)} of {apart(count(total))} ({percent(100 * count_ / total if total else 0, 2, trim=True)})"


def share_pct(count_: int, total: int) -> str:
    """'2,500 (25%)' as the desktop writes numbers."""
    return f"{apart(count(count_))} ({percent(100 * count_ / total if total else 0, 2, trim=True)})"


def name_order(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sorts names as people count: demo-owner-2 before demo-owner-10 (a plain sort put it after -12)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.casefold()) for part in re.split(r"(\d+)", name))


class Shown(str):
    """Text fmt has made ready to show: the stored text in it cleaned already (every direction control it
    carried escaped), its numbers the desktop's, each followed by the mark `apart` puts there.  `plain` keeps
    it as it is, so a mark left in it is the GUI's own.  Joined to other text (an f-string, +) it is a plain
    str again and is cleaned whole: stored text cannot pass as shown, at worst a mark shows as \u200e."""


def plain(value: object, limit: int | None = None) -> str:
    """Stored text (a parcel, an address, a place) as shown: control and direction characters escaped; text
    already `Shown` as it is (cut at `limit` too)."""
    if isinstance(value, Shown):
        return value if limit is None or len(value) <= limit else value[:limit] + "\u2026"
    return clean(value, limit)


def rich(value: object, limit: int | None = None) -> str:
    """Stored text to put inside a rich-text (HTML) label: escaped twice over, as text and as HTML."""
    return html.escape(clean(value, limit))


def when(epoch: int | float | None, *, seconds: bool = False) -> str:
    """An instant on this machine's clock, naming its offset ('2026-12-08 08:45 UTC+13'): a bare local time
    read as UTC beside the command line's and the PDFs' times, or as the signer's time in another zone."""
    return format_local(int(epoch), with_seconds=seconds) if epoch else ""


def day(epoch: int | float | None) -> str:
    """The UTC day of an instant, as core writes it ('2016-01-14'): a closing date is stored as its UTC
    midnight, so the local day ('13 Jan 2016' west of Greenwich) named the day before, and in another form."""
    return format_day(int(epoch)) if epoch else ""


def notation(locale: QLocale | None = None) -> Notation:
    """How the desktop writes numbers (QLocale, or a widget's locale(): de_DE 2.450,00, fr_FR 2 450,00, ar_EG
    in Arabic-Indic digits, en_IN 12,34,567.00): what amount fields read and amounts are shown in."""
    return _notation(QLocale() if locale is None else locale)


@functools.lru_cache(maxsize=8)
def _notation(locale: QLocale) -> Notation:  # by the locale itself: its name drops the script (ff_Adlm_BF)
    group = locale.groupSeparator()
    # Qt says nothing of its grouping sizes; ten million as it writes it does ('1,00,00,000' in lakhs)
    parts = locale.toString(10**7).split(group)
    indian = len(parts) > 2 and all(len(part) == 2 for part in parts[1:-1])
    return Notation(
        point=locale.decimalPoint(),
        group=group,
        zero=locale.zeroDigit(),
        indian=indian,
        space="\u00a0",  # a currency's code and its number never wrap apart
        # without its direction mark (ar_EG '\u066a\u061c'), as signs here are: shown text escapes such marks
        percent="".join(ch for ch in locale.percent() if unicodedata.category(ch) != "Cf"),
    )


def amount(minor: int, currency: str, *, whole: bool = False, signed: bool = False) -> str:
    """An amount as the desktop writes it ('USD 2.450,00' on de_DE), for any text a person reads on screen;
    typed into an amount field it reads back the same.  Not for what is signed, saved or given to core."""
    return format_amount(minor, currency, whole=whole, signed=signed, **notation())


def money(value: Money, *, whole: bool = False, signed: bool = False) -> str:
    """A core.money.Money as the desktop writes it (fmt.amount)."""
    return format_amount(value.minor, value.currency, whole=whole, signed=signed, **notation())


def count(value: int) -> str:
    """A count (shares, entries, deeds, votes) as the desktop writes it: 2400 -> '2.400' on de_DE, in
    Arabic-Indic digits on ar_EG; what Qt's QLocale.toString writes.  Not for what is signed or saved."""
    return number_text(int(value), **notation())


def decimal(value: float, places: int, *, trim: bool = False, signed: bool = False) -> str:
    """A measure (a ratio, a distance, a score) to `places` decimals as the desktop writes it: (0.456, 2) ->
    '0,46' on de_DE; trim=True drops trailing zeros; signed=True writes '+' before one not negative."""
    return number_text(value, places, trim=trim, signed=signed, **notation())


def percent(value: float, places: int = 0, *, trim: bool = False, signed: bool = False) -> str:
    """A percentage given in percent as the desktop writes it: (12.5, 1) -> '12,5%' on de_DE, with the
    locale's percent sign (ar_EG's)."""
    return number_text(value, places, trim=trim, signed=signed, percentage=True, **notation())


def figure(value: object) -> str:
    """A property's attribute value (1994, 11250, 0.5) as the desktop writes numbers, grouped where a
    certificate groups it (core.attributes.number_text: 11,250; a year stays 1994); text as it is."""
    return renotated(attributes.number_text(value), **notation())


def apart(number: str) -> str:
    """A number written in Arabic-Indic digits (ar_EG) with a left-to-right mark after it, where only spaces
    and punctuation stand before the next number ('\u0667\u066c\u0665\u0660\u0660 (\u0667\u0665\u066a)'):
    between two such numbers they are laid out right to left, and the pair read '(75%) 7,500'.  Other
    digits as they are.  Not for text that fmt.plain escapes (it shows the mark as \u200e) unless `Shown`."""
    zero = notation()["zero"]
    return number + "\u200e" if unicodedata.bidirectional(zero) == "AN" else number


def reason(said: Mapping[str, Any], limit: int | None = None) -> Shown:
    """A screening reason's sentence as shown, cut at `limit`: its words as fmt.plain shows stored text (they
    name parties), its amounts, ratios, percentages and counts as the desktop writes them (the reason's typed
    `parts`; without them its canonical text), each number `apart` (ar_EG: '... USD 290,000: 45% higher'
    read '45: 290,000%' without).  `Shown`: a table's cell (fmt.plain) keeps its marks."""
    parts = said.get("parts")
    if parts is None:
        return Shown(plain(said["text"], limit))
    shown = notation()
    written = "".join(plain(part) if isinstance(part, str) else apart(figure_of(part).text(shown)) for part in parts)
    return Shown(written if limit is None or len(written) <= limit else written[:limit] + "\u2026")


def counted(value: int, noun: str, plural: str | None = None) -> str:
    """core.wording.counted with the count as the desktop writes it: '2.400 deeds' on de_DE."""
    return counted_in_english(value, noun, plural, number=count)


def amount_reader() -> Callable[[str, str], int]:
    """How a form reads an amount typed in the desktop's convention (QLocale: de_DE types 2.450,00, fr_FR
    2 450,00): (text, currency) -> minor units, or a sentence.  The separators are read now, on the UI
    thread; the text later, in the operation, so a bad amount is a dialog like any refusal."""
    shown = notation()
    point, group, indian = shown["point"], shown["group"], shown["indian"]
    return lambda text, currency: parse_amount(text, check_currency(currency), point=point, group=group, indian=indian)


def amount_example(units: float) -> str:
    """'e.g. 2,450.00' as the desktop writes it (de_DE: 'e.g. 2.450,00'), for an amount field's placeholder."""
    return f"e.g. {QLocale().toString(float(units), 'f', 2)}"


def duration(seconds: float) -> str:
    """A time taken, '340 ms', '12.5 s', '3.2 min', as the desktop writes numbers."""
    if seconds < 1:
        return f"{decimal(seconds * 1000, 0)} ms"
    if seconds < 90:
        return f"{decimal(seconds, 1)} s"
    return f"{decimal(seconds / 60, 1)} min"


APP = "Deedbook"


def window_title(*subjects: str) -> str:
    """A window's title, the one convention: what it shows first, the application last ("Ames County —
    Deedbook", "request.json — Offline signer — Deedbook"); a dialog is titled by its act alone."""
    return " — ".join([*(plain(s, 80) for s in subjects if s), APP])


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def today() -> QDate:
    """Today on this machine's calendar, the day core dates an act done here by (a closing, a notarial act):
    core.dates.today_here, the same day QDate.currentDate() gives."""
    return _qdate(today_here())


def latest_day() -> QDate:
    """The latest date that is today somewhere (UTC+14): the last an act's date may be, as core checks it."""
    return _qdate(dates.latest_day())


def today_utc() -> QDate:
    """The UTC day: the first a 'closes at the end of a UTC day' date can be (a proposal's close)."""
    return _qdate(dates.today_utc())


def qdate(value: object) -> date:
    """A QDate (from a date edit) as a datetime.date."""
    py = value.toPython()  # type: ignore[attr-defined]
    assert isinstance(py, date)
    return py
