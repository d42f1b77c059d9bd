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
        (1, "entry", None, "1 entry"),
        (7, "entry", None, "7 entries"),
        (2, "key", None, "2 keys"),
        (2, "witness", None, "2 witnesses"),
        (2, "box", None, "2 boxes"),
        (2, "branch", None, "2 branches"),
        (2, "person", "people", "2 people"),
    ],
)
def test_counted(count: int, noun: str, plural: str | None, said: str) -> None:
    assert counted(count, noun, plural) == said


def test_counted_writes_the_count_as_it_is_told() -> None:
    """The GUI passes how its desktop writes a count; the noun's number follows the count, not its text."""
    german = lambda n: f"{n:,}".replace(",", ".")  # noqa: E731
    assert counted(2_400, "deed", number=german) == "2.400 deeds"
    assert counted(1, "entry", number=lambda n: "\u0661") == "\u0661 entry"
    assert counted(2_400, "deed") == "2,400 deeds"  # the command line's
