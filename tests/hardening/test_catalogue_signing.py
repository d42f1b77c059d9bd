"""Signing scope: requests are for parties' own acts; documents do not rest on one operator signature.

The attack the review found: an operator tricked into signing a crafted
Checkpoint request made a forged certificate of title verify offline as GENUINE,
and a signed AddRegistrar response was recorded by `transfer submit`.  Every
case runs the real command against the office's data folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from core.deeds import registration_message
from core.keys import KeyStore, UnlockedKey
from core.kinds import digest_for, get_kind, typed_data
from core.ledger import Ledger
from core.paths import DataDir
from core.requests import FORMAT
from tests.documents.forgery import forged_title
from tests.hardening.conftest import Office
from tests.helpers import valuation_message
from tests.hardening.harness import Outcome, assert_refused, run_cli

PASSWORD = "correct horse battery"  # the office fixture's


@dataclass
class Machine:
    """The office's ledger and operator key, opened as an attacker's script (or the operator's tools) would."""

    ledger: Ledger
    operator: UnlockedKey
    keys: KeyStore


@pytest.fixture
def machine(office: Office) -> Iterator[Machine]:
    home = DataDir.resolve(office.home)
    keys = KeyStore(home.keys)
    ledger = Ledger.open(home)
    yield Machine(ledger, keys.unlock("registrar", PASSWORD), keys)
    ledger.close()


Message = Callable[[Machine, Office], dict[str, Any]]
LEDGER_ACTS: dict[str, Message] = {
    "Checkpoint": lambda m, o: {
        "ledgerId": m.ledger.identity.ledger_id_hex,
        "size": m.ledger.size(),
        "root": "0x" + "ab" * 32,
        "timestamp": 1_750_000_000,
    },
    "AddRegistrar": lambda m, o: {"ledgerId": m.ledger.identity.ledger_id_hex, "registrar": o.bob},
    "LedgerGenesis": lambda m, o: {
        "ledgerId": m.ledger.identity.ledger_id_hex,
        "name": m.ledger.identity.name,
        "operator": m.ledger.identity.operator,
    },
    "RegisterDeed": lambda m, o: registration_message(2, parcel="0526399999", address="9 Forged Lane", owner=o.bob),
    "Valuation": lambda m, o: valuation_message(m.ledger, 1, estimate=1, low=1, high=1),
}
COMMANDS = {
    "Checkpoint": "deedbook checkpoint",
    "AddRegistrar": "deedbook registrar add",
    "LedgerGenesis": "deedbook init",
    "RegisterDeed": "deedbook deed register",
    "Valuation": "deedbook value DEED --record",
}


def crafted(machine: Machine, office: Office, kind: str, folder: Path, *, signed: bool = False) -> Path:
    """A request for the operator to sign a ledger act, in Deedbook's exact form, with a soothing summary."""
    identity = machine.ledger.identity
    message = LEDGER_ACTS[kind](machine, office)
    data: dict[str, Any] = {
        "format": FORMAT,
        "typedData": typed_data(identity, kind, message),
        "signer": identity.operator,
        "role": "operator",
        "summary": "Routine ledger upkeep.",
    }
    if signed:
        data["signature"] = "0x" + machine.operator.sign(digest_for(identity, get_kind(kind), message, kind)).hex()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}{'-signed' if signed else ''}.json"
    path.write_text(json.dumps(data))
    return path


# -- sign: a ledger act is refused before anything is asked or written ---------------------------


@pytest.mark.parametrize("kind", sorted(LEDGER_ACTS))
@pytest.mark.parametrize("flags", [["--yes"], ["--yes", "--out", "{folder}/response.json"], []])
def test_sign_refuses_a_request_for_a_ledger_act(
    office: Office, machine: Machine, capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str, flags: list[str]
) -> None:
    folder = tmp_path / "inbox"
    request = crafted(machine, office, kind, folder)
    before = office.fingerprint()
    argv = office.keyed("sign", str(request), *(f.format(folder=folder) for f in flags))
    outcome = run_cli(argv, capsys)
    assert_refused(outcome, 2, says=f"{COMMANDS[kind]}' on the ledger's machine, never by request")
    assert outcome.out == ""  # no summary printed, no question asked
    assert sorted(p.name for p in folder.iterdir()) == [request.name]  # no response written
    assert office.fingerprint() == before


# -- submit: a signed ledger act is not recorded ----------------------------------------------------


