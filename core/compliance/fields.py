"""The shapes the compliance entries' fields must have, checked by their rules (at append and in verify)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from core.compliance.schema import CLAIM_TYPE, JURISDICTION
from core.errors import RuleViolation
from core.signing import checksum_address

ZERO_ADDRESS = "0x" + "00" * 20
_ID = re.compile(r"0x[0-9a-f]{64}")
_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/-]{0,63}")
MAX_SECONDS = 2**63 - 1  # what a database integer column and every clock can hold


def checksummed(address: str) -> str:
    return checksum_address(bytes.fromhex(address[2:]))


def is_zero(address: str) -> bool:
    return int(address, 16) == 0


def check_id(value: str, what: str) -> None:
    """A 32-byte random id in lower-case hex (a hold's, a recovery's)."""
    if _ID.fullmatch(value) is None or int(value, 16) == 0:
        raise RuleViolation(f"A {what} is 32 random bytes, written in lower-case hex.")


def check_note(value: str, what: str, limit: int, *, required: bool = True) -> None:
    """Text someone typed (a reason, a court order's reference): trimmed, one line, at most `limit` characters."""
    if required and not value:
        raise RuleViolation(f"{what[:1].upper()}{what[1:]} is needed.")
    if value != value.strip() or len(value) > limit or any(not ch.isprintable() for ch in value):
        raise RuleViolation(
            f"{what[:1].upper()}{what[1:]} is one line of at most {limit} characters, without spaces around it."
        )


def check_claim_type(value: str) -> None:
    if CLAIM_TYPE.fullmatch(value) is None:
        raise RuleViolation(
            "A claim type is 1 to 32 lower-case letters, digits and hyphens, starting with a letter "
            "(identity, jurisdiction, accredited, entity-type)."
        )


def check_claim_value(claim_type: str, value: str) -> None:
    if claim_type == "jurisdiction":
        if JURISDICTION.fullmatch(value) is None:
            raise RuleViolation(
                "A jurisdiction claim's value is a country code (US) or a subdivision (US-NY), in capitals."
            )
    elif value and _VALUE.fullmatch(value) is None:
        raise RuleViolation(
            "A claim's value is a short category (at most 64 letters, digits, spaces and . _ / -), "
            "never personal data: the evidence stays with the issuer."
        )


def claim_problem(m: Mapping[str, Any]) -> str | None:
    """What a claim request must make sense of before a signer sees it (the end of a sentence), or None."""
    try:
        check_claim_type(m["claimType"])
        check_claim_value(m["claimType"], m["value"])
    except RuleViolation as bad:
        return f"is not a claim Deedbook can record: {str(bad)[:1].lower()}{str(bad)[1:]}"
    return None
