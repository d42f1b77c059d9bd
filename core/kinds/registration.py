"""RegisterDeed: a registrar records a property deed as a token held by an owner."""
from __future__ import annotations

from typing import Any, Mapping

from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import EntryKind, LedgerAct, register, require_roles, signature_of
from core.signing import checksum_address
from core.state import ApplyContext, DeedState, LedgerState

DEFAULT_SHARES = 10_000  # every deed is divisible; a whole-deed transfer moves them all


def check_attributes(text: str) -> str:
    """A JSON object; cheap first-character test, so verification need not parse every one."""
    if not text.startswith("{") or not text.endswith("}"):
        raise RuleViolation("A deed's attributes must be a JSON object.")
    return text


def _apply(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int:
    require_roles(entry, "registrar")
    m = entry.message
    signer = signature_of(entry, "registrar").signer
    if signer.lower() not in state.registrars:
        raise RuleViolation(f"{signer} is not a registrar of this ledger, so it cannot register deeds.")
    if m["nonce"] != 0:
        raise RuleViolation("A new deed starts at version 0; this registration names another.")
    if m["deedId"] != state.next_deed_id:
        raise RuleViolation(f"The next deed number is {state.next_deed_id}, not {m['deedId']} (replayed or stale registration).")
    parcel = m["parcel"].strip()
    if not parcel or parcel != m["parcel"]:
        raise RuleViolation("A parcel number must not be empty or carry spaces around it.")
    if state.parcel_taken(parcel):
        raise RuleViolation(f"Parcel {parcel} is registered already.")
    if not m["propertyAddress"].strip():
        raise RuleViolation("A deed needs a property address.")
    if m["totalShares"] < 1:
        raise RuleViolation("A deed has at least one share.")
    owner = checksum_address(bytes.fromhex(m["owner"][2:]))
    if int(owner, 16) == 0:
        raise RuleViolation("A deed cannot be registered to the zero address.")
    state.add_deed(DeedState(
        deed_id=m["deedId"], parcel=parcel, address=m["propertyAddress"], legal=m["legalDescription"],
        attributes_json=check_attributes(m["attributes"]), total_shares=m["totalShares"], holders={owner: m["totalShares"]},
        version=1, registered_index=ctx.index, updated_index=ctx.index,
    ))
    state.next_deed_id += 1
    return int(m["deedId"])


def _describe(m: Mapping[str, Any]) -> str:
    return f"Deed {m['deedId']}: parcel {m['parcel']}, {m['propertyAddress']}, registered to {m['owner']}"


REGISTER_DEED = register(EntryKind(
    name="RegisterDeed",
    fields=(
        ("deedId", "uint256"),
        ("parcel", "string"),
        ("propertyAddress", "string"),
        ("legalDescription", "string"),
        ("owner", "address"),
        ("totalShares", "uint256"),
        ("attributes", "string"),
        ("nonce", "uint256"),
    ),
    apply=_apply,
    describe=_describe,
    ledger_act=LedgerAct("registrar", "registrar", "deedbook deed register"),
))
