"""Files the command line reads, with one value anywhere replaced by a look-alike of another type.

Each test takes a genuine file the office wrote (an export bundle, a checkpoint request, ...), lets
`tests/fuzz_json.py` change one value, key or type in it, runs the real command in process, and accepts
three outcomes only: a refusal in one sentence (exit 2) with nothing written, a verification failure
(exit 1) where the command verifies, or success when the result is exactly what the genuine file gives,
so the change meant nothing.  A changed file accepted as meaning something else is a fault.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz_json import Mutation, at, mutations
from tests.hardening.conftest import Office
from tests.hardening.harness import Outcome, assert_refused, run_cli
from tests.hardening.harness import run_here

# A second or two a format (each example runs a command); DEEDBOOK_FUZZ_EXAMPLES=1000 searches harder by hand.
FUZZ = settings(
    max_examples=int(os.environ.get("DEEDBOOK_FUZZ_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def _written(folder: Path, name: str, mutation: Mutation) -> Path:
    path = folder / name
    path.write_text(json.dumps(mutation.document), encoding="utf-8")
    return path


def _held(home: Path) -> str:
    """What a data folder holds, row by row (table order and the dump's statement order vary between
    folders, so `fingerprint` compares a folder with itself only); a database with a schema and no rows
    holds nothing, like no database."""
    digest = hashlib.sha256()
    database = home / "ledger.sqlite"
    if database.exists():
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
            tables = [
                name
                for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                if not name.startswith(("deeds_fts", "sqlite_", "alembic_"))
            ]
            for table in tables:
                for row in sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{table}"')):
                    digest.update(f"{table}: {row}\n".encode())
        conn.close()
    for folder in ("witness", "keys"):
        for path in sorted((home / folder).glob("**/*")) if (home / folder).is_dir() else []:
            if path.is_file():
                digest.update(str(path.relative_to(home)).encode() + path.read_bytes())
    return digest.hexdigest()


def _judge(outcome: Outcome, *, before: str, after: str, verifies: bool, same: bool, change: str) -> None:
    """Refused (2, one sentence, nothing changed), not verified (1, where verifying), or the genuine result."""
    if outcome.code == 2:
        assert_refused(outcome, 2)
        assert after == before, f"refused but changed something: {change}"
    elif outcome.code == 1 and verifies:
        assert "Traceback" not in outcome.err, outcome.err
    else:
        assert outcome.code == 0, f"exit {outcome.code} for {change}: {outcome.err!r}"
        assert same, f"accepted as something else: {change}\n{outcome.out}"


# -- export bundles: `replica sync --from BUNDLE` ----------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(office_template: Office, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Any], str]:
    """The office's whole ledger as an export bundle (deedbook-export/2: its lines, each a JSON value), and what
    a replica synced from it holds."""
    root = tmp_path_factory.mktemp("bundle")
    path = root / "bundle.jsonl"
    made = run_here(office_template.argv("export", "--since", "0", "--out", str(path)))
    assert made.code == 0, made.err
    replica = root / "replica"
    synced = run_here(["--data-dir", str(replica), "replica", "sync", "--from", str(path)])
    assert synced.code == 0, synced.err
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()], _held(replica)


def _as_v1(lines: list[Any]) -> dict[str, Any]:
    """The same bundle as one deedbook-export/1 document."""
    return {**lines[0], "format": "deedbook-export/1", "entries": lines[1:-1]}


def _lines_written(folder: Path, name: str, mutation: Mutation) -> Path:
    """A v2 bundle's lines as changed (changed into something else than a list of lines, that one value)."""
    path = folder / name
    value = mutation.document
    text = "".join(json.dumps(line) + "\n" for line in value) if isinstance(value, list) else json.dumps(value)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def replica(bundle: tuple[list[Any], str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A replica synced from the office's bundle (its replica.json is what `replica show` reads)."""
    root = tmp_path_factory.mktemp("replica")
    path = root / "bundle.json"
    path.write_text(json.dumps(_as_v1(bundle[0])), encoding="utf-8")
    assert run_here(["--data-dir", str(root / "replica"), "replica", "sync", "--from", str(path)]).code == 0
    return root / "replica"


@FUZZ
@given(data=st.data())
def test_the_replica_record_changed_anywhere(
    replica: Path, capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    """`replica show` reads what the last sync wrote: a value of another type or a key gone is damage said in
    one sentence, never a traceback; a value of the type written is shown as written."""
    change = data.draw(mutations(json.loads((replica / "replica.json").read_text(encoding="utf-8"))))
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "replica"
        shutil.copytree(replica, home)
        _written(home, "replica.json", change)
        outcome = run_cli(["--data-dir", str(home), "replica", "show"], capsys)
        no_checkpoint = change.change.startswith("('checkpointSize',)") and change.value is None  # as written
        if change.kind in ("retyped", "deleted") and outcome.code == 0 and not no_checkpoint:
            pytest.fail(f"a damaged record was shown: {change.change}\n{outcome.out}")
        if outcome.code != 0:
            assert_refused(outcome, 2)


@FUZZ
@given(data=st.data())
@pytest.mark.parametrize("format", ["v2", "v1"])
def test_an_export_bundle_changed_anywhere(
    bundle: tuple[list[Any], str], capsys: pytest.CaptureFixture[str], data: st.DataObject, format: str
) -> None:
    """Both formats: v2 as `export` writes it (a line changed, or the lines replaced by one value), v1 as
    earlier versions wrote it."""
    lines, synced = bundle
    mutation = data.draw(mutations(lines if format == "v2" else _as_v1(lines)))
    write = _lines_written if format == "v2" else _written
    with tempfile.TemporaryDirectory() as folder:
        replica = Path(folder) / "replica"
        before = _held(replica)
        outcome = run_cli(
            ["--data-dir", str(replica), "replica", "sync", "--from", str(write(Path(folder), "b.json", mutation))],
            capsys,
        )
        after = _held(replica)
        _judge(outcome, before=before, after=after, verifies=True, same=after == synced, change=mutation.change)
    shutil.rmtree(folder, ignore_errors=True)


# -- checkpoint requests (`witness cosign REQUEST`) and the witness's own files ------------------------------


@pytest.fixture(scope="module")
def witness(office_template: Office, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A witness following the office's ledger, the office's checkpoint request, and the witness's state and
    cosignature after cosigning it."""
    root = tmp_path_factory.mktemp("witness")
    home, request = root / "witness", root / "request.json"
    pw = ["--password-file", str(office_template.password_file)]
    made = run_here(office_template.argv("checkpoint", "request", "--out", str(request)))
    assert made.code == 0, made.err
    for argv in (["key", "new", "witness", *pw], ["witness", "init", "w.example/1", "--key", "witness"]):
        assert run_here(["--data-dir", str(home), *argv]).code == 0
    assert run_here(["--data-dir", str(home), "witness", "follow", str(request)]).code == 0
    template = root / "template"
    shutil.copytree(home, template)
    cosigned = run_here(_cosign_argv(home, request, root / "cosigned.txt", office_template))
    assert cosigned.code == 0, cosigned.err
    return {
        "template": template,
        "request": json.loads(request.read_text(encoding="utf-8")),
        "role": json.loads((template / "witnessing" / "witness.json").read_text(encoding="utf-8")),
        "state": json.loads(next((template / "witnessing" / "ledgers").glob("*.json")).read_text(encoding="utf-8")),
        "after": _cosigned_state(home),
        "signer": _signature_names(root / "cosigned.txt"),
        "office": office_template,
        "request_path": request,
        "state_name": next((template / "witnessing" / "ledgers").glob("*.json")).name,
    }


def _cosign_argv(home: Path, request: Path, out: Path, office: Office) -> list[str]:
    return [
        "--data-dir",
        str(home),
        "witness",
        "cosign",
        str(request),
        "--key",
        "witness",
        "--out",
        str(out),
        "--password-file",
        str(office.password_file),
    ]


def _cosigned_state(home: Path) -> Any:
    """The followed ledger's state after cosigning, but for when (cosignedAt differs from run to run)."""
    state = json.loads(next((home / "witnessing" / "ledgers").glob("*.json")).read_text(encoding="utf-8"))
    state.pop("cosignedAt", None)
    return state


def _signature_names(cosignature: Path) -> list[str]:
    """Who signed a cosigned note: each signature line's key name and key id (the rest is a timestamp
    and a signature, which differ from run to run)."""
    signatures = cosignature.read_text(encoding="utf-8").split("\n\n", 1)[1].splitlines()
    return [f"{name} {base64.b64decode(blob)[:4].hex()}" for _, name, blob in (s.split(" ") for s in signatures)]


def _an_edit(change: Mutation) -> bool:
    """A value of the type written, in its range: an edit of a file that is not signed, which the reader
    takes as written (a whole number stays a count or a moment: not negative, not beyond 64 bits)."""
    return change.kind == "revalued" and (type(change.value) is not int or 0 <= change.value < 2**63)


def _cosign_with(witness: dict[str, Any], capsys: pytest.CaptureFixture[str], change: Mutation, name: str) -> None:
    """Cosign with one of the witness's files or the request changed: refused, a fork (exit 1), or the
    genuine cosignature and state."""
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "witness"
        shutil.copytree(witness["template"], home)
        request = witness["request_path"]
        if name == "request":
            request = _written(Path(folder), "request.json", change)
        elif name == "role":
            _written(home / "witnessing", "witness.json", change)
        else:
            _written(home / "witnessing" / "ledgers", witness["state_name"], change)
        before = _held(home)
        out = Path(folder) / "cosigned.txt"
        outcome = run_cli(_cosign_argv(home, request, out, witness["office"]), capsys)
        same = (
            outcome.code == 0
            and _cosigned_state(home) == witness["after"]
            and _signature_names(out) == witness["signer"]
        )
        if name != "request":  # the witness's own files: a value of the same type is an edit, read as written
            same = same or _an_edit(change)
        _judge(outcome, before=before, after=_held(home), verifies=True, same=same, change=change.change)
        if outcome.code == 2:
            assert not out.exists(), f"refused but wrote a cosignature: {change.change}"


@FUZZ
@given(data=st.data())
def test_a_checkpoint_request_changed_anywhere(
    witness: dict[str, Any], capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    _cosign_with(witness, capsys, data.draw(mutations(witness["request"])), "request")


@FUZZ
@given(data=st.data())
def test_the_witness_role_file_changed_anywhere(
    witness: dict[str, Any], capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    _cosign_with(witness, capsys, data.draw(mutations(witness["role"])), "role")


@FUZZ
@given(data=st.data())
def test_a_followed_ledger_state_changed_anywhere(
    witness: dict[str, Any], capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    _cosign_with(witness, capsys, data.draw(mutations(witness["state"])), "state")


# -- the faults the tests above found, each spelt out ------------------------------------------------------


def _spelt(document: Any, path: tuple[Any, ...], value: Any, *, delete: bool = False) -> Mutation:

    changed = json.loads(json.dumps(document))
    target = at(changed, path[:-1])
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return Mutation(changed, f"{path!r} -> {'deleted' if delete else repr(value)}", "deleted" if delete else "retyped")


SIGNER = ("entries", 0, "signatures", 0, "signer")


@pytest.mark.parametrize(
    ("path", "spell"),
    [
        (SIGNER, str.upper),  # "0X03245FE0...": once stored by the replica as the signer's address
        (SIGNER, lambda signer: None),  # once stored as the signer "None" (then refused by verification)
        (("entries", 0, "signatures", 0, "signature"), lambda sig: "zz" + sig[2:]),  # any two characters for 0x
        (("entries", 0, "signatures", 0, "role"), lambda role: [role]),  # once the role "['operator']"
        (("entries", 1, "index"), lambda index: True),  # == took true and 1.0 for the position 1
        (("entries", 1, "index"), float),
        (("size",), float),
    ],
    ids=[
        "signer-upper-case",
        "signer-null",
        "signature-prefix",
        "role-list",
        "index-true",
        "index-float",
        "size-float",
    ],
)
@pytest.mark.parametrize("format", ["v2", "v1"])
def test_a_bundle_is_read_as_written(
    bundle: tuple[list[Any], str],
    capsys: pytest.CaptureFixture[str],
    path: tuple[Any, ...],
    spell: Any,
    format: str,
) -> None:
    """An export bundle's signature record spelt otherwise (str() and bytes.fromhex(text[2:]) took each, so a
    replica started from it stored a record its source never held), or an entry's position or the size as
    true or a float (== took them for whole numbers): the bundle is damaged."""
    lines, _ = bundle
    if format == "v2":  # the same place in its lines: an entry's is its own line, the size the first line's
        genuine: Any = lines
        path = (1 + path[1], *path[2:]) if path[0] == "entries" else (0, *path)
        write = _lines_written
    else:
        genuine, write = _as_v1(lines), _written
    mutation = _spelt(genuine, path, spell(at(genuine, path)))
    with tempfile.TemporaryDirectory() as folder:
        replica = Path(folder) / "replica"
        outcome = run_cli(
            ["--data-dir", str(replica), "replica", "sync", "--from", str(write(Path(folder), "b.json", mutation))],
            capsys,
        )
        assert_refused(outcome, 2, says="damaged")
        assert _held(replica) == _held(Path(folder) / "nothing")


@pytest.mark.parametrize(
    ("name", "path", "value", "delete"),
    [
        ("role", ("name",), None, False),  # once cosigned as the witness "None"
        ("role", ("name",), 7, False),  # once cosigned as the witness "7"
        ("role", ("address",), ["0x" + "12" * 20], False),  # once "['0x1212...']", refused only as another key
        ("state", ("followedAt",), None, True),  # once taken as followed in 1970
        ("state", ("followedAt",), -5, False),
        ("state", ("cosignedAt",), None, True),  # once taken as never cosigned
        ("state", ("checkpoint",), None, True),
        ("state", ("size",), 2**64, False),
        ("state", ("root",), "AAAA", False),  # three bytes, not a 32-byte hash: once compared as a root
    ],
    ids=lambda v: repr(v)[:20],
)
def test_the_witness_own_files_are_read_as_written(
    witness: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    name: str,
    path: tuple[Any, ...],
    value: Any,
    delete: bool,
) -> None:
    """The witness's settings and its record of a followed ledger, damaged: refused in one sentence before
    anything is cosigned, not read through str(), a default or an unchecked length."""
    document = witness["role" if name == "role" else "state"]
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "witness"
        shutil.copytree(witness["template"], home)
        target = home / "witnessing" / ("witness.json" if name == "role" else f"ledgers/{witness['state_name']}")
        _written(target.parent, target.name, _spelt(document, path, value, delete=delete))
        before, out = _held(home), Path(folder) / "cosigned.txt"
        outcome = run_cli(_cosign_argv(home, witness["request_path"], out, witness["office"]), capsys)
        assert_refused(outcome, 2, says="damaged")
        assert _held(home) == before and not out.exists()


# -- the record of the last full verify (`verify --since-checkpoint`) ----------------------------------------


@pytest.fixture(scope="module")
def verified(office_template: Office, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An office whose full verify left its record, and how far `verify --since-checkpoint` then trusts it."""
    home = tmp_path_factory.mktemp("verified") / "home"
    shutil.copytree(office_template.home, home)
    assert run_here(["--data-dir", str(home), "verify"]).code == 0
    [record] = (home / "verified").glob("*.json")
    since = run_here(["--data-dir", str(home), "verify", "--since-checkpoint", "--json"])
    assert since.code == 0 and json.loads(since.out)["since"] is not None, since.out
    return {"home": home, "record": record, "document": json.loads(record.read_text(encoding="utf-8"))}


@FUZZ
@given(data=st.data())
def test_the_verify_record_changed_anywhere(
    verified: dict[str, Any], capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    """A record damaged (a value of another type, a key gone) is not trusted: every entry is verified again
    (or, where it names a root the ledger does not have, verification fails)."""
    change = data.draw(mutations(verified["document"]))
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        shutil.copytree(verified["home"], home)
        _written(home / "verified", verified["record"].name, change)
        outcome = run_cli(["--data-dir", str(home), "verify", "--since-checkpoint", "--json"], capsys)
        assert "Traceback" not in outcome.err, outcome.err
        if outcome.code == 0:
            report = json.loads(outcome.out)
            trusted = report["since"] is not None
            # A value of another type, or a key gone, is damage: not trusted.  A value of the type written is
            # the record's word (verify checks what it names against the ledger's own tree).
            assert report["ok"] and (not trusted or change.kind in ("added", "revalued")), (
                f"the changed record was trusted: {change.change}"
            )
        else:
            assert outcome.code == 1, f"exit {outcome.code} for {change.change}: {outcome.err!r}"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("entries",), 2.0),  # int() took each of these, and verify skipped the entries before the checkpoint
        (("at",), True),
        (("checkpoint", "index"), "2"),
        (("checkpoint", "size"), 2.0),
        (("checkpoint", "root"), None),  # str(None)[2:] was not hex: this one was refused already
    ],
    ids=repr,
)
def test_a_verify_record_is_read_as_written(
    verified: dict[str, Any], capsys: pytest.CaptureFixture[str], path: tuple[str, ...], value: Any
) -> None:
    """A record whose numbers read 2.0, true or "2" is not the one a verify wrote: every entry is verified."""
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        shutil.copytree(verified["home"], home)
        _written(home / "verified", verified["record"].name, _spelt(verified["document"], path, value))
        outcome = run_cli(["--data-dir", str(home), "verify", "--since-checkpoint", "--json"], capsys)
        assert outcome.code == 0 and json.loads(outcome.out)["since"] is None, outcome.out


# -- signed responses (`transfer submit`) ----------------------------------------------------------------


def _last_entry(home: Path) -> Any:
    """The latest entry as JSON (kind, message, signatures), without when it was recorded."""
    from core.ledger import Ledger
    from core.paths import DataDir

    ledger = Ledger.open(DataDir.resolve(home))
    try:
        return ledger.entry(ledger.size() - 1).entry.as_json()
    finally:
        ledger.close()


@pytest.fixture(scope="module")
def responses(office_template: Office, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Alice's and Bob's signed responses to a transfer of deed 1, and the entry submitting them records."""
    root = tmp_path_factory.mktemp("responses")
    home = root / "home"
    shutil.copytree(office_template.home, home)
    office = Office(home, office_template.password_file, office_template.alice, office_template.bob)
    prepared = run_here(
        office.argv(
            "transfer",
            "prepare",
            "1",
            "--to",
            office.bob,
            "--price",
            "1000",
            "--out-dir",
            str(root / "requests"),
            "--json",
        )
    )
    assert prepared.code == 0, prepared.err
    signed, requests = {}, {}
    for request in json.loads(prepared.out)["requests"]:
        requests[request["role"]] = Path(request["path"])
        out = root / f"{request['role']}.json"
        key = "alice" if request["role"] == "seller" else "bob"
        made = run_here(office.keyed("sign", request["path"], "--yes", "--out", str(out), key=key))
        assert made.code == 0, made.err
        signed[request["role"]] = out
    template = root / "template"
    shutil.copytree(home, template)
    submitted = run_here(office.argv("transfer", "submit", str(signed["seller"]), str(signed["buyer"])))
    assert submitted.code == 0, submitted.err
    return {
        "template": template,
        "files": signed,
        "documents": {role: json.loads(path.read_text(encoding="utf-8")) for role, path in signed.items()},
        "entry": _last_entry(home),
        "requests": requests,
        "office": office,
    }


@FUZZ
@given(data=st.data())
def test_a_signed_response_changed_anywhere(
    responses: dict[str, Any], capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    """Refused, or the very entry the genuine responses record: never one that says something else."""
    from tests.fuzz_json import same_meaning

    role = data.draw(st.sampled_from(["seller", "buyer"]))
    change = data.draw(mutations(responses["documents"][role]))
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        shutil.copytree(responses["template"], home)
        files = dict(responses["files"])
        files[role] = _written(Path(folder), f"{role}.json", change)
        before = _held(home)
        outcome = run_cli(
            ["--data-dir", str(home), "transfer", "submit", str(files["seller"]), str(files["buyer"])], capsys
        )
        after = _held(home)
        same = outcome.code == 0 and same_meaning(_last_entry(home), responses["entry"])
        _judge(outcome, before=before, after=after, verifies=False, same=same, change=change.change)


@pytest.mark.parametrize(
    ("key", "value", "delete"),
    [
        ("size", "3", False),  # a traceback: format ',' on text
        ("lastSync", "soon", False),  # a traceback: int("soon")
        ("cosigners", 2, False),  # a traceback: len(2)
        ("source", None, True),  # shown as "Replica of None"
        ("size", True, False),  # shown as 1 entry
    ],
    ids=repr,
)
def test_a_replica_record_is_read_as_written(
    replica: Path, capsys: pytest.CaptureFixture[str], key: str, value: Any, delete: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "replica"
        shutil.copytree(replica, home)
        record = json.loads((home / "replica.json").read_text(encoding="utf-8"))
        _written(home, "replica.json", _spelt(record, (key,), value, delete=delete))
        assert_refused(run_cli(["--data-dir", str(home), "replica", "show"], capsys), 2, says="damaged")


# -- the notary's own journal (`journal verify` on the notary's machine) ---------------------------------------

FIELDS = {
    "document": "Deed",
    "fee": "15",
    "thumbprint": False,
    "signers": [
        {
            "name": "Alice",
            "address": "1 Main St",
            "id": {
                "type": "passport",
                "issuer": "US",
                "number": "X123",
                "issued": "2020-01-01",
                "expires": "2030-01-01",
            },
        }
    ],
    "witnesses": [],
}


@pytest.fixture(scope="module")
def journal(office_template: Office, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A notary's folder whose journal holds one row: the attestation of the office's checkpoint entry."""
    root = tmp_path_factory.mktemp("journal")
    home, notary = root / "office", root / "notary"
    shutil.copytree(office_template.home, home)
    pw = ["--password-file", str(office_template.password_file)]
    made = run_here(["--data-dir", str(notary), "key", "new", "notary", *pw])
    assert made.code == 0, made.err
    attest = run_here(
        [
            "--data-dir",
            str(home),
            "attest",
            "prepare",
            "1",
            "--notary",
            made.out.split()[-1],
            "--act",
            "acknowledgment",
            "--place",
            "Ames",
            "--out-dir",
            str(root / "attest"),
        ]
    )
    assert attest.code == 0, attest.err
    fields = root / "fields.json"
    fields.write_text(json.dumps(FIELDS), encoding="utf-8")
    [request] = (root / "attest").glob("*.json")
    signed = run_here(
        [
            "--data-dir",
            str(notary),
            "sign",
            str(request),
            "--key",
            "notary",
            *pw,
            "--yes",
            "--journal-fields",
            str(fields),
            "--out",
            str(root / "signed.json"),
        ]
    )
    assert signed.code == 0, signed.err
    path = notary / "notary" / "journal.jsonl"
    return {"notary": notary, "row": json.loads(path.read_text(encoding="utf-8").splitlines()[0])}


@FUZZ
@given(data=st.data())
def test_a_journal_row_changed_anywhere(
    journal: dict[str, Any], capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    """A notary's journal row changed anywhere is named (exit 1) or refused in one sentence, never intact."""
    change = data.draw(mutations(journal["row"]))
    with tempfile.TemporaryDirectory() as folder:
        notary = Path(folder) / "notary"
        shutil.copytree(journal["notary"], notary)
        (notary / "notary" / "journal.jsonl").write_text(json.dumps(change.document) + "\n", encoding="utf-8")
        outcome = run_cli(["--data-dir", str(notary), "journal", "verify"], capsys)
        assert outcome.code in (1, 2), f"a changed row verified as intact: {change.change}\n{outcome.out}"
        assert "Traceback" not in outcome.err + outcome.out
        if outcome.code == 2:
            assert_refused(outcome, 2)


# -- signing requests (`sign REQUEST`: the party's side, with only a key) ------------------------------------


@FUZZ
@given(data=st.data())
def test_a_signing_request_changed_anywhere(
    responses: dict[str, Any], capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    """A request changed anywhere is refused in one sentence with nothing written, or signed; a value of
    another type or a key gone is signed only if what is signed is the genuine request's typed data (a value
    of the type written is what the summary shows the signer, and is theirs to sign)."""
    from tests.fuzz_json import same_meaning

    genuine = json.loads(responses["requests"]["seller"].read_text(encoding="utf-8"))
    change = data.draw(mutations(genuine))
    with tempfile.TemporaryDirectory() as folder:
        request, out = _written(Path(folder), "request.json", change), Path(folder) / "signed.json"
        outcome = run_cli(
            responses["office"].keyed("sign", str(request), "--yes", "--out", str(out), key="alice"), capsys
        )
        if outcome.code == 2:
            assert_refused(outcome, 2)
            assert not out.exists(), f"refused but wrote a response: {change.change}"
            return
        assert outcome.code == 0, f"exit {outcome.code} for {change.change}: {outcome.err!r}"
        if change.kind in ("retyped", "deleted"):
            signed = json.loads(out.read_text(encoding="utf-8"))
            assert same_meaning(signed["typedData"], genuine["typedData"]), f"signed something else: {change.change}"


# -- the ledger's witness file (read by every verify, to rule out a rollback) ----------------------------------


def _witness_meaning(witness: Any) -> Any:
    """What a verify takes from a witness file: the checkpoint's place, time, message and signatures."""
    return [witness.index, witness.recorded_at, witness.message, [s.as_json() for s in witness.signatures]]


@FUZZ
@given(data=st.data())
def test_the_witness_file_changed_anywhere(office_template: Office, data: st.DataObject) -> None:
    """Refused as unusable, or read as exactly the checkpoint the genuine file names (type for type), but for a
    whole number changed to another (an index further on is what a rollback looks like: verify says so)."""
    from core.ledger import Ledger
    from core.paths import DataDir
    from core.witness import UnusableWitness, parse_witness, read_witness
    from tests.fuzz_json import same_meaning

    home = DataDir.resolve(office_template.home)
    ledger = Ledger.open(home)
    try:
        identity = ledger.identity
    finally:
        ledger.close()
    genuine = read_witness(home, identity)
    assert genuine is not None
    change = data.draw(mutations(json.loads(genuine.path.read_bytes())))
    try:
        read = parse_witness(genuine.path, json.dumps(change.document).encode(), identity)
    except UnusableWitness as refused:
        assert str(refused) and "\n" not in str(refused)
        return
    # A whole number for a whole number is the witness's word, which verify weighs: an index beyond the ledger,
    # however large, is what a rollback looks like (test_catalogue_storage.py).
    if change.kind == "revalued" and type(change.value) is int:
        return
    assert same_meaning(_witness_meaning(read), _witness_meaning(genuine)), f"read as another: {change.change}"


def test_a_damaged_witness_file_is_not_a_rewritten_ledger(office: Office, capsys: pytest.CaptureFixture[str]) -> None:
    """The witness file's checkpoint with its operator signature listed twice was read, and verify said the
    ledger was rewritten; the file is damaged, and verify says that.  (An index beyond the ledger, however
    large, stays what a rollback looks like: tests/hardening/test_catalogue_storage.py.)"""
    [path] = (office.home / "witness").glob("*.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    document["checkpoint"]["signatures"] *= 2
    path.write_text(json.dumps(document), encoding="utf-8")
    outcome = run_cli(office.argv("verify"), capsys)
    assert outcome.code == 1 and "witness file" in outcome.out and "is damaged" in outcome.out, outcome.out
    assert "rewritten" not in outcome.out and "rolled back" not in outcome.out, outcome.out


# -- proofs (`verify-proof`), with the strict comparison ------------------------------------------------------

# What no signature covers, by design: where the checkpoint entry sits (docs/ledger.md), and the typed data
# for other tools, which may be left out but not changed.
UNSIGNED = (("checkpoint", "index"), ("checkpoint", "recordedAt"))


@pytest.fixture(scope="module")
def proof(office_template: Office, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("proof") / "proof.json"
    assert run_here(office_template.argv("proof", "1", "--out", str(path))).code == 0
    report = run_here(["--data-dir", str(path.parent / "anyone"), "verify-proof", str(path), "--json"])
    assert report.code == 0, report.err
    return {"document": json.loads(path.read_text(encoding="utf-8")), "report": json.loads(report.out)}


@FUZZ
@given(data=st.data())
def test_a_proof_changed_anywhere(
    proof: dict[str, Any], capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    """Genuine only with the genuine report, and only for a change to what no signature covers (or an
    unknown key, or the typed data left out): a value of another type is never the same proof."""
    from tests.fuzz_json import same_meaning

    change = data.draw(mutations(proof["document"]))
    with tempfile.TemporaryDirectory() as folder:
        path = _written(Path(folder), "proof.json", change)
        outcome = run_cli(["--data-dir", str(Path(folder) / "anyone"), "verify-proof", str(path), "--json"], capsys)
        if outcome.code == 2:
            assert_refused(outcome, 2)
            return
        assert outcome.code in (0, 1) and "Traceback" not in outcome.err, outcome.err
        if outcome.code == 0:
            report = json.loads(outcome.out)
            allowed = (
                change.kind == "added"
                or change.path[:2] in UNSIGNED
                or (change.kind == "deleted" and change.path == ("typedData",))
            )
            assert allowed and same_meaning(report, proof["report"]), f"genuine after {change.change}"


@pytest.mark.parametrize(
    ("path", "spell", "code"),
    [
        (("typedData", "message", "deedId"), lambda v: 1.0, 1),  # == took 1.0 (and true) for the deed id 1
        (("typedData", "message", "deedId"), lambda v: True, 1),
        (("ledger", "ledgerId"), lambda v: v[:10] + " " + v[10:], 2),  # bytes.fromhex skipped the space
        (("ledger", "operator"), str.upper, 2),  # "0X0B43...": shown as the ledger's operator
        (("auditPath", 0), lambda v: v + " ", 2),
    ],
    ids=["deedId-float", "deedId-true", "ledgerId-space", "operator-0X", "auditPath-space"],
)
def test_a_proof_is_read_as_written(
    proof: dict[str, Any], capsys: pytest.CaptureFixture[str], path: tuple[Any, ...], spell: Any, code: int
) -> None:
    """Each of these verified as the genuine proof; the typed data for other tools now says what the signature
    covers type for type (exit 1), and the rest is malformed (exit 2)."""
    change = _spelt(proof["document"], path, spell(at(proof["document"], path)))
    with tempfile.TemporaryDirectory() as folder:
        path_ = _written(Path(folder), "proof.json", change)
        outcome = run_cli(["--data-dir", str(Path(folder) / "anyone"), "verify-proof", str(path_)], capsys)
        assert outcome.code == code, (outcome.code, outcome.out, outcome.err)
        if code == 2:
            assert_refused(outcome, 2)


# -- fork proofs (`verify-fork`): an honest pair of checkpoints, changed, never proves a fork -------------------


@pytest.fixture(scope="module")
def honest_pair(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two consistent checkpoints of one ledger in the fork proof's shape: it proves no fork (exit 0)."""
    from core.checkpoint_note import note_of, open_checkpoint
    from core.checkpoints import make_checkpoint
    from core.forks import make_fork
    from tests.helpers import make_world

    world = make_world(tmp_path_factory.mktemp("forks") / "home")
    made = []
    for count in (2, 3):
        for _ in range(count):
            world.register(f"F-{world.ledger.size()}", world.operator.address)
        made.append(make_checkpoint(world.ledger, world.operator))
    small, large = (
        open_checkpoint(note_of(world.ledger.identity, r.message, r.signatures), world.ledger.identity) for r in made
    )
    tree = world.ledger.tree()
    data = make_fork(
        small, large, tree.root(small.size), tree.consistency(small.size, large.size), found_by="t", found_at=1
    )
    return data


@FUZZ
@given(data=st.data())
def test_an_honest_pair_changed_anywhere_proves_no_fork(
    honest_pair: dict[str, Any], capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    change = data.draw(mutations(honest_pair))
    with tempfile.TemporaryDirectory() as folder:
        path = _written(Path(folder), "fork.json", change)
        outcome = run_cli(["--data-dir", str(Path(folder) / "anyone"), "verify-fork", str(path)], capsys)
        assert outcome.code != 1, f"proves a fork after {change.change}: {outcome.out}"
        if outcome.code == 2:
            assert_refused(outcome, 2)
        else:
            assert outcome.code == 0 and "Traceback" not in outcome.err, outcome.err


# -- rules files (`rules set --file`): every place, every look-alike, in process ------------------------------

RULES = {
    "format": "deedbook-rules/1",
    "max_holders_per_deed": 5,
    "max_share_percent": 33.5,
    "min_holding_shares": 10,
    "jurisdictions": {"allowed": ["US", "CA"]},
    "lockup": {"after_purchase_days": 3, "after_registration_days": 0},
    "recovery": {"approvals": [{"role": "notary", "by": "registrars"}], "waiting_days": 3},
}


def test_a_rules_file_changed_anywhere_is_refused_or_read_as_written() -> None:
    """Each place of a rules file, each look-alike of another type, and each key dropped: refused, or the rules
    read are the file's own words (a whole percent where a decimal one stood is a percent, as written; a rule
    left out, or given as {}, is no rule, and a number left out of one is its default 0)."""
    from core.compliance.schema import RulesError, parse_rules_text
    from tests.fuzz_json import confusions, json_type, paths, same_meaning

    accepted = []
    for path in paths(RULES):
        value = at(RULES, path)
        changes = [_spelt(RULES, path, c) for c in confusions(value) if not same_meaning(c, value)]
        changes += [_spelt(RULES, path, None, delete=True)] if isinstance(path[-1], str) else []
        for change in changes:
            try:
                rules = parse_rules_text(json.dumps(change.document))
            except RulesError as refused:
                assert str(refused).endswith(".") and "\n" not in str(refused)
                continue
            read, written = rules.as_json(), json.loads(json.dumps(change.document))
            for places in written.get("jurisdictions", {}).values():  # a set of countries: kept sorted
                places.sort()
            if not same_meaning(read, written) and change.kind != "deleted":  # a key left out: no such rule
                new = at(change.document, path)
                percent = path == ("max_share_percent",) and json_type(new) == "int"
                assert percent or new == {}, f"read otherwise: {change.change}"  # {}: a rule with nothing in it
            accepted.append(change.change)
    assert accepted  # some changes are other rules, as written (a key dropped that has a default, say)
