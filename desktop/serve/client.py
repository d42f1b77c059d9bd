"""The client side of `deedbook serve`: a replica syncing from a URL, an operator asking a witness to cosign.

Only http(s) URLs a person gave; answers are size-bounded and every request has
a timeout.  Any failure to reach the server, or an answer that is not what the
server should send, is one sentence (DeedbookError).  A URL's user:password
(a proxy in front of `serve` may ask for one) goes as HTTP Basic authorization
in each request and nowhere else: every sentence, label and record names the
address without it (core.shown_urls).

A replica asks `/export` for JSON lines (`Accept: application/x-ndjson`) and reads the answer as it arrives,
through the same reader as a `deedbook-export/2` file (core.bundle_lines): one line held at a time, each
checked as a file's, however large the page.  A server that answers JSON (`deedbook-export/1`: a `serve`
before JSON lines) is read whole, as before.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import urllib.error
import urllib.request
from typing import Any, Callable, NoReturn
from urllib.parse import unquote, urlencode, urlsplit

from core.bundle_lines import read_lines_answer
from core.bundles import Bundle, BadBundle, parse_bundle
from core.errors import DeedbookError, one_line
from core.hexes import hex32
from core.notes import Note, NoteSignature
from core.shown_urls import shown_if_plain, shown_url
from core.userfiles import json_nests_deeper_than
from core.witness_requests import Candidate, format_add_checkpoint, parse_candidates

TIMEOUT = 30.0
MAX_ANSWER = 512 * 2**20  # a JSON answer: an older server's export page of at most 50,000 entries
MAX_LEAVES = 65_536
MAX_DEPTH = 16  # as an export file is read (core.bundles): much deeper JSON can exhaust the decoder's stack
LINES = "application/x-ndjson"  # what a replica asks /export for, and a server that streams answers with
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
    with _answer(request, label) as answer:
        return answer.status, answer.headers.get("Content-Type", ""), _read(answer, label)


def _answer(request: urllib.request.Request, label: str) -> Any:
    """The server's answer, open (its body not read yet), whatever its status."""
    try:
        return urllib.request.urlopen(request, timeout=TIMEOUT)  # http(s) only: check_url
    except urllib.error.HTTPError as error:
        return error
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
        _refused(base, status, body)
    return _json_of(base, body)


def _refused(base: str, status: int, body: bytes) -> NoReturn:
    text = body.decode("utf-8", "replace").strip()
    first = one_line(text.splitlines()[0], 200) if text else f"status {status}"
    raise DeedbookError(f"{base} refused: {first}")


def _json_of(base: str, body: bytes) -> Any:
    try:
        text = body.decode("utf-8")
        if json_nests_deeper_than(text, MAX_DEPTH):
            raise ValueError("nested too deep")
        return json.loads(text, parse_constant=_not_json)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise DeedbookError(f"{base} did not answer with JSON.") from None


def _not_json(word: str) -> Any:
    raise ValueError(f"{word} is not JSON")  # Python's json takes NaN and Infinity; serve never writes them


def _line_reader(answer: Any, label: str) -> Callable[[int], bytes]:
    """`readline(limit)` of a streamed answer; the connection failing midway (reset, silent for TIMEOUT, the
    server's chunks cut off) is one sentence, as a file that cannot be read is."""

    def read_line(limit: int) -> bytes:
        try:
            return bytes(answer.readline(limit))
        except (OSError, http.client.HTTPException, ValueError) as error:
            reason = str(error) or type(error).__name__
            raise BadBundle(f"{label} broke off midway ({one_line(reason, 120)}); nothing more was synced.") from None

    return read_line


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
        self._streaming: Any = None  # the export answer being read, if any

    def bundle(self, since: int) -> Bundle:
        """The server's page of entries from `since` on: JSON lines read as the sync goes through them (the answer
        stays open until then, or `close`), or an older server's JSON read whole."""
        self.close()
        request = urllib.request.Request(
            f"{self.base}/export?{urlencode({'since': since})}",
            headers={"Accept": f"{LINES}, application/json;q=0.5", **self._auth},
        )
        answer = _answer(request, self.base)
        label = f"The answer of {self.base}"
        if answer.status == 200 and answer.headers.get_content_type() == LINES:
            self._streaming = answer
            return read_lines_answer(_line_reader(answer, label), label)
        with answer:
            body = _read(answer, self.base)
        if answer.status != 200:
            _refused(self.base, answer.status, body)
        try:
            return parse_bundle(_json_of(self.base, body), label)
        except BadBundle:
            raise
        except DeedbookError as bad:
            raise BadBundle(str(bad)) from None

    def close(self) -> None:
        """Hang up on an export answer not read to its end (a sync refused or stopped midway)."""
        if self._streaming is not None:
            self._streaming.close()
            self._streaming = None

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
