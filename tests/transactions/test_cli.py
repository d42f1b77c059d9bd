"""The transactions command line as people use it: agent machine, offline signers, notary."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli.main import run

Capsys = pytest.CaptureFixture[str]


def cli(capsys: Capsys, *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


class Office:
    """An agent's data folder with a ledger and deed 1 held by alice, and one offline laptop per party."""

    def __init__(self, root: Path, pw: Path, capsys: Capsys) -> None:
        self.root, self.pw, self.capsys = root, str(pw), capsys
        self.home = root / "agent"
        self.addresses: dict[str, str] = {}
        for name in ("registrar", "alice", "bob", "bank", "notary"):
            code, out, _ = self.agent("key", "new", name, "--password-file", self.pw)
            assert code == 0
            self.addresses[name] = out.strip().split()[-1]
        assert (
            self.agent("init", "--name", "Story County", "--operator", "registrar", "--password-file", self.pw)[0] == 0
        )
        code, out, _ = self.agent(
            "deed",
            "register",
            "--parcel",
            "0526301100",
            "--address",
            "1329 Oak Ave",
            "--owner",
            self.addresses["alice"],
            "--key",
            "registrar",
            "--password-file",
            self.pw,
            "--json",
        )
        assert code == 0 and json.loads(out)["deed_id"] == 1
        for name in ("alice", "bob", "bank"):  # each party's laptop has only its own key, and no ledger
            exported = root / f"{name}.keystore.json"
            assert self.agent("key", "export", name, "--out", str(exported))[0] == 0
            assert (
                self.laptop(name, "key", "import", name, "--keystore", str(exported), "--password-file", self.pw)[0]
                == 0
            )

    def agent(self, *argv: str) -> tuple[int, str, str]:
        return cli(self.capsys, "--data-dir", str(self.home), *argv)

    def laptop(self, name: str, *argv: str) -> tuple[int, str, str]:
        return cli(self.capsys, "--data-dir", str(self.root / f"laptop-{name}"), *argv)

    def size(self) -> int:
        code, out, err = self.agent("deed", "history", "1", "--json")
        assert code == 0, err
        return len(json.loads(out))

    def sign_all(self, requests: list[dict[str, str]], folder: Path) -> list[str]:
        names = {v.lower(): k for k, v in self.addresses.items()}
        responses = []
        for request in requests:
            who = names[request["signer"].lower()]
            out_file = folder / f"{who}.signed.json"
            code, out, err = self.laptop(
                who, "sign", request["path"], "--key", who, "--password-file", self.pw, "--yes", "--out", str(out_file)
            )
            assert code == 0, err
            assert "WARNING: This machine has no Deedbook ledger" in out  # and it still signs
            responses.append(str(out_file))
        return responses


@pytest.fixture
def office(tmp_path: Path, password_file: Path, capsys: Capsys) -> Office:
    return Office(tmp_path, password_file, capsys)


def test_transfer_end_to_end(office: Office, tmp_path: Path) -> None:
    code, out, err = office.agent(
        "transfer",
        "prepare",
        "1",
        "--to",
        office.addresses["bob"],
        "--price",
        "250000.50",
        "--shares",
        "2500",
        "--deadline",
        "2999-12-31",
        "--closing-date",
        "2024-06-30",
        "--out-dir",
        str(tmp_path / "req"),
        "--json",
    )
    assert code == 0, err
    prepared = json.loads(out)
    assert [r["role"] for r in prepared["requests"]] == ["seller", "buyer"] and prepared["price"] == 25_000_050
    responses = office.sign_all(prepared["requests"], tmp_path)
    code, out, err = office.agent("transfer", "submit", *responses)
    assert code == 0, err
    index = int(out.strip())
    code, out, _ = office.agent("deed", "show", "1", "--json")
    holders = {h["address"]: h["shares"] for h in json.loads(out)["holders"]}
    assert holders == {office.addresses["alice"]: 7_500, office.addresses["bob"]: 2_500}
    size = office.size()
    code, _, err = office.agent("transfer", "submit", *responses)
    assert code == 2 and "already recorded" in err and office.size() == size
    # the notary attests the transfer; the journal lists it, the id number only as a hash
    id_file = tmp_path / "id.txt"
    id_file.write_text("D123-456-789\n")
    code, out, err = office.agent(
        "attest",
        str(index),
        "--key",
        "notary",
        "--act",
        "acknowledgment",
        "--place",
        "Ames, IA",
        "--id-kind",
        "passport",
        "--id-number-file",
        str(id_file),
        "--password-file",
        office.pw,
    )
    assert code == 0, err
    assert "D123" not in out
    code, out, _ = office.agent("journal", "--notary", office.addresses["notary"], "--json")
    journal = json.loads(out)
    assert [(j["entry_index"], j["act"], j["id_evidence"]) for j in journal] == [(index, "acknowledgment", "passport")]
    assert journal[0]["id_number_hash"].startswith("0x") and "D123" not in out
    code, out, _ = office.agent("journal", "--from", "2000-01-01", "--to", "2000-12-31", "--json")
    assert json.loads(out) == []
    code, out, _ = office.agent("verify", "--json")
    assert code == 0 and json.loads(out)["ok"]


