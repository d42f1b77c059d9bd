"""Bad input to archival documents: seals made or used wrongly, and sealed or re-saved files changed.

A seal asked for wrongly is one sentence (exit 2) and changes nothing (no entry, no file, no seal
folder entry); a sealed file whose seal no longer covers it, or a re-saved file checked with
--strict, is "not genuine" (exit 1, the reason on stdout).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.documents import tampering
from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli


def _seal_password(office: Office) -> Path:
    path = office.home.parent / "seal-password.txt"
    path.write_text("seal password 1\n")
    return path


def _new_seal(office: Office, capsys: pytest.CaptureFixture[str], name: str = "office") -> None:
    made = run_cli(
        office.keyed("seal", "cert", "new", name, "--seal-password-file", str(_seal_password(office))), capsys
    )
    assert made.code == 0, made.err


# case: (arguments after "seal cert new"; the key; what the one sentence says)
NEW: dict[str, tuple[list[str], str, str]] = {
    "a key that is not the operator's": (["office"], "alice", "binding to the ledger must be signed by"),
    "a name with a slash": (["../office"], "registrar", "is not a seal name"),
    "a name with spaces": (["my seal"], "registrar", "is not a seal name"),
    "a key nobody has": (["office"], "mallory", "mallory"),
}


@pytest.mark.parametrize("case", sorted(NEW))
def test_a_seal_made_wrongly_is_one_sentence(office: Office, capsys: pytest.CaptureFixture[str], case: str) -> None:
    argv, key, says = NEW[case]
    before = office.fingerprint()
    outcome = run_cli(
        office.keyed("seal", "cert", "new", *argv, "--seal-password-file", str(_seal_password(office)), key=key), capsys
    )
    assert_refused(outcome, 2, says=says)
    assert office.fingerprint() == before
    assert not any((office.home / "seals").glob("*")) if (office.home / "seals").exists() else True


def test_a_seal_name_taken_is_refused(office: Office, capsys: pytest.CaptureFixture[str]) -> None:
    _new_seal(office, capsys)
    before = office.fingerprint()
    outcome = run_cli(
        office.keyed("seal", "cert", "new", "office", "--seal-password-file", str(_seal_password(office))), capsys
    )
    assert_refused(outcome, 2, says="already exists")
    assert office.fingerprint() == before


# case: (the --seal name; the seal password file's line; what the one sentence says)
USED: dict[str, tuple[str, str, str]] = {
    "a seal this folder does not have": ("nosuch", "seal password 1", "no seal named 'nosuch'"),
    "the wrong seal password": ("office", "not the password", "Wrong password for seal 'office'"),
    "an empty seal password file": ("office", "", "is empty"),
}


@pytest.mark.parametrize("case", sorted(USED))
def test_a_seal_used_wrongly_writes_nothing(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    name, password, says = USED[case]
    _new_seal(office, capsys)
    bad = tmp_path / "pw.txt"
    bad.write_text(password + "\n" if password else "")
    out = tmp_path / "title.pdf"
    before = office.fingerprint()
    outcome = run_cli(
        office.argv("pdf", "title", "1", "--out", str(out), "--seal", name, "--seal-password-file", str(bad)), capsys
    )
    assert_refused(outcome, 2, says=says)
    assert office.fingerprint() == before and not out.exists()


def _sealed_title(office: Office, capsys: pytest.CaptureFixture[str], folder: Path) -> bytes:
    _new_seal(office, capsys)
    made = run_cli(
        office.argv(
            "pdf",
            "title",
            "1",
            "--out",
            str(folder / "title.pdf"),
            "--seal",
            "office",
            "--seal-password-file",
            str(_seal_password(office)),
        ),
        capsys,
    )
    assert made.code == 0, made.err
    return (folder / "title.pdf").read_bytes()


def _rewritten(pdf: bytes) -> bytes:
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        doc.save(out)
    return out.getvalue()


# case: (how a sealed certificate is changed; exit code; what verify-pdf --json's reason says)
SEALED = {
    "rewritten by another program": (_rewritten, 1, "The seal no longer covers the document"),
    "a price-like digit changed after sealing": (
        lambda pdf: tampering.edit_page_text(pdf, b"(10,000)", b"(19,000)", incremental=True),
        1,
        "19,000",
    ),
    "its binding attachment swapped for another file": (
        lambda pdf: tampering.replace_attachment(pdf, "deedbook-seal.json", b"{}"),
        1,
        "seal",
    ),
    "an annotation in the margin after sealing": (
        lambda pdf: tampering.add_annotation(pdf, (540, 8, 560, 28), "seen"),
        0,
        "",
    ),
}


@pytest.mark.parametrize("case", sorted(SEALED))
def test_a_sealed_document_changed_is_told_apart(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    change, code, says = SEALED[case]
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(change(_sealed_title(office, capsys, tmp_path)))
    outcome = run_cli(["--data-dir", str(tmp_path / "nobody"), "verify-pdf", str(changed), "--json"], capsys)
    assert outcome.code == code, outcome.out + outcome.err
    data = json.loads(outcome.out)
    assert data["sealed"] is True and data["genuine"] is (code == 0)
    assert says in (data["reason"] or "")
    if code == 0:
        assert any("annotation" in c for c in data["changes_after_seal"])


def test_strict_refuses_a_resaved_copy_the_default_accepts(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    made = run_cli(office.argv("pdf", "title", "1", "--out", str(tmp_path / "title.pdf")), capsys)
    assert made.code == 0, made.err
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(_rewritten((tmp_path / "title.pdf").read_bytes()))
    loose = run_cli(["--data-dir", str(tmp_path / "nobody"), "verify-pdf", str(copy), "--json"], capsys)
    assert loose.code == 0 and json.loads(loose.out)["resaved"] is True
    strict = run_cli(["--data-dir", str(tmp_path / "nobody"), "verify-pdf", str(copy), "--strict"], capsys)
    assert strict.code == 1 and "byte for byte" in strict.out and "Traceback" not in strict.err
