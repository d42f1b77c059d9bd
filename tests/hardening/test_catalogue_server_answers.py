"""A ledger or witness server's answers are read as `deedbook serve` writes them (desktop/serve/client.py).

A loopback server answers fixed, altered bodies: a hash with white space among its digits, "0X", a number,
too short or too long; a size as text, true or 1.0; NaN; JSON nested very deep; a witness's 409 size in
digits that are not ASCII.  Each is refused in one sentence or read as "the server cannot give it", and
nothing is appended to the replica.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.ledger import Ledger
from core.paths import DataDir
from core.witness_requests import Candidate
from desktop.serve.client import UrlSource, witness_size
from desktop.workspace import Workspace
from desktop.workspace.witnessing import NO_ANSWER
from tests.hardening.conftest import Office
from tests.hardening.fixed_server import fixed_server
from tests.hardening.harness import assert_refused, export_document, fingerprint, run_cli


@pytest.fixture(scope="module")
def source(office_template: Office, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The office's export from entry 0, its leaf hashes as serve writes them, and a consistency answer."""
    out = tmp_path_factory.mktemp("server-answers") / "export.json"
    assert run_cli(office_template.argv("export", "--since", "0", "--out", str(out))).code == 0
    ledger = Ledger.open(DataDir.resolve(office_template.home))
    try:
        leaves = ["0x" + e.leaf_hash.hex() for e in ledger.entries(0, ledger.size())]
        tree = ledger.tree()
        consistency = Candidate(1, tree.root(1), tuple(tree.consistency(1, 2))).as_json()
    finally:
        ledger.close()
    return {"export": export_document(out), "leaves": leaves, "consistency": consistency}


def _set(path: list[Any], value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        at: Any = data
        for key in path[:-1]:
            at = at[key]
        at[path[-1]] = value

    return change


H = "ab" * 32
# case: (the change to the export the server answers)
EXPORTS: dict[str, Any] = {
    "since as text": _set(["since"], "0"),
    "total as 3.0": _set(["total"], 3.0),
    "size true": _set(["size"], True),
    "a frontier hash as a number": lambda d: d.update(frontierSize=1, frontier=[12345]),
    "the ledger id with a space among its digits": _set(["ledger", "ledgerId"], "0x" + H[:10] + " " + H[11:]),
    "the ledger id with 0X": _set(["ledger", "ledgerId"], "0X" + H),
    "a checkpoint root of 62 digits": _set(["checkpoint", "message", "root"], "0x" + H[:62]),
    "a recording time NaN": _set(["entries", 1, "recordedAt"], float("nan")),
    "the checkpoint's size as text": _set(["checkpoint", "message", "size"], "2"),
    "the checkpoint's size true": _set(["checkpoint", "message", "size"], True),
    "the checkpoint's timestamp 1.0e9": _set(["checkpoint", "message", "timestamp"], 1.0e9),
    "a consistency proof's old as text": lambda d: d.update(consistency=[{"old": "1", "proof": []}]),
    "a recording time as text": _set(["entries", 1, "recordedAt"], "1796060580"),
}


@pytest.mark.parametrize("case", sorted(EXPORTS))
def test_an_altered_export_starts_no_replica(
    case: str, source: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = copy.deepcopy(source["export"])
    EXPORTS[case](bundle)
    target = tmp_path / "replica"
    with fixed_server({"/export": (200, json.dumps(bundle).encode())}) as url:
        outcome = run_cli(["--data-dir", str(target), "replica", "sync", "--from", url], capsys)
    assert outcome.code in (1, 2), outcome
    said = outcome.err if outcome.code == 2 else outcome.out
    assert "Traceback" not in outcome.err and len([s for s in said.splitlines() if s.strip()]) == 1
    assert not target.exists()


def test_an_altered_export_appends_nothing_to_a_replica(
    source: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "first.json"
    early = copy.deepcopy(source["export"])
    early["entries"], early["size"] = early["entries"][:1], 1  # the genesis alone: the replica holds 1
    early["checkpoint"], early["consistency"] = None, []
    first.write_text(json.dumps(early))
    target = tmp_path / "replica"
    assert run_cli(["--data-dir", str(target), "replica", "sync", "--from", str(first)], capsys).code == 0
    before = fingerprint(target)
    deep = b'{"a":' * 5000 + b"1" + b"}" * 5000
    for body in (
        json.dumps(source["export"]).replace('"since": 0', '"since": 0.0').encode(),
        json.dumps(source["export"]).replace('"total": 3', '"total": NaN').encode(),
        deep,
        b"[" * 100_000,
    ):
        with fixed_server({"/export": (200, body)}) as url:
            outcome = run_cli(["--data-dir", str(target), "replica", "sync", "--from", url], capsys)
        assert_refused(outcome, 2)
        assert fingerprint(target) == before
    replica = Ledger.open(DataDir.resolve(target))
    assert replica.size() == 1
    replica.close()


# case: (the /leaf-hashes answer for entries 0..2)
def _leaves(source: dict[str, Any], change: Any) -> dict[str, Any]:
    answer = {"start": 0, "leafHashes": list(source["leaves"][:2])}
    change(answer)
    return answer


LEAVES: dict[str, Any] = {
    "white space among the digits": lambda a: a["leafHashes"].__setitem__(
        0,
        a["leafHashes"][0][:20] + " " + a["leafHashes"][0][20:],  # between two bytes: fromhex took it
    ),
    "0X": lambda a: a["leafHashes"].__setitem__(0, "0X" + a["leafHashes"][0][2:]),
    "no 0x": lambda a: a["leafHashes"].__setitem__(0, "00" + a["leafHashes"][0][2:]),
    "a number": lambda a: a["leafHashes"].__setitem__(0, 12345678),
    "62 digits": lambda a: a["leafHashes"].__setitem__(0, a["leafHashes"][0][:-2]),
    "66 digits": lambda a: a["leafHashes"].__setitem__(0, a["leafHashes"][0] + "00"),
    "a trailing newline": lambda a: a["leafHashes"].__setitem__(0, a["leafHashes"][0] + "\n"),
    "more hashes than asked": lambda a: a["leafHashes"].append(a["leafHashes"][0]),
    "none": lambda a: a.update(leafHashes=[]),
    "another start": lambda a: a.update(start=1),
    "the start as text": lambda a: a.update(start="0"),
    "the start true": lambda a: a.update(start=False),
    "hashes in an object": lambda a: a.update(leafHashes={"0": a["leafHashes"][0]}),
}


@pytest.mark.parametrize("case", sorted(LEAVES))
def test_leaf_hashes_not_as_written_are_not_taken(case: str, source: dict[str, Any]) -> None:
    body = json.dumps(_leaves(source, LEAVES[case])).encode()
    with fixed_server({"/leaf-hashes": (200, body)}) as url:
        assert UrlSource(url).leaf_hashes(0, 2) is None


def test_leaf_hashes_as_written_are_taken(source: dict[str, Any]) -> None:
    body = json.dumps(_leaves(source, lambda a: None)).encode()
    with fixed_server({"/leaf-hashes": (200, body)}) as url:
        assert UrlSource(url).leaf_hashes(0, 2) == [bytes.fromhex(h[2:]) for h in source["leaves"][:2]]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="0123456789abcdefABCDEFxX \t\n\u0660", max_size=70) | st.integers() | st.booleans())
def test_a_leaf_hash_is_taken_only_as_0x_and_64_hex_digits(value: Any) -> None:
    body = json.dumps({"start": 0, "leafHashes": [value]}).encode()
    with fixed_server({"/leaf-hashes": (200, body)}) as url:
        found = UrlSource(url).leaf_hashes(0, 1)
    well_formed = isinstance(value, str) and len(value) == 66 and value[:2] == "0x"
    well_formed = well_formed and all(c in "0123456789abcdefABCDEF" for c in value[2:])
    assert found == ([bytes.fromhex(value[2:])] if well_formed else None)


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c.pop("oldRoot"),
        lambda c: c.update(oldRoot="0x" + H),
        lambda c: c.update(old=True),
        lambda c: c.update(old=1.0),
        lambda c: c.update(proof=[12345]),
        lambda c: c.update(proof="A" * 44),
    ],
    ids=["no root", "a hex root", "old true", "old 1.0", "a proof hash as a number", "a proof as text"],
)
def test_a_consistency_answer_not_as_written_is_not_taken(change: Any, source: dict[str, Any]) -> None:
    answer = copy.deepcopy(source["consistency"])
    with fixed_server({"/consistency": (200, json.dumps(answer).encode())}) as url:
        assert UrlSource(url).candidate(1, 2) is not None  # as written, it is
    change(answer)
    with fixed_server({"/consistency": (200, json.dumps(answer).encode())}) as url:
        assert UrlSource(url).candidate(1, 2) is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=24))
