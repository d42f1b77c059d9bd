"""Notary journal record: one notarial act, the entry it attests, the acknowledgement and signatures."""

from __future__ import annotations

from typing import Mapping

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from core.documents.evidence import EmbeddedEntry, Record, RecordInvalid, build_record
from core.errors import DeedbookError
from core.ledger import Ledger
from core.one_moment import one_moment
from desktop.documents import blocks, notary_wording
from desktop.documents.blocks import moment, party
from desktop.documents.entries import acknowledgement, event_row, notary_of
from desktop.documents.layout import (
    ARCHIVAL,
    LAYOUTS,
    RECORDING_LAYOUTS,
    RULE,
    as_recording,
    Styles,
    data_table,
    esc,
    fields,
    mono_wrapped,
    page_of,
    plain,
    render_pdf,
    section,
    title_block,
)
from desktop.documents.registry import DocumentType, register, render_record


@one_moment  # the entries it picks and the checkpoint that proves them, read at one moment
def collect_notary_record(
    ledger: Ledger, index: int, paper: str = "A4", commission: Mapping[str, str] | None = None
) -> Record:
    """The record of one notarial act: the attestation, the entry it attests, and that deed's registration;
    `commission` (profile, commission, commissionExpires: the issuer's statement, unsigned) goes in extra.notary."""
    entry = ledger.entry(index)
    if entry.kind != "Attestation":
        raise DeedbookError(
            f"Entry {index} is a {entry.kind}, not a notarial attestation: a journal record is made "
            "for an Attestation entry (see 'deedbook journal')."
        )
    attested = ledger.entry(entry.message["entryIndex"])
    wanted = [index, attested.index]
    if attested.deed_id:
        wanted.append(ledger.deed(attested.deed_id).registered_index)
    return build_record(
        ledger,
        NOTARY_RECORD.name,
        wanted,
        paper=paper,
        params={"index": index, "deedId": attested.deed_id or 0},
        layout=NOTARY_RECORD.layout,
        extra={"notary": dict(commission)} if commission else None,
    )


def build_notary_record_pdf(
    ledger: Ledger,
    index: int,
    paper: str = "A4",
    *,
    recording: bool = False,
    commission: Mapping[str, str] | None = None,
) -> bytes:
    """Notary journal record for the Attestation entry at `index`, as PDF bytes (`recording`: recording-ready;
    `commission`: the jurisdiction profile and the notary's commission, for the notary's certificate)."""
    record = collect_notary_record(ledger, index, paper, commission)
    return render_record(as_recording(record) if recording else record)