@pytest.mark.parametrize("kind", sorted(LEDGER_ACTS))
def test_transfer_submit_refuses_a_signed_ledger_act(
    office: Office, machine: Machine, capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    response = crafted(machine, office, kind, tmp_path, signed=True)
    before = office.fingerprint()
    assert_refused(
        run_cli(office.argv("transfer", "submit", str(response)), capsys),
        2,
        says=f"carries a signature over {'an' if kind[0] in 'AEIOU' else 'a'} {kind}",
    )
    assert office.fingerprint() == before


def test_a_signed_add_registrar_beside_genuine_responses_is_refused(
    office: Office, machine: Machine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The AddRegistrar slipped in with a real transfer's responses: nothing of either is recorded."""
    prepared = run_cli(
        office.argv(
            "transfer",
            "prepare",
            "1",
            "--to",
            office.bob,
            "--price",
            "1000",
            "--out-dir",
            str(tmp_path / "req"),
            "--json",
        ),
        capsys,
    )
    assert prepared.code == 0, prepared.err
    signed = []
    for request in json.loads(prepared.out)["requests"]:
        key = "alice" if request["role"] == "seller" else "bob"
        out = tmp_path / f"{request['role']}.signed.json"
        assert run_cli(office.keyed("sign", request["path"], "--yes", "--out", str(out), key=key), capsys).code == 0
        signed.append(str(out))
    before = office.fingerprint()
    outcome = run_cli(
        office.argv(
            "transfer", "submit", *signed, str(crafted(machine, office, "AddRegistrar", tmp_path, signed=True))
        ),
        capsys,
    )
    assert_refused(outcome, 2, says="the ledger operator's own act")
    assert office.fingerprint() == before


# -- documents and proofs: a registration needs a registrar the record shows -------------------------


def _not_genuine(outcome: Outcome, says: str) -> None:
    """verify-pdf's verdict: exit 1, the reason on stdout, nothing on stderr."""
    assert outcome.code == 1, (outcome.out, outcome.err)
    assert outcome.err == "" and "Traceback" not in outcome.out
    assert outcome.out.startswith("NOT GENUINE: ") and says in outcome.out.splitlines()[0], outcome.out


@pytest.mark.parametrize("where", ["offline", "beside the ledger"])
def test_a_forged_title_fails_verify_pdf(
    office: Office, machine: Machine, capsys: pytest.CaptureFixture[str], tmp_path: Path, where: str
) -> None:
    mallory = machine.keys.unlock("bob", PASSWORD)  # bob was never made a registrar
    forged = tmp_path / "title.pdf"
    forged.write_bytes(forged_title(machine.ledger, machine.operator, mallory, mallory.address))
    data_dir = tmp_path / "auditor" if where == "offline" else office.home
    before = office.fingerprint()
    outcome = run_cli(["--data-dir", str(data_dir), "verify-pdf", str(forged)], capsys)
    _not_genuine(outcome, f"was registered by {mallory.address}, which this record does not show to be a registrar")
    assert office.fingerprint() == before


def test_a_registrars_certificate_and_proof_verify_offline(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The honest neighbour: bob made registrar by the operator registers a deed; title and proof carry that."""
    steps = [
        office.keyed("registrar", "add", office.bob),
        office.keyed(
            "deed",
            "register",
            "--parcel",
            "0526301101",
            "--address",
            "2 Main St, Ames, IA",
            "--owner",
            office.alice,
            key="bob",
        ),
        office.keyed("checkpoint"),
        office.argv("pdf", "title", "2", "--out", str(tmp_path / "title.pdf"), "--paper", "a4"),
        office.argv("proof", "4", "--out", str(tmp_path / "proof.json")),
    ]
    for argv in steps:
        result = run_cli(argv, capsys)
        assert result.code == 0, (argv, result.err)
    auditor = ["--data-dir", str(tmp_path / "auditor")]
    verdict = run_cli([*auditor, "verify-pdf", str(tmp_path / "title.pdf")], capsys)
    assert verdict.code == 0 and "AddRegistrar" in verdict.out, verdict.out
    assert run_cli([*auditor, "verify-proof", str(tmp_path / "proof.json")], capsys).code == 0
    # the same proof without the AddRegistrar it carries: not genuine, one sentence
    proof = json.loads((tmp_path / "proof.json").read_text())
    assert proof["entry"]["kind"] == "RegisterDeed" and proof["registrar"]["entry"]["kind"] == "AddRegistrar"
    del proof["registrar"]
    (tmp_path / "bare.json").write_text(json.dumps(proof))
    assert_refused(
        run_cli([*auditor, "verify-proof", str(tmp_path / "bare.json")], capsys),
        1,
        says=f"was registered by {office.bob}, which this proof does not show to be a registrar",
    )
