"""`deedbook serve` on the loopback address: the witness endpoint answers as tlog-witness's add-checkpoint
(409 with the size, 422, 200 with the cosignature), the ledger's data is read-only, requests are bounded,
and a replica and an operator use it from the other side."""

from __future__ import annotations

import json
import selectors
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from core.checkpoint_note import note_of
from core.checkpoints import make_checkpoint
from core.ledger import Ledger
from core.notes import parse_note
from core.witness_requests import format_add_checkpoint
from desktop.serve.server import MAX_BODY, Server, make_server
from desktop.workspace import Workspace
from desktop.workspace.witnessing import NO_ANSWER
from tests.helpers import World
from tests.witness.conftest import Witness


def call(url: str, body: bytes | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers["Content-Type"], error.read().decode()


@pytest.fixture
def served(operator: World, witnesses: Callable[..., list[Witness]]) -> Iterator[tuple[Server, Server, Witness]]:
    """The operator's ledger and a witness, each served on an ephemeral loopback port."""
    [witness] = witnesses("w.example/1")
    ledger_server = make_server(operator.home, operator.ledger, quiet=True).start()
    witness_server = make_server(witness.home, None, witness_key=witness.key, quiet=True).start()
    try:
        yield ledger_server, witness_server, witness
    finally:
        ledger_server.stop()
        witness_server.stop()


def checkpoint(world: World, count: int) -> Any:
    for _ in range(count):
        world.register(f"S-{world.ledger.size()}", world.operator.address)
    recorded = make_checkpoint(world.ledger, world.operator)
    return recorded, note_of(world.ledger.identity, recorded.message, recorded.signatures)


def test_the_witness_endpoint_answers_409_422_and_200(operator: World, served: tuple[Server, Server, Witness]) -> None:
    _, server, _ = served
    assert server.url.startswith("http://127.0.0.1:")
    add = server.url + "/add-checkpoint"
    _, note = checkpoint(operator, 2)
    status, kind, body = call(add, format_add_checkpoint(0, (), note))
    assert status == 200 and body.startswith("\u2014 w.example/1 ") and body.endswith("\n")
    assert parse_note(note.serialize() + body).signatures[-1].name == "w.example/1"
    status, kind, body = call(add, format_add_checkpoint(0, (), note))
    assert (status, kind, body) == (409, "text/x.tlog.size", "3\n")
    _, note2 = checkpoint(operator, 3)
    status, _, body = call(add, format_add_checkpoint(3, (b"\x01" * 32, b"\x02" * 32), note2))
    assert status == 422 and "does not check" in body
    proof = tuple(operator.ledger.tree().consistency(3, 7))
    status, _, body = call(add, format_add_checkpoint(3, proof, note2))
    assert status == 200
    assert call(add, format_add_checkpoint(8, (), note2))[0] == 400
    assert call(add, b"old x\n\nnot a note")[0] == 400
    assert call(server.url + "/add-checkpoint")[0] == 405
    assert call(server.url + "/ledger")[0] == 404  # a witness alone serves no ledger


def test_requests_are_bounded(served: tuple[Server, Server, Witness]) -> None:
    _, server, _ = served
    assert call(server.url + "/add-checkpoint", b"x" * (MAX_BODY + 1))[0] == 413
    host, port = server.server_address[:2]
    with socket.create_connection((str(host), int(port)), timeout=5) as raw:  # no Content-Length
        raw.sendall(b"POST /add-checkpoint HTTP/1.1\r\nHost: x\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.1 411")


def test_the_ledger_is_served_read_only(operator: World, served: tuple[Server, Server, Witness]) -> None:
    server, _, _ = served
    recorded, note = checkpoint(operator, 2)
    status, _, text = call(server.url + "/checkpoint")
    assert status == 200 and text == note.serialize()
    summary = json.loads(call(server.url + "/ledger")[2])
    assert summary["size"] == operator.ledger.size() and summary["checkpointSize"] == recorded.message["size"]
    bundle = json.loads(call(server.url + "/export?since=1&limit=2")[2])
    assert [e["index"] for e in bundle["entries"]] == [1, 2] and bundle["total"] == operator.ledger.size()
    leaves = json.loads(call(server.url + "/leaf-hashes?start=0&stop=2")[2])["leafHashes"]
    assert leaves == ["0x" + operator.ledger.entry(i).leaf_hash.hex() for i in range(2)]
    proof = json.loads(call(server.url + "/proof?index=1")[2])
    assert proof["format"] == "deedbook-proof/2"
    assert call(server.url + "/proof?index=99")[0] == 404
    assert call(server.url + "/export?since=-1")[0] == 400
    assert call(server.url + "/export?limit=0")[0] == 400
    assert call(server.url + "/leaf-hashes?start=0&stop=999999")[0] == 400
    assert call(server.url + "/consistency?old=9&size=2")[0] == 400
    assert call(server.url + "/nothing")[0] == 404
    assert call(server.url + "/add-checkpoint", b"old 0\n\n")[0] == 404  # not a witness


def test_a_replica_syncs_and_an_operator_gets_cosigned_over_http(
    operator: World, tmp_path: Path, served: tuple[Server, Server, Witness]
) -> None:
    ledger_server, witness_server, _ = served
    checkpoint(operator, 3)
    ws = Workspace.open(operator.home.root)
    [sent] = ws.send_checkpoint([witness_server.url]).value
    assert sent.cosigned and sent.added[0].cosigner.name == "w.example/1"
    checkpoint(operator, 2)
    # 409 with the size, then a proof from it; a witness that is down first does not stop the others
    down, again = ws.send_checkpoint(["http://127.0.0.1:9", witness_server.url]).value
    assert down.status == NO_ANSWER and "Cannot reach" in down.sentence and not down.added
    assert again.cosigned
    replica = Workspace.open(tmp_path / "replica")
    report = replica.replica_sync(ledger_server.url).value
    assert report.ok and report.started and report.size == operator.ledger.size()
    assert [c["name"] for c in report.cosigners] == ["w.example/1"]
    assert Ledger.open(replica.home).size() == operator.ledger.size()


@contextmanager
def ctrl_c_not_ignored() -> Iterator[None]:
    """Start a child here as a terminal starts a program in the foreground: with SIGINT not ignored.

    A test run started in the background by a shell without job control (`pytest ... &`, nohup, some CI
    runners) has SIGINT ignored, a child inherits that through exec, and Python then never raises
    KeyboardInterrupt: the Ctrl-C this test sends did nothing and the test waited out its timeout. A signal
    with a handler is reset to the default on exec, so a handler here gives the child the terminal's default."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def first_line(process: subprocess.Popen[str], timeout: float = 60.0) -> str:
    """Its first line of output, or '' if none comes within `timeout` (a hang fails the test, not the run)."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:  # not select.select: a long test run's file numbers pass 1023
        selector.register(process.stdout, selectors.EVENT_READ)
        ready = selector.select(timeout)
    return process.stdout.readline() if ready else ""


def test_serve_from_the_command_line_stops_on_an_interrupt(operator: World) -> None:
    checkpoint(operator, 1)
    env = {"PYTHONPATH": ":".join(p for p in sys.path if p), "DEEDBOOK_SCRYPT_N": "1024", "PATH": "/usr/bin:/bin"}
    env["PYTHONFAULTHANDLER"] = "1"  # if it ever hangs, SIGABRT makes it print where each thread is
    with ctrl_c_not_ignored():
        process = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(operator.home.root), "serve", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
    try:
        line = first_line(process)
        assert "Serving the ledger (read-only) on http://127.0.0.1:" in line, line
        url = line.split(" on ")[1].split(" ")[0]
        assert call(url + "/ledger")[0] == 200
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            _, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)  # the fault handler prints every thread's stack, then it ends
            _, stacks = process.communicate(timeout=30)
            pytest.fail(f"serve did not stop within 30 s of Ctrl-C; where its threads were:\n{stacks}")
    assert process.returncode == 0, err
    assert err.splitlines()[-1] == "Stopped." and "Traceback" not in err, err


def test_a_client_that_hangs_up_mid_answer_prints_nothing(
    operator: World, served: tuple[Server, Server, Witness], capfd: pytest.CaptureFixture[str]
) -> None:
    """The standard library prints a traceback for a client that resets its connection; the server does not."""
    import struct
    import time

    server, _, _ = served
    host, port = server.server_address[:2]
    for _ in range(5):
        with socket.create_connection((str(host), int(port))) as client:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = reset
            client.sendall(b"GET /ledger HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.5)  # the server's threads answer into closed connections
    assert call(server.url + "/ledger")[0] == 200  # still serving
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception occurred" not in err, err
