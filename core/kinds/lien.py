"""Lien and LienRelease: a lienholder (a bank, a tax authority) encumbers a deed, and later releases it.

Both are signed by the lienholder alone and both bump the deed's version, so a
transfer prepared before a lien appeared is stale and must be prepared again
(its buyer then sees the lien).  While a lien is open no share of the deed moves
unless the lienholder co-signs the transfer (see core.kinds.transfer).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import EntryKind, Party, register, require_roles, same_address, signature_of
from core.kinds.transfer import ZERO_ADDRESS, deed_at_version
from core.money import Notation, format_amount, is_currency
from core.presentation import Address, Description, Money, Role, Signer, Term, Text
from core.signing import checksum_address
from core.state import ApplyContext, LedgerState, Lien


def _lienholder(entry: Entry, expected_type: str) -> str:
    require_roles(entry, "lienholder")
    record = signature_of(entry, "lienholder")
    if record.signed_type != expected_type:
        raise RuleViolation(f"The lienholder must sign {expected_type}, not {record.signed_type}.")
    if not same_address(record.signer, entry.message["holder"]):
        raise RuleViolation(
            f"The {entry.kind} names {entry.message['holder']} as lienholder but is signed by {record.signer}."
        )
    return record.signer


def _apply_lien(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int:
    m = entry.message
    _lienholder(entry, "Lien")
    deed = deed_at_version(state, m, "lien")
    if same_address(m["holder"], ZERO_ADDRESS):
        raise RuleViolation("A lien cannot be held by the zero address.")
    if m["lienId"] != state.next_lien_id:
        raise RuleViolation(
            f"The next lien number is {state.next_lien_id}, not {m['lienId']} (a replayed or stale lien)."
        )
    if m["amount"] < 1:
        raise RuleViolation("A lien secures an amount of at least one minor unit.")
    if not is_currency(m["currency"]):
        raise RuleViolation(f"'{m['currency']}' is not an ISO 4217 currency code.")
    if not m["lienKind"].strip() or m["lienKind"] != m["lienKind"].strip():
        raise RuleViolation("A lien needs a kind (e.g. mortgage, tax), without spaces around it.")
    deed.add_lien(
        Lien(
            m["lienId"],
            checksum_address(bytes.fromhex(m["holder"][2:])),
            m["amount"],
            m["currency"],
            m["lienKind"],
            ctx.index,
        )
    )
    state.next_lien_id += 1
    deed.version += 1
    state.touch(deed, ctx.index)
    return deed.deed_id


def _apply_release(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int:
    m = entry.message
    signer = _lienholder(entry, "LienRelease")
    deed = deed_at_version(state, m, "lien release")
    lien = deed.liens.get(m["lienId"])
    if lien is None:
        raise RuleViolation(f"Deed {deed.deed_id} has no lien {m['lienId']}.")
    if not lien.is_open:
        raise RuleViolation(
            f"Lien {lien.lien_id} on deed {deed.deed_id} was released already (entry {lien.released_index})."
        )
    if not same_address(lien.holder, signer):
        raise RuleViolation(f"Only the lienholder {lien.holder} can release lien {lien.lien_id}.")
    lien.released_index = ctx.index
    deed.version += 1
    state.touch(deed, ctx.index)
    return deed.deed_id


def _describe_lien(m: Mapping[str, Any], notation: Notation | None = None) -> str:
    return (
        f"Lien {m['lienId']} on deed {m['deedId']} (parcel {m['parcel']}): {m['lienKind']}, "
        f"{format_amount(m['amount'], m['currency'], **(notation or {}))}, held by {m['holder']}"
    )


def _describe_release(m: Mapping[str, Any]) -> str:
    return f"Lien {m['lienId']} on deed {m['deedId']} (parcel {m['parcel']}) released by {m['holder']}"


def _deed_line(m: Mapping[str, Any]) -> Term:
    return Term("Deed", (f"{m['deedId']}, parcel ", Text(m["parcel"])))


def _present_lien(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    amount = Money(m["amount"], m["currency"])
    return Description(
        title=(f"Lien on deed {m['deedId']} (parcel ", Text(m["parcel"], 60), ")"),
        terms=(
            _deed_line(m),
            Term("Lien number", (str(m["lienId"]),)),
            Term("Lienholder", (Address(m["holder"]),)),
            Term("Amount", (amount,)),
            Term("Kind", (Text(m["lienKind"]),)),
            Term("Deed version", (str(m["deedVersion"]),)),
        ),
        event=(f"Lien {m['lienId']} recorded",),
        parties=(Role("Lienholder", (m["holder"],)),),
        brief=((Text(m["lienKind"]),), (amount,)),
        headline=(f"Lien {m['lienId']}: ", Text(m["lienKind"])),
        detail=(amount, " held by ", Address(m["holder"])),
        icon="lien",
        tone="bad",
    )


def _present_release(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    return Description(
        title=(f"Release of lien {m['lienId']} on deed {m['deedId']} (parcel ", Text(m["parcel"], 60), ")"),
        terms=(
            _deed_line(m),
            Term("Lien number", (str(m["lienId"]),)),
            Term("Lienholder", (Address(m["holder"]),)),
            Term("Deed version", (str(m["deedVersion"]),)),
        ),
        event=(f"Lien {m['lienId']} released",),
        parties=(Role("Lienholder", (m["holder"],)),),
        brief=(("released by the lienholder",),),
        headline=(f"Lien {m['lienId']} released",),
        detail=("by ", Address(m["holder"])),
        icon="release",
        tone="good",
    )


LIEN = register(
    EntryKind(
        name="Lien",
        as_of=True,
        fields=(
            ("deedId", "uint256"),
            ("parcel", "string"),
            ("lienId", "uint256"),
            ("holder", "address"),
            ("amount", "uint256"),
            ("currency", "string"),
            ("lienKind", "string"),
            ("deedVersion", "uint256"),
        ),
        apply=_apply_lien,
        describe=_describe_lien,
        describe_in=_describe_lien,
        present=_present_lien,
        parties={"Lien": Party("lienholder", "You sign as lienholder.", "holder")},
    )
)

LIEN_RELEASE = register(
    EntryKind(
        name="LienRelease",
        as_of=True,
        fields=(
            ("deedId", "uint256"),
            ("parcel", "string"),
            ("lienId", "uint256"),
            ("holder", "address"),
            ("deedVersion", "uint256"),
        ),
        apply=_apply_release,
        describe=_describe_release,
        present=_present_release,
        parties={"LienRelease": Party("lienholder", "You sign as lienholder.", "holder")},
    )
)
