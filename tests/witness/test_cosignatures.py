"""Cosignatures kept beside the ledger: checked when added, checked again by verify, carried by proofs and
documents; older proofs (deedbook-proof/1) still verify; the table arrives with migration 0010."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest
from sqlalchemy import inspect, text

from core.checkpoint_note import cosign, parse_body
from core.checkpoints import make_checkpoint
from core.cosignatures import add_cosignatures, note_of_checkpoint
from core.errors import DeedbookError
from core.ledger import Ledger
from core.notes import Note
from core.proofs import build_proof, verify_proof
from core.store import SCHEMA_HEAD
from core.verify import verify_ledger
from tests.hardening.harness import run_cli
from tests.helpers import World, make_world
from tests.witness.conftest import Witness, checkpoint_and_request, keep


@pytest.fixture
def cosigned(operator: World, witnesses: Callable[..., list[Witness]], tmp_path: Path) -> tuple[Witness, Note]:
    """A checkpoint cosigned by one witness, kept; the note the witness returned."""
    [witness] = witnesses("w.example/1")
    operator.register("C-1", operator.operator.address)
    _, request = checkpoint_and_request(operator, tmp_path, 1_760_000_000)
    result = witness.cosign(request, now=1_760_000_100)
    keep(operator, result, now=1_760_000_200)
    assert result.note is not None
    return witness, result.note


def test_what_add_cosignature_refuses(operator: World, cosigned: tuple[Witness, Note], tmp_path: Path) -> None:
    witness, note = cosigned
    body = parse_body(note.text)
    stranger = make_world(tmp_path / "stranger")
    stranger.register("S-1", stranger.operator.address)
    foreign = note_of_checkpoint(stranger.ledger, make_checkpoint(stranger.ledger, stranger.operator))
    cases: list[tuple[Note, str]] = [
        (foreign, "another ledger"),
        (Note(body.text().replace(f"\n{body.size}\n", "\n99\n"), note.signatures), "has not recorded"),
        (Note(note.text, note.signatures[:1]), "only the operator's"),
        (
            Note(
                note.text,
                (
                    note.signatures[0],
                    note.signatures[1].__class__(
                        note.signatures[1].name, note.signatures[1].key_id, note.signatures[1].signature[:-1] + b"\x00"
                    ),
                ),
            ),
            "does not check",
        ),
        (note.with_signatures((cosign(body, "w.example/2", witness.key, 4_000_000_000),)), "future"),
    ]
    before = operator.ledger.size()
    for bad, says in cases:
        with pytest.raises(DeedbookError, match=says):
            add_cosignatures(operator.ledger, [("the file", bad)], now=1_760_000_300)
    # a cosignature of another root under the same size is refused too
    other_root = Note(note.text.replace(note.text.split("\n")[2], "A" * 43 + "="), note.signatures)
    with pytest.raises(DeedbookError, match="another root"):
        add_cosignatures(operator.ledger, [("the file", other_root)], now=1_760_000_300)
    assert operator.ledger.size() == before
    with operator.ledger.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cosignatures")).scalar() == 1


def test_verify_finds_an_edited_cosignature(operator: World, cosigned: tuple[Witness, Note]) -> None:
    assert verify_ledger(operator.ledger, jobs=1).ok
    with operator.ledger.engine.begin() as conn:
        conn.execute(text("UPDATE cosignatures SET cosigned_at = cosigned_at + 1"))
    report = verify_ledger(operator.ledger, jobs=1)
    assert not report.ok and "cosignatures table was edited" in (report.reason or "")
    with operator.ledger.engine.begin() as conn:
        conn.execute(text("UPDATE cosignatures SET cosigned_at = cosigned_at - 1, checkpoint_idx = 0"))
    report = verify_ledger(operator.ledger, jobs=1)
    assert not report.ok and "not a checkpoint" in (report.reason or "")


def test_proofs_carry_the_cosignatures_and_old_proofs_still_verify(
    operator: World, cosigned: tuple[Witness, Note]
) -> None:
    witness, _ = cosigned
    proof = build_proof(operator.ledger, 1)
    assert proof["format"] == "deedbook-proof/2" and len(proof["checkpoint"]["cosignatures"]) == 1
    assert [c["address"] for c in verify_proof(proof).cosigners] == [witness.key.address]
    old = {
        **proof,
        "format": "deedbook-proof/1",
        "checkpoint": {k: v for k, v in proof["checkpoint"].items() if k != "cosignatures"},
    }
    assert verify_proof(old).cosigners == ()
    damaged = {**proof, "checkpoint": {**proof["checkpoint"], "cosignatures": "\u2014 x"}}
    with pytest.raises(DeedbookError, match="cosignatures"):
        verify_proof(damaged)


def test_documents_under_a_policy(operator: World, cosigned: tuple[Witness, Note], tmp_path: Path) -> None:
    """verify-pdf --policy accepts a certificate whose checkpoint has the quorum and refuses one without it;
    pdf --policy refuses to issue one without it, writing nothing."""
    witness, _ = cosigned
    home = str(operator.home.root)
    from core.checkpoint_note import WitnessKey
    from core.policy import format_policy

    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    other = WitnessKey("w.example/2", operator.key("nobody").address)
    one.write_text(format_policy(operator.ledger.identity, [("w", WitnessKey(witness.name, witness.key.address))], 1))
    two.write_text(
        format_policy(operator.ledger.identity, [("w", WitnessKey(witness.name, witness.key.address)), ("v", other)], 2)
    )
    title = tmp_path / "title.pdf"
    assert run_cli(["--data-dir", home, "pdf", "title", "1", "--out", str(title), "--policy", str(one)]).code == 0
    accepted = run_cli(["--data-dir", str(tmp_path / "x"), "verify-pdf", str(title), "--policy", str(one), "--json"])
    assert accepted.code == 0 and json.loads(accepted.out)["policy"]["witnesses"] == ["w"]
    refused = run_cli(["--data-dir", str(tmp_path / "x"), "verify-pdf", str(title), "--policy", str(two)])
    assert refused.code == 1 and "policy does not accept it" in refused.out
    not_issued = run_cli(
        ["--data-dir", home, "pdf", "title", "1", "--out", str(tmp_path / "t2.pdf"), "--policy", str(two)]
    )
    assert not_issued.code == 2 and "was not written" in not_issued.err and not (tmp_path / "t2.pdf").exists()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_migration_0010_adds_the_table_to_a_0004_ledger(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    from core.keys import KeyStore
    from core.paths import DataDir
    from tests.helpers import PASSWORD

    home = DataDir.resolve(tmp_path / "home").ensure()
    keys = KeyStore(home.keys)
    keys.create("operator", PASSWORD)
    operator = keys.unlock("operator", PASSWORD)
    ledger = Ledger.create(home, url, "Migration County", operator)
    make_checkpoint(ledger, operator)
    with ledger.engine.begin() as conn:  # the database as schema 0004 left it
        conn.execute(text("DROP TABLE cosignatures"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0004'"))
    ledger.close()
    reopened = Ledger.open(home, url)
    assert inspect(reopened.engine).has_table("cosignatures")
    with reopened.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
    witness = keys.unlock("operator", PASSWORD)  # any key can witness in a test
    latest = reopened.latest_checkpoint()
    assert latest is not None
    note = note_of_checkpoint(reopened, latest)
    note = note.with_signatures((cosign(parse_body(note.text), "w.example/1", witness, 1_760_000_000),))
    assert len(add_cosignatures(reopened, [("n", note)], now=1_760_000_100)) == 1
    assert verify_ledger(reopened, jobs=1).ok
    reopened.close()
