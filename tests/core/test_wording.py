"""Numbers of things in words: the noun in the number it takes."""

from __future__ import annotations

import pytest

from core.wording import counted


@pytest.mark.parametrize(
    ("count", "noun", "plural", "said"),
    [
        (1, "deed", None, "1 deed"),
        (0, "deed", None, "0 deeds"),
        (2, "deed", None, "2 deeds"),
        (2_400, "deed", None, "2,400 deeds"),
        (1, "witness", "witnesses", "1 witness"),
        (3, "witness", "witnesses", "3 witnesses"),
        (-1, "day", None, "-1 days"),
    ],
)
def test_counted(count: int, noun: str, plural: str | None, said: str) -> None:
    assert counted(count, noun, plural) == said
