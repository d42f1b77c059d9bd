"""Draft an ERC-7730 clear-signing descriptor for a type parties sign by request.

    python scripts/make_clear_signing.py HoldApproval > resources/clear-signing/HoldApproval.json

This only drafts.  The EIP-712 types it binds are derived from core.kinds, exactly as
tests/core/test_clear_signing.py's `expected_types` derives them, so they are never copied by
hand.  The display block is a placeholder: every field gets a "TODO" label, addresses
`addressName` and everything else `raw`.  The intent, the labels, the formats (a Unix-second
time is a `date`, an amount says its minor units) and the `required` list are human work: a
maintainer reads the kind's module and writes what the signer agrees to, in plain words.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.eip712 import domain_types  # noqa: E402
from core.identity import LedgerIdentity  # noqa: E402
from core.kinds import kinds, schema  # noqa: E402

SPEC = "https://github.com/LedgerHQ/clear-signing-erc7730-registry/blob/master/specs/erc7730-v1.schema.json"
NOTE = (
    "Amounts are whole minor units of the named ISO 4217 currency (cents for USD); the domain name is "
    "'Deedbook: ' + the ledger's name and its salt the ledger id."
)
ADDRESS_PARAMS = {"type": "eoa", "sources": ["local", "ens"]}


def bound_types(signed: str) -> dict[str, Any]:
    """The EIP-712 types a request for `signed` carries (as core.kinds.typed_data makes them)."""
    full = schema()
    needed = [signed, *sorted(full._dependencies(signed, set()) - {signed})]
    domain = LedgerIdentity(b"\x01" * 32, "Any County", "", 1).domain()
    return {"EIP712Domain": domain_types(domain), **{name: full.types[name] for name in needed}}


def placeholder_fields(types: dict[str, Any], struct: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for field in types[struct]:
        if field["type"] in types:
            fields[field["name"]] = {"fields": placeholder_fields(types, field["type"])}
        elif field["type"].startswith("address"):
            fields[field["name"]] = {"label": "TODO", "format": "addressName", "params": ADDRESS_PARAMS}
        else:
            fields[field["name"]] = {"label": "TODO", "format": "raw"}
    return fields


def draft(signed: str) -> dict[str, Any]:
    types = bound_types(signed)
    return {
        "$schema": SPEC,
        "context": {
            "$id": f"Deedbook {signed}",
            "eip712": {"domain": {"version": "1"}, "schemas": [{"types": types, "primaryType": signed}]},
        },
        "metadata": {"owner": "Deedbook", "constants": {"note": NOTE}},
        "display": {
            "formats": {
                signed: {
                    "intent": "TODO: what the signer agrees to",
                    "fields": placeholder_fields(types, signed),
                    "required": [],
                }
            }
        },
    }


def main(argv: list[str]) -> int:
    requestable = sorted(signed for kind in kinds().values() for signed in kind.parties)
    if len(argv) != 1 or argv[0] not in requestable:
        print(f"usage: make_clear_signing.py SIGNED_TYPE, one of: {', '.join(requestable)}", file=sys.stderr)
        return 2
    print(json.dumps(draft(argv[0]), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
