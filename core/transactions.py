"""Transfers: prepare the signing requests, sign them (anywhere), submit the responses.

These are the functions both `deedbook transfer …`/`deedbook sign` and the GUI's
transfer wizard and offline signer call:

    prepared = prepare_transfer(ledger, deed, to, price, out_dir=folder)   # agent
    response = sign_request(load_request(path), key)                       # each party, offline
    index = submit(ledger, [load_response(p) for p in paths])              # agent

Nothing is written to the ledger until `submit`, which checks every signature
and rule and appends the transfer atomically, or raises one `DeedbookError`.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Sequence

from core.compliance.judge import TransferRefused, Verdict
from core.compliance.rules import note_verdict, verdict_for
from core.dates import deadline_at, parse_date, today_here
from core.display import clean
from core.entries import Entry
from core.errors import Cancelled, DeedbookError, Remedy, RuleViolation
from core.identity import LedgerIdentity
from core.kinds import get_kind
from core.kinds.transfer import TRANSFER_ID, check_transfer_message, holding_of
from core.ledger import Ledger
from core.money import check_currency, parse_amount
from core.outfiles import check_output, output_folder
from core.requests import (
    SigningRequest,
    entry_from_responses,
    load_response,
    make_request,
    parse_request,
    sign_request,
    write_json,
)
from core.signing import checksum_address, parse_address
from core.state import DeedState

DEFAULT_DEADLINE_DAYS = 7
Response = SigningRequest | dict[str, Any] | str | os.PathLike[str]

__all__ = [
    "PreparedTransfer",
    "prepare_transfer",
    "transfer_message",
    "transfer_requests",
    "write_requests",
    "sign_request",
    "submit",
    "submit_batch",
    "build_entry",
    "find_transfer",
]


@dataclass(frozen=True)
class PreparedTransfer:
    message: dict[str, Any]  # the Transfer every party signs
    requests: list[SigningRequest]  # seller, buyer, then one per lienholder
    paths: list[Path]  # the request files written (same order), empty if none were written
    verdict: Verdict | None = None  # the ledger's rules on it when it was prepared (core.compliance)

    @property
    def transfer_id(self) -> str:
        return str(self.message["transferId"])

    def as_json(self) -> dict[str, Any]:
        return {
            "deed_id": self.message["deedId"],
            "transfer_id": self.transfer_id,
            "from": self.message["from"],
            "to": self.message["to"],
            "shares": self.message["shares"],
            "price": self.message["price"],
            "currency": self.message["currency"],
            "closing_date": self.message["closingDate"],
            "deadline": self.message["deadline"],
            "deed_version": self.message["deedVersion"],
            "requests": [
                {"role": r.role, "signer": r.signer, "path": str(self.paths[i]) if i < len(self.paths) else None}
                for i, r in enumerate(self.requests)
            ],
            "rules_version": self.verdict.rules_version if self.verdict else None,
        }


def _closing(closing_date: date | str | None, now: int) -> str:
    if closing_date is None:
        return today_here(now).isoformat()  # the day the sale closes here, not the UTC day
    if isinstance(closing_date, date):
        return closing_date.isoformat()
    return parse_date(closing_date, "closing date").isoformat()


def _seller_of(deed: DeedState, seller: str | None) -> str:
    if seller is not None:
        key, _ = holding_of(deed, checksum_address(parse_address(seller)))
        if key is None:
            raise DeedbookError(f"{seller} holds no shares of deed {deed.deed_id}.")
        return checksum_address(bytes.fromhex(key[2:]))
    if len(deed.holders) != 1:
        raise DeedbookError(
            f"Deed {deed.deed_id} has {len(deed.holders)} holders: say which one sells.", remedy=Remedy.NAME_SELLER
        )
    return checksum_address(bytes.fromhex(next(iter(deed.holders))[2:]))


def transfer_message(
    ledger: Ledger,
    deed: str | int | DeedState,
    to: str,
    price: int | str,
    currency: str = "USD",
    *,
    shares: int | None = None,
    deadline: int | str | None = None,
    closing_date: date | str | None = None,
    seller: str | None = None,
    transfer_id: str | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    """The Transfer message, checked against the deed as it is now (the same rules `submit` applies).

    `price` is integer minor units, or decimal text ("250000.50"); `shares`
    defaults to all the seller's shares; `deadline` is Unix seconds or ISO text
    (default: a week from now); `closing_date` defaults to today (UTC).
    """
    current = int(time.time()) if now is None else now
    state = deed if isinstance(deed, DeedState) else ledger.deed(deed)
    currency = check_currency(currency)
    minor = parse_amount(price, currency, "price") if isinstance(price, str) else price
    if isinstance(minor, bool) or not isinstance(minor, int) or minor < 0:
        raise DeedbookError("A price is a whole number of minor units (cents), zero or more.")
    frm = _seller_of(state, seller)
    buyer = checksum_address(parse_address(to))
    held = holding_of(state, frm)[1]
    count = held if shares is None else shares
    if isinstance(count, bool) or not isinstance(count, int):
        raise DeedbookError("The number of shares must be a whole number.")
    deadline_s = deadline_at(deadline, current, DEFAULT_DEADLINE_DAYS)
    message: dict[str, Any] = {
        "deedId": state.deed_id,
        "parcel": state.parcel,
        "from": frm,
        "to": buyer,
        "shares": count,
        "totalShares": state.total_shares,
        "price": minor,
        "currency": currency,
        "closingDate": _closing(closing_date, current),
        "deedVersion": state.version,
        "deadline": deadline_s,
        "transferId": transfer_id or "0x" + os.urandom(32).hex(),
    }
    try:
        check_transfer_message(state, message, current)
    except RuleViolation as broken:
        raise DeedbookError(str(broken)) from None
    return message


def transfer_requests(
    ledger: Ledger, message: dict[str, Any], *, now: int | None = None, deed: DeedState | None = None
) -> list[SigningRequest]:
    """One request per required signer: the seller, the buyer, and each holder of an open lien."""
    identity = ledger.identity
    deed = deed if deed is not None else ledger.deed(message["deedId"])
    requests = [
        make_request(identity, "Transfer", message, "Transfer", message["from"], now=now),
        make_request(identity, "Transfer", message, "Acceptance", message["to"], now=now),
    ]
    lienholders = sorted({lien.holder for lien in deed.open_liens()}, key=str.lower)
    requests += [make_request(identity, "Transfer", message, "LienPayoff", holder, now=now) for holder in lienholders]
    return requests


def request_file_name(request: SigningRequest) -> str:
    m = request.message
    stem = f"transfer-deed{m['deedId']}-v{m['deedVersion']}-{m['transferId'][2:10]}-{request.role}"
    party = get_kind(request.kind).party(request.signed_type)
    if party is not None and not party.required:  # several may sign in this role: name each file apart
        stem += f"-{request.signer[2:10].lower()}"
    return stem + ".json"


def write_requests(requests: Sequence[SigningRequest], out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write each request to `out_dir` (created if needed); all files or none."""
    folder = Path(out_dir)
    output_folder(folder)  # a file, a FIFO or a dangling link there is a sentence before anything is written
    targets = [folder / request_file_name(r) for r in requests]
    for target in targets:
        if target.exists() or target.is_symlink():
            raise DeedbookError(f"{target} exists already; choose another folder.")
        check_output(target, make_folder=True)  # the folder is made if needed; a read-only one is a sentence
    written: list[Path] = []
    try:
        for request, target in zip(requests, targets, strict=True):
            written.append(write_json(target, request.as_json()))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def prepare_transfer(
    ledger: Ledger,
    deed: str | int | DeedState,
    to: str,
    price: int | str,
    currency: str = "USD",
    shares: int | None = None,
    deadline: int | str | None = None,
    closing_date: date | str | None = None,
    *,
    out_dir: str | os.PathLike[str] | None = None,
    seller: str | None = None,
    transfer_id: str | None = None,
    now: int | None = None,
) -> PreparedTransfer:
    """Prepare a transfer of `deed` (or of `shares` of it) to `to` and, with `out_dir`, write its request files.

    `deed` is a deed or parcel number (or a `DeedState` just read from this ledger).

    Refuses (DeedbookError) anything `submit` would refuse for its content: an
    unknown deed, a seller who does not hold the shares, a passed deadline, a
    bad currency, price or date, a hold, or the ledger's rules in force
    (TransferRefused, with its code).  Open liens add a request per lienholder;
    each request carries the agent's note "allowed under rules vN".
    """
    state = deed if isinstance(deed, DeedState) else ledger.deed(deed)
    message = transfer_message(
        ledger,
        state,
        to,
        price,
        currency,
        shares=shares,
        deadline=deadline,
        closing_date=closing_date,
        seller=seller,
        transfer_id=transfer_id,
        now=now,
    )
    verdict = verdict_for(ledger, message, int(time.time()) if now is None else now)  # holds and rules, as submit
    if not verdict.allowed:
        raise TransferRefused(verdict)
    requests = note_verdict(transfer_requests(ledger, message, now=now, deed=state), verdict)
    paths = write_requests(requests, out_dir) if out_dir is not None else []
    return PreparedTransfer(message, requests, paths, verdict)


