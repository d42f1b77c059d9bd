"""The one error the UR codec raises: a sentence about what was scanned or given."""

from __future__ import annotations

from core.errors import DeedbookError


class UrError(DeedbookError):
    """A UR, a QR part, or the CBOR inside it that cannot be used."""
