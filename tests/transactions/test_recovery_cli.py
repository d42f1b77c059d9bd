"""A lost-key recovery run end to end from the command line, as people would: the office opens it, three
approvers (a registrar, a notary, a court officer) each sign their request on their own machine, in a data
folder holding only their own key, and only files travel between them.  An objection from the old key
cancels another recovery.  Also: can-transfer's answer and exit codes, rules set/show, a hold signed in two
folders, and the "allowed under rules vN" note on a prepared transfer."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hardening.harness import Outcome, assert_refused, fingerprint, run_cli
from tests.helpers import full_folder

DAY = 86_400


@dataclass
class Folders:
    root: Path
    password: Path
    capsys: pytest.CaptureFixture[str]
    addresses: dict[str, str]

    @property
    def office(self) -> Path:
        return self.root / "office"

    def run(self, home: Path, *args: str) -> Outcome:
        return run_cli(["--data-dir", str(home), *args], self.capsys)

    def ok(self, home: Path, *args: str) -> str:
        outcome = self.run(home, *args)
        assert outcome.code == 0, outcome.err
        return outcome.out

    def at(self, name: str) -> Path:
        """Each person's own machine: a data folder with their key only."""
        return self.office if name in ("registrar", "dave") else self.root / name

    def new_key(self, name: str) -> str:
        out = self.ok(self.at(name), "key", "new", name, "--password-file", str(self.password))
        self.addresses[name] = out.strip().split()[-1]
        return self.addresses[name]

    def keyed(self, *args: str, key: str = "registrar") -> str:
        return self.ok(self.office, *args, "--key", key, "--password-file", str(self.password))

    def sign(self, name: str, request: Path) -> Path:
        """`name` signs `request` on its own machine; the response file is what comes back."""
        out = self.root / "responses" / (request.stem + ".signed.json")
        out.parent.mkdir(exist_ok=True)
        self.ok(
            self.at(name),
            "sign",
            str(request),
            "--key",
            name,
            "--password-file",
            str(self.password),
            "--yes",
            "--out",
            str(out),
        )
        return out

    def submit(self, *responses: Path) -> Outcome:
        return self.run(self.office, "submit", *map(str, responses))


@pytest.fixture
def folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Folders:
    password = tmp_path / "pw.txt"
    password.write_text("correct horse battery\n")
    f = Folders(tmp_path, password, capsys, {})
    for name in ("registrar", "alice", "bob", "dave", "registrar2", "notary", "court"):
        f.new_key(name)
    f.ok(f.office, "init", "--name", "Recovery County", "--operator", "registrar", "--password-file", str(password))
    f.keyed("registrar", "add", f.addresses["registrar2"])
    for parcel, owner in (("0526301100", "alice"), ("0526301200", "alice"), ("0526350040", "bob")):
        f.keyed("deed", "register", "--parcel", parcel, "--address", f"{parcel} Main St", "--owner", f.addresses[owner])
    rules = {
        "format": "deedbook-rules/1",
        "recovery": {
            "approvals": [
                {"role": "registrar", "by": [f.addresses["registrar2"]]},
                {"role": "notary", "by": [f.addresses["notary"]]},
                {"role": "court officer", "by": [f.addresses["court"]]},
            ],
            "waiting_days": 7,
        },
    }
    (tmp_path / "rules.json").write_text(json.dumps(rules))
    out = f.keyed("rules", "set", "--file", str(tmp_path / "rules.json"))
    assert "Rules v1 recorded" in out and "court officer" in out
    return f


