"""verify-pdf with the ledger at hand, and the QR code."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from core.checkpoints import make_checkpoint
from core.documents import qr
from core.documents.evidence import parse_record
from core.errors import Remedy
from desktop.documents import build_title_pdf, build_transfer_pdf, verify_pdf
from tests.documents import tampering
from tests.documents.builders import DAY, T0, Scene, make_scene, transfer
from tests.helpers import make_world


def test_the_ledger_moved_on_is_reported_and_still_genuine(tmp_path: Path) -> None:
    scene = make_scene(tmp_path / "home")
    pdf = build_title_pdf(scene.ledger, scene.deed)
    report = verify_pdf(pdf, scene.ledger)
    assert report.ok and report.local is not None and report.local.status == "same ledger"
    assert not report.local.problems
    keys = scene.keys
    transfer(scene.world, scene.deed, keys["wang"], keys["zoe"], None, 130_000_00, T0 + 90 * DAY)
    make_checkpoint(scene.ledger, scene.world.operator)
    report = verify_pdf(pdf, scene.ledger)
    assert report.ok and report.exit_code == 0
    assert any("changed hands since this document" in n for n in report.local.notes)
    assert any(keys["zoe"].address in n for n in report.local.notes)


def test_an_omitted_entry_is_caught_with_the_ledger(tmp_path: Path) -> None:
    """A certificate drawn from a record that leaves a lien out checks offline (every listed entry is genuine)
    but the ledger shows it incomplete."""
    from desktop.documents.registry import render_record

    scene = make_scene(tmp_path / "home")
    record = parse_record(tampering.record_bytes(build_title_pdf(scene.ledger, scene.deed)))
    without_lien = [e for e in record.entries if e.index != scene.liens[1]]
    partial = render_record(type(record)(**{**record.__dict__, "entries": without_lien}))
    assert verify_pdf(partial).ok  # alone, nothing contradicts it: completeness is the issuer's statement
    report = verify_pdf(partial, scene.ledger)
    assert not report.ok
    assert f"leaves out entry {scene.liens[1]}" in report.reason


def test_another_ledger_is_not_compared(tmp_path: Path, scene: Scene, docs: dict[str, Path]) -> None:
    other = make_world(tmp_path / "other")
    report = verify_pdf(docs["title"], other.ledger)
    assert report.ok and report.local.status == "other ledger"


def test_a_document_needs_a_checkpoint(tmp_path: Path) -> None:
    from core.documents import NotCheckpointed

    scene = make_scene(tmp_path / "home", checkpoint=False)
    with pytest.raises(NotCheckpointed, match="not covered by a checkpoint") as refused:
        build_transfer_pdf(scene.ledger, scene.transfers[0])
    assert refused.value.remedy is Remedy.SIGN_CHECKPOINT  # the command line names the command that signs one
    make_checkpoint(scene.ledger, scene.world.operator)
    assert verify_pdf(build_transfer_pdf(scene.ledger, scene.transfers[0])).ok


def test_qr_payload_round_trips(docs: dict[str, Path]) -> None:
    record = parse_record(tampering.record_bytes(docs["transfer"].read_bytes()))
    subject = record.entry(record.params["index"])
    payload = qr.payload(record, subject)
    text = payload.text()
    assert text.startswith("DEEDBOOK:1:") and set(text) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ:")
    assert qr.parse(text) == payload
    assert payload.entry_hash == subject.leaf_hash and payload.checkpoint_size == record.checkpoint_size
    with pytest.raises(ValueError):
        qr.parse(text.replace("DEEDBOOK", "OTHER"))


def test_qr_signature_recovers_the_operator(docs: dict[str, Path]) -> None:
    """With the ledger name printed on the document, the QR alone proves who signed the checkpoint."""
    from core.eip712 import signing_digest
    from core.identity import LedgerIdentity
    from core.kinds import schema
    from core.signing import recover_address

    record = parse_record(tampering.record_bytes(docs["title"].read_bytes()))
    payload = qr.parse(qr.payload(record, record.entries[-1]).text())
    identity = LedgerIdentity(bytes.fromhex(payload.ledger_id[2:]), record.ledger.name, "", payload.chain_id)
    message = {
        "ledgerId": payload.ledger_id,
        "size": payload.checkpoint_size,
        "root": payload.checkpoint_root,
        "timestamp": payload.checkpoint_time,
    }
    digest = signing_digest(identity.separator, schema().hash_struct("Checkpoint", message))
    signer = recover_address(digest, bytes.fromhex(payload.checkpoint_signature[2:]))
    assert "0x" + signer.hex() == record.ledger.operator.lower()


# Needs pdftoppm (poppler-utils) and zbarimg (zbar-tools): .ci/run installs both, the README names them.
@pytest.mark.parametrize("name", ["title", "journal"])
def test_the_printed_qr_code_scans(docs: dict[str, Path], tmp_path: Path, name: str) -> None:
    pdf = docs[name]
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-gray",
            "-png",
            "-f",
            str(pages),
            "-l",
            str(pages),
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    [image] = list(tmp_path.glob("page*.png"))
    scanned = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)], capture_output=True, text=True
    )
    assert scanned.returncode == 0, scanned.stderr
    record = parse_record(tampering.record_bytes(pdf.read_bytes()))
    subject = record.entries[-1]
    assert scanned.stdout.strip() == qr.payload(record, subject).text()


def test_the_entries_a_local_check_names_are_dated_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry a certificate leaves out, recorded at 00:00 UTC (17:00 the day before in Los Angeles), was
    dated by its bare UTC day, '(Lien, 2024-07-21)': it is the day here with its offset said, '(Lien), recorded
    2024-07-20 (UTC-7)'. Fails on the old code."""
    import time
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from core.dates import offset_name
    from desktop.documents.registry import render_record

    scene = make_scene(tmp_path / "home")
    record = parse_record(tampering.record_bytes(build_title_pdf(scene.ledger, scene.deed)))
    partial = render_record(
        type(record)(**{**record.__dict__, "entries": [e for e in record.entries if e.index != scene.liens[1]]})
    )
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        report = verify_pdf(partial, scene.ledger)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    there = datetime.fromtimestamp(scene.ledger.entry(scene.liens[1]).recorded_at, UTC).astimezone(
        ZoneInfo("America/Los_Angeles")
    )
    named = f"entry {scene.liens[1]} (Lien), recorded {there.date().isoformat()} ({offset_name(there.utcoffset())}):"
    assert report.reason is not None and named in report.reason, report.reason
