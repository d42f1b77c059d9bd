"""Made once, with the code of main before approvals had deadlines (commit 53ac20e), the ledger in this
folder: holds, a release and recovery approvals of the kinds' first versions (no `deadline` field).

    cd /work/main && DEEDBOOK_SCRYPT_N=1024 PYTHONPATH=$PWD python /path/to/make_ledger.py OUT

writes OUT/home (the data folder: its database and keys) and OUT/digests.json: each entry's kind,
message and the digest and leaf hash that code computed.  tests/core/test_kind_versions.py checks
that today's code verifies the ledger and computes the very same digests.  Run again only with a
Deedbook whose Hold, HoldRelease and RecoveryApproval are still of their first version.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from core.kinds import check_signatures
from tests.compliance_helpers import Office
from tests.helpers import make_world


def main(out: Path) -> None:
    o = Office(make_world(out / "home", "Version One County"), out / "requests")
    o.world.register("V1-1", o.key("alice").address)
    o.world.register("V1-2", o.key("bob").address)
    first = o.hold(deed=1)
    o.hold(holder="bob", reason="estate dispute", order="PR-2025-7")
    o.release(first["holdId"])
    o.rules(
        recovery={
            "approvals": [
                {"role": "registrar", "by": "registrars"},
                {"role": "notary", "by": [o.key("notary").address]},
            ],
            "waiting_days": 3,
        }
    )
    rid = o.open_recovery("alice", "dave")
    o.approve(rid, "operator")
    o.approve(rid, "notary")
    ledger = o.ledger
    rows = []
    for recorded in ledger.entries():
        entry = recorded.entry
        rows.append(
            {
                "index": recorded.index,
                "kind": entry.kind,
                "message": entry.message,
                "digest": "0x" + check_signatures(ledger.identity, entry).hex(),
                "leafHash": "0x" + recorded.leaf_hash.hex(),
            }
        )
    ledger.close()
    (out / "digests.json").write_text(json.dumps({"entries": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