def test_lien_blocks_until_payoff(office: Office, tmp_path: Path) -> None:
    code, out, err = office.agent(
        "lien", "add", "1", "--holder", "bank", "--amount", "172000", "--kind", "mortgage", "--password-file", office.pw
    )
    assert code == 0 and "Lien 1 on deed 1" in out, err
    code, out, err = office.agent(
        "transfer",
        "prepare",
        "1",
        "--to",
        office.addresses["bob"],
        "--price",
        "260000",
        "--out-dir",
        str(tmp_path / "req"),
        "--json",
    )
    requests = json.loads(out)["requests"]
    assert [r["role"] for r in requests] == ["seller", "buyer", "lienholder"]
    responses = office.sign_all(requests, tmp_path)
    size = office.size()
    code, _, err = office.agent("transfer", "submit", *responses[:2])
    assert code == 2 and "under lien 1" in err and office.size() == size
    code, out, err = office.agent("transfer", "submit", *responses)
    assert code == 0, err
    code, _, err = office.agent("lien", "release", "1", "1", "--holder", "bank", "--password-file", office.pw)
    assert code == 2 and "released already" in err


def test_lien_release_and_refusals(office: Office) -> None:
    assert (
        office.agent(
            "lien", "add", "1", "--holder", "bank", "--amount", "1500.25", "--kind", "tax", "--password-file", office.pw
        )[0]
        == 0
    )
    size = office.size()
    for argv, match in (
        (("lien", "release", "1", "1", "--holder", "alice"), "Only the lienholder"),
        (("lien", "release", "1", "7", "--holder", "bank"), "no lien 7"),
        (("lien", "add", "9", "--holder", "bank", "--amount", "1", "--kind", "tax"), "no deed"),
        (("lien", "add", "1", "--holder", "bank", "--amount", "-5", "--kind", "tax"), "not a valid amount"),
        (("lien", "add", "1", "--holder", "bank", "--amount", "5", "--kind", "tax", "--currency", "US"), "currency"),
    ):
        code, _, err = office.agent(*argv, "--password-file", office.pw)
        assert code == 2 and match in err and office.size() == size, (argv, err)
    code, out, _ = office.agent("lien", "release", "1", "1", "--holder", "bank", "--password-file", office.pw, "--json")
    assert code == 0 and json.loads(out)["open"] is False


