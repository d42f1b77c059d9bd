"""What an entry says, as plain data that every front end renders its own way.

Each entry kind turns its message (and who signed it) into a `Description`: the
words it is known by, with the values in them kept as typed facts (an address,
an amount of money, a count of shares, stored text someone typed).  The signer's
summary (core.requests), the certificate's chain of title (desktop.documents.entries)
and the GUI's timeline (desktop.gui) each render the same description with their
own name lookup, escaping and formatting, so a kind's words live in its module
and nowhere else.  No Qt and no reportlab here: a phrase is a tuple of strings
and facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from core.entries import canonical_json


@dataclass(frozen=True)
class Text:
    """Text someone typed (a parcel, a lien kind, a place): escaped wherever it is shown."""

    value: str
    limit: int | None = None  # a front end that caps stored text cuts it here (None: its own default)


@dataclass(frozen=True)
class Money:
    minor: int  # integer minor units, as signed
    currency: str  # ISO 4217 code, as signed (a request file may carry one that is not)


@dataclass(frozen=True)
class Shares:
    count: int
    total: int


@dataclass(frozen=True)
class Count:
    """A number of things, shown with thousands separators."""

    value: int


@dataclass(frozen=True)
class Date:
    """A calendar date as signed, YYYY-MM-DD."""

    iso: str


@dataclass(frozen=True)
class Deadline:
    """A moment after which the entry is refused: a signer is told how long is left, and warned once it passed."""

    seconds: int


@dataclass(frozen=True)
class EntryRef:
    index: int


@dataclass(frozen=True)
class Address:
    """An account: a front end may show the name it knows for it."""

    address: str


@dataclass(frozen=True)
class Hex:
    """A hash or an id, shown whole."""

    value: str


Fact = Text | Money | Shares | Count | Date | Deadline | EntryRef | Address | Hex
Phrase = tuple[str | Fact, ...]  # literal words and facts, in reading order
Signer = tuple[str, str]  # (role, address) of one signature


@dataclass(frozen=True)
class Term:
    """A labelled line a signer reads ("Price", "USD 250,000.00")."""

    label: str
    value: Phrase


@dataclass(frozen=True)
class Role:
    """Parties to show together under one label ("From", "Liens paid off, signed by"); no label: just the parties."""

    label: str
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class Description:
    """Everything a front end shows about one entry, in the kind's own words."""

    title: Phrase  # what the signer reads first ("Transfer of deed 1 (parcel 0526)")
    terms: tuple[Term, ...]  # the lines the signer reads under it
    event: Phrase  # the chain of title's name for it ("Transfer of the whole deed")
    parties: tuple[Role, ...]  # the chain of title's parties
    brief: tuple[Phrase, ...]  # the chain of title's terms, one phrase a line
    headline: Phrase  # the timeline's line ("Sold to <buyer>")
    detail: Phrase  # the timeline's second line
    icon: str = "ledger"  # an icon name (resources/icons)
    tone: str = "accent"  # accent, gold, good or bad
    warnings: tuple[str, ...] = ()  # said to whoever signs it (a passed Deadline adds its own)


def signer_of(signers: Sequence[Signer], role: str) -> str:
    """The address that signed in `role` (else the first signer; "" when nobody signed)."""
    found = [address for r, address in signers if r == role]
    if found:
        return found[0]
    return signers[0][1] if signers else ""


def generic(kind: str, message: Mapping[str, Any], signers: Sequence[Signer], line: str) -> Description:
    """For a kind that describes itself in one line only (`line`), or one this build does not know."""
    fields = tuple(
        Term(name, (Text(value if isinstance(value, str) else canonical_json(value)),))
        for name, value in message.items()
    )
    return Description(
        title=(f"{kind} entry",),
        terms=fields,
        event=(kind,),
        parties=(Role("", tuple(address for _, address in signers)),),
        brief=((Text(line),),),
        headline=(kind,),
        detail=(Text(line),),
    )


def facts(phrase: Phrase) -> list[Fact]:
    return [part for part in phrase if not isinstance(part, str)]
