"""Jurisdiction profiles for the notary's own journal: the fields each requires, and its certificate wording.

    profile("california").check(fields, real_property=True)   # a sentence naming what is missing
    profile("pennsylvania").certificate("jurat")               # text with {placeholders}

A notary enters `JournalFields` (from a JSON file on the command line, a form in
the GUI); the profile decides what must be there and what the journal keeps:

- california (Gov. Code §8206): date, time and type of act; the character of the
  document; each signer's name and address; the identity evidence (type,
  issuing agency, serial number, issue and expiry dates) or credible witnesses;
  the fee; a thumbprint, required for a document affecting real property.
- pennsylvania: no full identity number is kept (only its last four
  characters); "N/C" is written where no fee was charged.
- iowa: refused requests are journaled too.
- generic: a signer's name; everything else as given.

The certificate texts are this project's wording of each state's short forms,
with placeholders {notary_name}, {commission_number}, {commission_expiry},
{state}, {county}, {date} and {signers} for whoever prints them (the archival
PDFs fill them in with `fill`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.dates import is_iso_date
from core.errors import DeedbookError

PLACEHOLDERS = ("notary_name", "commission_number", "commission_expiry", "state", "county", "date", "signers")
MAX_TEXT = 300
MAX_SIGNERS = 32


@dataclass(frozen=True)
class IdEvidence:
    type: str
    issuer: str = ""
    number: str = ""
    issued: str = ""
    expires: str = ""


@dataclass(frozen=True)
class Person:
    name: str
    address: str = ""
    id: IdEvidence | None = None


@dataclass(frozen=True)
class JournalFields:
    """What a notary writes in the journal for one act, beyond what the request says."""

    document: str = ""  # the character of the document ("grant deed", "deed of trust")
    fee: str = ""  # as charged, decimal text; "" or "0" when none
    thumbprint: bool = False
    signers: tuple[Person, ...] = ()
    witnesses: tuple[Person, ...] = ()  # credible witnesses, instead of identity documents
    notes: str = ""


class FieldsError(DeedbookError):
    """Journal fields that are malformed or missing what the profile requires."""


# -- reading the fields (the --journal-fields file, the GUI's form) ---------------------------


def _text(value: Any, what: str, *, limit: int = MAX_TEXT) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldsError(f"The journal field {what} must be text.")
    text = " ".join(value.split())
    if len(text) > limit:
        raise FieldsError(f"The journal field {what} is longer than {limit} characters.")
    return text


def _date(value: Any, what: str) -> str:
    text = _text(value, what, limit=10)
    if text and not is_iso_date(text):
        raise FieldsError(f"The journal field {what} is not a date written YYYY-MM-DD.")
    return text


def _id(value: Any, who: str) -> IdEvidence | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise FieldsError(f"The field 'id' of {who} must be an object (type, issuer, number, issued, expires).")
    unknown = set(value) - {"type", "issuer", "number", "issued", "expires"}
    if unknown:
        raise FieldsError(f"The field 'id' of {who} has an unknown field '{sorted(unknown)[0][:40]}'.")
    of_id = f"of the 'id' of {who}"
    return IdEvidence(
        _text(value.get("type"), f"'type' {of_id}"),
        _text(value.get("issuer"), f"'issuer' {of_id}"),
        _text(value.get("number"), f"'number' {of_id}", limit=64),
        _date(value.get("issued"), f"'issued' {of_id}"),
        _date(value.get("expires"), f"'expires' {of_id}"),
    )


def _people(value: Any, key: str, noun: str, *, ids: bool) -> tuple[Person, ...]:
    """The people listed under `key` ("signers"); each sentence names the key and the person's place in it, as
    the file says them (a journal field 'signer 1' named no key the file has)."""
    allowed = {"name", "address", "id"} if ids else {"name", "address"}
    shape = "an object (" + ", ".join(sorted(allowed, key=["name", "address", "id"].index)) + ")"
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_SIGNERS:
        raise FieldsError(f"The journal field '{key}' must be a list of at most {MAX_SIGNERS} people, each {shape}.")
    people = []
    for number, item in enumerate(value, 1):
        who = f"{noun} {number} in '{key}'"
        if not isinstance(item, dict):
            raise FieldsError(f"{who[:1].upper()}{who[1:]} must be {shape}.")
        unknown = set(item) - allowed
        if unknown:
            raise FieldsError(f"{who[:1].upper()}{who[1:]} has an unknown field '{sorted(unknown)[0][:40]}'.")
        people.append(
            Person(
                _text(item.get("name"), f"'name' of {who}"),
                _text(item.get("address"), f"'address' of {who}"),
                _id(item.get("id"), who) if ids else None,
            )
        )
    return tuple(people)


def parse_fields(data: Any) -> JournalFields:
    """`JournalFields` from a JSON object; one `FieldsError` sentence for anything malformed."""
    if not isinstance(data, dict):
        raise FieldsError("The journal fields must be a JSON object (document, fee, thumbprint, signers, witnesses).")
    unknown = set(data) - {"document", "fee", "thumbprint", "signers", "witnesses", "notes"}
    if unknown:
        raise FieldsError(f"The journal fields have an unknown field '{sorted(unknown)[0][:40]}'.")
    thumb = data.get("thumbprint", False)
    if not isinstance(thumb, bool):
        raise FieldsError("The journal field thumbprint must be true or false.")
    fee = data.get("fee", "")
    if isinstance(fee, (int, float)) and not isinstance(fee, bool):
        fee = str(fee)
    fee_text = _text(fee, "fee", limit=20)
    if fee_text and fee_text.upper() != "N/C" and not re.fullmatch(r"\d{1,9}(\.\d{1,2})?", fee_text):
        raise FieldsError("The journal field fee must be an amount like 15 or 15.00 (or empty when none).")
    return JournalFields(
        _text(data.get("document"), "document"),
        fee_text,
        thumb,
        _people(data.get("signers"), "signers", "signer", ids=True),
        _people(data.get("witnesses"), "witnesses", "credible witness", ids=False),
        _text(data.get("notes"), "notes", limit=1000),
    )


def fields_json(fields: JournalFields) -> dict[str, Any]:
    """The fields back as the JSON `parse_fields` reads (what the GUI's form saves)."""

    def person(p: Person) -> dict[str, Any]:
        out: dict[str, Any] = {"name": p.name, "address": p.address}
        if p.id is not None:
            out["id"] = dict(p.id.__dict__)
        return out

    return {
        "document": fields.document,
        "fee": fields.fee,
        "thumbprint": fields.thumbprint,
        "signers": [person(p) for p in fields.signers],
        "witnesses": [person(w) for w in fields.witnesses],
        "notes": fields.notes,
    }


# -- the profiles ---------------------------------------------------------------------------------


def _no_fee(fee: str) -> bool:
    return fee in ("", "N/C", "n/c") or re.fullmatch(r"0+(\.0+)?", fee) is not None


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    basis: str  # where the requirements come from, said to the notary
    acknowledgment: str
    jurat: str
    refusals_journaled: bool = False  # a refused request must be journaled
    full_id_numbers: bool = True  # False: only the last four characters are kept
    no_fee_text: str = ""  # written where no fee was charged
    requires: tuple[str, ...] = field(default_factory=tuple)

    def certificate(self, act: str) -> str:
        """The notarial certificate for `act` (an acknowledgment or a jurat), with placeholders."""
        word = " ".join(act.lower().split())
        if "jurat" in word or "oath" in word or "affirmation" in word:
            return self.jurat
        if "acknowledg" in word:
            return self.acknowledgment
        raise DeedbookError(
            f"The {self.title} profile has certificate wording for an acknowledgment or a jurat, not for '{act[:60]}'."
        )

    def check(self, fields: JournalFields, *, real_property: bool) -> None:
        """Refuse (one sentence naming the first thing missing) fields this jurisdiction does not accept."""
        missing = self.missing(fields, real_property=real_property)
        if missing:
            raise FieldsError(
                f"The {self.title} journal needs {missing[0]}"
                + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
                + "; nothing was signed."
            )

    def missing(self, fields: JournalFields, *, real_property: bool) -> list[str]:
        """Everything this profile requires that `fields` lacks, as phrases, in form order."""
        out: list[str] = []
        need = set(self.requires)
        if not fields.signers:
            out.append("each signer's name")
        if "document" in need and not fields.document:
            out.append("the character of the document")
        for number, person in enumerate(fields.signers, 1):
            if not person.name:
                out.append(f"signer {number}'s name")
            if "address" in need and not person.address:
                out.append(f"signer {number}'s address")
            if "id" in need and not fields.witnesses:
                ident = person.id
                if ident is None or not ident.type:
                    out.append(f"signer {number}'s identity evidence (or a credible witness)")
                    continue
                for attr, phrase in (
                    ("issuer", "issuing agency"),
                    ("number", "serial number"),
                    ("issued", "issue date"),
                    ("expires", "expiry date"),
                ):
                    if attr in self._id_parts() and not getattr(ident, attr):
                        out.append(f"signer {number}'s identity document {phrase}")
        for number, witness in enumerate(fields.witnesses, 1):
            if not witness.name or ("address" in need and not witness.address):
                out.append(f"credible witness {number}'s name and address")
        if "fee" in need and not fields.fee:
            out.append("the fee charged (0 when none)")
        if "thumbprint" in need and real_property and not fields.thumbprint:
            out.append("the signer's thumbprint, required for a document affecting real property")
        return out

    def _id_parts(self) -> tuple[str, ...]:
        if self.name == "california":
            return ("issuer", "number", "issued", "expires")
        if self.name == "pennsylvania":
            return ("issuer",)
        return ()

    def fee_text(self, fee: str) -> str:
        return self.no_fee_text if self.no_fee_text and _no_fee(fee) else fee

    def kept_number(self, number: str) -> str | None:
        """What the journal keeps of an identity number in clear: nothing, or (no full numbers) its last four."""
        if not number or self.full_id_numbers:
            return None
        tail = "".join(ch for ch in number if ch.isalnum())[-4:]
        return "\u2026" + tail


_CA_ACK = (
    "A notary public or other officer completing this certificate verifies only the identity of the individual who "
    "signed the document to which this certificate is attached, and not the truthfulness, accuracy, or validity of "
    "that document.\n\n"
    "State of {state}, County of {county}\n\n"
    "On {date} before me, {notary_name}, Notary Public, personally appeared {signers}, who proved to me on the basis "
    "of satisfactory evidence to be the person(s) whose name(s) is/are subscribed to the within instrument and "
    "acknowledged to me that he/she/they executed the same in his/her/their authorized capacity(ies), and that by "
    "his/her/their signature(s) on the instrument the person(s), or the entity upon behalf of which the person(s) "
    "acted, executed the instrument.\n\n"
    "I certify under PENALTY OF PERJURY under the laws of the State of California that the foregoing paragraph is "
    "true and correct.\n\nWITNESS my hand and official seal.\n\n"
    "{notary_name}, Notary Public, commission no. {commission_number}, expires {commission_expiry}"
)
_CA_JURAT = (
    "A notary public or other officer completing this certificate verifies only the identity of the individual who "
    "signed the document to which this certificate is attached, and not the truthfulness, accuracy, or validity of "
    "that document.\n\n"
    "State of {state}, County of {county}\n\n"
    "Subscribed and sworn to (or affirmed) before me on {date}, by {signers}, proved to me on the basis of "
    "satisfactory evidence to be the person(s) who appeared before me.\n\n"
    "{notary_name}, Notary Public, commission no. {commission_number}, expires {commission_expiry}"
)
_PA_ACK = (
    "Commonwealth of Pennsylvania, County of {county}\n\n"
    "On {date}, before me, the undersigned notary public, personally appeared {signers}, known to me (or "
    "satisfactorily proven) to be the person(s) whose name(s) is/are subscribed to the within instrument, and "
    "acknowledged that he/she/they executed the same for the purposes therein contained.\n\n"
    "In witness whereof, I hereunto set my hand and official seal.\n\n"
    "{notary_name}, Notary Public, commission no. {commission_number}, my commission expires {commission_expiry}"
)
_PA_JURAT = (
    "Commonwealth of Pennsylvania, County of {county}\n\n"
    "Sworn to (or affirmed) and subscribed before me on {date}, by {signers}.\n\n"
    "{notary_name}, Notary Public, commission no. {commission_number}, my commission expires {commission_expiry}"
)
_IA_ACK = (
    "State of Iowa, County of {county}\n\n"
    "This record was acknowledged before me on {date} by {signers}.\n\n"
    "{notary_name}, Notary Public in and for the State of Iowa, commission no. {commission_number}, my commission "
    "expires {commission_expiry}"
)
_IA_JURAT = (
    "State of Iowa, County of {county}\n\n"
    "Signed and sworn to (or affirmed) before me on {date} by {signers}.\n\n"
    "{notary_name}, Notary Public in and for the State of Iowa, commission no. {commission_number}, my commission "
    "expires {commission_expiry}"
)
_GENERIC_ACK = (
    "{state}, {county}\n\n"
    "On {date}, {signers} appeared before me and acknowledged signing this record.\n\n"
    "{notary_name}, notary, commission no. {commission_number}, expires {commission_expiry}"
)
_GENERIC_JURAT = (
    "{state}, {county}\n\n"
    "Signed and sworn to (or affirmed) before me on {date} by {signers}.\n\n"
    "{notary_name}, notary, commission no. {commission_number}, expires {commission_expiry}"
)

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            "california",
            "California",
            "Gov. Code \u00a78206",
            _CA_ACK,
            _CA_JURAT,
            requires=("document", "address", "id", "fee", "thumbprint"),
        ),
        Profile(
            "pennsylvania",
            "Pennsylvania",
            "57 Pa.C.S. \u00a7319",
            _PA_ACK,
            _PA_JURAT,
            full_id_numbers=False,
            no_fee_text="N/C",
            requires=("document", "address", "id", "fee"),
        ),
        Profile(
            "iowa",
            "Iowa",
            "Iowa Code ch. 9B",
            _IA_ACK,
            _IA_JURAT,
            refusals_journaled=True,
            requires=("document", "address"),
        ),
        Profile("generic", "generic", "no jurisdiction's rules", _GENERIC_ACK, _GENERIC_JURAT),
    )
}
NAMES = tuple(PROFILES)


def profile(name: str) -> Profile:
    found = PROFILES.get(name.strip().lower())
    if found is None:
        raise DeedbookError(f"There is no journal profile '{name[:40]}'; the profiles are {', '.join(NAMES)}.")
    return found


def fill(text: str, **values: str) -> str:
    """A certificate with its placeholders filled (a missing one is left as a blank line to write on)."""
    return re.sub(
        r"\{(\w+)\}", lambda m: values.get(m.group(1), "________") if m.group(1) in PLACEHOLDERS else m.group(0), text
    )