def test_refusals_are_one_sentence(office: Office, tmp_path: Path) -> None:
    bob = office.addresses["bob"]
    garbage = tmp_path / "garbage.json"
    garbage.write_text('{"format": "deedbook-signing-request/1", "typedData": [')
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    size = office.size()
    cases = [
        (
            ("transfer", "prepare", "1", "--to", bob, "--price", "12,34.5.6", "--out-dir", str(tmp_path)),
            "not a valid price",
        ),
        (
            ("transfer", "prepare", "1", "--to", bob, "--price", "1", "--shares", "10001", "--out-dir", str(tmp_path)),
            "fewer than",
        ),
        (("transfer", "prepare", "1", "--to", "0x1234", "--price", "1", "--out-dir", str(tmp_path)), "not an Ethereum"),
        (
            (
                "transfer",
                "prepare",
                "1",
                "--to",
                bob,
                "--price",
                "1",
                "--deadline",
                "yesterday",
                "--out-dir",
                str(tmp_path),
            ),
            "not a deadline",
        ),
        (
            (
                "transfer",
                "prepare",
                "1",
                "--to",
                bob,
                "--price",
                "1",
                "--deadline",
                "2001-01-01",
                "--out-dir",
                str(tmp_path),
            ),
            "already past",
        ),
        (
            ("transfer", "prepare", "1", "--to", office.addresses["alice"], "--price", "1", "--out-dir", str(tmp_path)),
            "must differ",
        ),
        (("transfer", "submit", str(garbage)), "not valid JSON"),
        (("transfer", "submit", str(binary)), "not text"),
        (("transfer", "submit", str(tmp_path / "missing.json")), "no file"),
        (("transfer", "submit", str(tmp_path)), "folder"),
        (("attest", "99", "--key", "notary", "--act", "jurat", "--password-file", office.pw), "no entry 99"),
        (("journal", "--from", "June"), "YYYY-MM-DD"),
        (("journal", "--notary", "nobody"), "not an Ethereum"),
    ]
    for argv, match in cases:
        code, out, err = office.agent(*argv)
        assert code == 2 and match in err and err.count("\n") == 1 and not out, (argv, err, out)
    assert office.size() == size and not list(tmp_path.glob("transfer-*.json"))


def test_sign_checks_key_confirmation_and_output(
    office: Office, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = office.agent(
        "transfer",
        "prepare",
        "1",
        "--to",
        office.addresses["bob"],
        "--price",
        "100000",
        "--out-dir",
        str(tmp_path / "req"),
        "--json",
    )
    seller = json.loads(out)["requests"][0]["path"]
    # the wrong key: refused before any password is asked
    code, _, err = office.laptop("bob", "sign", seller, "--key", "bob", "--yes")
    assert code == 2 and "must be signed by" in err
    code, _, err = office.laptop("alice", "sign", seller, "--key", "nobody", "--yes")
    assert code == 2 and "no key named" in err
    # without --yes: the summary, then a question; "n" signs nothing
    monkeypatch.setattr(sys, "stdin", io.StringIO("n\n"))
    out_file = tmp_path / "resp.json"
    code, out, err = office.laptop(
        "alice", "sign", seller, "--key", "alice", "--password-file", office.pw, "--out", str(out_file)
    )
    assert code == 2 and "Not signed" in err and not out_file.exists()
    assert "Transfer of deed 1 (parcel 0526301100)" in out and "Sign this? [y/N]" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    code, out, err = office.laptop("alice", "sign", seller, "--key", "alice", "--password-file", office.pw)
    assert code == 0, err
    default_out = Path(seller[:-5] + ".signed.json")
    assert default_out.exists() and json.loads(default_out.read_text())["signature"].startswith("0x")
    code, _, err = office.laptop("alice", "sign", seller, "--key", "alice", "--password-file", office.pw, "--yes")
    assert code == 2 and "exists already" in err
    # on the agent's machine (the request's own ledger) there is no warning about the ledger
    code, out, _ = office.agent(
        "sign", seller, "--key", "alice", "--password-file", office.pw, "--yes", "--out", str(tmp_path / "again.json")
    )
    assert code == 0 and "WARNING" not in out
    opened: list[bool] = []
    monkeypatch.setattr("desktop.cli.transactions_cmd._open_signer", lambda ctx: opened.append(True) or 0)
    assert office.laptop("alice", "sign")[0] == 0 and opened == [True]  # no request: the GUI's offline signer


def test_cli_entry_point_never_prints_a_traceback(office: Office, tmp_path: Path) -> None:
    """The installed command, in a real process, on a malformed response."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "deedbook-signing-request/1", "typedData": {"types": 1}, "signature": 5}))
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(office.home), "transfer", "submit", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stderr.count("\n") == 1
