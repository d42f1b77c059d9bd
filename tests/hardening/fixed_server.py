"""A loopback HTTP server answering fixed bodies by path, standing in for `deedbook serve` that answers wrong."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@contextmanager
def fixed_server(answers: dict[str, tuple[int, bytes]]) -> Iterator[str]:
    """Serve `answers` (path without the query -> status, body) on 127.0.0.1; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            status, body = answers.get(urlsplit(self.path).path, (404, b"not found\n"))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:  # quiet in test output
            pass

    with handled_on_loopback(Handler) as url:
        yield url


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that refuses an answer midway hangs up (what these servers are for): its sentence is the
        # client's; a traceback printed from the server's thread would land in a test's captured stderr by timing
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@contextmanager
def handled_on_loopback(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A server on 127.0.0.1 answering with `handler`, in a thread, for the block; yields the base URL."""
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
