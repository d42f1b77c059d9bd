"""Bad input to recording-layout documents (layout 6, and layouts 3 to 5 kept for documents issued in them).

A record naming a layout this version does not draw for its type is one sentence (exit 2); a record whose
layout was switched to another recording layout is not genuine (exit 1: the pages are the other
drawing); a sealed recording deed rewritten by Ghostscript says the seal no longer covers it (exit 1).
Nothing in the ledger changes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.documents import tampering
from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli


def _layout(number: int, doc_type: str | None = None) -> Callable[[bytes], bytes]:
    def edit(data: dict[str, Any]) -> None:
        data["document"]["layout"] = number
        if doc_type is not None:
            data["document"]["type"] = doc_type

    return lambda pdf: tampering.replace_record(pdf, lambda raw: tampering.change_json(raw, edit))


# case: (how a recording-layout certificate of title is changed; exit code; what the one sentence says)
CASES: dict[str, tuple[Callable[[bytes], bytes], int, str]] = {
    "a layout no version draws yet": (_layout(10), 2, "layout 10"),
    "layout 7, which a certificate of title is never drawn in": (_layout(7), 2, "layout 7"),
    "layout 0": (_layout(0), 2, "layout"),
    "switched to layout 3 (the first recording drawing)": (_layout(3), 1, "not the genuine certificate of title"),
    "switched to layout 4 (hashes cut in sentences)": (_layout(4), 1, "not the genuine certificate of title"),
    "switched to layout 2 (the A4 drawing)": (_layout(2), 1, "not the genuine certificate of title"),
    "switched to layout 6 (its days not naming UTC)": (_layout(6), 1, "not the genuine certificate of title"),
}


def _recording_title(office: Office, capsys: pytest.CaptureFixture[str], folder: Path, *more: str) -> Path:
    out = folder / "title.pdf"
    made = run_cli(office.argv("pdf", "title", "1", "--recording-layout", "--out", str(out), *more), capsys)
    assert made.code == 0, made.err
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_recording_record_changed_is_refused_or_not_genuine(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    change, code, says = CASES[case]
    pdf = _recording_title(office, capsys, tmp_path)
    assert json.loads(tampering.record_bytes(pdf.read_bytes()))["document"]["layout"] == 9
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(change(pdf.read_bytes()))
    before = office.fingerprint()
    outcome = run_cli(office.argv("verify-pdf", str(changed)), capsys)
    if code == 2:
        assert_refused(outcome, 2, says=says)
    else:
        assert outcome.code == 1 and "Traceback" not in outcome.err, outcome.out + outcome.err
        assert says in outcome.out, outcome.out
    assert office.fingerprint() == before


def test_a_sealed_recording_deed_rewritten_by_ghostscript_says_so(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    gs = shutil.which("gs")
    if gs is None:
        pytest.fail("gs is needed (Debian: ghostscript)")
    password = tmp_path / "seal-password.txt"
    password.write_text("seal password 1\n")
    made = run_cli(office.keyed("seal", "cert", "new", "office", "--seal-password-file", str(password)), capsys)
    assert made.code == 0, made.err
    sealed = _recording_title(office, capsys, tmp_path, "--seal", "office", "--seal-password-file", str(password))
    rewritten = tmp_path / "gs.pdf"
    subprocess.run(
        [gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", f"-sOutputFile={rewritten}", str(sealed)],
        check=True,
        capture_output=True,
    )
    before = office.fingerprint()
    outcome = run_cli(["--data-dir", str(tmp_path / "nobody"), "verify-pdf", str(rewritten), "--json"], capsys)
    assert outcome.code == 1, outcome.out + outcome.err
    data = json.loads(outcome.out)
    assert data["sealed"] is True and data["genuine"] is False
    assert data["reason"].startswith("The seal no longer covers the document: the file was rewritten by another")
    assert office.fingerprint() == before
