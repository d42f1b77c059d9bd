"""Transfer: a holder sells shares of a deed; the buyer accepts the same transfer.

The seller signs the `Transfer` itself; the buyer signs `Acceptance {transfer}`
and each holder of an open lien on the deed signs `LienPayoff {transfer}`, so
every party's signature covers exactly the same content (deed, parties, shares,
price, dates, version, deadline, id) and nothing else.

Rules (at append and again at verification):
- the seller is `from`, a current holder of at least `shares`; the buyer is `to`;
- `deedVersion` is the deed's current version (each entry on a deed bumps it),
  and the entry is recorded no later than `deadline`;
- `transferId` was never used by an earlier transfer of the deed;
- every open lien on the deed is either released before, or its holder co-signs
  this transfer with `LienPayoff`, which releases the lien at this entry;
- no hold or open recovery freezes it, and the ledger's rules in force when it is
  recorded allow it (core.compliance.judge: claims, jurisdictions, lock-up, limits).
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from core.compliance.judge import enforce_transfer_rules, note_acquired
from core.dates import is_iso_date, iso_date_to_epoch
from core.entries import Entry, SignatureRecord
from core.errors import RuleViolation
from core.kinds import EntryKind, OneTime, Party, register, same_address
from core.money import Notation, format_amount, is_currency, number_text
from core.presentation import Address, Count, Date, Deadline, Description, Hex, Money, Role, Shares, Signer, Term, Text
from core.signing import checksum_address
from core.state import ApplyContext, DeedState, LedgerState

ZERO_ADDRESS = "0x" + "00" * 20
ZERO_ID = "0x" + "00" * 32
# Every signature on a transfer is a party's own act, signed by request; the order is the order kept.
PARTIES = {
    "Transfer": Party(
        "seller", "You authorise this transfer as the seller (current holder).", "from", label="Seller (grantor)"
    ),
    "Acceptance": Party(
        "buyer", "You accept this transfer as the buyer.", "to", label="Buyer (grantee)", act="acceptance"
    ),
    "LienPayoff": Party(
        "lienholder",
        "You sign as lienholder.",
        required=False,
        title_note=" \u2014 lienholder's consent: your open liens on this deed are released when it is recorded",
    ),
}
# The id is used once per deed: a signature covers the deed, so a transfer can only be replayed on
# its own deed.  core.kinds.apply_entry checks it (one lookup in the once_values table).
TRANSFER_ID = OneTime(
    "transferId", "deedId", "The transfer id {short} was used before on deed {scope}: this transfer is a replay."
)


def deed_at_version(state: LedgerState, m: Mapping[str, Any], what: str) -> DeedState:
    """The deed a message names, checked for parcel and version (the replay guard every deed entry shares)."""
    deed = state.deed(m["deedId"])
    if m["parcel"] != deed.parcel:
        raise RuleViolation(f"The {what} names parcel {m['parcel']}, but deed {deed.deed_id} is parcel {deed.parcel}.")
    if m["deedVersion"] != deed.version:
        raise RuleViolation(
            f"The {what} was made for version {m['deedVersion']} of deed {deed.deed_id}, which is now at version "
            f"{deed.version}: it is stale (the deed changed since) or a replay; prepare it again."
        )
    return deed


def holding_of(deed: DeedState, address: str) -> tuple[str | None, int]:
    """The holders-dict key for `address` (any case) and its shares."""
    for holder, shares in deed.holders.items():
        if same_address(holder, address):
            return holder, shares
    return None, 0


def check_transfer_message(deed: DeedState, m: Mapping[str, Any], recorded_at: int) -> None:
    """Every rule a transfer's content must meet (signatures aside); `prepare` runs it too."""
    if same_address(m["from"], ZERO_ADDRESS) or same_address(m["to"], ZERO_ADDRESS):
        raise RuleViolation("A transfer cannot come from or go to the zero address.")
    if same_address(m["from"], m["to"]):
        raise RuleViolation("A transfer's buyer must differ from its seller.")
    if m["totalShares"] != deed.total_shares:
        raise RuleViolation(
            f"The transfer says deed {deed.deed_id} has {m['totalShares']} shares; it has {deed.total_shares}."
        )
    if m["shares"] < 1:
        raise RuleViolation("A transfer moves at least one share.")
    _, held = holding_of(deed, m["from"])
    if held == 0:
        raise RuleViolation(f"{m['from']} holds no shares of deed {deed.deed_id}, so it cannot sell any.")
    if m["shares"] > held:
        raise RuleViolation(
            f"{m['from']} holds {held} shares of deed {deed.deed_id}, fewer than the {m['shares']} this transfer moves."
        )
    if not is_currency(m["currency"]):
        raise RuleViolation(f"'{m['currency']}' is not an ISO 4217 currency code.")
    if not is_iso_date(m["closingDate"]):
        raise RuleViolation(f"The closing date '{m['closingDate']}' is not a date written YYYY-MM-DD.")
    if m["deadline"] < recorded_at:
        raise RuleViolation("The transfer's deadline has passed; the parties must sign a new request.")
    if not re.fullmatch(r"0x[0-9a-f]{64}", m["transferId"]) or m["transferId"] == ZERO_ID:
        raise RuleViolation("A transfer id is 32 random bytes, written in lower-case hex.")


