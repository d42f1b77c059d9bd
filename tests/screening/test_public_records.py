"""Screening is internal: every public record made for a flagged, reviewed transfer — the transfer deed,
the certificate of title, the notary record, the journal, the valuation report, the proof and the parties'
signing requests — carries no screening text (its page text and its embedded record both checked)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from core.demo import DEMO_PASSWORD
from core.screening.history import PATTERNS
from tests.hardening.harness import run_cli
from tests.screening.conftest import SuspiciousDemo

NOTE = "Escalated by compliance officer Zebulon"
FORBIDDEN = (
    "screening",
    "screened",
    "zebulon",
    "escalat",
    "risk",
    "former holder",
    "chain of holders",
    "shotgun",
    "round trip",
    "borrowing far beyond",
    "sale_by_replaced_key",
    "ScreeningReview".lower(),
    *PATTERNS,
)


def _text_of(pdf: Path) -> str:
    """The page text (pdftotext) and every byte of the file uncompressed (qpdf), attachments included."""
    page = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = pdf.with_suffix(".qdf")
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(pdf), str(flat)], check=True)
    return page + flat.read_bytes().decode("latin-1")


@pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("qpdf") is None, reason="poppler/qpdf")
def test_no_public_record_carries_screening(
    suspicious_demo: SuspiciousDemo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "office"
    shutil.copytree(suspicious_demo.root, root)
    demo = SuspiciousDemo(root, suspicious_demo.summary)
    pw = tmp_path / "pw"
    pw.write_text(DEMO_PASSWORD + "\n")
    target = demo.target("circular_transfer")

    def ok(*args: str) -> str:
        result = run_cli(demo.argv(*args), capsys)
        assert result.code == 0, result.err
        return result.out

    screened = json.loads(ok("screen", str(target), "--json"))
    assert screened["level"] == "high" and "circular_transfer" in [r["code"] for r in screened["reasons"]]
    ok(
        "screen",
        "review",
        str(target),
        "--decision",
        "escalate",
        "--note",
        NOTE,
        "--key",
        "demo-operator",
        "--password-file",
        str(pw),
    )
    attested = json.loads(
        ok(
            "attest",
            str(target),
            "--key",
            "demo-notary",
            "--act",
            "acknowledgment",
            "--place",
            "Ames, IA",
            "--password-file",
            str(pw),
            "--json",
        )
    )
    deed = str(screened["deed_id"])
    key = ["--checkpoint-key", "demo-operator", "--password-file", str(pw)]
    made = {
        "transfer": ("pdf", "transfer", str(target), "--out", str(tmp_path / "transfer.pdf"), *key),
        "title": ("pdf", "title", deed, "--out", str(tmp_path / "title.pdf"), *key),
        "notary": ("pdf", "notary", str(attested["index"]), "--out", str(tmp_path / "notary.pdf"), *key),
        "journal": ("pdf", "journal", "--out", str(tmp_path / "journal.pdf")),
        "valuation": ("pdf", "valuation", deed, "--out", str(tmp_path / "valuation.pdf"), *key),
    }
    texts = {}
    for name, args in made.items():
        ok(*args)
        texts[name] = _text_of(tmp_path / f"{name}.pdf")
    assert "circular_transfer" not in texts["title"] and str(screened["deed_id"]) in texts["title"]
    ok("proof", str(target), "--out", str(tmp_path / "proof.json"))
    texts["proof"] = (tmp_path / "proof.json").read_text()
    from desktop.workspace import Workspace

    ws = Workspace.open(root)
    holder = ws.ledger.deed(int(deed)).owner
    buyer = next(k.address for k in ws.keys.list() if k.address.lower() != holder.lower() and "owner" in k.name)
    prepared = ws.prepare_transfer(int(deed), buyer, "100000", "USD", seller=holder, out_dir=tmp_path / "req").value
    from core.requests import summarize

    texts["requests"] = "".join(p.read_text() for p in prepared.paths)
    texts["summaries"] = "".join(summarize(r, ws.ledger.identity).text() for r in prepared.requests)
    ws.close()
    for name, text in texts.items():
        low = text.lower()
        found = [word for word in FORBIDDEN if word.lower() in low]
        assert found == [], f"the {name} record carries screening text: {found}"
