"""Numbers of things in words: "1 deed", "2,400 deeds", "1 entry", "3 witnesses"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` with thousands separators and the noun in the number it takes (English: singular for exactly 1;
    `plural` where adding an "s" is wrong)."""
    return f"{count:,} {noun if count == 1 else (plural or noun + 's')}"
