"""The workspace: what the command line and the GUI both call (no Qt here).

    ws = Workspace.open(data_dir, db_url)
    done = ws.register_deed(Signer("registrar", password), parcel=..., address=..., owner=...)
    done.value      # the deed
    done.receipt    # what changed: entries appended, their kinds, deeds, files, keys, model...

It owns the policies the front ends used to write twice: train when the model is
missing or stale, checkpoint then retry, atomic file writes, which local key signs.
"""

from __future__ import annotations

from desktop.workspace.documents import Document
from desktop.workspace.model import ModelState, Valued
from desktop.workspace.receipt import Done, Receipt
from desktop.workspace.signers import Signer, resolve_key
from desktop.workspace.workspace import Workspace

__all__ = ["Document", "Done", "ModelState", "Receipt", "Signer", "Valued", "Workspace", "resolve_key"]
