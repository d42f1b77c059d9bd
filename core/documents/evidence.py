"""The machine-readable record every document embeds, and how it is checked.

A document is drawn from a `Record` and nothing else, so whoever holds the PDF
can rebuild it: the record carries the signed entries the document is about,
one Merkle inclusion proof per entry, and the operator-signed checkpoint all
the proofs lead to.  Format `deedbook-document/1`, canonical JSON (sorted keys,
no spaces, UTF-8), embedded in the PDF as `deedbook-record.json`:

    {"format": "deedbook-document/1",
     "document": {"type": "title", "layout": 1, "paper": "A4", "params": {...}},
     "ledger": {"ledgerId", "name", "operator", "chainId"},
     "checkpoint": {"index", "recordedAt", "message", "signatures", "cosignatures" (when witnesses cosigned it)},
     "entries": [{"index", "kind", "recordedAt", "message", "signatures", "leafHash", "auditPath"}, ...],
     "names": {"0x<address, lower case>": "name from the issuer's address book"},
     "extra": {...}}

Each entry expands to a `deedbook-proof/2` proof and is checked by
`core.proofs.verify_proof`, the same code as `deedbook verify-proof`.
A registration (or recorded valuation) signed by a registrar other than the
operator is shown genuine only with the operator's `AddRegistrar` that made that
key a registrar: `build_record` embeds it, and the registration's proof carries it.
`names` and `extra` (a valuation's model output) are not signed by anyone: a
verification report says so.

This is what a record *is* and what it *proves*; which document types exist, the
parameters each takes and how each is drawn are the documents layer's
(desktop/documents), which checks them after `parse_record` and before drawing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from core.entries import canonical_json
from core.errors import DeedbookError, NotFound, Remedy, VerificationFailed
from core.identity import LedgerIdentity
from core.one_moment import one_moment
from core.userfiles import json_nests_deeper_than

if TYPE_CHECKING:  # reading a document needs no database layer; building one is given a ledger
    from core.ledger import Ledger, RecordedEntry
    from core.proofs import ProofReport

PROOF_FORMAT = "deedbook-proof/2"  # core.proofs.FORMAT, checked there on every proof
FORMAT = "deedbook-document/1"
ATTACHMENT_NAME = "deedbook-record.json"
PAPERS = ("A4", "Letter")


class NotCheckpointed(NotFound):
    """The entries a document is about are newer than the ledger's latest checkpoint."""


class RecordInvalid(VerificationFailed):
    """The embedded record is not what a genuine document carries."""


@dataclass(frozen=True)
class EmbeddedEntry:
    index: int
    kind: str
    recorded_at: int
    message: dict[str, Any]
    signatures: list[dict[str, str]]
    leaf_hash: str
    audit_path: list[str]

    def signers(self, role: str | None = None) -> list[dict[str, str]]:
        return [s for s in self.signatures if role is None or s.get("role") == role]

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "kind": self.kind,
            "recordedAt": self.recorded_at,
            "message": self.message,
            "signatures": self.signatures,
            "leafHash": self.leaf_hash,
            "auditPath": self.audit_path,
        }


