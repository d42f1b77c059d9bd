"""Showing text that came from a file or a ledger: safe to print, and honest about look-alikes.

Stored text (a parcel, an address, a notary's place) was typed by someone else.
`clean` escapes what could change how the rest of a screen or terminal reads:
control characters (ANSI escapes, carriage returns, C1 controls), format
characters (bidi overrides, zero-width spaces) and line/paragraph separators.
`mixed_scripts` says when a name mixes alphabets whose letters look alike
(Latin "a" and Cyrillic "а"), so a listing can flag it.
"""  # noqa: RUF002 - the look-alike is the example

from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable, Mapping

_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Scripts written together as a matter of course (Japanese mixes Han and kana, Korean Han and
# Hangul): folded into one so only a real mixture is flagged.
_EAST_ASIAN = {
    "CJK": "Han",
    "HIRAGANA": "Han",
    "KATAKANA": "Han",
    "HANGUL": "Han",
    "BOPOMOFO": "Han",
    "IDEOGRAPHIC": "Han",
}
_WIDTH_PREFIXES = ("FULLWIDTH", "HALFWIDTH", "MATHEMATICAL", "SMALL", "CAPITAL")


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def is_hidden(ch: str) -> bool:
    """A character that moves the cursor, changes direction or shows nothing."""
    return unicodedata.category(ch) in _HIDDEN


def clean(value: Any, limit: int | None = None) -> str:
    """`value` as text safe to show: hidden characters escaped (\\u202e), cut at `limit` characters."""
    text = str(value)
    shown = "".join(_escape(ch) if is_hidden(ch) else ch for ch in text)
    return shown if limit is None or len(shown) <= limit else shown[:limit] + "\u2026"


# The code points `is_hidden` escapes above ASCII (Unicode 14 categories Cc, Cf, Zl, Zp), plus DEL,
# as one class: json.dumps escapes only C0 controls, and a class is fast on long output.
_JSON_HIDDEN = re.compile(
    "[\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def terminal_safe_json(text: str) -> str:
    """JSON text (from json.dumps with ensure_ascii=False) with C1 controls and format characters
    written as \\u escapes: the same JSON value, but nothing in it can steer a terminal."""
    return _JSON_HIDDEN.sub(_json_escape, text)


def short_address(address: str, head: int = 6, tail: int = 4) -> str:
    """'0x1234\u2026abcd': an address shortened where a name would go, when no name is known.
    `head` counts the '0x'.  Shorter text is left whole."""
    return f"{address[:head]}\u2026{address[-tail:]}" if len(address) > head + tail + 2 else address


Namer = Callable[[str], str]  # an address -> how a sentence names its party


def party_namer(names: Mapping[str, str]) -> Namer:
    """Names parties as the desktop does: by the name this data folder knows an address by (a key's or a
    contact's, from `names`: address -> name), else by its short address.  A name is stored text: escaped."""
    known = {address.lower(): clean(name, 80) for address, name in names.items() if name}
    return lambda address: known.get(address.lower()) or short_address(address)


def _script(ch: str) -> str | None:
    """The script of a letter, from its Unicode name ("CYRILLIC SMALL LETTER A" -> "Cyrillic").

    Modifier letters (Lm: the kana length mark, a modifier apostrophe) belong to no one script."""
    if unicodedata.category(ch) not in {"Lu", "Ll", "Lt", "Lo"}:
        return None
    words = unicodedata.name(ch, "").split()
    while words and words[0] in _WIDTH_PREFIXES:
        words = words[1:]
    if not words:
        return None
    first = words[0].split("-")[0]
    return _EAST_ASIAN.get(first, first.title())


def scripts_of(text: str) -> list[str]:
    """The scripts of the letters in `text`, in order of first appearance ("Latin", "Cyrillic", ...)."""
    seen: list[str] = []
    for ch in unicodedata.normalize("NFKC", text):
        script = _script(ch)
        if script is not None and script not in seen:
            seen.append(script)
    return seen


def mixed_scripts(text: str) -> list[str]:
    """The scripts `text` mixes, or [] when its letters are of one script.

    Latin with Han/kana/Hangul is not flagged (East Asian addresses carry Latin
    names and numbers as a matter of course); Latin with Cyrillic or Greek is.
    """
    found = scripts_of(text)
    if set(found) <= {"Latin", "Han"}:
        return []
    return found if len(found) > 1 else []


def script_note(what: str, text: str) -> str | None:
    """A warning when `text` mixes scripts, e.g. "The address mixes Latin and Cyrillic letters ..."."""
    mixed = mixed_scripts(text)
    if not mixed:
        return None
    names = ", ".join(mixed[:-1]) + f" and {mixed[-1]}"
    return f"The {what} mixes {names} letters: look-alike letters can make two different names read the same; check it."