def _signatures_by_role(entry: Entry) -> dict[str, list[SignatureRecord]]:
    found: dict[str, list[SignatureRecord]] = {}
    roles = TRANSFER.roles  # role -> the signed type, from PARTIES
    for record in entry.signatures:
        expected = roles.get(record.role)
        if expected is None:
            raise RuleViolation(
                f"A transfer is signed by its seller, its buyer and lienholders, not by a {record.role}."
            )
        if record.signed_type != expected:
            raise RuleViolation(f"The {record.role} must sign {expected}, not {record.signed_type}.")
        found.setdefault(record.role, []).append(record)
    for role in (party.role for party in PARTIES.values() if party.required):
        if len(found.get(role, [])) != 1:
            raise RuleViolation(f"A transfer needs exactly one {role} signature.")
    return found


def _apply(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int:
    m = entry.message
    signatures = _signatures_by_role(entry)
    deed = deed_at_version(state, m, "transfer")
    check_transfer_message(deed, m, ctx.recorded_at)
    if not same_address(signatures["seller"][0].signer, m["from"]):
        raise RuleViolation(
            f"Only the holder {m['from']} can sell its shares; the seller signature is by "
            f"{signatures['seller'][0].signer}."
        )
    if not same_address(signatures["buyer"][0].signer, m["to"]):
        raise RuleViolation(
            f"The acceptance must be signed by the buyer {m['to']}, not by {signatures['buyer'][0].signer}."
        )
    payoff = [s.signer.lower() for s in signatures.get("lienholder", [])]
    if len(set(payoff)) != len(payoff):
        raise RuleViolation("A lienholder signed this transfer twice.")
    open_liens = deed.open_liens()
    for lien in open_liens:
        if lien.holder.lower() not in payoff:
            raise RuleViolation(
                f"Deed {deed.deed_id} is under lien {lien.lien_id} held by {lien.holder}: the lienholder must "
                "co-sign the transfer (a LienPayoff) or release the lien first."
            )
    holders_of_open = {lien.holder.lower() for lien in open_liens}
    for signer in payoff:
        if signer not in holders_of_open:
            raise RuleViolation(
                f"{checksum_address(bytes.fromhex(signer[2:]))} holds no open lien on deed "
                f"{deed.deed_id}, so it has no payoff to sign."
            )
    enforce_transfer_rules(state, deed, m, ctx.recorded_at)  # holds and the rules in force now (core.compliance)

    seller_key, held = holding_of(deed, m["from"])
    assert seller_key is not None
    if held == m["shares"]:
        del deed.holders[seller_key]
    else:
        deed.holders[seller_key] = held - m["shares"]
    buyer_key, bought = holding_of(deed, m["to"])
    deed.holders[buyer_key or checksum_address(bytes.fromhex(m["to"][2:]))] = bought + m["shares"]
    note_acquired(state, deed.deed_id, m["to"], ctx.recorded_at, "purchase")  # a lock-up counts from here
    for lien in open_liens:
        lien.released_index = ctx.index
    deed.last_price, deed.last_currency = m["price"], m["currency"]
    deed.last_sale_at = iso_date_to_epoch(m["closingDate"])
    deed.version += 1
    state.touch(deed, ctx.index)
    return deed.deed_id


def describe_transfer(m: Mapping[str, Any], notation: Notation | None = None) -> str:
    shown = notation or {}
    whole = m["shares"] == m["totalShares"]
    what = (
        "the whole deed"
        if whole
        else f"{number_text(m['shares'], **shown)} of {number_text(m['totalShares'], **shown)} shares"
    )
    return (
        f"Deed {m['deedId']} (parcel {m['parcel']}): {what} from {m['from']} to {m['to']} for "
        f"{format_amount(m['price'], m['currency'], **shown)}, closing {m['closingDate']}"
    )


def _request_problem(m: Mapping[str, Any]) -> str | None:
    if not 1 <= m["shares"] <= m["totalShares"]:
        return (
            f"moves {m['shares']:,} of {m['totalShares']:,} shares; a transfer moves at least one share and no "
            "more than the deed has."
        )
    return None


def present_transfer(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    whole = m["shares"] == m["totalShares"]
    price = Money(m["price"], m["currency"])
    payoffs = tuple(address for role, address in signers if role == "lienholder")
    return Description(
        title=(
            f"Transfer of {'deed' if whole else 'shares of deed'} {m['deedId']} (parcel ",
            Text(m["parcel"], 60),
            ")",
        ),
        terms=(
            Term("Deed", (f"{m['deedId']}, parcel ", Text(m["parcel"]))),
            Term("From (seller)", (Address(m["from"]),)),
            Term("To (buyer)", (Address(m["to"]),)),
            Term("Shares", (Shares(m["shares"], m["totalShares"]),)),
            Term("Price", (price,)),
            Term("Closing date", (Date(m["closingDate"]),)),
            Term("Deadline", (Deadline(m["deadline"]),)),
            Term("Deed version", (str(m["deedVersion"]),)),
            Term("Transfer id", (Hex(m["transferId"]),)),
        ),
        event=("Transfer of the whole deed" if whole else "Transfer",),
        parties=(
            Role("From", (m["from"],)),
            Role("To", (m["to"],)),
            *((Role("Liens paid off, signed by", payoffs),) if payoffs else ()),
        ),
        brief=((price,), (Shares(m["shares"], m["totalShares"]),), ("closing ", Date(m["closingDate"]))),
        headline=(
            ("Sold to ", Address(m["to"])) if whole else (Count(m["shares"]), " shares sold to ", Address(m["to"]))
        ),
        detail=("from ", Address(m["from"]), " \u2022 ", price, " \u2022 closing ", Date(m["closingDate"])),
        icon="sale",
        tone="gold",
        warnings=("The price is zero: this transfer is a gift.",) if m["price"] == 0 else (),
    )


TRANSFER = register(
    EntryKind(
        name="Transfer",
        as_of=True,
        fields=(
            ("deedId", "uint256"),
            ("parcel", "string"),
            ("from", "address"),
            ("to", "address"),
            ("shares", "uint256"),
            ("totalShares", "uint256"),
            ("price", "uint256"),
            ("currency", "string"),
            ("closingDate", "string"),
            ("deedVersion", "uint256"),
            ("deadline", "uint256"),
            ("transferId", "bytes32"),
        ),
        apply=_apply,
        describe=describe_transfer,
        describe_in=describe_transfer,
        wrappers={"Acceptance": "transfer", "LienPayoff": "transfer"},
        parties=PARTIES,
        present=present_transfer,
        once=(TRANSFER_ID,),
        check_request=_request_problem,
    )
)
