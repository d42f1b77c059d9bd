"""An entry's description (core.presentation) in the GUI's words: names from the address book,
amounts as the desktop writes them (fmt.amount), entry numbers as "#12"."""

from __future__ import annotations

import html
import time
from typing import Any, Callable, Mapping

from core.dates import SHOWN_UTC, describe_interval, format_here, format_local, parse_deadline
from core.errors import DeedbookError
from core.hexes import ADDRESS
from core.presentation import Address, Count, Date, Deadline, EntryRef, Fact, Money, Phrase, Shares


def fact_text(fact: Fact, name: Callable[[str], str]) -> str:
    from desktop.gui import fmt

    if isinstance(fact, Money):
        return fmt.amount(fact.minor, fact.currency)
    if isinstance(fact, Shares):
        return f"{fmt.count(fact.count)} of {fmt.count(fact.total)}"
    if isinstance(fact, Count):
        return fmt.count(fact.value)
    if isinstance(fact, Date):
        return fact.iso
    if isinstance(fact, Deadline):  # UTC, as the request says, and the moment on this machine's clock
        return format_here(fact.seconds)
    if isinstance(fact, EntryRef):
        return f"#{fact.index}"
    if isinstance(fact, Address):
        return name(fact.address)
    return fact.value  # Text, Hex: the caller escapes the whole line (fmt.plain)


def with_here(text: str) -> str:
    """core's text of a deadline ('2026-12-07 23:59 UTC (in 7 days)', the same in the request file, the command
    line and the summary) with the moment on this machine's clock after it, where that is not UTC."""
    shown = SHOWN_UTC.search(text)
    if shown is None:
        return text
    local, head, rest = format_local(parse_deadline(shown.group())), text[: shown.end()], text[shown.end() :]
    if local.endswith(" UTC"):
        return text
    # '… UTC (in 7 days)' becomes '… UTC (… UTC+13 here; in 7 days)', one bracket, as phrase_html writes it
    return f"{head} ({local} here; {rest[2:]}" if rest.startswith(" (") else f"{head} ({local} here){rest}"


def phrase_text(phrase: Phrase, name: Callable[[str], str]) -> str:
    """A phrase as one line of plain text; `name` shows an address (the contact's name, or shortened)."""
    return "".join(part if isinstance(part, str) else fact_text(part, name) for part in phrase)


def phrase_html(phrase: Phrase, name: Callable[[str], str | None]) -> str:
    """A phrase for a rich-text label: stored text escaped, each address a link reading its name
    (widgets.address_links: the full address on hover, copied on a click)."""
    from desktop.gui import fmt
    from desktop.gui.widgets.address_links import address_link

    now = int(time.time())
    out = []
    for part in phrase:
        if isinstance(part, Address):
            out.append(address_link(part.address, name))
        elif isinstance(part, Shares):
            out.append(html.escape(fmt.shares(part.count, part.total)))  # ours, no stored text: its mark kept
        elif isinstance(part, Deadline):  # as the signer read it: how long is left
            left = "passed" if part.seconds < now else f"in {describe_interval(part.seconds - now)}"
            here = format_here(part.seconds)  # UTC as the request says, and this machine's clock
            out.append(fmt.rich(f"{here[:-1]}; {left})" if here.endswith(" here)") else f"{here} ({left})"))
        else:
            out.append(fmt.rich(part if isinstance(part, str) else fact_text(part, lambda a: a)))
    return "".join(out)


def describe_named(kind: str, message: Mapping[str, Any], name: Callable[[str], str]) -> str:
    """The kind's one-line summary (core's `describe`) with each account field of the message read as
    `name` shows it: the names come in by field, so stored text that spells an address (a parcel) is
    never renamed.  A summary that cannot take a name in an address's place reads as core writes it.
    Its amounts are written as the desktop writes them (the kind's `describe_in`, with fmt.notation)."""
    from core.kinds import get_kind
    from desktop.gui import fmt

    entry_kind, notation = get_kind(kind), fmt.notation()
    in_notation = entry_kind.describe_in

    def describe(m: Mapping[str, Any]) -> str:
        return in_notation(m, notation) if in_notation is not None else entry_kind.describe(m)

    def named(value: Any) -> Any:
        if isinstance(value, str) and ADDRESS.fullmatch(value):
            return name(value)
        if isinstance(value, list) and value and all(isinstance(v, str) and ADDRESS.fullmatch(v) for v in value):
            return [name(v) for v in value]
        return value

    try:
        return describe({key: named(value) for key, value in message.items()})
    except (DeedbookError, KeyError, TypeError, ValueError, AttributeError):
        return describe(message)
