"""Notarial attestation and the notary's journal.

`attest` records an Attestation of an existing entry; `journal` lists a notary's
attestations over a date range.  An identity number seen by the notary is kept
only as a keyed hash: keccak(salt || normalised number), where the salt is
derived from a deterministic signature of the notary's key over this ledger's id.
So the hash cannot be reversed by trying every possible number (nobody else has
the salt), and the notary can still check a number against the journal later
(`id_number_matches`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Required, TypedDict, Unpack

from core.csvexport import write_csv
from core.dates import optional_date, parse_date, today_here, latest_day
from core.errors import DeedbookError
from core.hashing import keccak
from core.identity import LedgerIdentity
from core.keys import UnlockedKey
from core.ledger import Ledger, RecordedEntry
from core.requests import SigningRequest, make_request
from core.signing import checksum_address, parse_address

ZERO_HASH = "0x" + "00" * 32
_SALT_LABEL = b"deedbook/id-number-salt/1"


def normalise_id_number(number: str) -> str:
    """Letters and digits only, upper case: 'ab 123-456' and 'AB123456' are the same document."""
    normal = "".join(ch for ch in number.upper() if ch.isalnum())
    if not normal:
        raise DeedbookError("The identity number is empty.")
    return normal


def id_number_hash(identity: LedgerIdentity, notary_key: UnlockedKey, number: str) -> str:
    salt = keccak(notary_key.sign(keccak(_SALT_LABEL + identity.ledger_id)))
    return "0x" + keccak(salt + normalise_id_number(number).encode("utf-8")).hex()


def attestation_message(
    ledger: Ledger,
    index: int,
    notary_key: UnlockedKey | None,
    *,
    act: str,
    place: str = "",
    id_kind: str = "",
    id_number: str | None = None,
    act_date: date | str | None = None,
    signers: list[str] | None = None,
) -> dict[str, Any]:
    """An Attestation of entry `index`; signers default to everyone who signed that entry. Without the
    notary's key (a check before it is unlocked) an identity number cannot be hashed, so none may be given."""
    if id_number and notary_key is None:
        raise ValueError("an identity number is hashed with the notary's key")
    entry = ledger.entry(index)
    act = " ".join(act.split())
    if not act:
        raise DeedbookError("Name the notarial act (e.g. acknowledgment, jurat, signature witnessing).")
    if act_date is None:
        day = today_here()
    elif isinstance(act_date, date):
        day = act_date
    else:
        day = parse_date(act_date, "date of the act")
    if day > latest_day():  # the notary's own day may be a day past the UTC day (Auckland's morning)
        raise DeedbookError(f"The date of the act, {day.isoformat()}, is in the future.")
    if signers is None:
        named = [s.signer for s in entry.signatures]
    else:
        named = [checksum_address(parse_address(s)) for s in signers]
    unique = list(dict.fromkeys(checksum_address(bytes.fromhex(s[2:])) for s in named))
    if not unique:
        raise DeedbookError(f"Entry {index} has no signers to attest.")
    return {
        "entryIndex": index,
        "entryHash": "0x" + entry.leaf_hash.hex(),
        "entryKind": entry.kind,
        "deedId": entry.deed_id or 0,
        "act": act,
        "actDate": day.isoformat(),
        "place": " ".join(place.split()),
        "signers": unique,
        "idEvidence": " ".join(id_kind.split()),
        "idNumberHash": id_number_hash(ledger.identity, notary_key, id_number)
        if id_number and notary_key
        else ZERO_HASH,
    }


class NotarialAct(TypedDict, total=False):
    """The act a notary attests, as checked before the key is unlocked and recorded after (the identity
    number apart: only the key can hash it)."""

    act: Required[str]
    place: str
    id_kind: str
    act_date: date | str | None
    signers: list[str] | None


def check_attestation(ledger: Ledger, index: int, notary: str, **act: Unpack[NotarialAct]) -> None:
    """What `attest` would refuse without the notary's key: the entry, the act, its date, and the Attestation
    rules applied to the ledger as it is now (the identity number's hash is no rule's business)."""
    from core.compliance.acts import dry_run
    from core.entries import Entry

    message = attestation_message(ledger, index, None, **act)
    dry_run(ledger, Entry("Attestation", message), pending=[("notary", notary, "Attestation")])


