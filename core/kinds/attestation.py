"""Attestation: a notary attests a recorded entry and keeps the journal details in the ledger.

The attestation names the attested entry by index, leaf hash (as stored), kind
and deed, so it cannot be moved onto another entry, and carries what a notary's
register keeps: the act, its date and place, the signers, the kind of identity
evidence seen.  An identity number is never in clear: only `idNumberHash`, a
keyed hash the notary can recompute with its own key (core.notary).

Any key may attest: whether a notary is commissioned is known outside the ledger,
and the journal lists attestations by notary address.  An attestation changes no
deed state (it does not bump the version, so it never makes a pending transfer
stale), but it is filed under the attested entry's deed, so it shows in the
deed's history.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from core.dates import DAY, is_iso_date, iso_date_to_epoch
from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import EntryKind, Party, register, require_roles, signature_of
from core.presentation import Date, Description, EntryRef, Hex, Phrase, Role, Signer, Term, Text, signer_of
from core.state import ApplyContext, LedgerState
from core.hexes import ADDRESS

_BYTES32 = re.compile(r"0x[0-9a-f]{64}")
MAX_SIGNERS = 32


def _apply(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int | None:
    require_roles(entry, "notary")
    if signature_of(entry, "notary").signed_type != "Attestation":
        raise RuleViolation("The notary must sign the Attestation itself.")
    m = entry.message
    index = m["entryIndex"]
    if index >= ctx.index:
        raise RuleViolation(f"An attestation can only name an entry recorded before it; entry {index} is not.")
    if not _BYTES32.fullmatch(m["entryHash"]) or bytes.fromhex(m["entryHash"][2:]) != state.entry_leaf(index):
        raise RuleViolation(f"The attestation's hash is not the hash of entry {index}: it attests something else.")
    kind, deed_id = state.entry_kind_and_deed(index)
    if m["entryKind"] != kind or m["deedId"] != (deed_id or 0):
        raise RuleViolation(f"Entry {index} is a {kind} of deed {deed_id or 'none'}, not what the attestation says.")
    if not m["act"].strip():
        raise RuleViolation("An attestation names the notarial act (e.g. acknowledgment, jurat).")
    if not is_iso_date(m["actDate"]):
        raise RuleViolation(f"The act date '{m['actDate']}' is not a date written YYYY-MM-DD.")
    if iso_date_to_epoch(m["actDate"]) > ctx.recorded_at + DAY:
        raise RuleViolation("The act date is after the attestation was recorded.")
    signers = m["signers"]
    if (
        not isinstance(signers, list)
        or not 1 <= len(signers) <= MAX_SIGNERS
        or not all(isinstance(s, str) and ADDRESS.fullmatch(s) for s in signers)
    ):
        raise RuleViolation(f"An attestation names between 1 and {MAX_SIGNERS} signers, each an address.")
    if len({s.lower() for s in signers}) != len(signers):
        raise RuleViolation("An attestation names a signer twice.")
    if not _BYTES32.fullmatch(m["idNumberHash"]):
        raise RuleViolation("The identity number hash must be 32 bytes in lower-case hex (zero when none).")
    return deed_id


def describe_attestation(m: Mapping[str, Any]) -> str:
    where = f" at {m['place']}" if m["place"] else ""
    deed = f" of deed {m['deedId']}" if m["deedId"] else ""
    return f"Notarial {m['act']} on {m['actDate']}{where}: entry {m['entryIndex']} ({m['entryKind']}{deed})"


def _listed(parts: list[Text]) -> Phrase:
    return tuple(piece for i, part in enumerate(parts) for piece in ((", ", part) if i else (part,)))


def present_attestation(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    attested = ("entry ", EntryRef(m["entryIndex"]), " (", Text(m["entryKind"], 40), ")")
    has_id = int(m["idNumberHash"], 16) != 0
    return Description(
        title=("Notarial attestation of ", *attested),
        terms=(
            Term(
                "Entry",
                (
                    EntryRef(m["entryIndex"]),
                    " (",
                    Text(m["entryKind"], 40),
                    f", deed {m['deedId']})" if m["deedId"] else ")",
                ),
            ),
            Term("Entry hash", (Hex(m["entryHash"]),)),
            Term("Act", (Text(m["act"]),)),
            Term("Date", (Date(m["actDate"]),)),
            Term("Place", (Text(m["place"]),) if m["place"] else ("(not given)",)),
            Term("Signers", _listed([Text(s, 42) for s in m["signers"]])),
            Term("Identity evidence", (Text(m["idEvidence"]),) if m["idEvidence"] else ("(not given)",)),
            Term("Identity number", ("recorded as a keyed hash only" if has_id else "(none)",)),
        ),
        event=("Notarial act: ", Text(m["act"])),
        parties=(Role("Notary", (signer_of(signers, "notary"),)),),
        brief=(("attests ", *attested), (Date(m["actDate"]), *((", ", Text(m["place"])) if m["place"] else ()))),
        headline=("Notarised: ", Text(m["act"])),
        detail=("attests ", *attested, " on ", Date(m["actDate"])),
        icon="attest",
        tone="good",
    )


ATTESTATION = register(
    EntryKind(
        name="Attestation",
        as_of=True,
        fields=(
            ("entryIndex", "uint256"),
            ("entryHash", "bytes32"),
            ("entryKind", "string"),
            ("deedId", "uint256"),
            ("act", "string"),
            ("actDate", "string"),
            ("place", "string"),
            ("signers", "address[]"),
            ("idEvidence", "string"),
            ("idNumberHash", "bytes32"),
        ),
        apply=_apply,
        describe=describe_attestation,
        present=present_attestation,
        parties={"Attestation": Party("notary", "You attest this entry as notary.")},  # any key may attest
    )
)