@dataclass(frozen=True)
class Record:
    """Everything a document shows, as it is embedded in the PDF."""

    doc_type: str
    paper: str
    params: dict[str, Any]
    ledger: LedgerIdentity
    checkpoint: dict[str, Any]
    entries: list[EmbeddedEntry]
    names: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    layout: int = 1

    # -- lookups the renderers use -------------------------------------------
    def entry(self, index: int) -> EmbeddedEntry:
        for e in self.entries:
            if e.index == index:
                return e
        raise RecordInvalid(f"The embedded record does not carry entry {index}, which the document names.")

    def subject(self, kind: str, what: str) -> EmbeddedEntry:
        """The entry the document is about (params["index"]), which must be a `kind` entry."""
        index = self.params.get("index")
        if not isinstance(index, int):
            raise RecordInvalid(f"The embedded record does not say which {what} it is about.")
        entry = self.entry(index)
        if entry.kind != kind:
            raise RecordInvalid(
                f"Entry {index} in the embedded record is not {'an' if what[0] in 'aeiou' else 'a'} {what}."
            )
        return entry

    def of_kind(self, *kinds: str) -> list[EmbeddedEntry]:
        return [e for e in self.entries if e.kind in kinds]

    def registration(self, deed_id: int) -> EmbeddedEntry:
        for e in self.entries:
            if e.kind == "RegisterDeed" and e.message.get("deedId") == deed_id:
                return e
        raise RecordInvalid(f"The embedded record does not carry the registration of deed {deed_id}.")

    def name_of(self, address: str) -> str | None:
        return self.names.get(address.lower())

    @property
    def checkpoint_size(self) -> int:
        return int(self.checkpoint["message"]["size"])

    @property
    def checkpoint_time(self) -> int:
        return int(self.checkpoint["message"]["timestamp"])

    # -- the embedded form -----------------------------------------------------
    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT,
            "document": {"type": self.doc_type, "layout": self.layout, "paper": self.paper, "params": self.params},
            "ledger": self.ledger.as_json(),
            "checkpoint": self.checkpoint,
            "entries": [e.as_json() for e in self.entries],
            "names": self.names,
        }
        if self.extra:
            data["extra"] = self.extra
        return data

    def to_bytes(self) -> bytes:
        return canonical_json(self.as_json()).encode("utf-8")

    def canonical(self) -> "Record":
        """The record exactly as a reader of the PDF will see it (keys sorted, JSON types): documents are
        drawn from this form, so that drawing again from the embedded copy gives the same bytes."""
        return parse_record(self.to_bytes())

    def proof(self, entry: EmbeddedEntry) -> dict[str, Any]:
        """One entry as a stand-alone `deedbook-proof/2` file (what `deedbook proof` writes, minus typedData),
        with the AddRegistrar this record carries for its signer when it is a registrar's act."""
        proof = {
            "format": PROOF_FORMAT,
            "ledger": self.ledger.as_json(),
            **_proved(entry),
            "treeSize": self.checkpoint_size,
            "checkpoint": self.checkpoint,
        }
        made = self.appointment(entry)
        if made is not None:
            proof["registrar"] = _proved(made)
        return proof

    def appointment(self, entry: EmbeddedEntry) -> EmbeddedEntry | None:
        """The embedded AddRegistrar, recorded before `entry`, that made one of its signers a registrar
        (looked for only when `entry` is a registrar's act: a long journal needs no search per entry)."""
        from core.kinds import kinds

        kind = kinds().get(entry.kind)
        act = kind.ledger_act if kind is not None else None
        if act is None or act.by != "registrar":
            return None
        signers = {str(s.get("signer", "")).lower() for s in entry.signatures if isinstance(s, dict)}
        for e in self.entries:
            if (
                e.index < entry.index
                and e.kind == "AddRegistrar"
                and str(e.message.get("registrar", "")).lower() in signers
            ):
                return e
        return None


def _proved(entry: EmbeddedEntry) -> dict[str, Any]:
    return {
        "entry": {
            "index": entry.index,
            "kind": entry.kind,
            "recordedAt": entry.recorded_at,
            "message": entry.message,
            "signatures": entry.signatures,
        },
        "leafHash": entry.leaf_hash,
        "auditPath": entry.audit_path,
    }


# -- building a record from a ledger -----------------------------------------------


def covering_checkpoint(ledger: "Ledger", newest: int) -> "RecordedEntry":
    """The latest checkpoint, which must cover entry `newest`; a clear error saying what to do otherwise."""
    checkpoint = ledger.latest_checkpoint()
    if checkpoint is None or checkpoint.message["size"] <= newest:
        covered = "no entry" if checkpoint is None else f"entries 0 to {checkpoint.message['size'] - 1}"
        raise NotCheckpointed(
            f"Entry {newest} is not covered by a checkpoint yet (the latest covers {covered}), so a document "
            "about it could not be verified.",
            remedy=Remedy.SIGN_CHECKPOINT,
        )
    return checkpoint


