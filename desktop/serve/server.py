"""`deedbook serve`: a small HTTP server (the standard library's) for a data folder.

Read-only ledger data, for replicas and anyone checking the ledger:

    GET /ledger                      the ledger's identity, key, size and latest checkpoint (JSON)
    GET /checkpoint                  the latest checkpoint as a C2SP note, with its cosignatures (text)
    GET /export?since=N[&limit=L]    an export bundle of entries N.. (at most L): JSON lines or JSON, below
    GET /leaf-hashes?start=A&stop=B  the leaf hashes of entries A..B-1 (at most 65,536)
    GET /consistency?old=A&size=B    a consistency proof from A to B entries, with the root at A
    GET /proof?index=I               the proof of entry I (deedbook-proof/2)

and with `--witness`, the witness endpoint of c2sp.org/tlog-witness:

    POST /add-checkpoint             200 + cosignature line; 409 + the witness's size (text/x.tlog.size);
                                     422 bad consistency proof; 403, 404, 400 as the protocol says

`/export` answers the format the client asks for.  With `Accept: application/x-ndjson` (a replica since
JSON lines): `deedbook-export/2`, exactly as `deedbook export` writes a file (core.bundle_lines), sent in
chunks (Transfer-Encoding: chunked) as the entries are read from the ledger, a page at a time, so a page is
never in memory whole; at most PAGE entries by default, MAX_PAGE asked.  Without it (an older replica):
`deedbook-export/1`, one JSON document built whole, so at most V1_PAGE entries by default and V1_MAX_PAGE
asked.  A streamed answer that fails midway is cut off (no last chunk), which the client sees.

Nothing is written but the witness's own state.  Bodies are bounded (64 KB),
every connection has a timeout, and no request runs a program.  It listens on
the loopback address unless told otherwise.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import parse_qs, urlsplit

from core.errors import DeedbookError, NotFound

log = logging.getLogger("deedbook.serve")

if TYPE_CHECKING:
    from core.bundle_lines import Writable
    from core.keys import UnlockedKey
    from core.ledger import Ledger
    from core.paths import DataDir

MAX_BODY = 64 * 1024  # an add-checkpoint body: a note and at most 63 hashes
TIMEOUT = 10.0  # seconds a connection may stay silent
STREAM_TIMEOUT = 120.0  # seconds a streamed export may wait for the client to read on (it appends a batch meanwhile)
PAGE, MAX_PAGE = 100_000, 1_000_000  # a JSON-lines export page (docs/scale.md, "Syncing from serve": chosen so)
V1_PAGE, V1_MAX_PAGE = 5_000, 50_000  # a JSON export page, built whole: about 6 KB of memory an entry
MAX_LEAVES = 65_536
TEXT, JSON_TYPE, SIZE_TYPE = "text/plain; charset=utf-8", "application/json", "text/x.tlog.size"
LINES_TYPE = "application/x-ndjson"
CHUNK = 64 * 1024  # bytes of a streamed answer sent at a time


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str = TEXT
    headers: dict[str, str] = field(default_factory=dict)
    stream: "Callable[[Writable], object] | None" = None  # writes the body as it is read (body is then empty)


def _text(status: int, sentence: str) -> Response:
    return Response(status, (sentence.rstrip("\n") + "\n").encode("utf-8"))


def _json(value: Any, status: int = 200) -> Response:
    return Response(status, (json.dumps(value, ensure_ascii=False) + "\n").encode("utf-8"), JSON_TYPE)


class BadQuery(Exception):
    pass


def _number(query: dict[str, list[str]], name: str, default: int | None = None) -> int:
    values = query.get(name)
    if not values:
        if default is None:
            raise BadQuery(f"The query needs {name}=<number>.")
        return default
    text = values[0]
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise BadQuery(f"{name} must be a whole number.")
    return int(text)


class Service:
    """What the server answers, as plain calls (the handler only moves bytes)."""

    def __init__(self, home: "DataDir", ledger: "Ledger | None", witness_key: "UnlockedKey | None" = None) -> None:
        self.home, self.ledger, self.witness_key = home, ledger, witness_key

    def get(self, path: str, query: dict[str, list[str]], *, lines: bool = False) -> Response:
        """The answer to GET `path`; `lines`: the client takes JSON lines (an export is then streamed)."""
        if path == "/add-checkpoint":
            return _text(405, "add-checkpoint takes a POST.")
        ledger = self.ledger
        if ledger is None:
            return _text(404, "This server holds no ledger" + (" (it is a witness)." if self.witness_key else "."))
        try:
            with ledger.snapshot():  # an answer that combines reads (size and checkpoint, an export): one moment
                return self._ledger_get(ledger, path, query, lines)
        except BadQuery as bad:
            return _text(400, str(bad))
        except NotFound as missing:
            return _text(404, str(missing))
        except DeedbookError as error:
            return _text(400, str(error))

    def _ledger_get(self, ledger: "Ledger", path: str, query: dict[str, list[str]], lines: bool) -> Response:
        from core.checkpoint_note import ledger_vkey

        if path == "/ledger":
            latest = ledger.latest_checkpoint()
            return _json(
                {
                    "ledger": ledger.identity.as_json(),
                    "ledgerKey": ledger_vkey(ledger.identity).text(),
                    "size": ledger.size(),
                    "checkpointSize": latest.message["size"] if latest else None,
                }
            )
        if path == "/checkpoint":
            from core.cosignatures import note_of_checkpoint

            latest = ledger.latest_checkpoint()
            if latest is None:
                return _text(404, "The ledger has no checkpoint yet.")
            return Response(200, note_of_checkpoint(ledger, latest).serialize().encode("utf-8"))
        if path == "/export":
            return self._export(ledger, query, lines)
        if path == "/leaf-hashes":
            start, stop = _number(query, "start"), _number(query, "stop")
            if not 0 <= start <= stop or stop - start > MAX_LEAVES:
                raise BadQuery(f"start..stop is a range of at most {MAX_LEAVES:,} entries.")
            return _json(
                {"start": start, "leafHashes": ["0x" + e.leaf_hash.hex() for e in ledger.entries(start, stop)]}
            )
        if path == "/consistency":
            from core.witness_requests import Candidate

            old, size = _number(query, "old"), _number(query, "size")
            if not 0 < old <= size <= ledger.size():
                raise BadQuery(f"old and size are sizes of this ledger with old <= size (it has {ledger.size():,}).")
            tree = ledger.tree()
            return _json(
                Candidate(old, tree.root(old), tuple(tree.consistency(old, size)) if old < size else ()).as_json()
            )
        if path == "/proof":
            from core.proofs import build_proof

            return _json(build_proof(ledger, _number(query, "index")))
        return _text(404, f"There is nothing at {path[:80]}.")

    def _export(self, ledger: "Ledger", query: dict[str, list[str]], lines: bool) -> Response:
        from core.bundle_lines import write_bundle
        from core.bundles import build_bundle, check_since

        default, most = (PAGE, MAX_PAGE) if lines else (V1_PAGE, V1_MAX_PAGE)
        since, limit = _number(query, "since", 0), _number(query, "limit", default)
        if not 1 <= limit <= most:
            raise BadQuery(f"limit is from 1 to {most:,}.")
        if not lines:
            return _json(build_bundle(ledger, since, limit=limit))
        check_since(ledger.size(), since)  # refused before the answer starts: the ledger only grows
        return Response(200, b"", LINES_TYPE, stream=lambda out: write_bundle(ledger, since, out, limit=limit))

    def post(self, path: str, body: bytes) -> Response:
        if path != "/add-checkpoint":
            return _text(
                404 if path not in ("/ledger", "/checkpoint", "/export") else 405,
                f"There is nothing to post at {path[:80]}.",
            )
        if self.witness_key is None:
            return _text(404, "This server is not a witness (start it with --witness).")
        from core.witness_requests import BadRequest, parse_add_checkpoint
        from core.witnessing import add_checkpoint

        try:
            candidate, note = parse_add_checkpoint(body)
        except BadRequest as bad:
            return _text(400, str(bad))
        key = self.witness_key
        result = add_checkpoint(self.home, note, [candidate], lambda: key)
        if result.cosigned and result.cosignature is not None:
            return Response(200, result.cosignature.line().encode("utf-8"))
        if result.status == 409 and result.size is not None:
            return Response(409, f"{result.size}\n".encode("ascii"), SIZE_TYPE)
        return _text(result.status, result.sentence)


class _Handler(BaseHTTPRequestHandler):
    server_version = "Deedbook"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = TIMEOUT

    @property
    def service(self) -> Service:
        return self.server.service  # type: ignore[attr-defined,no-any-return]

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        if response.stream is None:
            self.send_header("Content-Length", str(len(response.body)))
        else:
            self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-store")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        if response.stream is None:
            self.wfile.write(response.body)
            return
        keep_open = not self.close_connection
        self.close_connection = True  # cut off midway (an exception), the answer must not look whole
        self.connection.settimeout(STREAM_TIMEOUT)
        chunked = _Chunked(self.wfile)
        response.stream(chunked)
        chunked.finish()
        # Whole: the connection may carry the client's next request, as after any other answer.
        self.connection.settimeout(TIMEOUT)
        self.close_connection = not keep_open

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        lines = LINES_TYPE in self.headers.get("Accept", "")
        try:
            response = self.service.get(parts.path, parse_qs(parts.query, max_num_fields=8), lines=lines)
        except ValueError:
            response = _text(400, "The query is malformed.")
        self._send(response)

    def do_POST(self) -> None:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            self._send(_text(411, "A POST needs a Content-Length."))
            return
        if int(length) > MAX_BODY:
            self.close_connection = True
            self._send(_text(413, f"A request body is at most {MAX_BODY // 1024} KB."))
            return
        body = self.rfile.read(int(length))
        self._send(self.service.post(urlsplit(self.path).path, body))

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.quiet:  # type: ignore[attr-defined]
            return
        super().log_message(format, *args)


class _Chunked:
    """A file to write a chunked answer's body to (HTTP/1.1's Transfer-Encoding: chunked), CHUNK bytes a chunk;
    `finish` sends the rest and the last chunk, without which the client knows the answer was cut off."""

    def __init__(self, out: "Writable") -> None:
        self._out, self._held = out, bytearray()

    def write(self, data: bytes) -> int:
        self._held += data
        if len(self._held) >= CHUNK:
            self._send()
        return len(data)

    def _send(self) -> None:
        if self._held:
            self._out.write(b"%x\r\n%s\r\n" % (len(self._held), self._held))
            self._held.clear()

    def finish(self) -> None:
        self._send()
        self._out.write(b"0\r\n\r\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, service: Service, host: str, port: int, *, quiet: bool = False) -> None:
        self.service, self.quiet = service, quiet
        super().__init__((host, port), _Handler)
        self._thread: threading.Thread | None = None

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up or went quiet mid-answer is not the server's fault: nothing is printed (the
        standard library prints a traceback on stderr); anything else goes to the log, not the terminal."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        log.error("Answering %s failed: %s", client_address[0], error, exc_info=error)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    def start(self) -> "Server":
        """Serve on a thread of its own (tests, the GUI); `stop` ends it."""
        self._thread = threading.Thread(target=self.serve_forever, name="deedbook-serve", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def make_server(
    home: "DataDir",
    ledger: "Ledger | None",
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    witness_key: "UnlockedKey | None" = None,
    quiet: bool = False,
) -> Server:
    """A server bound to host:port (0: a free port), not yet serving; one sentence if it cannot bind."""
    try:
        return Server(Service(home, ledger, witness_key), host, port, quiet=quiet)
    except OSError as error:
        raise DeedbookError(f"Cannot listen on {host}:{port} ({error.strerror or error}).") from None
