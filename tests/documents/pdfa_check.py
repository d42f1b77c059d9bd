"""pikepdf's PDF/A validator, shielded from warnings that are not the document's.

The validator records every warning raised while it parses a content stream (`simplefilter("always")`) and
counts it as a violation of the document. A connection another test left open, found by the garbage collector
in the middle of that parse, warns (ResourceWarning: "... use 'with' or '.close()' to close the connection
properly") and failed a CI run's check of a transfer deed. So what is garbage is collected first and the
collector waits until the validator is done: every warning it records is then the document's own."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any


def validate_pdfa(path: Path, flavour: str = "3b") -> Any:
    from pikepdf import pdfa

    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pdfa.validate_written(path, flavour)
    finally:
        if enabled:
            gc.enable()
