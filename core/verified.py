"""What a data folder remembers of its last full verify: the latest checkpoint it verified.

Kept outside the database, like the witness (`<data dir>/verified/<ledger id>.json`), written by
`verify` when it passes (core.verify) and read by `verify --since-checkpoint` (core.verify_since).
"""

from __future__ import annotations

import json
import os
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
        if data.get("format") != FORMAT or str(data.get("ledgerId")).lower() != identity.ledger_id_hex:
            return None
        c = data["checkpoint"]
        found = Verified(
            int(c["index"]),
            int(c["size"]),
            bytes.fromhex(c["root"][2:]),
            bytes.fromhex(c["leaf"][2:]),
            bytes.fromhex(c["chain"][2:]),
            int(data["entries"]),
            int(data["at"]),
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
