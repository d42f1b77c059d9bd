"""The issuing office's PAdES seal on a document (pyHanko): made, and checked by verify-pdf."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.documents.evidence import Record


@dataclass
class SealCheck:
    """What verify-pdf learns from a sealed file."""

    who: dict[str, Any]
    problem: str | None = None
    resaved: bool = False
    changes_after: list[str] = field(default_factory=list)
    file_names: tuple[str, ...] = ()


def check_sealed(raw: bytes, genuine: bytes, record: Record) -> SealCheck | None:
    """None when the file carries no seal."""
    return None