def attest(
    ledger: Ledger, index: int, notary_key: UnlockedKey, *, id_number: str | None = None, **act: Unpack[NotarialAct]
) -> int:
    """Record the notary's attestation of entry `index`; returns the attestation's own index.

    `id_number` (the number on the identity document seen) is hashed with the
    notary's key and never stored, logged or returned in clear.
    """
    message = attestation_message(ledger, index, notary_key, id_number=id_number, **act)
    return ledger.append([ledger.sign("Attestation", message, notary_key, "notary")])[0]


def attestation_request(ledger: Ledger, message: dict[str, Any], notary: str) -> SigningRequest:
    """A request for a notary who signs in a wallet (build `message` with `attestation_message`)."""
    return make_request(ledger.identity, "Attestation", message, "Attestation", notary)


def id_number_matches(ledger: Ledger, attestation_index: int, notary_key: UnlockedKey, number: str) -> bool:
    """Did the notary record this identity number in that attestation?"""
    entry = ledger.entry(attestation_index)
    if entry.kind != "Attestation":
        raise DeedbookError(f"Entry {attestation_index} is a {entry.kind}, not an attestation.")
    return bool(entry.message["idNumberHash"] == id_number_hash(ledger.identity, notary_key, number))


@dataclass(frozen=True)
class JournalRecord:
    index: int  # the attestation entry
    notary: str
    recorded_at: int
    message: dict[str, Any]

    @property
    def act_date(self) -> str:
        return str(self.message["actDate"])

    def as_json(self) -> dict[str, Any]:
        m = self.message
        return {
            "index": self.index,
            "notary": self.notary,
            "recorded_at": self.recorded_at,
            "act": m["act"],
            "date": m["actDate"],
            "place": m["place"],
            "entry_index": m["entryIndex"],
            "entry_kind": m["entryKind"],
            "entry_hash": m["entryHash"],
            "deed_id": m["deedId"] or None,
            "signers": list(m["signers"]),
            "id_evidence": m["idEvidence"],
            "id_number_hash": None if m["idNumberHash"] == ZERO_HASH else m["idNumberHash"],
        }


JOURNAL_COLUMNS = (
    "index",
    "notary",
    "recorded_at",
    "act",
    "date",
    "place",
    "entry_index",
    "entry_kind",
    "entry_hash",
    "deed_id",
    "signers",
    "id_evidence",
    "id_number_hash",
)


def write_journal_csv(path: str | os.PathLike[str], records: list[JournalRecord], *, force: bool = False) -> Path:
    """The journal as a spreadsheet-safe CSV (one row per act); the GUI's export and `journal --csv`."""
    return write_csv(path, JOURNAL_COLUMNS, (r.as_json() for r in records), force=force)


def _record(entry: RecordedEntry) -> JournalRecord:
    notary = next(s.signer for s in entry.signatures if s.role == "notary")
    return JournalRecord(entry.index, notary, entry.recorded_at, entry.message)


def journal_entries(
    ledger: Ledger, notary: str | None = None, date_from: date | str | None = None, date_to: date | str | None = None
) -> list[RecordedEntry]:
    """Attestations (by `notary`, if given) whose act date is within [date_from, date_to] (an empty
    date is no bound), by date of the act, then entry."""
    start, end = optional_date(date_from, "start date"), optional_date(date_to, "final date")
    if start and end and start > end:
        raise DeedbookError("The start date is after the end date.")
    address = checksum_address(parse_address(notary)) if notary else None
    found = []
    for e in ledger.entries(kind="Attestation", signer=address):
        signer = next((s.signer for s in e.signatures if s.role == "notary"), "")
        if address is not None and signer.lower() != address.lower():
            continue
        act_date = str(e.message["actDate"])
        if (start and act_date < start) or (end and act_date > end):
            continue
        found.append(e)
    return sorted(found, key=lambda e: (str(e.message["actDate"]), e.index))


def journal(
    ledger: Ledger, notary: str | None = None, date_from: date | str | None = None, date_to: date | str | None = None
) -> list[JournalRecord]:
    """The journal records of `journal_entries`: one notary's acts (or everyone's) over a period, oldest first."""
    return [_record(e) for e in journal_entries(ledger, notary, date_from, date_to)]
