"""Numbers of things in words: "1 deed", "2,400 deeds", "1 entry", "3 witnesses"."""

from __future__ import annotations

from collections.abc import Callable


def counted(count: int, noun: str, plural: str | None = None, *, number: Callable[[int], str] | None = None) -> str:
    """`count` with thousands separators and the noun in the number it takes: singular for exactly 1, else
    `plural`, by default English's regular plural of the noun (entry → entries, witness → witnesses).
    `number` writes the count (the GUI's fmt.count: '2.400 deeds' on de_DE); by default '2,400'."""
    written = number(count) if number is not None else f"{count:,}"
    return f"{written} {noun if count == 1 else (plural or plural_of(noun))}"


def plural_of(noun: str) -> str:
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return noun[:-1] + "ies"
    return noun + "s"
