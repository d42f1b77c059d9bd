"""Recording-ready pages (California Gov. Code §27361.6 conventions) and the notary's certificate wording."""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from core.documents.evidence import parse_record
from core.errors import DeedbookError
from desktop.documents import (
    build_journal_pdf,
    build_notary_record_pdf,
    build_title_pdf,
    build_transfer_pdf,
    verify_pdf,
)
from desktop.documents.layout import RECORDING_OF
from desktop.documents.notary_wording import ACKNOWLEDGMENT, JURAT, NAMES, certificate, kind_of, placeholders
from tests.documents import tampering
from tests.documents.builders import Scene

INCH = 72.0


def _chars(pdf: bytes, page: int = 0) -> list[tuple[str, float, tuple[float, float, float, float]]]:
    """Every character drawn on a page: the character, its font size and its box (points, origin bottom left)."""
    doc = pdfium.PdfDocument(pdf)
    text = doc[page].get_textpage()
    found = []
    for i in range(text.count_chars()):
        ch = text.get_text_range(i, 1)
        if ch.strip():
            found.append((ch, pdfium_c.FPDFText_GetFontSize(text.raw, i), text.get_charbox(i)))
    return found


@pytest.fixture(scope="module")
def recorded(scene: Scene) -> dict[str, bytes]:
    return {
        "transfer": build_transfer_pdf(scene.ledger, scene.transfers[0], recording=True),
        "title": build_title_pdf(scene.ledger, scene.deed, recording=True),
        "notary": build_notary_record_pdf(
            scene.ledger,
            scene.attestations[1],
            recording=True,
            commission={"profile": "california", "commission": "2456789", "commissionExpires": "2029-03-31"},
        ),
    }


def test_us_letter_with_the_recorders_band_blank_but_for_the_request_box(recorded: dict[str, bytes]) -> None:
    for name, pdf in recorded.items():
        doc = pdfium.PdfDocument(pdf)
        assert [round(v) for v in doc[0].get_size()] == [612, 792], name
        record = parse_record(tampering.record_bytes(pdf))
        assert record.layout == RECORDING_OF[record.doc_type] == (6 if name.startswith("notary") else 9), name
        top = 792 - 2.5 * INCH
        in_band = [(ch, box) for ch, _, box in _chars(pdf) if box[3] > top + 0.5]
        # Only the top-left box (4 inches wide) and the label on the band's bottom line are printed there:
        # the right 3.5 inches stay blank for the recorder's stamp.
        stray = [ch for ch, box in in_band if box[0] > 18 * 2.835 + 3.9 * INCH and box[1] > top + 12]
        assert not stray, (name, "".join(stray))
        band_text = "".join(ch for ch, _ in in_band)
        assert "RECORDINGREQUESTEDBY" in band_text.replace(" ", "").replace(":", "")
        assert "WHENRECORDEDMAILTO" in band_text.replace(" ", "").replace(":", "")


def test_ten_point_minimum_type_on_every_page(recorded: dict[str, bytes]) -> None:
    for name, pdf in recorded.items():
        for page in range(len(pdfium.PdfDocument(pdf))):
            sizes = {round(size, 1) for _, size, _ in _chars(pdf, page)}
            assert min(sizes) >= 10.0, (name, page + 1, sorted(sizes)[:5])


def test_the_title_comes_first_below_the_band_and_earlier_recordings_are_cited(
    scene: Scene, recorded: dict[str, bytes]
) -> None:
    below = [(ch, box) for ch, _, box in _chars(recorded["transfer"]) if box[3] < 792 - 2.5 * INCH - 1]
    highest = max(below, key=lambda item: item[1][3])[1]
    middle = (highest[1] + highest[3]) / 2
    title = "".join(ch for ch, box in below if box[1] - 2 < middle < box[3] + 8)
    assert title.replace(" ", "") == "TransferDeed"
    text = pdfium.PdfDocument(recorded["transfer"])[0].get_textpage().get_text_bounded()
    registration = scene.registration
    assert f"This conveyance changes the deed registered as entry {registration}" in " ".join(text.split())


def test_recording_documents_verify_and_others_are_refused(scene: Scene, recorded: dict[str, bytes]) -> None:
    for name, pdf in recorded.items():
        report = verify_pdf(pdf)
        assert report.ok and not report.resaved, (name, report.reason)
    with pytest.raises(DeedbookError, match="county recorder records"):
        from desktop.documents.journal import collect_journal
        from desktop.documents.layout import as_recording

        as_recording(collect_journal(scene.ledger))
    assert build_journal_pdf(scene.ledger)  # the journal itself still draws in its own layouts


def test_the_notary_certificate_names_profile_commission_and_seal_area(recorded: dict[str, bytes]) -> None:
    pdf = recorded["notary"]
    text = " ".join(
        " ".join(pdfium.PdfDocument(pdf)[p].get_textpage().get_text_bounded().split())
        for p in range(len(pdfium.PdfDocument(pdf)))
    )
    record = parse_record(tampering.record_bytes(pdf))
    wording = certificate("california", str(record.entry(record.params["index"]).message["act"]))
    assert wording.heading.upper() in text
    assert "verifies only the identity of the individual who signed the document" in text
    assert "2456789" in text and "2029-03-31" in text and "NOTARY SEAL" in text
    report = verify_pdf(pdf)
    assert any("commission" in note for note in report.unsigned)


@pytest.mark.parametrize(
    "act, kind",
    [
        ("acknowledgment", ACKNOWLEDGMENT),
        ("acknowledgement", ACKNOWLEDGMENT),
        ("jurat", JURAT),
        ("oath", JURAT),
        ("affirmation", JURAT),
        ("verification on oath", JURAT),
        ("copy certification", ACKNOWLEDGMENT),
    ],
)
def test_which_certificate_an_act_takes(act: str, kind: str) -> None:
    assert kind_of(act) == kind
    for profile in NAMES:
        made = certificate(profile, act)
        assert made.kind == kind
        filled = made.fill(
            **placeholders(
                profile,
                place="Ames, Story County, Iowa",
                date="2026-01-02",
                signers="A B",
                notary_name="N O",
                commission="123",
                commission_expires="2030-01-01",
            )
        )
        assert "2026-01-02" in filled and "A B" in filled and "N O" in filled and "123" in filled
        assert "{" not in filled and "}" not in filled, (profile, act, filled)
    with pytest.raises(DeedbookError, match="There is no journal profile 'atlantis'; the profiles are"):
        certificate("atlantis", act)


@pytest.mark.parametrize("profile", NAMES)
@pytest.mark.parametrize("act", ["acknowledgment", "jurat"])
def test_every_certificate_is_core_wording_with_every_placeholder_filled(profile: str, act: str) -> None:
    from core.jurisdictions import profile as profile_named

    made = certificate(profile, act)
    assert made.text == profile_named(profile).certificate(act)  # core.jurisdictions is the one wording
    for place in ("", "Ames, Iowa", "Ames, Story County, Iowa"):
        filled = made.fill(**placeholders(profile, place=place, date="2026-01-02", signers="A B", notary_name="N O"))
        assert "{" not in filled and "}" not in filled, (profile, act, place, filled)
