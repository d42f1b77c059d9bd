"""The notary's own journal: append-only, hash-linked, every row signed by the notary's key.

It lives in the notary's data folder (`notary/journal.jsonl`, one JSON row a
line), on the notary's machine, and belongs to the notary: the agency's ledger
gets only the attestation.  A row is

    {"seq": n, "prev": hash of row n-1 (zeros for the first), "at": unix seconds,
     "notary": address, "type": "act" | "refusal" | "correction" | "void",
     "ref": the row a refusal/correction/void is about (or null), "profile": "california",
     "act": the attestation as signed (ledger, entry, act, date, digest, signature) or null,
     "fields": the profile's journal fields in clear, "sealed": identity numbers sealed to the notary's key,
     "reason": text, "hash": keccak of the rest, "signature": the notary's over the hash}

Nothing is ever edited: a correction or a voided act is a new row naming the
earlier one.  `verify_journal` checks every row's hash, its link to the row
before, its number, and its signature by the journal's notary, and names the
first row that fails (so an edited, deleted, reordered or foreign row is found).
An append holds the journal's lock (`journal_lock`) from reading the rows to renaming
the rewritten file into place, so a second writer waits instead of losing a row.
Identity numbers are sealed (core.sealing) to the notary's key: reading them
needs the key unlocked.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from core.dates import day_here, format_day_here, format_local
from core.entries import canonical_json
from core.errors import DeedbookError, Interrupted
from core.file_locks import lock, lock_unless, open_lock, try_lock
from core.hashing import keccak
from core.jurisdictions import JournalFields, Profile, fields_json
from core.keys import UnlockedKey
from core.lock_holder import Holder, clear_holder, read_holder, write_holder
from core.outfiles import write_output
from core.requests import SigningRequest
from core.sealing import open_sealed, seal
from core.signing import checksum_address, parse_signature, recover_address
from core.userfiles import read_user_file

FILE_NAME = "journal.jsonl"
ROW_TYPES = ("act", "refusal", "correction", "void")
_LABEL = b"deedbook/notary-journal/1\x00"  # a row's signature can never be taken for an EIP-712 one
ZERO = "0x" + "00" * 32
MAX_JOURNAL_BYTES = 256 * 2**20


class JournalError(DeedbookError):
    """A journal that cannot be read or written."""


def journal_path(folder: str | os.PathLike[str]) -> Path:
    return Path(folder) / "notary" / FILE_NAME


# what the desk's progress row and the command line say while another process appends (one sentence, both)
JOURNAL_BUSY = "Another program is writing in the notary's journal; waiting for it to finish\u2026"


@contextmanager
def journal_lock(
    path: Path, waiting: Callable[[str], None] | None = None, cancelled: Callable[[], bool] | None = None
) -> Iterator[None]:
    """Hold the journal for one append at a time on this machine (the desk, the command line, a second desk on the
    same folder): each reads the rows and writes them back plus one, so two at once would lose a row.  The lock
    file sits beside the journal; the operating system releases it if the process dies.  It says which process
    holds it (core.lock_holder): while another holds it, `waiting` hears once whom it waits for (JOURNAL_BUSY
    when the words say nothing true); the wait ends, with nothing added, when `cancelled()` says so
    (`Cancelled`) or on Ctrl+C (`Interrupted`)."""
    nothing = "nothing was added to it."
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise JournalError(
            f"Cannot write the notary's journal in {path.parent} ({error.strerror or error}); {nothing}"
        ) from None
    lock_file = path.with_name(f".{path.name}.lock")
    fd = open_lock(lock_file, f"the notary's journal in {path.parent}", nothing)
    stopped = f"Stopped waiting for the notary's journal; {nothing}"
    held = False
    try:
        if not try_lock(fd):
            try:  # a Ctrl+C from the moment the wait is said is the wait's
                if waiting is not None:
                    waiting(_waiting_sentence(read_holder(lock_file)))
                if cancelled is None:
                    lock(fd)
                else:
                    lock_unless(fd, cancelled, stopped)
            except KeyboardInterrupt:
                raise Interrupted(stopped) from None
        held = True
        write_holder(fd, Holder.me())
        yield
    finally:
        if held:  # (a wait stopped: the words are the holder's)
            clear_holder(fd)
        os.close(fd)  # closing releases the lock on both systems


def _waiting_sentence(holder: Holder | None) -> str:
    """Whom a writer waits for, when the lock file says so and that is another program (another window of
    this one, in a thread of its own, is not one: then the plain sentence)."""
    if holder is None or (holder.pid == os.getpid() and holder.host == platform.node()):
        return JOURNAL_BUSY
    return f"Another program is writing in the notary's journal ({holder.words()}); waiting for it to finish\u2026"


def row_hash(body: dict[str, Any]) -> bytes:
    return keccak(_LABEL + canonical_json(body).encode("utf-8"))


@dataclass(frozen=True)
class JournalRow:
    data: dict[str, Any]  # everything, as stored

    @property
    def seq(self) -> int:
        return int(self.data["seq"])

    @property
    def type(self) -> str:
        return str(self.data["type"])

    @property
    def at(self) -> int:
        return int(self.data["at"])

    def day(self, zone: tzinfo | None = None) -> str:
        """The day the notary means by this row: an act's date as signed (a date on the notary's calendar), else
        the day the row was written on this machine's calendar (or `zone`'s), which the journal's period selects
        by. A refusal at 10:00 in Auckland on the 8th is the 8th here (the 7th in UTC, as the PDF says)."""
        act = self.data.get("act") or {}
        return str(act.get("actDate") or day_here(self.at, zone=zone))

    def shown_day(self, zone: tzinfo | None = None) -> str:
        """`day` as a person reads it in a listing: a written day names its offset ('2026-12-08 (UTC+13)'); an
        act's signed date stays as signed, with the day the row was written beside it where that differs."""
        act = self.data.get("act") or {}
        written = day_here(self.at, zone=zone)
        if not act.get("actDate"):
            return format_day_here(self.at, zone=zone)
        signed = str(act["actDate"])
        return signed if signed == written else f"{signed}, written {format_day_here(self.at, zone=zone)}"

    @property
    def body(self) -> dict[str, Any]:
        return {k: v for k, v in self.data.items() if k not in ("hash", "signature")}

    def as_json(self) -> dict[str, Any]:
        return dict(self.data)


