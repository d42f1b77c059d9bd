"""Every party signs on its own machine: an agency, a bank and a notary, each its own data folder, sharing only files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hardening.harness import Outcome, assert_refused, fingerprint, run_cli

PASSWORD = "correct horse battery"

CALIFORNIA_FIELDS = {
    "document": "Deed of trust",
    "fee": "15.00",
    "thumbprint": True,
    "signers": [
        {
            "name": "Ana Banker",
            "address": "2 Bank St, Ames, IA",
            "id": {
                "type": "driver licence",
                "issuer": "California DMV",
                "number": "D1234567",
                "issued": "2020-01-02",
                "expires": "2028-01-02",
            },
        }
    ],
}


@dataclass
class Machines:
    root: Path
    password: Path
    agency: Path
    bank: Path
    notary: Path
    alice: str
    bob: str
    bank_address: str
    notary_address: str

    def run(self, home: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> Outcome:
        return run_cli(["--data-dir", str(home), *args], capsys)

    def keyed(self, home: Path, *args: str, key: str, capsys: pytest.CaptureFixture[str]) -> Outcome:
        return self.run(home, *args, "--key", key, "--password-file", str(self.password), capsys=capsys)


def _new_key(home: Path, name: str, password: Path, capsys: pytest.CaptureFixture[str]) -> str:
    out = run_cli(["--data-dir", str(home), "key", "new", name, "--password-file", str(password)], capsys)
    assert out.code == 0, out.err
    return out.out.strip().split()[-1]


@pytest.fixture
def machines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Machines:
    password = tmp_path / "pw"
    password.write_text(PASSWORD + "\n")
    agency, bank, notary = tmp_path / "agency", tmp_path / "bank", tmp_path / "notary"
    pw = ["--password-file", str(password)]
    _new_key(agency, "registrar", password, capsys)
    assert (
        run_cli(
            ["--data-dir", str(agency), "init", "--name", "Parties County", "--operator", "registrar", *pw], capsys
        ).code
        == 0
    )
    alice, bob = _new_key(agency, "alice", password, capsys), _new_key(agency, "bob", password, capsys)
    m = Machines(
        tmp_path,
        password,
        agency,
        bank,
        notary,
        alice,
        bob,
        _new_key(bank, "bank", password, capsys),
        _new_key(notary, "notary", password, capsys),
    )
    assert (
        m.keyed(
            agency,
            "deed",
            "register",
            "--parcel",
            "0526301100",
            "--address",
            "1 Main St, Ames, IA",
            "--owner",
            alice,
            key="registrar",
            capsys=capsys,
        ).code
        == 0
    )
    return m


def _only(folder: Path) -> Path:
    [path] = sorted(folder.glob("*.json"))
    return path


def _bank_signs_lien(
    m: Machines, capsys: pytest.CaptureFixture[str], out_dir: str = "lien", amount: str = "200,000.00"
) -> Path:
    prepared = m.run(
        m.agency,
        "lien",
        "prepare",
        "1",
        "--holder",
        m.bank_address,
        "--amount",
        amount,
        "--kind",
        "mortgage",
        "--out-dir",
        str(m.root / out_dir),
        capsys=capsys,
    )
    assert prepared.code == 0, prepared.err
    response = m.root / f"{out_dir}.signed.json"
    signed = m.keyed(
        m.bank, "sign", str(_only(m.root / out_dir)), "--yes", "--out", str(response), key="bank", capsys=capsys
    )
    assert signed.code == 0, signed.err
    assert f"USD {amount}" in signed.out and "Lien on deed 1" in signed.out  # the bank read what it signs
    return response


def _transfer(m: Machines, capsys: pytest.CaptureFixture[str]) -> int:
    """alice sells deed 1 to bob, both signing here (the parties' flow is tested elsewhere); the entry's index."""
    assert (
        m.run(
            m.agency,
            "transfer",
            "prepare",
            "1",
            "--to",
            m.bob,
            "--price",
            "250000",
            "--out-dir",
            str(m.root / "transfer"),
            capsys=capsys,
        ).code
        == 0
    )
    responses = []
    for request in sorted((m.root / "transfer").glob("*.json")):
        signer = json.loads(request.read_text())["signer"]
        key = "alice" if signer.lower() == m.alice.lower() else "bob"
        out = request.with_suffix(".signed")
        assert m.keyed(m.agency, "sign", str(request), "--yes", "--out", str(out), key=key, capsys=capsys).code == 0
        responses.append(str(out))
    done = m.run(m.agency, "submit", *responses, capsys=capsys)
    assert done.code == 0, done.err
    return int(done.out.split()[-1])


def test_a_bank_signs_a_lien_on_its_own_machine(machines: Machines, capsys: pytest.CaptureFixture[str]) -> None:
    m = machines
    response = _bank_signs_lien(m, capsys)
    assert not (m.bank / "ledger.sqlite").exists()  # the bank has no ledger and made none
    done = m.run(m.agency, "submit", str(response), "--json", capsys=capsys)
    assert done.code == 0, done.err
    [entry] = json.loads(done.out)
    assert entry["kind"] == "Lien" and entry["message"]["holder"] == m.bank_address
    shown = m.run(m.agency, "deed", "show", "1", "--json", capsys=capsys)
    assert json.loads(shown.out)["version"] == 2
    # a release, by request, the same way
    assert (
        m.run(m.agency, "lien", "release", "prepare", "1", "--out-dir", str(m.root / "release"), capsys=capsys).code
        == 0
    )
    signed = m.root / "release.signed.json"
    assert (
        m.keyed(
            m.bank, "sign", str(_only(m.root / "release")), "--yes", "--out", str(signed), key="bank", capsys=capsys
        ).code
        == 0
    )
    assert m.run(m.agency, "submit", str(signed), capsys=capsys).code == 0
    assert json.loads(m.run(m.agency, "deed", "show", "1", "--json", capsys=capsys).out)["version"] == 3


def test_a_notary_with_no_ledger_attests_a_transfer(machines: Machines, capsys: pytest.CaptureFixture[str]) -> None:
    m = machines
    index = _transfer(m, capsys)
    assert m.keyed(m.agency, "checkpoint", key="registrar", capsys=capsys).code == 0
    prepared = m.run(
        m.agency,
        "attest",
        "prepare",
        str(index),
        "--notary",
        m.notary_address,
        "--act",
        "acknowledgment",
        "--place",
        "Ames, Iowa",
        "--out-dir",
        str(m.root / "attest"),
        capsys=capsys,
    )
    assert prepared.code == 0, prepared.err
    fields = m.root / "fields.json"
    fields.write_text(json.dumps(CALIFORNIA_FIELDS))
    response = m.root / "attest.signed.json"
    signed = m.keyed(
        m.notary,
        "sign",
        str(_only(m.root / "attest")),
        "--yes",
        "--journal-profile",
        "california",
        "--journal-fields",
        str(fields),
        "--out",
        str(response),
        key="notary",
        capsys=capsys,
    )
    assert signed.code == 0, signed.err
    assert "[pass] Proof of the entry" in signed.out and "[FAIL]" not in signed.out
    assert not (m.notary / "ledger.sqlite").exists()
    # the notary's own journal holds the act with California's fields; the number is sealed, never in clear
    journal = m.notary / "notary" / "journal.jsonl"
    assert "D1234567" not in journal.read_text()
    [row] = json.loads(m.run(m.notary, "journal", "--json", capsys=capsys).out)
    assert row["profile"] == "california" and row["act"]["entryIndex"] == index and row["type"] == "act"
    person = row["fields"]["signers"][0]
    assert person["name"] == "Ana Banker" and person["id"]["issuer"] == "California DMV"
    assert row["fields"]["thumbprint"] is True and row["fields"]["fee"] == "15.00" and row["sealed"]
    assert m.run(m.notary, "journal", "verify", capsys=capsys).code == 0
    # the agency records the attestation; the ledger gets a keyed hash, never the number
    done = m.run(m.agency, "submit", str(response), "--json", capsys=capsys)
    assert done.code == 0, done.err
    [entry] = json.loads(done.out)
    assert entry["kind"] == "Attestation" and entry["message"]["entryIndex"] == index
    assert entry["message"]["idEvidence"] == "driver licence" and int(entry["message"]["idNumberHash"], 16) != 0
    assert "D1234567" not in done.out
    listed = json.loads(m.run(m.agency, "journal", "--json", capsys=capsys).out)  # the agency: the ledger's acts
    assert [a["entry_index"] for a in listed] == [index]
    # only the notary's key opens the sealed number; a void is a new row naming the act, never an edit
    revealed = m.keyed(m.notary, "journal", "reveal", "0", "--json", key="notary", capsys=capsys)
    assert json.loads(revealed.out) == {"signer1.id.number": "D1234567"}
    first_row = journal.read_text()
    assert m.keyed(m.notary, "journal", "void", "0", "--reason", "wrong fee", key="notary", capsys=capsys).code == 0
    assert journal.read_text().startswith(first_row)
    rows = json.loads(m.run(m.notary, "journal", "--json", capsys=capsys).out)
    assert [(r["type"], r["ref"], r["reason"]) for r in rows] == [("act", None, ""), ("void", 0, "wrong fee")]
    assert m.run(m.notary, "journal", "verify", capsys=capsys).code == 0
    # an edited journal row is caught, and named
    lines = journal.read_text().splitlines()
    lines[0] = lines[0].replace("Ana Banker", "Someone Else")
    journal.write_text("\n".join(lines) + "\n")
    checked = m.run(m.notary, "journal", "verify", capsys=capsys)
    assert_refused(checked, 1, says="row 0")


def test_submit_refuses_with_the_ledger_unchanged(machines: Machines, capsys: pytest.CaptureFixture[str]) -> None:
    m = machines
    lien = _bank_signs_lien(m, capsys)
    before = fingerprint(m.agency)
    data = json.loads(lien.read_text())
    tampered = m.root / "tampered.json"
    tampered.write_text(
        json.dumps(
            {**data, "typedData": {**data["typedData"], "message": {**data["typedData"]["message"], "amount": 1}}}
        )
    )
    assert_refused(m.run(m.agency, "submit", str(tampered), capsys=capsys), says="signature was not made by")
    # a second lien prepared against the same deed version: stale once the first is recorded
    second = _bank_signs_lien(m, capsys, out_dir="lien2", amount="5,000.00")
    assert m.run(m.agency, "submit", str(lien), capsys=capsys).code == 0
    after_first = fingerprint(m.agency)
    assert after_first != before
    assert_refused(m.run(m.agency, "submit", str(second), capsys=capsys), says="version")
    assert_refused(m.run(m.agency, "submit", str(lien), capsys=capsys), says="already recorded")
    assert fingerprint(m.agency) == after_first


def test_one_submit_records_several_kinds_atomically(machines: Machines, capsys: pytest.CaptureFixture[str]) -> None:
    m = machines
    lien = _bank_signs_lien(m, capsys)
    other = m.root / "other"
    _new_key(other, "registrar", m.password, capsys)
    assert (
        run_cli(
            [
                "--data-dir",
                str(other),
                "init",
                "--name",
                "Other County",
                "--operator",
                "registrar",
                "--password-file",
                str(m.password),
            ],
            capsys,
        ).code
        == 0
    )
    # a response made for another ledger spoils the whole submission: nothing is recorded
    alien_dir = m.root / "alien"
    assert (
        m.keyed(
            other,
            "deed",
            "register",
            "--parcel",
            "X-1",
            "--address",
            "9 Elm",
            "--owner",
            m.alice,
            key="registrar",
            capsys=capsys,
        ).code
        == 0
    )
    assert (
        m.run(
            other,
            "lien",
            "prepare",
            "1",
            "--holder",
            m.bank_address,
            "--amount",
            "5",
            "--kind",
            "tax",
            "--out-dir",
            str(alien_dir),
            capsys=capsys,
        ).code
        == 0
    )
    alien = m.root / "alien.signed.json"
    assert (
        m.keyed(m.bank, "sign", str(_only(alien_dir)), "--yes", "--out", str(alien), key="bank", capsys=capsys).code
        == 0
    )
    before = fingerprint(m.agency)
    assert_refused(m.run(m.agency, "submit", str(lien), str(alien), capsys=capsys), says="not for this ledger")
    assert fingerprint(m.agency) == before
    done = m.run(m.agency, "submit", str(lien), capsys=capsys)
    assert done.code == 0 and done.out.split() == ["2"]