def find_transfer(ledger: Ledger, deed_id: int, transfer_id: str) -> int | None:
    """The index of the recorded transfer of this deed with this id, if any."""
    return ledger.used_once(TRANSFER_ID.key("Transfer", {"deedId": deed_id, "transferId": transfer_id.lower()}))


def _recorded_already(ledger: Ledger, entry: Entry) -> int | None:
    """The entry that used one of `entry`'s one-time values (the same transaction, submitted before)."""
    for _, key in get_kind(entry.kind).once_keys(entry.message):
        if (found := ledger.used_once(key)) is not None:
            return found
    return None


def _as_response(item: Response) -> SigningRequest:
    if isinstance(item, SigningRequest):
        if item.signature is None:
            raise DeedbookError("A request without a signature cannot be submitted; have it signed first.")
        return item
    if isinstance(item, dict):
        return parse_request(item, require_signature=True, what="A response")
    return load_response(item)


def _ledger_label(identity: LedgerIdentity) -> str:
    return f"\u201c{identity.name}\u201d ({identity.ledger_id_hex[:10]}\u2026)"


def _other_ledger(response: SigningRequest, identity: LedgerIdentity) -> str:
    """Why a response's domain is not this ledger's, naming only what differs."""
    same_id = response.ledger_id.lower() == identity.ledger_id_hex
    if same_id and response.ledger_name == identity.name and response.domain["chainId"] != identity.chain_id:
        return (
            f"A response was signed for chain id {response.domain['chainId']}, but this ledger "
            f"{_ledger_label(identity)} uses chain id {identity.chain_id}; it cannot be used here."
        )
    return (
        f"A response was signed for the ledger \u201c{clean(response.ledger_name, 80)}\u201d "
        f"({response.ledger_id[:10]}\u2026), not for this ledger {_ledger_label(identity)}; it cannot be used here."
    )