@dataclass(frozen=True)
class JournalCheck:
    ok: bool
    rows: int
    first_bad: int | None
    reason: str
    notary: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "first_bad": self.first_bad,
            "reason": self.reason,
            "notary": self.notary,
        }


def read_rows(path: Path) -> list[JournalRow]:
    """The rows as stored (no checking beyond each line being a JSON object)."""
    if not path.exists():
        return []
    raw = read_user_file(path, "the notary's journal", max_bytes=MAX_JOURNAL_BYTES, error=JournalError)
    rows = []
    for number, line in enumerate(raw.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):
            raise JournalError(f"Line {number} of the notary's journal is not a readable row.") from None
        if not isinstance(data, dict):
            raise JournalError(f"Line {number} of the notary's journal is not a row.")
        rows.append(JournalRow(data))
    return rows


def _problem(row: JournalRow, position: int, prev: str, notary: str | None) -> str | None:
    d = row.data
    if type(d.get("seq")) is not int or d["seq"] != position:
        return f"it is numbered {d.get('seq')!r} where row {position} belongs (a row was deleted, added or moved)"
    if d.get("type") not in ROW_TYPES:
        return "its type is not one a journal row has"
    if d.get("prev") != prev:
        return "it does not follow the row before it (a row before it was changed, deleted or moved)"
    ref = d.get("ref")
    if ref is not None and (type(ref) is not int or not 0 <= ref < position):
        return "it refers to a row that is not before it"
    if d.get("type") != "act" and ref is None and d.get("type") != "refusal":
        return "a correction or a void must name the row it is about"
    if d.get("hash") != "0x" + row_hash(row.body).hex():
        return "its content does not match its hash (it was edited)"
    if notary is not None and str(d.get("notary", "")).lower() != notary.lower():
        return f"it names {str(d.get('notary'))[:42]} as notary, not this journal's notary {notary}"
    try:
        signer = checksum_address(recover_address(bytes.fromhex(str(d["hash"])[2:]), parse_signature(d["signature"])))
    except (DeedbookError, KeyError, ValueError, TypeError):
        return "its signature is missing or malformed"
    if signer.lower() != str(d.get("notary", "")).lower():
        return f"it is signed by {signer}, not by the notary it names"
    if notary is not None and signer.lower() != notary.lower():
        return f"it is signed by {signer}, not by this journal's notary {notary}"
    return None


