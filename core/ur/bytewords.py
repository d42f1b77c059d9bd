"""Bytewords (BCR-2020-012): bytes as four-letter words, or their first and last letters.

URs use the *minimal* style: each byte is two letters, and a CRC-32 of the data
(four bytes, big-endian) is appended before encoding, so a mistyped or misread
part is caught before it is used.  Letters are case-insensitive (QR codes carry
them upper case, in the dense alphanumeric mode).
"""

from __future__ import annotations

import zlib

from core.ur.errors import UrError

WORDS = [
    "able",
    "acid",
    "also",
    "apex",
    "aqua",
    "arch",
    "atom",
    "aunt",
    "away",
    "axis",
    "back",
    "bald",
    "barn",
    "belt",
    "beta",
    "bias",
    "blue",
    "body",
    "brag",
    "brew",
    "bulb",
    "buzz",
    "calm",
    "cash",
    "cats",
    "chef",
    "city",
    "claw",
    "code",
    "cola",
    "cook",
    "cost",
    "crux",
    "curl",
    "cusp",
    "cyan",
    "dark",
    "data",
    "days",
    "deli",
    "dice",
    "diet",
    "door",
    "down",
    "draw",
    "drop",
    "drum",
    "dull",
    "duty",
    "each",
    "easy",
    "echo",
    "edge",
    "epic",
    "even",
    "exam",
    "exit",
    "eyes",
    "fact",
    "fair",
    "fern",
    "figs",
    "film",
    "fish",
    "fizz",
    "flap",
    "flew",
    "flux",
    "foxy",
    "free",
    "frog",
    "fuel",
    "fund",
    "gala",
    "game",
    "gear",
    "gems",
    "gift",
    "girl",
    "glow",
    "good",
    "gray",
    "grim",
    "guru",
    "gush",
    "gyro",
    "half",
    "hang",
    "hard",
    "hawk",
    "heat",
    "help",
    "high",
    "hill",
    "holy",
    "hope",
    "horn",
    "huts",
    "iced",
    "idea",
    "idle",
    "inch",
    "inky",
    "into",
    "iris",
    "iron",
    "item",
    "jade",
    "jazz",
    "join",
    "jolt",
    "jowl",
    "judo",
    "jugs",
    "jump",
    "junk",
    "jury",
    "keep",
    "keno",
    "kept",
    "keys",
    "kick",
    "kiln",
    "king",
    "kite",
    "kiwi",
    "knob",
    "lamb",
    "lava",
    "lazy",
    "leaf",
    "legs",
    "liar",
    "limp",
    "lion",
    "list",
    "logo",
    "loud",
    "love",
    "luau",
    "luck",
    "lung",
    "main",
    "many",
    "math",
    "maze",
    "memo",
    "menu",
    "meow",
    "mild",
    "mint",
    "miss",
    "monk",
    "nail",
    "navy",
    "need",
    "news",
    "next",
    "noon",
    "note",
    "numb",
    "obey",
    "oboe",
    "omit",
    "onyx",
    "open",
    "oval",
    "owls",
    "paid",
    "part",
    "peck",
    "play",
    "plus",
    "poem",
    "pool",
    "pose",
    "puff",
    "puma",
    "purr",
    "quad",
    "quiz",
    "race",
    "ramp",
    "real",
    "redo",
    "rich",
    "road",
    "rock",
    "roof",
    "ruby",
    "ruin",
    "runs",
    "rust",
    "safe",
    "saga",
    "scar",
    "sets",
    "silk",
    "skew",
    "slot",
    "soap",
    "solo",
    "song",
    "stub",
    "surf",
    "swan",
    "taco",
    "task",
    "taxi",
    "tent",
    "tied",
    "time",
    "tiny",
    "toil",
    "tomb",
    "toys",
    "trip",
    "tuna",
    "twin",
    "ugly",
    "undo",
    "unit",
    "urge",
    "user",
    "vast",
    "very",
    "veto",
    "vial",
    "vibe",
    "view",
    "visa",
    "void",
    "vows",
    "wall",
    "wand",
    "warm",
    "wasp",
    "wave",
    "waxy",
    "webs",
    "what",
    "when",
    "whiz",
    "wolf",
    "work",
    "yank",
    "yawn",
    "yell",
    "yoga",
    "yurt",
    "zaps",
    "zero",
    "zest",
    "zinc",
    "zone",
    "zoom",
]
assert len(WORDS) == 256 and len(set(WORDS)) == 256

_MINIMAL = tuple(word[0] + word[-1] for word in WORDS)
_BY_MINIMAL = {pair: value for value, pair in enumerate(_MINIMAL)}
_BY_WORD = {word: value for value, word in enumerate(WORDS)}
assert len(_BY_MINIMAL) == 256  # the first and last letters alone name every word


def crc32(data: bytes) -> int:
    """The CRC-32 (ISO-HDLC, as zlib and the UR specification compute it)."""
    return zlib.crc32(data) & 0xFFFFFFFF


def _with_checksum(data: bytes) -> bytes:
    return data + crc32(data).to_bytes(4, "big")


def _checked(body: bytes) -> bytes:
    if len(body) < 4:
        raise UrError("The text is too short to be bytewords (it has no checksum).")
    data, checksum = body[:-4], body[-4:]
    if crc32(data).to_bytes(4, "big") != checksum:
        raise UrError("The bytewords' checksum does not match: the text was misread or changed.")
    return data


def encode_minimal(data: bytes) -> str:
    return "".join(_MINIMAL[b] for b in _with_checksum(data))


def decode_minimal(text: str) -> bytes:
    lower = text.lower()
    if len(lower) % 2:
        raise UrError("Minimal bytewords come in pairs of letters; this text has an odd length.")
    try:
        body = bytes(_BY_MINIMAL[lower[i : i + 2]] for i in range(0, len(lower), 2))
    except KeyError:
        raise UrError("The text holds letters that are not bytewords.") from None
    return _checked(body)


def encode_words(data: bytes, separator: str = " ") -> str:
    """The standard style ("able acid ...") or, with '-', the URI style."""
    return separator.join(WORDS[b] for b in _with_checksum(data))


def decode_words(text: str, separator: str = " ") -> bytes:
    try:
        body = bytes(_BY_WORD[word] for word in text.lower().split(separator))
    except KeyError:
        raise UrError("The text holds words that are not bytewords.") from None
    return _checked(body)
