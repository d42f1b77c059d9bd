"""A driver's or a server's message shown in one sentence: printable, on one line, cut after a whole word."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.errors import one_line


def test_a_long_path_does_not_cut_the_reason_after_it_mid_word() -> None:
    path = "/tmp/pytest-of-root/pytest-1394/popen-gw0/test_walkthrough_refusals__pos0/nosock/.s.PGSQL.5432"
    message = f'connection is bad: connection to server on socket "{path}" failed: No such file or directory\n\t' + (
        "Is the server running locally and accepting connections on that socket?"
    )
    assert one_line(message) == " ".join(message.split())  # 253 characters: whole
    cut = one_line(message, 200)
    assert cut.endswith("directory Is the server\u2026") and len(cut) <= 200


def test_unprintable_characters_are_escaped() -> None:
    assert one_line("bad\x00byte\u202eflip") == "bad\\x00byte\\x202eflip"


@given(st.text(max_size=400), st.integers(10, 300))
def test_any_text_is_one_printable_line_within_the_limit(text: str, limit: int) -> None:
    line = one_line(text, limit)
    assert len(line) <= limit and line.isprintable() and "\n" not in line
    whole = one_line(text, 10_000)
    if len(whole) <= limit:
        assert line == whole
    else:  # a prefix of the whole line, ending after a word (or mid-word only when there is no space)
        stem = line.removesuffix("\u2026")
        assert line.endswith("\u2026") and whole.startswith(stem)
        assert whole[len(stem)] == " " or " " not in stem