def verify_rows(rows: list[JournalRow], notary: str | None = None) -> JournalCheck:
    """Every row checked in order; `notary` (else the first row's) is who must have signed them all."""
    prev = ZERO
    for position, row in enumerate(rows):
        problem = _problem(row, position, prev, notary)
        if problem is not None:
            return JournalCheck(False, len(rows), position, f"Journal row {position}: {problem}.", notary)
        prev, notary = str(row.data["hash"]), notary or str(row.data["notary"])
    return JournalCheck(True, len(rows), None, f"The journal's {len(rows):,} row(s) are intact.", notary)


class NotaryJournal:
    """The journal in a data folder; appends are whole rows, written atomically, one process at a time."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.path = journal_path(folder)

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def rows(self) -> list[JournalRow]:
        return read_rows(self.path)

    def verify(self, notary: str | None = None) -> JournalCheck:
        return verify_rows(self.rows(), notary)

    def append(
        self,
        key: UnlockedKey,
        *,
        row_type: str,
        profile: Profile,
        act: dict[str, Any] | None = None,
        fields: JournalFields | None = None,
        ref: int | None = None,
        reason: str = "",
        now: int | None = None,
        waiting: Callable[[str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> JournalRow:
        """Seal the identity numbers, sign and append one row; refused if the journal is not intact.

        The rows are read and written back plus one under the journal's lock (`waiting` is told when another
        process holds it, `cancelled` may end that wait), so a concurrent writer waits rather than losing a row."""
        if row_type not in ROW_TYPES:
            raise JournalError(f"'{row_type}' is not a journal row type.")
        with journal_lock(self.path, waiting, cancelled):
            return self._append(key, row_type, profile, act, fields, ref, reason, now)

    def _append(
        self,
        key: UnlockedKey,
        row_type: str,
        profile: Profile,
        act: dict[str, Any] | None,
        fields: JournalFields | None,
        ref: int | None,
        reason: str,
        now: int | None,
    ) -> JournalRow:
        """`append`'s read-modify-write, with the lock held; the write is atomic (a temporary file renamed into
        place), so a crash leaves the old journal or the new one, never a torn file."""
        raw = self._raw()
        lines = [line for line in raw.decode("utf-8", "replace").splitlines() if line.strip()]
        ends = _ends(lines)  # the first and last rows: enough to chain a new row onto
        notary = str(ends[0].data.get("notary")) if ends else None
        if ends:
            last = ends[-1]
            problem = _problem(last, len(lines) - 1, str(last.data.get("prev")), notary)
            if problem is not None:
                raise JournalError(
                    f"The notary's journal is damaged (journal row {len(lines) - 1}: {problem}); "
                    "nothing was added to it."
                )
        if notary is not None and notary.lower() != key.address.lower():
            raise JournalError(f"This journal is kept by {notary}; the key '{key.name}' cannot write in it.")
        if ref is not None and not 0 <= ref < len(lines):
            raise JournalError(f"There is no journal row {ref} to refer to.")
        seq = len(lines)
        clear, sealed = _kept_fields(profile, fields, key, seq) if fields is not None else ({}, {})
        body = {
            "seq": seq,
            "prev": ends[-1].data["hash"] if ends else ZERO,
            "at": int(datetime.now(UTC).timestamp()) if now is None else now,
            "notary": key.address,
            "type": row_type,
            "ref": ref,
            "profile": profile.name,
            "act": act,
            "fields": clear,
            "sealed": sealed,
            "reason": " ".join(reason.split()),
        }
        digest = row_hash(body)
        row = JournalRow({**body, "hash": "0x" + digest.hex(), "signature": "0x" + key.sign(digest).hex()})
        # the rows before are written back byte for byte (never re-serialised), the new one after them
        text = "".join(line + "\n" for line in lines) + json.dumps(row.data, ensure_ascii=False, sort_keys=True) + "\n"
        write_output(self.path, text, force=True, make_folder=True)
        return row

    def _raw(self) -> bytes:
        if not self.path.exists():
            return b""
        return read_user_file(self.path, "the notary's journal", max_bytes=MAX_JOURNAL_BYTES, error=JournalError)

    def reveal(self, key: UnlockedKey, row: JournalRow) -> dict[str, str]:
        """The identity numbers sealed in `row`, opened with the notary's key."""
        return {
            name: open_sealed(key, value, _context(row.seq, name))
            for name, value in (row.data.get("sealed") or {}).items()
        }