def draw_notary_record(record: Record) -> bytes:
    from core.notary import ZERO_HASH  # loaded for a notarial record only (it brings the request machinery)

    a = record.subject("Attestation", "attestation")
    m = a.message
    attested = record.entry(m["entryIndex"])
    if attested.leaf_hash != m["entryHash"]:
        raise RecordInvalid("The attested entry in the embedded record is not the one the attestation names.")
    notary = notary_of(a)
    width = page_of(record).frame_width
    story: list[Flowable] = []
    story += title_block(
        "Notarial Journal Record",
        f"{esc(str(m['act']).capitalize())} of ledger entry {m['entryIndex']} ({esc(m['entryKind'])}) \u00b7 "
        f"journal entry {a.index}",
        [
            ("Act", esc(m["act"])),
            ("Date", m["actDate"]),
            ("Place", esc(m["place"]) or "\u2014"),
            ("Journal entry", str(a.index)),
        ],
        width,
    )

    story += section("The act", width)
    story.append(
        fields(
            [
                ("Notarial act", m["act"]),
                ("Date of the act", m["actDate"]),
                ("Place", m["place"] or "not stated"),
                ("Recorded", moment(a.recorded_at)),
                ("Identity evidence", m["idEvidence"] or "not stated"),
                ("Journal entry", str(a.index)),
            ],
            width,
        )
    )
    id_hash = str(m["idNumberHash"])
    story.append(
        fields(
            [
                ("Notary", party(record, notary, Styles.value, Styles.mono)),
                (
                    "Identity number",
                    mono_wrapped(id_hash, Styles.cell_mono)
                    if id_hash != ZERO_HASH
                    else plain("not recorded", Styles.value),
                ),
            ],
            width,
            columns=1,
        )
    )
    story.append(
        plain(
            "An identity number is never kept in clear: only a hash keyed by the notary\u2019s own key, which "
            "the notary can recompute to match a document later and nobody else can reverse.",
            Styles.fine,
        )
    )

    story += section("Signers identified", width, f"{len(m['signers'])} signer{'s' if len(m['signers']) != 1 else ''}")
    roles = {s["signer"].lower(): blocks.role_label(s["role"]) for s in attested.signatures}
    rows = [[party(record, s), roles.get(s.lower(), "\u2014"), m["idEvidence"] or "\u2014"] for s in m["signers"]]
    story.append(
        data_table(["Signer", "Role in the attested entry", "Identity evidence"], rows, [width - 230, 120, 110])
    )

    attested_row = data_table(
        ["Entry", "Recorded", "Event", "Parties", "Terms"],
        [event_row(record, attested)],
        [34, 56, 82, width - 292, 120],
        zebra=False,
    )
    if record.layout in RECORDING_LAYOUTS:  # one tall row at 10 points: keep the heading with it
        story.append(KeepTogether([*section("The record attested", width), attested_row]))
    else:
        story += section("The record attested", width)
        story.append(attested_row)
    if attested.message.get("deedId"):
        reg = record.registration(attested.message["deedId"]).message
        story.append(Spacer(1, 4))
        story.append(
            fields(
                [
                    ("Parcel", reg["parcel"]),
                    ("Deed", str(reg["deedId"])),
                    ("Property address", reg["propertyAddress"]),
                    ("Legal description", reg["legalDescription"] or "\u2014"),
                ],
                width,
            )
        )
    story.append(Spacer(1, 4))
    story.append(
        fields([("Attested entry hash", mono_wrapped(attested.leaf_hash, Styles.cell_mono, 66))], width, columns=1)
    )

    story.append(KeepTogether([*section("Acknowledgement", width), acknowledgement(record, a, width)]))
    if record.layout >= ARCHIVAL:  # the archival layouts add the notary's certificate in the profile's words
        story.append(KeepTogether(notary_certificate(record, a, attested, width)))
    story += section("Signatures", width, "as recorded in the ledger")
    story.append(blocks.signatures_table(record, [a, attested], width))
    story += blocks.verification_panel(record, a, width)
    heading = blocks.heading(record, "Notarial Journal Record", f"Journal entry {a.index} \u00b7 {m['actDate']}")
    return render_pdf(
        record,
        heading,
        story,
        title=f"Notarial journal record \u2014 entry {a.index}",
        subject=f"Notarial {m['act']} of ledger entry {m['entryIndex']}",
        keywords="deedbook notary",
    )


def notary_certificate(record: Record, a: EmbeddedEntry, attested: EmbeddedEntry, width: float) -> list[Flowable]:
    """The notary's certificate (acknowledgment or jurat) in the words of the record's jurisdiction profile, the
    notary's name, commission and expiry, and the area for the notary's seal image."""
    from reportlab.lib.units import mm

    m = a.message
    facts = notary_wording.details(record.extra)
    profile = facts.get("profile", "generic")
    cert = notary_wording.certificate(profile, str(m["act"]))
    notary = notary_of(a)
    notary_name = record.name_of(notary) or notary
    signers = ", ".join(record.name_of(s) or s for s in m["signers"]) or "the signers"
    text = cert.fill(
        **notary_wording.placeholders(
            profile,
            place=str(m.get("place") or ""),
            date=str(m["actDate"]),
            signers=signers,
            notary_name=notary_name,
            commission=facts.get("commission", ""),
            commission_expires=facts.get("commissionExpires", ""),
        )
    )
    seal_w = 38 * mm
    area = Table([[plain("NOTARY SEAL", Styles.label)]], colWidths=[seal_w], rowHeights=[28 * mm])
    area.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, RULE, None, (2, 2)),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    commission = [
        ("Notary public", notary_name),
        ("Notary's key", notary),
        ("Commission no.", facts.get("commission", "not stated")),
        ("Commission expires", facts.get("commissionExpires", "not stated")),
        ("Signature", f"signed with the notary\u2019s key: ledger entry {a.index}"),
    ]
    right = fields(commission, width - seal_w - 14, columns=1, label_width=34 * mm)
    paragraphs: list[Flowable] = []
    for para in (p for p in text.split("\n\n") if p.strip()):  # core's wording parts its paragraphs by blank lines
        paragraphs += [Spacer(1, 3)] if paragraphs else []
        paragraphs.append(plain(para, Styles.body))
    return [
        *section(cert.heading, width, f"profile: {profile}"),
        *paragraphs,
        Spacer(1, 5),
        Table(
            [[area, right]],
            colWidths=[seal_w + 14, width - seal_w - 14],
            style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]),
        ),
    ]


NOTARY_RECORD = register(
    DocumentType(
        "notary",
        "notary journal record",
        {"index": (int,), "deedId": (int,)},
        alternatives=RECORDING_LAYOUTS,
        layouts=dict.fromkeys(LAYOUTS, draw_notary_record),
    )
)