def test_a_witness_size_is_ascii_digits_as_written(text: str) -> None:
    size = witness_size(409, text)
    assert size is None or text in (str(size), f"{size}\n")
    assert witness_size(200, text) is None


def test_a_witness_answering_a_size_not_as_written_is_a_refusal(office: Office) -> None:
    """A 409 whose size is '²' (str.isdigit's yes, int()'s traceback) or '0x10' is the witness refusing."""
    ws = Workspace.open(office.home)
    before = office.fingerprint()
    for body in ("\u00b2\n", "0x10\n", " 1\n", "1\n\n", "\u0661\n", "9" * 30 + "\n"):
        with fixed_server({"/add-checkpoint": (409, body.encode())}) as url:
            [sent] = ws.send_checkpoint([url]).value
        assert sent.status == 409 and not sent.cosigned and "\n" not in sent.sentence.strip(), sent
    assert office.fingerprint() == before


@pytest.mark.parametrize(
    ("body", "says"),
    [("garbage\n", "not cosignature lines"), ("\u2014 w.example/1 " + "A" * 100 + "\n", "does not check")],
    ids=["not a signature line", "a cosignature that does not check"],
)
def test_a_witness_answering_200_with_what_is_no_cosignature_adds_nothing(office: Office, body: str, says: str) -> None:

    ws = Workspace.open(office.home)
    before = office.fingerprint()
    with fixed_server({"/add-checkpoint": (200, body.encode())}) as url:
        [sent] = ws.send_checkpoint([url]).value  # that witness's answer: the others (none here) are still asked
    assert sent.status == NO_ANSWER and not sent.cosigned and says in sent.sentence
    assert office.fingerprint() == before