def _ends(lines: list[str]) -> list[JournalRow]:
    """The first and the last row (one row: itself), parsed; the rows between are not read."""
    picked = [lines[0], lines[-1]] if len(lines) > 1 else lines
    rows = []
    for line in picked:
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):
            data = None
        if not isinstance(data, dict):
            raise JournalError("The notary's journal has a row that cannot be read; nothing was added to it.")
        rows.append(JournalRow(data))
    return rows


def _context(seq: int, name: str) -> str:
    return f"deedbook notary journal row {seq} {name}"


def _kept_fields(
    profile: Profile, fields: JournalFields, key: UnlockedKey, seq: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what the row keeps in clear, the sealed numbers): numbers sealed, or only their tail kept, per profile."""
    clear = fields_json(fields)
    clear["fee"] = profile.fee_text(fields.fee)
    sealed: dict[str, Any] = {}
    for number, (person, out) in enumerate(zip(fields.signers, clear["signers"], strict=True), 1):
        if person.id is None or "id" not in out:
            continue
        ident = dict(out["id"])
        secret = ident.pop("number", "")
        if secret:
            kept = profile.kept_number(secret)
            if kept is not None:
                ident["numberKept"] = kept
            else:
                name = f"signer{number}.id.number"
                sealed[name] = seal(key.public_key, secret, _context(seq, name))
                ident["numberSealed"] = name
        out["id"] = ident
    return clear, sealed


def act_of(response: SigningRequest) -> dict[str, Any]:
    """What a journal row keeps of a signed attestation: the act as signed, its ledger, digest and signature."""
    m = response.message
    return {
        "ledgerId": response.ledger_id,
        "ledgerName": response.ledger_name,
        "entryIndex": m["entryIndex"],
        "entryHash": m["entryHash"],
        "entryKind": m["entryKind"],
        "deedId": m["deedId"],
        "act": m["act"],
        "actDate": m["actDate"],
        "place": m["place"],
        "signers": list(m["signers"]),
        "idEvidence": m["idEvidence"],
        "idNumberHash": m["idNumberHash"],
        "digest": "0x" + response.digest.hex(),
        "signature": "0x" + response.signature.hex() if response.signature is not None else None,
    }


def in_period(
    rows: list[JournalRow], date_from: str | None, date_to: str | None, zone: tzinfo | None = None
) -> list[JournalRow]:
    """The rows whose `day` (on this machine's calendar, or `zone`'s) is within [date_from, date_to], inclusive."""
    days = [(r, r.day(zone)) for r in rows]
    return [r for r, day in days if (not date_from or day >= date_from) and (not date_to or day <= date_to)]


CSV_COLUMNS = (
    "row",
    "date",
    "written",
    "type",
    "ref",
    "profile",
    "act",
    "entry_index",
    "entry_kind",
    "deed_id",
    "ledger",
    "document",
    "signers",
    "id_evidence",
    "fee",
    "thumbprint",
    "reason",
    "hash",
)


def csv_rows(rows: list[JournalRow], zone: tzinfo | None = None) -> list[dict[str, Any]]:
    """One flat dict a row for a spreadsheet: names and evidence types, never a number (sealed or kept tail).
    'date' is the row's `day` (the one its period was chosen by), 'written' when it was signed with its offset."""
    out = []
    for row in rows:
        d = row.data
        act, fields = d.get("act") or {}, d.get("fields") or {}
        signers = fields.get("signers", [])
        out.append(
            {
                "row": row.seq,
                "date": row.day(zone),
                "written": format_local(row.at, zone=zone),
                "type": row.type,
                "ref": d.get("ref"),
                "profile": d.get("profile"),
                "act": act.get("act"),
                "entry_index": act.get("entryIndex"),
                "entry_kind": act.get("entryKind"),
                "deed_id": act.get("deedId"),
                "ledger": act.get("ledgerName"),
                "document": fields.get("document"),
                "signers": "; ".join(str(s.get("name")) for s in signers),
                "id_evidence": "; ".join(str((s.get("id") or {}).get("type", "")) for s in signers),
                "fee": fields.get("fee"),
                "thumbprint": fields.get("thumbprint"),
                "reason": d.get("reason"),
                "hash": d.get("hash"),
            }
        )
    return out
