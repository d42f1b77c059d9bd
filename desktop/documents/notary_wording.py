"""The notary's certificate wording, per jurisdiction profile: acknowledgment or jurat.

An interim interface of the documents layer, keyed by profile name: issue 12's jurisdiction
profiles (core/jurisdictions.py, `profile(name).certificate(act)`) are being written in parallel;
when they land, `certificate()` below should ask them and this table should go.  The wording is
Deedbook's own plain rendering of what such certificates state (venue, date, who appeared, how
they were identified, what the notary certifies), not a statutory form: a jurisdiction whose law
prescribes exact words needs its profile to carry them.

A record carries the profile and the notary's commission in `extra.notary` (unsigned, like the
names from the address book: the issuer's statement, and verify-pdf says so).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

ACKNOWLEDGMENT, JURAT = "acknowledgment", "jurat"


@dataclass(frozen=True)
class Certificate:
    kind: str  # ACKNOWLEDGMENT or JURAT
    heading: str
    text: str  # with {venue}, {date}, {signers}, {notary}, {evidence}

    def fill(self, **facts: str) -> str:
        return self.text.format(**facts)


_GENERIC = {
    ACKNOWLEDGMENT: Certificate(
        ACKNOWLEDGMENT, "Certificate of acknowledgment",
        "{venue}. On {date}, before me, {notary}, a notary public, appeared {signers}, identified to me on the basis "
        "of {evidence}, who acknowledged that they signed the instrument described above, recorded in the ledger, "
        "of their own free will and for the purposes stated in it."),
    JURAT: Certificate(
        JURAT, "Jurat",
        "{venue}. Subscribed and sworn to (or affirmed) before me on {date} by {signers}, identified to me on the basis "
        "of {evidence}. {notary}, notary public."),
}

PROFILES: dict[str, dict[str, Certificate]] = {
    "generic": _GENERIC,
    "california": {
        ACKNOWLEDGMENT: Certificate(
            ACKNOWLEDGMENT, "Certificate of acknowledgment (California)",
            "A notary public or other officer completing this certificate verifies only the identity of the individual "
            "who signed the document to which this certificate is attached, and not the truthfulness, accuracy, or "
            "validity of that document. {venue}. On {date} before me, {notary}, notary public, personally appeared "
            "{signers}, who proved to me on the basis of satisfactory evidence ({evidence}) to be the person(s) whose "
            "name(s) is/are subscribed to the within instrument and acknowledged to me that he/she/they executed the "
            "same in his/her/their authorized capacity(ies), and that by his/her/their signature(s) on the instrument "
            "the person(s), or the entity upon behalf of which the person(s) acted, executed the instrument. I certify "
            "under PENALTY OF PERJURY under the laws of the State of California that the foregoing paragraph is true "
            "and correct. WITNESS my hand and official seal."),
        JURAT: Certificate(
            JURAT, "Jurat (California)",
            "A notary public or other officer completing this certificate verifies only the identity of the individual "
            "who signed the document to which this certificate is attached, and not the truthfulness, accuracy, or "
            "validity of that document. {venue}. Subscribed and sworn to (or affirmed) before me on {date}, by "
            "{signers}, proved to me on the basis of satisfactory evidence ({evidence}) to be the person(s) who "
            "appeared before me."),
    },
    "iowa": {
        ACKNOWLEDGMENT: Certificate(
            ACKNOWLEDGMENT, "Acknowledgment (Iowa, individual capacity)",
            "{venue}. This record was acknowledged before me on {date} by {signers} (identified by {evidence}). "
            "{notary}, notary public."),
        JURAT: Certificate(
            JURAT, "Verification on oath or affirmation (Iowa)",
            "{venue}. Signed and sworn to (or affirmed) before me on {date} by {signers} (identified by {evidence}). "
            "{notary}, notary public."),
    },
}


def kind_of(act: str) -> str:
    """Which certificate an act takes: a jurat for oaths, affirmations and verifications; else an acknowledgment."""
    words = act.lower()
    return JURAT if any(w in words for w in ("jurat", "oath", "affirm", "sworn", "verification")) else ACKNOWLEDGMENT


def certificate(profile: str, act: str) -> Certificate:
    """The certificate profile `profile` names for `act` (the generic wording for a profile this version lacks)."""
    return PROFILES.get(profile.lower(), _GENERIC)[kind_of(act)]


def details(extra: Mapping[str, Any]) -> dict[str, str]:
    """The notary's commission as a record carries it (`extra.notary`), as strings; {} when there is none."""
    found = extra.get("notary")
    if not isinstance(found, dict):
        return {}
    return {k: str(found[k]) for k in ("profile", "commission", "commissionExpires") if found.get(k) is not None}
