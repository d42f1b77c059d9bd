"""An entry's description (core.presentation) in the GUI's words: names from the address book,
amounts through core.money, entry numbers as "#12"."""

from __future__ import annotations

from typing import Callable

from core.dates import format_instant
from core.money import format_amount
from core.presentation import Address, Count, Date, Deadline, EntryRef, Fact, Money, Phrase, Shares


def fact_text(fact: Fact, name: Callable[[str], str]) -> str:
    if isinstance(fact, Money):
        return format_amount(fact.minor, fact.currency)
    if isinstance(fact, Shares):
        return f"{fact.count:,} of {fact.total:,}"
    if isinstance(fact, Count):
        return f"{fact.value:,}"
    if isinstance(fact, Date):
        return fact.iso
    if isinstance(fact, Deadline):
        return format_instant(fact.seconds)
    if isinstance(fact, EntryRef):
        return f"#{fact.index}"
    if isinstance(fact, Address):
        return name(fact.address)
    return fact.value  # Text, Hex: the caller escapes the whole line (fmt.plain)


def phrase_text(phrase: Phrase, name: Callable[[str], str]) -> str:
    """A phrase as one line of plain text; `name` shows an address (the contact's name, or shortened)."""
    return "".join(part if isinstance(part, str) else fact_text(part, name) for part in phrase)
