"""The checkpoint witness: the latest signed tree head, kept outside the database.

Someone who rolls the database back or truncates it cannot roll back this file
as well without it being noticed: verification checks that the ledger still
contains the witnessed tree (same size or longer, same root at that size).
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from core.entries import canonical_json
from core.identity import LedgerIdentity
from core.paths import DataDir

FORMAT = "deedbook-witness/1"


def witness_path(home: DataDir, identity: LedgerIdentity) -> Path:
    return home.witness / f"{identity.ledger_id_hex}.json"


def write_witness(home: DataDir, identity: LedgerIdentity, checkpoint: dict[str, Any]) -> Path:
    path = witness_path(home, identity)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(canonical_json({"format": FORMAT, "ledger": identity.as_json(), "checkpoint": checkpoint}))
    os.replace(tmp, path)
    return path


def read_witness(home: DataDir, identity: LedgerIdentity) -> dict[str, Any] | None:
    path = witness_path(home, identity)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        checkpoint = data["checkpoint"]
        if data.get("format") != FORMAT or not isinstance(checkpoint, dict):
            raise ValueError
        return checkpoint
    except (OSError, ValueError, KeyError, TypeError):
        return {"unreadable": str(path)}
