"""Every signature by request: lien, release and attestation requests, and one submit for any responses.

The agency prepares a request file for each signature another party gives on
its own machine (a bank's lien or release, a notary's attestation), in the same
`deedbook-signing-request/1` format as a transfer's, so `deedbook sign`, any
EIP-712 wallet and the QR codes carry them all alike.  `submit_responses`
records any set of signed responses — several transactions of any kinds — in
one atomic append, or refuses with one sentence and leaves the ledger as it was.

A lien's number and the deed's version are inside the signed message, so they
are fixed when the request is prepared: once the deed moves (or another lien
takes the number), the response is stale and is refused saying so; prepare it
again.  (`core.liens.add_lien`, signed on the ledger's machine, reads both in
the write lock instead.)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import select
from sqlmodel import col

from core.entries import Entry, canonical_json
from core.errors import DeedbookError
from core.ledger import Ledger
from core.liens import lien_request, release_request
from core.outfiles import check_output, output_folder
from core.requests import SigningRequest, write_json
from core.store import LienRow
from core.transactions import Response, _as_response, build_entry


@dataclass(frozen=True)
class PreparedRequest:
    request: SigningRequest
    path: Path | None

    def as_json(self) -> dict[str, Any]:
        r = self.request
        return {
            "kind": r.kind,
            "role": r.role,
            "signer": r.signer,
            "path": str(self.path) if self.path else None,
            "message": r.message,
            "digest": "0x" + r.digest.hex(),
        }


def request_file_name(request: SigningRequest) -> str:
    """A name that says what is asked and of whom (unique per request in practice)."""
    m = request.message
    who = request.signer[2:10].lower()
    if request.kind == "Lien":
        return f"lien{m['lienId']}-deed{m['deedId']}-v{m['deedVersion']}-{request.role}-{who}.json"
    if request.kind == "LienRelease":
        return f"release-lien{m['lienId']}-deed{m['deedId']}-v{m['deedVersion']}-{request.role}-{who}.json"
    if request.kind == "Attestation":
        return f"attest-entry{m['entryIndex']}-{request.role}-{who}.json"
    return f"{request.kind.lower()}-{request.role}-{who}.json"


def write_request(request: SigningRequest, out_dir: str | os.PathLike[str]) -> Path:
    """Write one request into `out_dir` (made if needed); an existing file is never replaced."""
    folder = Path(out_dir)
    output_folder(folder)  # a file, a FIFO or a dangling link there is a sentence before anything is written
    target = folder / request_file_name(request)
    check_output(target, make_folder=True)
    return write_json(target, request.as_json())


def _written(request: SigningRequest, out_dir: str | os.PathLike[str] | None) -> PreparedRequest:
    return PreparedRequest(request, write_request(request, out_dir) if out_dir is not None else None)


def prepare_lien(
    ledger: Ledger,
    deed: str | int,
    holder: str,
    amount: int | str,
    lien_kind: str,
    currency: str = "USD",
    *,
    out_dir: str | os.PathLike[str] | None = None,
) -> PreparedRequest:
    """The lienholder's request for a new lien on `deed` (its number and the deed's version fixed now)."""
    return _written(lien_request(ledger, deed, holder, amount, lien_kind, currency), out_dir)


def lien_deed(ledger: Ledger, lien_id: int) -> int:
    """The deed a lien number belongs to (lien numbers are the ledger's, not a deed's)."""
    with ledger.reader() as conn:
        found = conn.execute(select(col(LienRow.deed_id)).where(col(LienRow.lien_id) == lien_id)).scalar()
    if found is None:
        raise DeedbookError(f"There is no lien {lien_id} in this ledger.")
    return int(found)


def prepare_release(ledger: Ledger, lien_id: int, *, out_dir: str | os.PathLike[str] | None = None) -> PreparedRequest:
    """The lienholder's request to release open lien `lien_id` (refused if it is released already)."""
    deed_id = lien_deed(ledger, lien_id)
    holder = ledger.deed(deed_id).liens[lien_id].holder
    return _written(release_request(ledger, deed_id, lien_id, holder), out_dir)


# -- submitting any responses ----------------------------------------------------------------------


def _same_transaction(response: SigningRequest) -> tuple[str, str, str]:
    return (response.ledger_id.lower(), response.kind, canonical_json(response.message))


def group_responses(responses: Sequence[SigningRequest]) -> list[list[SigningRequest]]:
    """The responses sorted into their transactions (same ledger, kind and content), in the order first given."""
    groups: dict[tuple[str, str, str], list[SigningRequest]] = {}
    for response in responses:
        groups.setdefault(_same_transaction(response), []).append(response)
    return list(groups.values())


def recorded_already(ledger: Ledger, entry: Entry) -> int | None:
    """An entry of the same kind with the same content by the same signers: this response was submitted before.

    Kinds with one-time values (transfers) are found by them in `build_entry`; this catches the others
    (an attestation changes no deed, so nothing else would stop it being recorded twice)."""
    signer = entry.signatures[0].signer if entry.signatures else None
    content = canonical_json(entry.message)
    for recorded in ledger.entries(kind=entry.kind, signer=signer):
        if canonical_json(recorded.message) == content:
            return recorded.index
    return None


def _check_fresh(ledger: Ledger, entry: Entry, taken: set[int]) -> None:
    """Said plainly before the rules run: a lien number taken since the request was prepared."""
    if entry.kind != "Lien":
        return
    m = entry.message
    wanted = int(m["lienId"])
    with ledger.reader() as conn:
        opened = conn.execute(select(col(LienRow.opened_index)).where(col(LienRow.lien_id) == wanted)).scalar()
    if opened is not None or wanted in taken:
        by = f" by entry {opened}" if opened is not None else " by another response given here"
        raise DeedbookError(
            f"This lien request was prepared as lien number {wanted} on version {m['deedVersion']} "
            f"of deed {m['deedId']}, but that number was taken since{by}: the request is stale; "
            "prepare it again."
        )
    taken.add(wanted)


def check_responses(ledger: Ledger, responses: Sequence[Response]) -> list[Entry]:
    """The entries the responses make, each checked as `submit` would; nothing is written."""
    parsed = [_as_response(r) for r in responses]
    if not parsed:
        raise DeedbookError("Give the signed responses to submit.")
    entries: list[Entry] = []
    taken: set[int] = set()
    seen: dict[str, int] = {}
    groups = group_responses(parsed)
    for number, group in enumerate(groups, 1):
        try:
            entry = build_entry(ledger, group)
            again = recorded_already(ledger, entry)
            if again is not None:
                raise DeedbookError(
                    f"This {entry.kind} is already recorded (entry {again}); a response cannot be used twice."
                )
            _check_fresh(ledger, entry, taken)
        except DeedbookError as refused:
            if len(groups) == 1:
                raise
            raise type(refused)(f"Transaction {number} of {len(groups)}: {refused}") from None
        key = canonical_json(entry.as_json())
        if key in seen:
            continue  # the same response given twice in one call: recorded once
        seen[key] = number
        entries.append(entry)
    return entries


def submit_responses(
    ledger: Ledger, responses: Sequence[Response], *, should_cancel: Callable[[], bool] | None = None
) -> list[int]:
    """Record every transaction the responses make, atomically (all or none); the new entries' indexes.

    The rules apply in the order the transactions were first given, so a release
    can follow the lien it releases only once that lien is recorded (each request
    carries the deed's version it was prepared for)."""
    entries = check_responses(ledger, responses)
    if should_cancel is not None and should_cancel():
        from core.errors import Cancelled

        raise Cancelled("The submission was cancelled; nothing was recorded.")
    return ledger.append(entries)
