"""`serve`'s /export in JSON lines (`deedbook-export/2`) to a replica that asks for them, streamed as the ledger is
read; JSON (`deedbook-export/1`) still to one that does not; the replica reads the lines as they arrive, through
a file's checks, so a bad answer is one sentence with nothing appended beyond whole checked batches."""

from __future__ import annotations

import http.client
import io
import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import core.bundle_lines as bundle_lines
import core.bundles as bundles
import core.replica as replica_module
import desktop.serve.server as serve
from core.bundle_lines import read_lines_answer, write_bundle
from core.bundles import BadBundle, build_bundle
from core.ledger import Ledger
from core.paths import DataDir
from core.replica import sync
from desktop.serve.client import LINES, UrlSource
from desktop.serve.server import Server, make_server
from tests.folder_state import folder_state
from tests.hardening.fixed_server import handled_on_loopback
from tests.hardening.harness import run_cli
from tests.helpers import World
from tests.witness.conftest import count_alive_entries
from tests.witness.test_replica import grow


@contextmanager
def serving(world: World) -> Iterator[Server]:
    server = make_server(world.home, world.ledger, quiet=True).start()
    try:
        yield server
    finally:
        server.stop()


def get(url: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def written(ledger: Ledger, since: int, limit: int | None = None) -> bytes:
    out = io.BytesIO()
    write_bundle(ledger, since, out, limit=limit)
    return out.getvalue()


def leaves(home: Path) -> list[bytes]:
    ledger = Ledger.open(DataDir.resolve(home))
    try:
        return [e.leaf_hash for e in ledger.entries()]
    finally:
        ledger.close()


def test_a_replica_asking_for_lines_gets_what_export_writes_streamed_and_an_older_one_json(operator: World) -> None:
    grow(operator, 4)
    grow(operator, 2, checkpoint=False)
    with serving(operator) as server:
        status, headers, body = get(server.url + "/export?since=3", LINES)
        assert status == 200 and headers["Content-Type"] == LINES
        assert headers["Transfer-Encoding"] == "chunked" and "Content-Length" not in headers  # sent as it is read
        assert body == written(operator.ledger, 3)  # byte for byte a file's
        status, _, page = get(server.url + "/export?since=3&limit=2", LINES)
        assert status == 200 and page == written(operator.ledger, 3, limit=2)
        rows = [json.loads(line) for line in page.splitlines()]
        assert (rows[0]["size"], rows[0]["total"], [r["index"] for r in rows[1:-1]]) == (
            5,
            operator.ledger.size(),
            [3, 4],
        )
        status, headers, old = get(server.url + "/export?since=3")  # a replica that does not ask: JSON, as before
        assert status == 200 and headers["Content-Type"] == "application/json"
        assert json.loads(old) == build_bundle(operator.ledger, 3, limit=serve.V1_PAGE)
        # refused before an answer starts, in one sentence, whichever is asked
        status, _, said = get(server.url + f"/export?since={operator.ledger.size() + 1}", LINES)
        assert status == 400 and said.decode().startswith(f"The ledger has {operator.ledger.size()} entries;")
        assert get(server.url + f"/export?limit={serve.MAX_PAGE + 1}", LINES)[0] == 400
        assert get(server.url + f"/export?limit={serve.V1_MAX_PAGE + 1}")[0] == 400
        assert get(server.url + f"/export?limit={serve.V1_MAX_PAGE + 1}", LINES)[0] == 200


def test_the_server_sends_a_page_as_it_reads_it_never_holding_it_whole(
    operator: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ledger is read 4 entries at a time, and what was read is on the wire before the next read: the
    client has the first line and the first 4 entries while the server waits to read the next (v1 built the
    page whole before sending a byte: the client would have nothing)."""
    grow(operator, 10)
    monkeypatch.setattr(bundle_lines, "PAGE", 4)
    monkeypatch.setattr(serve, "CHUNK", 1)  # each line sent as it is written
    monkeypatch.setattr(bundles, "build_bundle", lambda *a, **k: pytest.fail("built the page whole"))
    spans: list[int] = []
    waited: list[bool] = []
    client_has_the_first_page = threading.Event()
    real = Ledger.entries

    def entries(self: Ledger, start: int = 0, stop: int | None = None, **kw: Any) -> Any:
        if (start, stop) == (4, 8):  # the second page: the first is on the wire already
            waited.append(client_has_the_first_page.wait(10))
        got = real(self, start, stop, **kw)
        spans.append(len(got))
        return got

    with serving(operator) as server:
        monkeypatch.setattr(Ledger, "entries", entries)
        request = urllib.request.Request(server.url + "/export?since=0", headers={"Accept": LINES})
        with urllib.request.urlopen(request, timeout=30) as answer:
            first = [answer.readline() for _ in range(5)]  # the first line and 4 entries
            client_has_the_first_page.set()
            rest = answer.read()
    assert waited == [True]  # the second page was read once the first was the client's
    assert max(spans) <= 4 and sum(spans[-3:]) == operator.ledger.size()  # 3 pages (the first read: the head's)
    assert b"".join(first) + rest == written(operator.ledger, 0)


def test_a_sync_from_a_server_holds_a_batch_of_its_entries_at_most(
    operator: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries read from the answer alive at once are two batches at most, first sync and a later one that
    compares what it holds (fails on the old code: the whole page parsed at once, all 12 alive)."""
    grow(operator, 10)
    monkeypatch.setattr(replica_module, "BATCH", 3)
    most = count_alive_entries(monkeypatch)
    home = DataDir.resolve(tmp_path / "replica")
    with serving(operator) as server:
        assert sync(home, None, UrlSource(server.url)).ok
        assert 0 < most[0] <= 2 * 3, most[0]
        grow(operator, 8)
        most[0] = 0
        report = sync(home, None, UrlSource(server.url), since=5)  # 5.. compared, then the rest appended
    assert report.ok and report.size == operator.ledger.size()
    assert 0 < most[0] <= 2 * 3, most[0]
    assert leaves(home.root) == [e.leaf_hash for e in operator.ledger.entries()]


@pytest.mark.parametrize("lines", [True, False], ids=["lines", "an older server's JSON"])
def test_a_replica_syncs_page_after_page(
    lines: bool, operator: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In pages of 3 from a server that streams lines, and from one that only answers JSON (an older serve,
    which ignores what the replica asks for)."""
    grow(operator, 8)
    monkeypatch.setattr(serve, "PAGE", 3)
    monkeypatch.setattr(serve, "V1_PAGE", 3)
    asked: list[bool] = []
    real = serve.Service.get

    def get(self: serve.Service, path: str, query: Any, *, lines: bool = False) -> Any:
        asked.append(lines)
        return real(self, path, query, lines=lines and asked_lines)

    asked_lines = lines
    monkeypatch.setattr(serve.Service, "get", get)
    home = tmp_path / "replica"
    with serving(operator) as server:
        outcome = run_cli(["--data-dir", str(home), "replica", "sync", "--from", server.url], capsys)
    assert outcome.code == 0 and f"Started the replica: {operator.ledger.size()} new entries" in outcome.out, outcome
    assert asked.count(True) == -(-operator.ledger.size() // 3)  # a page of 3 asked at a time, as lines
    assert leaves(home) == [e.leaf_hash for e in operator.ledger.entries()]
    assert run_cli(["--data-dir", str(home), "verify"], capsys).code == 0


@contextmanager
def raw_server(body: bytes, *, finish: bool = True, content_type: str = LINES) -> Iterator[str]:
    """A loopback server answering /export with `body` in chunks of 100 bytes; not `finish`ed, it hangs up
    before the last chunk (an answer cut off midway)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for at in range(0, len(body), 100):
                part = body[at : at + 100]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            if finish:
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    with handled_on_loopback(Handler) as url:  # (quiet when the replica hangs up midway: a line over 4 MB)
        yield url


def _cut_in_entry(body: bytes) -> bytes:
    rows = body.splitlines(keepends=True)
    return b"".join(rows[:4]) + rows[4][:30]


def _without_last_line(body: bytes) -> bytes:
    return b"".join(body.splitlines(keepends=True)[:-1])


def _an_entry_not_json(body: bytes) -> bytes:
    rows = body.splitlines(keepends=True)
    rows[5] = b'{"index": 4, \n'
    return b"".join(rows)


# Hung up before the last chunk: said by the chunks' reader (http.client), or by the lines' when the chunks end
# with a line (it reads a chunked answer's end as the end of its lines)
CUT_OFF = "broke off midway|it was cut short."

# case: (the answer's body from the served one, whether its chunks end, what the sentence says)
BAD = {
    "cut off in an entry": (_cut_in_entry, False, CUT_OFF),
    "cut off between lines": (_without_last_line, False, CUT_OFF),
    "whole chunks without the last line": (_without_last_line, True, "ends before its last line (at entry "),
    "not lines": (lambda body: b"<html>Not here</html>\n", True, "is not JSON: the deedbook-export/2 bundle"),
    "an entry not JSON": (_an_entry_not_json, True, "its line for entry 4 is not JSON"),
    "a line over 4 MB": (
        lambda b: b.replace(b'"index":5,', b'"index":5,"x":"' + b"a" * 5 * 2**20 + b'",'),
        True,
        "over 4 MB",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_answer_is_one_sentence_and_starts_no_replica(
    case: str, operator: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grow(operator, 6)
    change, finish, says = BAD[case]
    target = tmp_path / "new" / "replica"
    with raw_server(change(written(operator.ledger, 0)), finish=finish) as url:
        outcome = run_cli(["--data-dir", str(target), "replica", "sync", "--from", url], capsys)
    assert outcome.code == 2 and any(said in outcome.err for said in says.split("|")), outcome
    assert "Traceback" not in outcome.err and len(outcome.err.strip().splitlines()) == 1
    assert not (tmp_path / "new").exists()


def test_a_server_failing_midway_leaves_the_whole_batches_appended_before(
    operator: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real server fails to read the ledger once the entries the replica compares and 4 new ones are on the
    wire: the answer is cut off (no last chunk); the replica keeps the one whole batch of 3 it checked, verifies,
    and the next sync finishes."""
    grow(operator, 2)
    home = tmp_path / "replica"
    with serving(operator) as server:
        assert run_cli(["--data-dir", str(home), "replica", "sync", "--from", server.url], capsys).code == 0
        had = operator.ledger.size()
        checkpoint = Ledger.open(DataDir.resolve(home)).latest_checkpoint()
        assert checkpoint is not None
        compared = had - int(checkpoint.message["size"])  # the sync asks from its latest checkpoint on
        grow(operator, 9)
        monkeypatch.setattr(replica_module, "BATCH", 3)
        monkeypatch.setattr(serve, "CHUNK", 1)  # what was written is on the wire
        real, sent = bundle_lines.entry_json, [0]

        def entry_json(e: Any) -> Any:
            sent[0] += 1
            if sent[0] > compared + 4:
                raise RuntimeError("disk I/O error")
            return real(e)

        monkeypatch.setattr(bundle_lines, "entry_json", entry_json)
        outcome = run_cli(["--data-dir", str(home), "replica", "sync", "--from", server.url], capsys)
        assert outcome.code == 2 and any(said in outcome.err for said in CUT_OFF.split("|")), outcome
        assert len(outcome.err.strip().splitlines()) == 1
        assert leaves(home) == [e.leaf_hash for e in operator.ledger.entries()][: had + 3]
        assert run_cli(["--data-dir", str(home), "verify"], capsys).code == 0
        monkeypatch.setattr(bundle_lines, "entry_json", real)
        outcome = run_cli(["--data-dir", str(home), "replica", "sync", "--from", server.url], capsys)
    assert outcome.code == 0, outcome
    assert leaves(home) == [e.leaf_hash for e in operator.ledger.entries()]


def test_a_refused_later_sync_from_a_bad_answer_changes_nothing(
    operator: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grow(operator, 3)
    home = tmp_path / "replica"
    with serving(operator) as server:
        assert run_cli(["--data-dir", str(home), "replica", "sync", "--from", server.url], capsys).code == 0
    grow(operator, 3)
    before = folder_state(home)
    with raw_server(_cut_in_entry(written(operator.ledger, 0)), finish=False) as url:
        outcome = run_cli(["--data-dir", str(home), "replica", "sync", "--from", url], capsys)
    assert outcome.code == 2 and any(said in outcome.err for said in CUT_OFF.split("|")), outcome
    assert folder_state(home) == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_answer_cut_anywhere_or_with_a_byte_changed_is_a_sentence(operator: World, data: st.DataObject) -> None:
    """Through the stream reader: an answer cut at any byte is refused (BadBundle) by its end at the latest, a
    byte changed anywhere is BadBundle or reads (the sync's own checks then judge the entries); never another
    exception."""
    if operator.ledger.size() < 5:
        grow(operator, 3)
    body = written(operator.ledger, 0)
    cut = data.draw(st.integers(0, len(body) - 1))
    with pytest.raises(BadBundle):
        list(read_lines_answer(io.BytesIO(body[:cut]).readline, "The answer").entries)
    at = data.draw(st.integers(0, len(body) - 1))
    byte = data.draw(st.integers(0, 255))
    changed = body[:at] + bytes([byte]) + body[at + 1 :]
    try:
        read = list(read_lines_answer(io.BytesIO(changed).readline, "The answer").entries)
    except BadBundle as bad:
        assert "\n" not in str(bad)
    else:
        assert len(read) == operator.ledger.size()


def test_progress_is_of_the_whole_sync_page_after_page(
    operator: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of 3, batches of 2: progress counts on across pages, of all the source holds (it started again at
    each page, of that page)."""
    grow(operator, 7)
    monkeypatch.setattr(serve, "PAGE", 3)
    monkeypatch.setattr(replica_module, "BATCH", 2)
    heard: list[tuple[int, int]] = []
    with serving(operator) as server:
        report = sync(
            DataDir.resolve(tmp_path / "replica"), None, UrlSource(server.url), progress=lambda *p: heard.append(p)
        )
    size = operator.ledger.size()
    assert report.ok and report.appended == size
    assert {of for _, of in heard} == {size}
    done = [n for n, _ in heard]
    assert done == sorted(done) and len(set(done)) == len(done) and done[-1] == size


def test_a_first_sync_whose_answer_breaks_off_after_whole_batches_keeps_them_unfinished(
    operator: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A county's first page is large now: broken off after whole batches (the server's read failing after 4
    entries, batches of 3), the first sync keeps the batch it checked and appended, unfinished as a killed one
    (replica-start.json; commands say it did not finish), and the same sync finishes it. Before, all it had
    appended was taken away."""
    grow(operator, 6)
    monkeypatch.setattr(replica_module, "BATCH", 3)
    monkeypatch.setattr(serve, "CHUNK", 1)
    real, sent = bundle_lines.entry_json, [0]

    def entry_json(e: Any) -> Any:
        sent[0] += 1
        if sent[0] > 4:
            raise RuntimeError("disk I/O error")
        return real(e)

    monkeypatch.setattr(bundle_lines, "entry_json", entry_json)
    target = tmp_path / "replica"
    argv = ["--data-dir", str(target), "replica", "sync", "--from"]
    with serving(operator) as server:
        outcome = run_cli([*argv, server.url], capsys)
        assert outcome.code == 2 and any(said in outcome.err for said in CUT_OFF.split("|")), outcome
        assert (target / "replica-start.json").is_file() and not (target / "replica.json").exists()
        ledger = Ledger.open(DataDir.resolve(target), finishing=True)
        try:
            assert [e.leaf_hash for e in ledger.entries()] == [e.leaf_hash for e in operator.ledger.entries()][:3]
        finally:
            ledger.close()
        shown = run_cli(["--data-dir", str(target), "replica", "show"], capsys)
        assert shown.code == 2 and "did not finish" in shown.err, shown
        monkeypatch.setattr(bundle_lines, "entry_json", real)
        outcome = run_cli([*argv, server.url], capsys)
    assert outcome.code == 0 and "Started the replica: " in outcome.out, outcome
    assert leaves(target) == [e.leaf_hash for e in operator.ledger.entries()]
    assert not (target / "replica-start.json").exists()


def test_a_whole_streamed_answer_leaves_the_connection_open_for_the_next_request(operator: World) -> None:
    """HTTP/1.1 keeps a connection for the next request; a streamed export closed it even when it ended whole, so a
    client asking for the next page paid a new connection (and a proxy saw an early close)."""
    grow(operator, 3)
    with serving(operator) as server:
        host, port = server.server_address[:2]
        connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
        try:
            connection.request("GET", "/export?since=0", headers={"Accept": LINES})
            streamed = connection.getresponse()
            assert streamed.status == 200 and streamed.getheader("Transfer-Encoding") == "chunked"
            assert streamed.read() == written(operator.ledger, 0)
            assert not streamed.will_close
            first_socket = connection.sock
            connection.request("GET", "/ledger")
            answer = connection.getresponse()
            assert answer.status == 200 and json.loads(answer.read())["size"] == operator.ledger.size()
            assert connection.sock is first_socket  # the same connection answered
        finally:
            connection.close()