def build_entry(ledger: Ledger, responses: Sequence[Response]) -> Entry:
    """Parse, check and combine the responses of one transaction into its entry (nothing is written)."""
    parsed = [_as_response(r) for r in responses]
    if not parsed:
        raise DeedbookError("Give the signed responses to submit.")
    for response in parsed:
        if not response.for_ledger(ledger.identity):
            raise DeedbookError(_other_ledger(response, ledger.identity))
    entry = entry_from_responses(parsed)
    kind = get_kind(entry.kind)
    recorded = _recorded_already(ledger, entry)
    if recorded is not None:
        raise DeedbookError(
            f"This {kind.noun} is already recorded (entry {recorded}); a response cannot be used twice."
        )
    roles = {s.role for s in entry.signatures}
    for party in kind.parties.values():
        if party.required and party.role not in roles:
            signer = f" (from {entry.message[party.signer_field]})" if party.signer_field else ""
            raise DeedbookError(f"The {kind.noun} still needs the {party.role}'s {party.act}{signer}.")
    return entry


def submit(ledger: Ledger, responses: Sequence[Response], *, recorded_at: int | None = None) -> int:
    """Record one transaction from its signed responses; returns the new entry's index.

    Every signature is checked against its signer, the ledger's domain, and the
    rules of its kind (current holder, version, deadline, liens, replay); any
    problem raises a `DeedbookError` sentence and the ledger is unchanged.
    Works for any kind with a signing request (transfers, liens, releases,
    attestations signed in a wallet).
    """
    entry = build_entry(ledger, responses)
    return ledger.append([entry], recorded_at=recorded_at)[0]


def submit_batch(
    ledger: Ledger,
    transactions: Sequence[Sequence[Response]],
    *,
    recorded_at: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> list[int]:
    """Record several transactions (each a list of its responses) in one atomic append; their indexes.

    Each is checked as by `submit`; if any is refused, none is recorded.  The
    rules apply in order within the batch, so a second transaction of the same
    deed must have been prepared for the version the first one leads to (the
    demo records rounds of distinct deeds).  `progress(done, total)` and
    `should_cancel()` serve long imports.
    """
    entries: list[Entry] = []
    for number, group in enumerate(transactions, 1):
        if should_cancel is not None and should_cancel():
            raise Cancelled("The import was cancelled; nothing was recorded.")
        try:
            entries.append(build_entry(ledger, group))
        except DeedbookError as refused:
            raise type(refused)(f"Transaction {number} of {len(transactions)}: {refused}") from None
        if progress is not None:
            progress(number, len(transactions))
    return ledger.append(entries, recorded_at=recorded_at)
