"""The notary's certificate, as the documents layer draws it: core.jurisdictions' wording, a heading, the facts.

core/jurisdictions.py (issue 12) is the one source of the wording: `profile(name).certificate(act)` gives
each jurisdiction profile's acknowledgment or jurat with placeholders, and `fill` fills them.  What this
module adds on top is what the notary record PDF needs:

    certificate("california", "jurat")        # Certificate(kind, heading, text with core's placeholders)
    certificate(...).fill(**placeholders(...)) # the text, every placeholder filled from the record's facts

A record carries the profile and the notary's commission in `extra.notary` (unsigned, like the
names from the address book: the issuer's statement, and verify-pdf says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from core import jurisdictions
from core.dates import is_iso_date
from core.errors import DeedbookError

ACKNOWLEDGMENT, JURAT = "acknowledgment", "jurat"
NAMES = jurisdictions.NAMES  # the profile names `pdf notary --jurisdiction` accepts
BLANK = "________"  # a fact the record does not state: a line for the notary to write on


@dataclass(frozen=True)
class Certificate:
    kind: str  # ACKNOWLEDGMENT or JURAT
    heading: str
    text: str  # core.jurisdictions' wording, with its placeholders ({state}, {county}, {date}, {signers}, ...)

    def fill(self, **values: str) -> str:
        return jurisdictions.fill(self.text, **values)


def kind_of(act: str) -> str:
    """Which certificate an act takes: a jurat for oaths, affirmations and verifications; else an acknowledgment."""
    words = act.lower()
    return JURAT if any(w in words for w in ("jurat", "oath", "affirm", "sworn", "verification")) else ACKNOWLEDGMENT


def certificate(profile: str, act: str) -> Certificate:
    """The certificate profile `profile` (a core.jurisdictions profile) gives `act`; an unknown profile is
    refused in one sentence (a DeedbookError naming the profiles)."""
    found = jurisdictions.profile(profile)
    kind = kind_of(act)
    heading = "Certificate of acknowledgment" if kind == ACKNOWLEDGMENT else "Jurat"
    if found.name != "generic":
        heading += f" ({found.title})"
    return Certificate(kind, heading, found.certificate(kind))


def placeholders(
    profile: str,
    *,
    place: str,
    date: str,
    signers: str,
    notary_name: str,
    commission: str = "",
    commission_expires: str = "",
) -> dict[str, str]:
    """Core's placeholder values from a record's facts: the act's place ("Ames, Story County, Iowa") gives the
    state (its last part; a state profile's own state otherwise) and the county (a part ending "County");
    what the record does not state is a blank line."""
    parts = [p.strip() for p in place.split(",") if p.strip()]
    county = next((p[: -len(" County")].strip() for p in parts if p.lower().endswith(" county")), "")
    state = parts[-1] if len(parts) > 1 and not parts[-1].lower().endswith(" county") else ""
    found = jurisdictions.profile(profile)
    if found.name != "generic":
        state = found.title
    return {
        "state": state or BLANK,
        "county": county or BLANK,
        "date": date or BLANK,
        "signers": signers or BLANK,
        "notary_name": notary_name or BLANK,
        "commission_number": commission or BLANK,
        "commission_expiry": commission_expires or BLANK,
    }


def details(extra: Mapping[str, Any]) -> dict[str, str]:
    """The notary's commission as a record carries it (`extra.notary`), as strings; {} when there is none."""
    found = extra.get("notary")
    if not isinstance(found, dict):
        return {}
    return {k: str(found[k]) for k in ("profile", "commission", "commissionExpires") if found.get(k) is not None}


MAX_COMMISSION_CHARS = 80  # a commission number is short; a long paste is a mistake, not a number


def commission_facts(
    profile: str | None = None, number: str | None = None, expires: str | None = None
) -> dict[str, str]:
    """The notary's statement a notary record carries (`extra.notary`), checked: a profile this version
    knows, a commission number of printable text, an expiry date as YYYY-MM-DD; empty values are left out.
    `pdf notary --jurisdiction/--commission/--commission-expires` and the GUI's dialog both come here."""
    facts: dict[str, str] = {}
    if profile and profile.strip():
        name = profile.strip().lower()
        if name not in NAMES:
            raise DeedbookError(
                f"'{profile.strip()[:40]}' is not a jurisdiction profile this version knows ({', '.join(sorted(NAMES))})."
            )
        facts["profile"] = name
    if number and number.strip():
        text = number.strip()
        if len(text) > MAX_COMMISSION_CHARS or not text.isprintable():
            raise DeedbookError(f"A commission number is printable text of at most {MAX_COMMISSION_CHARS} characters.")
        facts["commission"] = text
    if expires and expires.strip():
        if not is_iso_date(expires.strip()):
            raise DeedbookError(f"'{expires.strip()[:40]}' is not a date; give the commission's expiry as YYYY-MM-DD.")
        facts["commissionExpires"] = expires.strip()
    return facts
