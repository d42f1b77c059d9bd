"""What a data folder remembers of its last full verify: the latest checkpoint it verified.

Kept outside the database, like the witness (`<data dir>/verified/<ledger id>.json`), written by
`verify` when it passes (core.verify) and read by `verify --since-checkpoint` (core.verify_since).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.errors import DeedbookError
from core.identity import LedgerIdentity
from core.paths import DataDir
from core.userfiles import read_user_file

if TYPE_CHECKING:
    from core.ledger import Ledger

FORMAT = "deedbook-verified/1"
_HASH = re.compile(r"0x[0-9a-f]{64}")


@dataclass(frozen=True)
class Verified:
    """The latest checkpoint a full verify of this data folder passed."""

    index: int  # the checkpoint entry
    size: int  # the entries it covers
    root: bytes
    leaf: bytes  # the checkpoint entry's own leaf hash
    chain: bytes  # the hash chain after entry size - 1 (the ledger id when size is 0)
    entries: int  # entries the full verify checked
    at: int  # when (seconds since the epoch)


def verified_path(home: DataDir, identity: LedgerIdentity) -> Any:
    return home.root / "verified" / f"{identity.ledger_id_hex}.json"


def read_verified(home: DataDir, identity: LedgerIdentity) -> Verified | None:
    """What this folder remembers; None when nothing (or nothing usable: a full verify is then run)."""
    path = verified_path(home, identity)
    if not path.is_file():
        return None
    try:
        data = json.loads(read_user_file(path, "a verification record", max_bytes=64 * 1024).decode("utf-8"))
        ledger_id = data.get("ledgerId")
        if (
            data.get("format") != FORMAT
            or not isinstance(ledger_id, str)
            or ledger_id.lower() != identity.ledger_id_hex
        ):
            return None
        c = data["checkpoint"]
        # Read as remember() writes it, not through int(): a record whose numbers read true, 2.0 or "2"
        # has been altered, and one that is not trusted only costs a full verify.
        index, size, entries, at = c["index"], c["size"], data["entries"], data["at"]
        root, leaf, chain = c["root"], c["leaf"], c["chain"]
        if not all(type(n) is int and 0 <= n < 2**63 for n in (index, size, entries, at)):
            return None
        if not all(isinstance(h, str) and _HASH.fullmatch(h) for h in (root, leaf, chain)):
            return None
        found = Verified(
            index, size, bytes.fromhex(root[2:]), bytes.fromhex(leaf[2:]), bytes.fromhex(chain[2:]), entries, at
        )
    except (DeedbookError, ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, RecursionError):
        return None
    if not 0 < found.size <= found.index or len(found.root) != 32 or len(found.leaf) != 32 or len(found.chain) != 32:
        return None
    return found


def remember(ledger: Ledger, index: int, size: int, root: bytes, leaf: bytes, entries: int) -> None:
    """After a full verify that passed: remember its latest checkpoint (quietly nothing on a read-only folder)."""
    home = ledger.home
    if home.read_only or not home.root.is_dir():
        return
    chain = ledger.entry(size - 1).chain_hash if size > 0 else ledger.identity.ledger_id
    record = {
        "format": FORMAT,
        "ledgerId": ledger.identity.ledger_id_hex,
        "entries": entries,
        "at": int(time.time()),
        "checkpoint": {
            "index": index,
            "size": size,
            "root": "0x" + root.hex(),
            "leaf": "0x" + leaf.hex(),
            "chain": "0x" + chain.hex(),
        },
    }
    path = verified_path(home, ledger.identity)
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
        os.replace(name, path)
    except OSError:
        pass  # a folder that cannot be written: the next --since-checkpoint verifies in full
