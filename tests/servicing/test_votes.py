"""A vote with ballots signed by holders on their own data folders, passed between folders as files only."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.checkpoints import make_checkpoint
from core.keys import KeyStore, UnlockedKey
from core.paths import DataDir
from core.requests import sign_request
from core.transactions import prepare_transfer, submit
from tests.hardening.harness import Outcome, assert_refused, fingerprint, run_cli
from tests.helpers import PASSWORD, World, make_world


@dataclass
class Folders:
    office: World
    holders: dict[str, Path]  # name -> that holder's own data folder (its key lives only there)
    keys: dict[str, UnlockedKey]
    password: Path
    deed: int

    def cli(self, capsys: pytest.CaptureFixture[str], *args: str, home: Path | None = None) -> Outcome:
        return run_cli(["--data-dir", str(home or self.office.home.root), *args], capsys)


@pytest.fixture
def folders(tmp_path: Path) -> Folders:
    """Deed 1 of 10 shares: alice 5, bob 3, carol 2, each holder's key in its own data folder; a checkpoint."""
    office = make_world(tmp_path / "office")
    holders, keys = {}, {}
    for name in ("alice", "bob", "carol"):
        home = DataDir.resolve(tmp_path / name).ensure()
        store = KeyStore(home.keys)
        store.create(name, PASSWORD)
        holders[name], keys[name] = home.root, store.unlock(name, PASSWORD)
    deed = office.register("0526301100", keys["alice"].address, shares=10)
    for buyer, shares in (("bob", 3), ("carol", 2)):  # the setup's sales, signed with the holders' own keys
        prepared = prepare_transfer(
            office.ledger,
            deed,
            keys[buyer].address,
            "100",
            "USD",
            shares=shares,
            closing_date="2026-03-31",
            seller=keys["alice"].address,
        )
        by = {k.address.lower(): k for k in keys.values()}
        submit(office.ledger, [sign_request(r, by[r.signer.lower()]) for r in prepared.requests])
    make_checkpoint(office.ledger, office.operator)
    password = tmp_path / "password.txt"
    password.write_text(PASSWORD + "\n")
    return Folders(office, holders, keys, password, deed)


def _propose(f: Folders, capsys: pytest.CaptureFixture[str], threshold: str = "0.6") -> int:
    closes = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 86400))
    done = f.cli(
        capsys,
        "vote",
        "propose",
        "1",
        "--text",
        "Replace the roof for USD 18,000?",
        "--threshold",
        threshold,
        "--closes",
        closes,
        "--key",
        "operator",
        "--password-file",
        str(f.password),
        "--json",
    )
    assert done.code == 0, done.err
    return int(json.loads(done.out)["id"])


def _ballot(
    f: Folders, capsys: pytest.CaptureFixture[str], proposal: int, name: str, choice: str, requests: Path
) -> Path:
    """The holder signs, in its own folder, the request file of its choice; the signed file comes back."""
    address = f.keys[name].address
    [request] = requests.glob(f"proposal-{proposal}-{address[2:10].lower()}-{choice}.json")
    signed = f.cli(
        capsys, "sign", str(request), "--key", name, "--yes", "--password-file", str(f.password), home=f.holders[name]
    )
    assert signed.code == 0, signed.err
    assert "Replace the roof" in signed.out and f"{choice}" in signed.out  # the holder read what it votes on
    return request.with_name(request.name.replace(".json", ".signed.json"))


def _tally(f: Folders, capsys: pytest.CaptureFixture[str], proposal: int) -> dict[str, object]:
    done = f.cli(capsys, "vote", "tally", str(proposal), "--json")
    assert done.code == 0, done.err
    return dict(json.loads(done.out))


def test_ballots_from_holders_folders_reach_the_threshold_of_all_shares(
    folders: Folders, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = folders
    proposal = _propose(f, capsys)
    requests = tmp_path / "ballots"
    done = f.cli(capsys, "vote", "ballot-requests", str(proposal), "--out-dir", str(requests))
    assert done.code == 0, done.err
    assert len(list(requests.glob("*.json"))) == 9  # three holders, one file per choice
    for name, choice in (("alice", "yes"), ("carol", "no")):
        recorded = f.cli(capsys, "submit", str(_ballot(f, capsys, proposal, name, choice, requests)))
        assert recorded.code == 0, recorded.err
    tally = _tally(f, capsys, proposal)
    assert (tally["yes"], tally["no"], tally["needed"], tally["outcome"]) == (5, 2, 6, "pending")  # 5 of 10 < 60%
    # A holder votes once: alice's second ballot (another choice) is refused and nothing changes.
    again = _ballot(f, capsys, proposal, "alice", "no", requests)
    before = fingerprint(f.office.home.root)
    assert_refused(f.cli(capsys, "submit", str(again)), says="votes once")
    assert fingerprint(f.office.home.root) == before
    recorded = f.cli(capsys, "submit", str(_ballot(f, capsys, proposal, "bob", "yes", requests)))
    assert recorded.code == 0, recorded.err
    tally = _tally(f, capsys, proposal)
    assert (tally["yes"], tally["no"], tally["abstain"], tally["outcome"], tally["state"]) == (
        8,
        2,
        0,
        "passed",
        "open",
    )
    assert f.cli(capsys, "verify").code == 0


def test_a_vote_that_does_not_reach_its_threshold_fails_at_the_close_and_late_ballots_are_refused(
    folders: Folders, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    f = folders
    proposal = _propose(f, capsys, threshold="75%")
    requests = tmp_path / "ballots"
    assert f.cli(capsys, "vote", "ballot-requests", str(proposal), "--out-dir", str(requests)).code == 0
    for name, choice in (("alice", "yes"), ("bob", "abstain")):
        assert f.cli(capsys, "submit", str(_ballot(f, capsys, proposal, name, choice, requests))).code == 0
    late = _ballot(f, capsys, proposal, "carol", "yes", requests)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 8 * 86400)  # after the close
    before = fingerprint(f.office.home.root)
    refused = f.cli(capsys, "submit", str(late))
    assert refused.code == 2 and "closed" in refused.err and "too late" in refused.err, refused.err
    assert fingerprint(f.office.home.root) == before
    tally = _tally(f, capsys, proposal)
    assert (tally["yes"], tally["abstain"], tally["needed"], tally["state"], tally["outcome"]) == (
        5,
        3,
        8,
        "closed",
        "failed",
    )  # 5 + 2 would still be short of 75% of 10


def test_only_a_holder_at_the_record_date_gets_a_ballot(
    folders: Folders, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = folders
    proposal = _propose(f, capsys)
    stranger = f.office.key("stranger").address
    assert_refused(
        f.cli(capsys, "vote", "ballot-requests", str(proposal), "--holder", stranger, "--out-dir", str(tmp_path / "x")),
        says="held no shares",
    )
    assert not (tmp_path / "x").exists() or not list((tmp_path / "x").iterdir())
