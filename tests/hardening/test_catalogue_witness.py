"""The bad-input catalogue of witnesses, cosignatures, policies, fork proofs, exports, replicas and serve.

Every case runs one command as a user would, in the office (the operator's folder) or in a witness's
own folder, and must refuse with exit 2 and one sentence, leaving both folders exactly as they were
(a refusal that would need a password says so before asking: no case gives one unless it needs it).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.checkpoint_note import WitnessKey, note_of
from core.checkpoints import make_checkpoint
from core.ledger import Ledger
from core.paths import DataDir
from core.policy import format_policy
from core.witness_requests import build_request
from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli
from tests.helpers import full_folder, make_world, read_only_folder


def folder_print(root: Path) -> str:
    """Every file under a folder (the witness's state included), by name and content."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")) if root.exists() else []:
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class Scene:
    office: Office
    witness: Path  # a witness's data folder, following the office's ledger, at the office's first checkpoint
    files: dict[str, Path]

    def resolve(self, word: str) -> str:
        return str(self.files[word]) if word in self.files else word


@pytest.fixture(scope="module")
def template(office_template: Office, tmp_path_factory: pytest.TempPathFactory) -> Scene:
    """Built once: a copy of the office, a witness of its ledger (which cosigned its checkpoint), a stranger's
    ledger, and the files the cases hand in; each case works on copies of the two folders."""
    import shutil

    root = tmp_path_factory.mktemp("witness-catalogue")
    office = Office(root / "office", office_template.password_file, office_template.alice, office_template.bob)
    shutil.copytree(office_template.home, office.home)
    pw = ["--password-file", str(office.password_file)]
    witness = root / "witness"
    for argv in (["key", "new", "notary", *pw], ["witness", "init", "notary.example/w1", "--key", "notary"]):
        assert run_cli(["--data-dir", str(witness), *argv]).code == 0
    ledger = Ledger.open(DataDir.resolve(office.home))
    latest = ledger.latest_checkpoint()
    assert latest is not None
    request = root / "request.json"
    request.write_text(build_request(ledger, latest).to_text())
    assert run_cli(["--data-dir", str(witness), "witness", "follow", str(request)]).code == 0
    cosigned = root / "cosigned.txt"
    assert (
        run_cli(
            [
                "--data-dir",
                str(witness),
                "witness",
                "cosign",
                str(request),
                "--key",
                "notary",
                "--out",
                str(cosigned),
                *pw,
            ]
        ).code
        == 0
    )
    files = {"REQUEST": request, "TAKEN": cosigned, "PW": office.password_file}
    garbage = root / "garbage.txt"
    garbage.write_text('{"not": "what it should be"')
    files["GARBAGE"] = garbage
    operator_only = root / "operator-only.txt"
    operator_only.write_text(note_of(ledger.identity, latest.message, latest.signatures).serialize())
    files["OPERATOR_ONLY"] = operator_only
    stranger = make_world(root / "stranger", "Stranger County")
    stranger.register("S-1", stranger.operator.address)
    foreign = make_checkpoint(stranger.ledger, stranger.operator)
    foreign_request = root / "foreign-request.json"
    foreign_request.write_text(build_request(stranger.ledger, foreign).to_text())
    files["FOREIGN_REQUEST"] = foreign_request
    files["STRANGER"] = stranger.home.root
    foreign_note = root / "foreign-note.txt"
    foreign_note.write_text(note_of(stranger.ledger.identity, foreign.message, foreign.signatures).serialize())
    files["FOREIGN_NOTE"] = foreign_note
    forged = root / "forged-request.json"
    forged.write_text(_forged_request(request))
    files["FORGED_REQUEST"] = forged
    demanding = root / "policy.txt"
    demanding.write_text(format_policy(ledger.identity, [("bob", WitnessKey("bob.example/w1", office.bob))], 1))
    files["POLICY"] = demanding
    ledger.close()
    stranger.ledger.close()
    return Scene(office, witness, files)


@pytest.fixture
def scene(template: Scene, tmp_path: Path) -> Scene:
    import shutil

    office = Office(tmp_path / "office", template.office.password_file, template.office.alice, template.office.bob)
    shutil.copytree(template.office.home, office.home)
    shutil.copytree(template.witness, tmp_path / "witness")
    (tmp_path / "folder").mkdir()
    files = {
        **template.files,
        "OUT": tmp_path / "new-file",
        "MISSING": tmp_path / "missing",
        "FOLDER": tmp_path / "folder",
        "OFFICE": office.home,
    }
    return Scene(office, tmp_path / "witness", files)


def _forged_request(request: Path) -> str:
    """The request with its operator signature's last byte changed (a checkpoint the operator did not sign)."""
    import json

    data = json.loads(request.read_text())
    lines = data["checkpoint"].split("\n")
    signature = lines[-2]
    head, _, encoded = signature.rpartition(" ")
    changed = encoded[:-6] + ("B" if encoded[-6] == "A" else "A") + encoded[-5:]
    lines[-2] = f"{head} {changed}"
    data["checkpoint"] = "\n".join(lines)
    return json.dumps(data)


# case: (where it runs: the office or the witness, argv, what the one sentence says)
CASES: dict[str, tuple[str, list[str], str]] = {
    # the operator's side
    "checkpoint without a key": ("office", ["checkpoint"], "give --key"),
    "a request file name that is taken, before signing": (
        "office",
        ["checkpoint", "--key", "registrar", "--request-out", "TAKEN"],
        "exists already",
    ),
    "a request from a size past the checkpoint": (
        "office",
        ["checkpoint", "request", "--out", "OUT", "--from", "99"],
        "cannot be made",
    ),
    "a cosignature file that is not a note": (
        "office",
        ["checkpoint", "add-cosignature", "GARBAGE"],
        "is not a cosigned checkpoint",
    ),
    "a cosignature of another ledger's checkpoint": (
        "office",
        ["checkpoint", "add-cosignature", "FOREIGN_NOTE"],
        "another ledger",
    ),
    "a cosignature file with no cosignature": (
        "office",
        ["checkpoint", "add-cosignature", "OPERATOR_ONLY"],
        "only the operator's signature",
    ),
    "a cosignature file that is not there": (
        "office",
        ["checkpoint", "add-cosignature", "MISSING"],
        "There is no file",
    ),
    "a cosignature file that is a folder": ("office", ["checkpoint", "add-cosignature", "FOLDER"], "is a folder"),
    "a witness address that is not http": (
        "office",
        ["checkpoint", "send", "ftp://witness.example"],
        "is not a server's address",
    ),
    "a witness server that is not there": ("office", ["checkpoint", "send", "http://127.0.0.1:9"], "Cannot reach"),
    "a policy that is not one": ("office", ["verify-proof", "REQUEST", "--policy", "GARBAGE"], "not a policy file"),
    "a document whose checkpoint lacks the policy's quorum": (
        "office",
        ["pdf", "title", "1", "--out", "OUT", "--policy", "POLICY"],
        "was not written",
    ),
    "a policy of a witness key that is not one": (
        "office",
        ["policy", "new", "--witness", "garbage", "--out", "OUT"],
        "cannot be used",
    ),
    "a quorum larger than the witnesses": (
        "office",
        ["policy", "new", "--witness", WitnessKey("w", "0x" + "11" * 20).vkey.text(), "--quorum", "3", "--out", "OUT"],
        "The quorum is a number",
    ),
    "an export past the ledger's end": ("office", ["export", "--since", "99", "--out", "OUT"], "starts at an entry"),
    "an export from a negative entry": ("office", ["export", "--since", "-1", "--out", "OUT"], "is an entry number"),
    "a fork proof that is not JSON": ("office", ["verify-fork", "GARBAGE"], "not a fork proof"),
    "a replica source that is not a bundle": (
        "office",
        ["replica", "sync", "--from", "GARBAGE"],
        "not an export bundle",
    ),
    "a replica of another ledger": ("office", ["replica", "sync", "--from", "STRANGER"], "this replica follows"),
    "a replica of its own folder": ("office", ["replica", "sync", "--from", "OFFICE"], "another data folder"),
    # its sentence named --data-dir, the option of the folder synced into
    "a replica of a folder with no ledger": (
        "witness",
        ["replica", "sync", "--from", "FOLDER"],
        "There is no ledger in FOLDER to sync from.",
    ),
    "a folder that never synced": ("office", ["replica", "show"], "never synced"),
    "a port out of range": ("office", ["serve", "--port", "70000"], "--port is a port number"),
    "serving a witness that is not one": ("office", ["serve", "--witness"], "not a witness's"),
    # the witness's side
    "a second witness init": ("witness", ["witness", "init", "other.example/w2", "--key", "notary"], "already"),
    "a witness name with a space": ("witness", ["witness", "init", "a name", "--key", "notary"], "without spaces"),
    "following what names no ledger": ("witness", ["witness", "follow", "GARBAGE"], "names no ledger"),
    "following a ledger key that is damaged": (
        "witness",
        ["witness", "follow", "deedbook/ledger/ab+00000000+AAAA"],
        "cannot be used",
    ),
    "following a ledger twice": ("witness", ["witness", "follow", "REQUEST"], "already"),
    "cosigning with another key than the witness's": (
        "witness",
        ["witness", "cosign", "REQUEST", "--key", "0x" + "ab" * 20, "--out", "OUT"],
        "No key on this machine has the address",
    ),
    "cosigning a request that is not one": (
        "witness",
        ["witness", "cosign", "GARBAGE", "--key", "notary", "--out", "OUT"],
        "not a checkpoint request",
    ),
    "cosigning for a ledger not followed": (
        "witness",
        ["witness", "cosign", "FOREIGN_REQUEST", "--key", "notary", "--out", "OUT"],
        "does not follow",
    ),
    "cosigning a checkpoint the operator did not sign": (
        "witness",
        ["witness", "cosign", "FORGED_REQUEST", "--key", "notary", "--out", "OUT", "--password-file", "PW"],
        "does not check",
    ),
    "cosigning over a file that is there": (
        "witness",
        ["witness", "cosign", "REQUEST", "--key", "notary", "--out", "TAKEN"],
        "exists already",
    ),
    "cosigning in a folder that is no witness's": (
        "office",
        ["witness", "cosign", "REQUEST", "--key", "registrar", "--out", "OUT"],
        "not a witness's",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_sentence_and_changes_nothing(
    case: str, scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    where, argv, says = CASES[case]
    home = scene.office.home if where == "office" else scene.witness
    before = (scene.office.fingerprint(), folder_print(scene.witness))
    outcome = run_cli(["--data-dir", str(home), *(scene.resolve(word) for word in argv)], capsys)
    assert_refused(outcome, 2, says=says.replace("FOLDER", str(scene.files["FOLDER"].resolve())))
    assert (scene.office.fingerprint(), folder_print(scene.witness)) == before
    assert not scene.files["OUT"].exists()


def test_a_witness_behind_the_request_is_told_its_size(scene: Scene, capsys: pytest.CaptureFixture[str]) -> None:
    """A request carrying no proof from the witness's size is refused with that size, nothing cosigned."""
    import json

    data = json.loads(scene.files["REQUEST"].read_text())
    data["consistency"] = []  # no proof from the size the witness cosigned (the office's checkpoint: 2)
    behind = scene.files["FOLDER"] / "behind.json"
    behind.write_text(json.dumps(data))
    before = folder_print(scene.witness)
    outcome = run_cli(
        [
            "--data-dir",
            str(scene.witness),
            "witness",
            "cosign",
            str(behind),
            "--key",
            "notary",
            "--out",
            str(scene.files["OUT"]),
            "--password-file",
            str(scene.files["PW"]),
        ],
        capsys,
    )
    assert_refused(outcome, 2, says="last cosigned")
    assert folder_print(scene.witness) == before


def newer_checkpoint_request(scene: Scene, capsys: pytest.CaptureFixture[str]) -> Path:
    """One more deed and a checkpoint over it: the request for a checkpoint the witness has not yet cosigned."""
    office, pw = scene.office, str(scene.files["PW"])
    newer = scene.files["FOLDER"] / "newer-request.json"
    register = ["deed", "register", "--parcel", "0526301101", "--address", "2 Main St", "--owner", office.bob]
    for argv in (register, ["checkpoint", "--request-out", str(newer)]):
        done = run_cli(office.argv(*argv, "--key", "registrar", "--password-file", pw), capsys)
        assert done.code == 0, done.err
    return newer


def test_cosigning_into_a_read_only_folder_advances_nothing(scene: Scene, capsys: pytest.CaptureFixture[str]) -> None:
    """A newer checkpoint the witness would cosign, its cosignature to go where nothing can be written: refused
    before the witness's state moves on (it used to record the new size, then fail writing the file)."""
    pw = str(scene.files["PW"])
    newer = newer_checkpoint_request(scene, capsys)
    before = folder_print(scene.witness)
    with read_only_folder(scene.files["FOLDER"] / "dvd") as folder:
        argv = ["witness", "cosign", str(newer), "--key", "notary", "--out", str(folder / "cos"), "--password-file", pw]
        assert_refused(run_cli(["--data-dir", str(scene.witness), *argv], capsys), 2, says="read-only")
        assert list(folder.iterdir()) == []
    assert folder_print(scene.witness) == before


def test_a_checkpoint_whose_request_finds_the_disk_full_says_it_was_recorded(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    """The folder takes an empty file (the check before signing) but not the request: the checkpoint is recorded
    by then, and the sentence says so and how to write the request again (it said 'nothing was written')."""
    office = scene.office
    keyed = ["--key", "registrar", "--password-file", str(scene.files["PW"])]
    with full_folder(scene.files["FOLDER"] / "full") as disk:
        outcome = run_cli(office.argv("checkpoint", *keyed, "--request-out", str(disk / "request.json")), capsys)
        assert_refused(outcome, 2, says="was recorded, but its request for witnesses was not written (the disk")
        assert "checkpoint request --out FILE" in outcome.err and "nothing was written" not in outcome.err
        assert [p.name for p in disk.iterdir()] == [".filler"]
    shown = run_cli(office.argv("checkpoint", "show", "--json"), capsys)
    again = run_cli(office.argv("checkpoint", "request", "--out", str(scene.files["OUT"])), capsys)
    assert again.code == 0, again.err
    latest = json.loads(shown.out)
    assert f"Checkpoint {latest['index']} " in outcome.err
    assert json.loads(scene.files["OUT"].read_text())["checkpoint"] == latest["note"]


def test_a_cosignature_that_finds_the_disk_full_says_the_witness_cosigned(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    """The witness's state moves on before the file is written: the sentence says so and how to get the file
    (it said 'The disk holding DIR is full; nothing was written.'); the same request cosigned again writes it."""
    pw = str(scene.files["PW"])
    newer = newer_checkpoint_request(scene, capsys)
    cosign = [
        "--data-dir",
        str(scene.witness),
        "witness",
        "cosign",
        str(newer),
        "--key",
        "notary",
        "--password-file",
        pw,
    ]
    with full_folder(scene.files["FOLDER"] / "full") as disk:
        outcome = run_cli([*cosign, "--out", str(disk / "cosigned.txt")], capsys)
        assert_refused(outcome, 2, says="and the witness keeps that, but the cosignature was not written (the disk")
        assert "cosign the same request again" in outcome.err and "nothing was written" not in outcome.err
        assert [p.name for p in disk.iterdir()] == [".filler"]
    again = run_cli([*cosign, "--out", str(scene.files["OUT"])], capsys)
    assert again.code == 0, again.err