@one_moment  # the checkpoint, the entries, their paths and the cosignatures at one moment
def build_record(
    ledger: "Ledger",
    doc_type: str,
    indexes: Iterable[int],
    *,
    paper: str = "A4",
    params: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    entries: "Sequence[RecordedEntry] | None" = None,
    layout: int = 1,
) -> Record:
    """The record of a `doc_type` document (drawn with `layout`) about the entries `indexes` (pass
    `entries` when they are already read).

    Every proof is made against the ledger's latest checkpoint, which must cover
    all the entries (`NotCheckpointed` otherwise).  A registrar's act signed by a
    key other than the operator brings the AddRegistrar that made it a registrar.
    """
    wanted = sorted(set(indexes))
    if not wanted:
        raise DeedbookError("A document needs at least one ledger entry to be about.")
    checkpoint = covering_checkpoint(ledger, wanted[-1])
    size = int(checkpoint.message["size"])
    by_index = {e.index: e for e in entries or ()}
    missing = [i for i in wanted if i not in by_index]
    if missing:
        if len(missing) > 8:  # one range query instead of many lookups
            for e in ledger.entries(missing[0], missing[-1] + 1):
                by_index.setdefault(e.index, e)
        else:
            for i in missing:
                by_index[i] = ledger.entry(i)
    appointments = _appointments(ledger, [by_index[i] for i in wanted])
    by_index.update((made.index, made) for made in appointments)
    wanted = sorted({*wanted, *(made.index for made in appointments)})
    tree = ledger.tree()
    embedded = []
    for i in wanted:
        recorded = by_index[i]
        embedded.append(
            EmbeddedEntry(
                i,
                recorded.kind,
                recorded.recorded_at,
                recorded.message,
                [s.as_json() for s in recorded.signatures],
                "0x" + recorded.leaf_hash.hex(),
                ["0x" + h.hex() for h in tree.inclusion(i, size)],
            )
        )
    names = _names(ledger, _addresses(embedded))
    from core.cosignatures import cosigned_json  # the checkpoint with its witnesses' cosignatures, if any

    return Record(
        doc_type,
        normal_paper(paper),
        dict(params or {}),
        ledger.identity,
        cosigned_json(ledger, checkpoint),
        embedded,
        names,
        dict(extra or {}),
        layout,
    )


def _appointments(ledger: "Ledger", recorded: "Sequence[RecordedEntry]") -> "list[RecordedEntry]":
    """The AddRegistrar entries that registrars' acts among `recorded` rest on (none when the operator signed)."""
    from core.kinds import get_kind, registrar_to_prove
    from core.proofs import appointment

    found: dict[str, RecordedEntry] = {}
    for e in recorded:
        registrar = registrar_to_prove(ledger.identity, get_kind(e.kind), e.entry)
        if registrar is not None and registrar.lower() not in found:
            made = appointment(ledger, registrar, e.index)
            if made is not None:
                found[registrar.lower()] = made
    return list(found.values())


def normal_paper(paper: str) -> str:
    for known in PAPERS:
        if str(paper).strip().lower() == known.lower():
            return known
    raise DeedbookError(f"'{paper}' is not a paper size (use a4 or letter).")


def _addresses(entries: Iterable[EmbeddedEntry]) -> set[str]:
    found: set[str] = set()
    for e in entries:
        found.update(s["signer"].lower() for s in e.signatures)
        for key in ("owner", "from", "to", "holder"):
            value = e.message.get(key)
            if isinstance(value, str):
                found.add(value.lower())
        for signer in e.message.get("signers", []) if isinstance(e.message.get("signers"), list) else []:
            found.add(str(signer).lower())
    return found