def test_a_lost_key_is_recovered_through_three_approvers_on_three_machines(
    folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    f, a = folders, folders.addresses
    out = json.loads(
        f.keyed(
            "recovery",
            "start",
            "--lost",
            a["alice"],
            "--new",
            a["dave"],
            "--out-dir",
            str(f.root / "requests"),
            "--json",
        )
    )
    rid, requests = out["id"], [Path(p) for p in out["requests"]]
    assert [p.name.split("-")[2:4] for p in requests] == [["1", "registrar"], ["2", "notary"], ["3", "court"]]
    # from now on alice's shares are held
    held = f.run(f.office, "can-transfer", "1", "--to", a["bob"], "--json")
    assert held.code == 1 and json.loads(held.out)["code"] == "recovery-pending"

    responses = {
        name: f.sign(name, request) for name, request in zip(("registrar2", "notary", "court"), requests, strict=True)
    }
    for name in ("registrar2", "notary", "court"):  # each machine holds only its own key
        assert [p.stem for p in (f.at(name) / "keys").glob("*.json")] == [name]
        assert not (f.at(name) / "ledger.sqlite").exists()
    before = fingerprint(f.office)
    assert_refused(f.submit(responses["notary"]), 2, says="approval 1 (registrar) is not recorded yet")
    assert fingerprint(f.office) == before
    for name in ("registrar2", "notary", "court"):  # in order; the notary's same response is good now
        assert f.submit(responses[name]).code == 0

    status = json.loads(f.ok(f.office, "recovery", "status", rid[:10], "--json"))
    assert status["state"] == "waiting" and [s["approver"] for s in status["approvals"]] == [
        a["registrar2"],
        a["notary"],
        a["court"],
    ]
    assert status["ready_at"] - status["approvals"][-1]["at"] == 7 * DAY
    before = fingerprint(f.office)
    early = f.run(f.office, "recovery", "complete", rid, "--key", "registrar", "--password-file", str(f.password))
    assert_refused(early, 2, says="waiting period")
    assert fingerprint(f.office) == before

    moment = time.time() + 7 * DAY + 60
    monkeypatch.setattr(time, "time", lambda: moment)
    out = f.keyed("recovery", "complete", rid)
    assert "deed(s) 1, 2" in out
    for deed in ("1", "2"):
        shown = json.loads(f.ok(f.office, "deed", "show", deed, "--json"))
        assert shown["owner"] == a["dave"]
    history = json.loads(f.ok(f.office, "deed", "history", "1", "--json"))
    kinds = [e["kind"] for e in (history.get("entries", history) if isinstance(history, dict) else history)]
    assert kinds[-1] == "RecoveryTransfer"
    assert json.loads(f.ok(f.office, "recovery", "status", rid, "--json"))["state"] == "completed"
    assert f.run(f.office, "verify", "--jobs", "1").code == 0


def test_a_recovery_whose_requests_find_the_disk_full_is_not_opened(folders: Folders) -> None:
    """The approvers' requests are written before the entry: a full disk refuses the recovery in one sentence,
    no request file is left, and the ledger is as it was (it used to open the recovery, then fail writing)."""
    f, a = folders, folders.addresses
    before = fingerprint(f.office)
    with full_folder(f.root / "full") as disk:
        start = ["recovery", "start", "--lost", a["alice"], "--new", a["dave"], "--out-dir", str(disk / "requests")]
        outcome = f.run(f.office, *start, "--key", "registrar", "--password-file", str(f.password))
        assert_refused(outcome, 2, says="is full")
        assert [p.name for p in disk.iterdir()] == [".filler"]
    assert fingerprint(f.office) == before
    assert "No recoveries" in f.ok(f.office, "recovery", "status")


def test_an_objection_from_the_old_key_cancels_the_recovery(folders: Folders) -> None:
    f, a = folders, folders.addresses
    out = json.loads(
        f.keyed(
            "recovery", "start", "--lost", a["bob"], "--new", a["dave"], "--out-dir", str(f.root / "requests"), "--json"
        )
    )
    rid = out["id"]
    assert f.submit(f.sign("registrar2", Path(out["requests"][0]))).code == 0
    f.ok(f.office, "recovery", "objection", rid, "--out-dir", str(f.root / "objection"))
    [request] = (f.root / "objection").glob("*.json")
    assert f.submit(f.sign("bob", request)).code == 0  # bob still has his key: it was not lost
    status = json.loads(f.ok(f.office, "recovery", "status", rid, "--json"))
    assert status["state"] == "cancelled" and status["objected_index"] is not None
    assert f.run(f.office, "can-transfer", "3", "--to", a["alice"]).code == 0
    before = fingerprint(f.office)
    assert_refused(f.submit(f.sign("notary", Path(out["requests"][1]))), 2, says="cancelled by the holder's objection")
    assert_refused(
        f.run(f.office, "recovery", "complete", rid, "--key", "registrar", "--password-file", str(f.password)),
        2,
        says="cancelled",
    )
    assert fingerprint(f.office) == before
    assert f.run(f.office, "verify", "--jobs", "1").code == 0


def test_can_transfer_answers_with_a_code_and_the_exit_says_it(folders: Folders) -> None:
    f, a = folders, folders.addresses
    allowed = f.run(f.office, "can-transfer", "1", "--to", a["bob"], "--json")
    answer = json.loads(allowed.out)
    assert allowed.code == 0 and {"allowed", "code", "reason", "rules_version"} <= set(answer)
    assert answer == {**answer, "allowed": True, "code": "ok", "rules_version": 1}
    rules = f.root / "strict.json"
    rules.write_text(json.dumps({"format": "deedbook-rules/1", "required_claims": ["identity"]}))
    f.keyed("rules", "set", "--file", str(rules))
    refused = f.run(f.office, "can-transfer", "1", "--to", a["bob"], "--shares", "10", "--json")
    answer = json.loads(refused.out)
    assert refused.code == 1 and answer["allowed"] is False and answer["code"] == "claim-missing"
    assert answer["rules_version"] == 2 and "Under rules v2 (claims required to hold: identity)" in answer["reason"]
    plain = f.run(f.office, "can-transfer", "1", "--to", a["bob"])
    assert plain.code == 1 and plain.out.startswith("Refused (claim-missing, 0x57): Under rules v2")
    assert_refused(f.run(f.office, "can-transfer", "99", "--to", a["bob"]), 2, says="no deed '99'")
    assert_refused(f.run(f.office, "can-transfer", "1", "--to", "0x1234"), 2, says="not an Ethereum address")
    shown = f.ok(f.office, "rules", "show")
    assert "Rules v2" in shown and "Claims a new holder needs" in shown and "identity" in shown
    history = json.loads(f.ok(f.office, "rules", "show", "--history", "--json"))
    assert [v["version"] for v in history] == [1, 2]
    assert_refused(
        f.run(f.office, "rules", "set", "--file", str(rules), "--key", "registrar", "--password-file", str(f.password)),
        2,
        says="rules in force already",
    )


def test_a_prepared_transfer_carries_the_rules_verdict(folders: Folders) -> None:
    f, a = folders, folders.addresses
    out = json.loads(
        f.ok(
            f.office,
            "transfer",
            "prepare",
            "1",
            "--to",
            a["bob"],
            "--price",
            "100000",
            "--out-dir",
            str(f.root / "sale"),
            "--json",
        )
    )
    assert out["rules_version"] == 1
    request = json.loads(Path(out["requests"][0]["path"]).read_text())
    assert request["rules"] == {"version": 1, "verdict": "ok"}
    assert request["summary"].endswith("Rules: allowed under rules v1, as checked by the agent's ledger when prepared.")
    shown = f.ok(
        f.at("alice"),
        "sign",
        out["requests"][0]["path"],
        "--key",
        "alice",
        "--password-file",
        str(f.password),
        "--yes",
        "--out",
        str(f.root / "seller.json"),
    )
    assert "Transfer of deed 1" in shown and "Rules:" not in shown  # the signer reads the typed data, not the note


def test_a_hold_is_signed_on_two_machines_and_refuses_the_transfer(folders: Folders) -> None:
    f, a = folders, folders.addresses
    out = json.loads(
        f.keyed(
            "hold",
            "add",
            "1",
            "--reason",
            "Title fraud inquiry",
            "--order",
            "CV-2026-0142",
            "--out-dir",
            str(f.root / "hold"),
            "--json",
        )
    )
    mine = next(Path(x["path"]) for x in out["files"] if x["role"] == "registrar")
    theirs = next(Path(x["path"]) for x in out["files"] if x["role"] == "approver")
    assert json.loads(theirs.read_text())["signer"] == a["registrar2"]  # the only other registrar
    assert_refused(f.submit(mine), 2, says="still needs the approver's approval")
    assert f.submit(mine, f.sign("registrar2", theirs)).code == 0
    refused = f.run(f.office, "can-transfer", "1", "--to", a["bob"], "--json")
    assert refused.code == 1 and json.loads(refused.out)["code"] == "deed-frozen"
    assert "CV-2026-0142" in json.loads(refused.out)["reason"]
    before = fingerprint(f.office)
    prepared = f.run(
        f.office, "transfer", "prepare", "1", "--to", a["bob"], "--price", "1", "--out-dir", str(f.root / "nope")
    )
    assert_refused(prepared, 2, says="Deed 1 is frozen")
    assert fingerprint(f.office) == before and not (f.root / "nope").exists()
    listed = json.loads(f.ok(f.office, "hold", "list", "--json"))
    assert [h["active"] for h in listed] == [True]
    out = json.loads(
        f.keyed(
            "hold",
            "release",
            listed[0]["id"][:10],
            "--reason",
            "Order lifted",
            "--out-dir",
            str(f.root / "release"),
            "--json",
        )
    )
    files = {x["role"]: Path(x["path"]) for x in out["files"]}
    assert f.submit(files["registrar"], f.sign("registrar2", files["approver"])).code == 0
    assert f.run(f.office, "can-transfer", "1", "--to", a["bob"]).code == 0
    assert f.run(f.office, "verify", "--jobs", "1").code == 0
