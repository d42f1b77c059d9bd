"""The workspace: what the command line and the GUI both call (no Qt here).

    ws = Workspace.open(data_dir, db_url)
    done = ws.register_deed(Signer("registrar", password), parcel=..., address=..., owner=...)
    done.value      # the deed
    done.receipt    # what changed: entries appended, their kinds, deeds, files, keys, model...

It owns the policies the front ends used to write twice: train when the model is
missing or stale, checkpoint then retry, atomic file writes, which local key signs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.workspace.documents import Document
    from desktop.workspace.model import ModelState, Valued
    from desktop.workspace.receipt import Done, Receipt
    from desktop.workspace.signers import Signer, resolve_key
    from desktop.workspace.workspace import Workspace

# Loaded on first use (PEP 562): importing one small module of the package, such as the GUI's
# events reading `receipt`, must not load every operation before the window is shown.
_EXPORTS = {
    "Document": "desktop.workspace.documents",
    "ModelState": "desktop.workspace.model",
    "Valued": "desktop.workspace.model",
    "Done": "desktop.workspace.receipt",
    "Receipt": "desktop.workspace.receipt",
    "Signer": "desktop.workspace.signers",
    "resolve_key": "desktop.workspace.signers",
    "Workspace": "desktop.workspace.workspace",
}

__all__ = ["Document", "Done", "ModelState", "Receipt", "Signer", "Valued", "Workspace", "resolve_key"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value