def _names(ledger: "Ledger", addresses: set[str]) -> dict[str, str]:
    """Names from the issuer's address book for the addresses the document shows (unsigned)."""
    try:
        from sqlalchemy.exc import SQLAlchemyError

        from core.contacts import AddressBook

        known = AddressBook(ledger.engine).names_by_address()
    except SQLAlchemyError:  # an old database without an address book: names are a nicety
        return {}
    return {a: known[a] for a in sorted(addresses) if a in known}


# -- reading and checking an embedded record ------------------------------------------

MAX_DEPTH = 24  # a record nests 7 deep; very deep JSON can exhaust the C stack of the decoder


def _whole(value: Any) -> int:
    """A JSON integer as written (not true, 1.0 or "1", which int() would take: the record has one spelling)."""
    if type(value) is not int:
        raise TypeError
    return value


def parse_record(raw: bytes) -> Record:
    """The record from an attachment's bytes; `RecordInvalid` when it is damaged or malformed,
    DeedbookError when it is a newer format this version does not know.  Whether its document
    type, layout and parameters are ones this version draws is the documents layer's to say."""
    try:
        text = raw.decode("utf-8")
        if json_nests_deeper_than(text, MAX_DEPTH):
            raise RecordInvalid("The embedded record is not a Deedbook record: it nests far deeper than one does.")
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RecordInvalid("The embedded record is damaged: it is not valid JSON.") from None
    if not isinstance(data, dict) or not str(data.get("format", "")).startswith("deedbook-document/"):
        raise RecordInvalid("The embedded record is not a Deedbook document record.")
    if data["format"] != FORMAT:
        raise DeedbookError(
            f"This document was made by another version of Deedbook (record format "
            f"{data['format']}); this version reads {FORMAT}."
        )
    try:
        document = data["document"]
        doc_type, layout = str(document["type"]), _whole(document["layout"])
        paper, params = normal_paper(str(document["paper"])), dict(document["params"])
        identity = LedgerIdentity.from_json(data["ledger"])
        checkpoint = data["checkpoint"]
        if not isinstance(checkpoint, dict) or not isinstance(checkpoint.get("message"), dict):
            raise TypeError
        entries = []
        for e in data["entries"]:
            if (
                not isinstance(e["message"], dict)
                or not isinstance(e["signatures"], list)
                or not isinstance(e["auditPath"], list)
            ):
                raise TypeError
            entries.append(
                EmbeddedEntry(
                    _whole(e["index"]),
                    str(e["kind"]),
                    _whole(e["recordedAt"]),
                    e["message"],
                    list(e["signatures"]),
                    str(e["leafHash"]),
                    [str(h) for h in e["auditPath"]],
                )
            )
        names = {str(k).lower(): str(v) for k, v in dict(data.get("names", {})).items()}
        extra = dict(data.get("extra", {}))
    except (KeyError, TypeError, ValueError, AttributeError, DeedbookError):
        raise RecordInvalid("The embedded record is incomplete or malformed.") from None
    indexes = [e.index for e in entries]
    if not entries or indexes != sorted(set(indexes)):
        raise RecordInvalid("The embedded record's entries are missing, repeated or out of order.")
    return Record(doc_type, paper, params, identity, checkpoint, entries, names, extra, layout)


def check_record(record: Record) -> "list[ProofReport]":
    """Check every entry's signatures and inclusion proof, and the checkpoint's operator signature.

    Raises VerificationFailed naming the first entry that does not check.
    """
    from core.proofs import verify_proof

    reports = []
    for entry in record.entries:
        try:
            reports.append(verify_proof(record.proof(entry), holder="record"))
        except VerificationFailed:
            raise
        except DeedbookError as bad:
            raise RecordInvalid(
                f"Entry {entry.index} in the embedded record is malformed: {bad}", entry.index
            ) from None
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError, RecursionError):
            raise RecordInvalid(f"Entry {entry.index} in the embedded record is malformed.", entry.index) from None
    return reports
