"""The client side of `deedbook serve`: a replica syncing from a URL, an operator asking a witness to cosign.

Only http(s) URLs a person gave; answers are size-bounded and every request has
a timeout.  Any failure to reach the server, or an answer that is not what the
server should send, is one sentence (DeedbookError).  A URL's user:password
(a proxy in front of `serve` may ask for one) goes as HTTP Basic authorization
in each request and nowhere else: every sentence, label and record names the
address without it (core.shown_urls).
"""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from core.bundles import Bundle, BadBundle, parse_bundle
from core.errors import DeedbookError, one_line
from core.hexes import hex32
from core.notes import Note, NoteSignature
from core.shown_urls import shown_if_plain, shown_url
from core.userfiles import json_nests_deeper_than
from core.witness_requests import Candidate, format_add_checkpoint, parse_candidates

TIMEOUT = 30.0
MAX_ANSWER = 512 * 2**20  # a page of an export of at most 50,000 entries
MAX_LEAVES = 65_536
MAX_DEPTH = 16  # as an export file is read (core.bundles): much deeper JSON can exhaust the decoder's stack
_SIZE = re.compile(r"(?:0|[1-9][0-9]*)\n?")  # ASCII digits: str.isdigit takes "²" and "١٢"


def check_url(url: str) -> str:
    """A server's base URL as a person typed it (http or https, a host; no query), its user:password kept."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment or not _port(text):
        shown = shown_if_plain(text)  # a password is not repeated (nor a text that may hold one)
        named = f"{shown[:100]!r} is" if shown is not None else "The address given is"
        raise DeedbookError(f"{named} not a server's address (http://host:port).")
    return text.rstrip("/")


def _port(url: str) -> bool:
    """The URL's port is a number when it has one (a "host:word" is a user part cut short, or a typo)."""
    try:
        port = urlsplit(url).port
    except ValueError:
        return False
    return port is None or port > 0


def _without_user(url: str) -> tuple[str, dict[str, str]]:
    """A checked URL as it is shown and requested, and the Authorization header its user:password makes."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, {}
    pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
    return shown_url(url), {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}


def _open(request: urllib.request.Request, label: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # http(s) only: check_url
            return answer.status, answer.headers.get("Content-Type", ""), _read(answer, label)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get("Content-Type", ""), _read(error, label)
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise DeedbookError(f"Cannot reach {label} ({shown_url(str(reason))}).") from None


def _read(answer: Any, label: str) -> bytes:
    body = answer.read(MAX_ANSWER + 1)
    if len(body) > MAX_ANSWER:
        raise DeedbookError(f"{label} answered with more than {MAX_ANSWER // 2**20} MB.")
    return bytes(body)


def _get_json(base: str, path: str, query: dict[str, int], auth: dict[str, str]) -> Any:
    status, _type, body = _open(urllib.request.Request(f"{base}{path}?{urlencode(query)}", headers=auth), base)
    if status != 200:
        text = body.decode("utf-8", "replace").strip()
        first = one_line(text.splitlines()[0], 200) if text else f"status {status}"
        raise DeedbookError(f"{base} refused: {first}")
    try:
        text = body.decode("utf-8")
        if json_nests_deeper_than(text, MAX_DEPTH):
            raise ValueError("nested too deep")
        return json.loads(text, parse_constant=_not_json)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise DeedbookError(f"{base} did not answer with JSON.") from None


def _not_json(word: str) -> Any:
    raise ValueError(f"{word} is not JSON")  # Python's json takes NaN and Infinity; serve never writes them


def witness_size(status: int, text: str) -> int | None:
    """The size in a witness's 409 answer as tlog-witness writes it (ASCII digits, one line), else None."""
    if status != 409 or _SIZE.fullmatch(text) is None or len(text) > 20:
        return None
    size = int(text)
    return size if size < 2**63 else None


class UrlSource:
    """A `serve` URL as a replica's source (core.replica.Source)."""

    def __init__(self, url: str) -> None:
        self.base, self._auth = _without_user(check_url(url))  # base: no user:password (shown, stored)
        self.label = self.base

    def bundle(self, since: int) -> Bundle:
        data = _get_json(self.base, "/export", {"since": since}, self._auth)
        try:
            return parse_bundle(data, f"The answer of {self.base}")
        except BadBundle:
            raise
        except DeedbookError as bad:
            raise BadBundle(str(bad)) from None

    def leaf_hashes(self, start: int, stop: int) -> list[bytes] | None:
        """None when a page is not as serve writes it (the start asked; 1 to as many hashes as asked, each 0x and
        64 hex digits): the replica then names the span that differs, not the entry."""
        found: list[bytes] = []
        while start + len(found) < stop:
            at = start + len(found)
            asked = min(stop, at + MAX_LEAVES) - at
            data = _get_json(self.base, "/leaf-hashes", {"start": at, "stop": at + asked}, self._auth)
            if not isinstance(data, dict) or type(data.get("start")) is not int or data["start"] != at:
                return None
            hashes = data.get("leafHashes")
            if not isinstance(hashes, list) or not 0 < len(hashes) <= asked:
                return None
            leaves = [hex32(h) for h in hashes]
            if any(leaf is None for leaf in leaves):
                return None
            found += [leaf for leaf in leaves if leaf is not None]
        return found

    def candidate(self, old: int, size: int) -> Candidate | None:
        """None when the server cannot give it or its answer is not a proof as serve writes it (with its root)."""
        try:
            data = _get_json(self.base, "/consistency", {"old": old, "size": size}, self._auth)
            if not isinstance(data, dict) or "oldRoot" not in data:
                return None
            [found] = parse_candidates([data], f"The answer of {self.base}")
        except (DeedbookError, ValueError):
            return None
        return found if found.old == old else None


def add_checkpoint(url: str, old: int, proof: tuple[bytes, ...], note: Note) -> tuple[int, str]:
    """POST an add-checkpoint request (tlog-witness); the status and the answer's text."""
    base, auth = _without_user(check_url(url))
    request = urllib.request.Request(
        f"{base}/add-checkpoint",
        data=format_add_checkpoint(old, proof, note),
        method="POST",
        headers={"Content-Type": "text/plain; charset=utf-8", **auth},
    )
    status, _type, body = _open(request, base)
    return status, body.decode("utf-8", "replace")


def parse_cosignatures(text: str) -> tuple[NoteSignature, ...]:
    """The signature lines of a witness's 200 answer."""
    from core.notes import MalformedNote, parse_note

    try:
        return parse_note("x\n\n" + text).signatures
    except MalformedNote as bad:
        raise DeedbookError(f"The witness's answer is not cosignature lines: {bad}") from None
