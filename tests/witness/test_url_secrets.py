"""A URL's user:password goes to the server as HTTP Basic authorization and lands nowhere else: not in a
file of the data folder, not on stdout or stderr, not in a sentence (docs/witnesses.md, "Replicas")."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from core.checkpoint_note import note_of
from core.checkpoints import make_checkpoint
from core.errors import DeedbookError
from core.paths import DataDir
from core.replica import read_state, state_path
from core.replica_start import start_path, unfinished
from desktop.serve.client import UrlSource, add_checkpoint, check_url
from desktop.serve.server import make_server
from tests.hardening.harness import run_cli
from tests.helpers import World
from tests.witness.conftest import Witness

SECRET = "s3cret"


def with_user(url: str) -> str:
    return url.replace("http://", f"http://alice:{SECRET}@")


def files_holding(root: Path, text: str) -> list[Path]:
    """Every file under `root` whose bytes hold `text` (SQLite's pages and WAL as they are on disk)."""
    return [path for path in root.rglob("*") if path.is_file() and text.encode() in path.read_bytes()]


@contextmanager
def recording_server() -> Iterator[tuple[str, list[tuple[str, str | None]]]]:
    """A loopback server that answers 404 and records each request's path and Authorization header."""
    seen: list[tuple[str, str | None]] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append((self.path, self.headers.get("Authorization")))
            self.send_response(404)
            self.send_header("Content-Length", "10")
            self.end_headers()
            self.wfile.write(b"not found\n")

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_client_sends_the_user_and_password_as_basic_authorization_only(operator: World) -> None:
    recorded = make_checkpoint(operator.ledger, operator.operator)
    note = note_of(operator.ledger.identity, recorded.message, recorded.signatures)
    with recording_server() as (url, seen):
        source = UrlSource(with_user(url).replace("alice", "al%20ice"))  # percent-escapes are the person's text
        assert source.label == source.base == url
        with pytest.raises(DeedbookError) as refused:
            source.bundle(0)
        status, _ = add_checkpoint(with_user(url), 0, (), note)
    assert SECRET not in str(refused.value) and url in str(refused.value)
    assert status == 404
    expected = "Basic " + base64.b64encode(f"al ice:{SECRET}".encode()).decode()
    assert seen[0] == ("/export?since=0", expected)
    assert seen[1][1] == "Basic " + base64.b64encode(f"alice:{SECRET}".encode()).decode()


def test_no_sentence_repeats_the_password() -> None:
    with pytest.raises(DeedbookError) as unreachable:
        UrlSource(f"http://alice:{SECRET}@127.0.0.1:9").bundle(0)
    assert "Cannot reach http://127.0.0.1:9 " in str(unreachable.value) and SECRET not in str(unreachable.value)
    for typed in (f"http://alice:{SECRET}@host?x=1", f"http://alice:{SECRET}/x@host", f"ftp://alice:{SECRET}@host"):
        with pytest.raises(DeedbookError) as refused:
            check_url(typed)
        assert "not a server's address" in str(refused.value) and SECRET not in str(refused.value), typed


def test_a_replica_synced_from_a_url_with_a_password_keeps_and_says_it_nowhere(
    operator: World,
    witnesses: Callable[..., list[Witness]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    [witness] = witnesses("w.example/1")
    for i in range(3):
        operator.register(f"S-{i}", operator.operator.address)
    make_checkpoint(operator.ledger, operator.operator)
    served = make_server(operator.home, operator.ledger, quiet=True).start()
    witnessing = make_server(witness.home, None, witness_key=witness.key, quiet=True).start()
    replica = tmp_path / "replica"
    try:
        asked = run_cli(
            ["--data-dir", str(operator.home.root), "checkpoint", "send", with_user(witnessing.url)], capsys
        )
        assert asked.code == 0, asked.err
        outcomes = [asked] + [
            run_cli(["--data-dir", str(replica), *argv], capsys)
            for argv in (
                ["replica", "sync", "--from", with_user(served.url)],  # starts the replica
                ["replica", "sync", "--from", with_user(served.url), "--json"],  # and syncs it again
                ["replica", "show", "--json"],
                ["replica", "show"],
            )
        ]
    finally:
        served.stop()
        witnessing.stop()
    assert all(o.code == 0 for o in outcomes), [o.err for o in outcomes]
    assert "cosigned by w.example/1" in outcomes[0].out and witnessing.url in outcomes[0].out
    assert json.loads(outcomes[3].out)["source"] == served.url
    for outcome in outcomes:
        assert SECRET not in outcome.out + outcome.err and "alice" not in outcome.out + outcome.err
    assert files_holding(replica, SECRET) == [] and files_holding(replica, "alice") == []
    assert files_holding(operator.home.root, SECRET) == []  # the witness's address kept with its cosignature
    assert files_holding(witness.home.root, SECRET) == []


def test_an_older_versions_record_holding_a_password_is_not_repeated(tmp_path: Path) -> None:
    home = DataDir.resolve(tmp_path / "replica").ensure()
    typed = f"http://alice:{SECRET}@records.example.org:8443"
    start_path(home).write_text(json.dumps({"format": "deedbook-replica-start/1", "source": typed}))
    said = unfinished(home)
    assert said is not None and "sync it again from http://records.example.org:8443 to" in said
    assert SECRET not in said
    start_path(home).unlink()
    state = {"format": "deedbook-replica/1", "source": typed, "lastSync": 1, "size": 0, "checkpointSize": None}
    state_path(home).write_text(json.dumps({**state, "cosigners": []}))
    found = read_state(home)
    assert found is not None and found["source"] == "http://records.example.org:8443"


@pytest.mark.parametrize("raised", [DeedbookError, RuntimeError], ids=["a refusal", "the last resort"])
def test_the_command_lines_last_word_repeats_no_password(
    raised: type[Exception], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever a command's error quotes (a URL a person typed, deep in a library's words), stderr says it
    without its password: core.shown_urls at the one place the command line says an error."""
    from desktop.workspace import Workspace

    def fails(_ws: object) -> None:
        raise raised(f"could not open http://alice:{SECRET}@records.example.org/county")

    monkeypatch.setattr(Workspace, "replica_state", fails)
    outcome = run_cli(["--data-dir", str(tmp_path / "replica"), "replica", "show"], capsys)
    assert outcome.code == 2 and "could not open http://records.example.org/county" in outcome.err
    assert SECRET not in outcome.err + outcome.out
