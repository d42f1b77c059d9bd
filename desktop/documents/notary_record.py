"""Notary journal record: one notarial act, the entry it attests, the acknowledgement and signatures."""
from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Spacer

from core.documents.evidence import Record, RecordInvalid, build_record
from core.errors import DeedbookError
from core.ledger import Ledger
from desktop.documents import blocks
from desktop.documents.blocks import moment, party
from desktop.documents.entries import acknowledgement, event_row, notary_of
from desktop.documents.layout import (Styles, data_table, esc, fields, mono_wrapped, page_of, plain, render_pdf,
                                      section, title_block)
from desktop.documents.registry import DocumentType, register, render_record


def collect_notary_record(ledger: Ledger, index: int, paper: str = "A4") -> Record:
    """The record of one notarial act: the attestation, the entry it attests, and that deed's registration."""
    entry = ledger.entry(index)
    if entry.kind != "Attestation":
        raise DeedbookError(f"Entry {index} is a {entry.kind}, not a notarial attestation: a journal record is made "
                            "for an Attestation entry (see 'deedbook journal').")
    attested = ledger.entry(entry.message["entryIndex"])
    wanted = [index, attested.index]
    if attested.deed_id:
        wanted.append(ledger.deed(attested.deed_id).registered_index)
    return build_record(ledger, NOTARY_RECORD.name, wanted, paper=paper,
                        params={"index": index, "deedId": attested.deed_id or 0}, layout=NOTARY_RECORD.layout)


def build_notary_record_pdf(ledger: Ledger, index: int, paper: str = "A4") -> bytes:
    """Notary journal record for the Attestation entry at `index`, as PDF bytes."""
    return render_record(collect_notary_record(ledger, index, paper))


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
        [("Act", esc(m["act"])), ("Date", m["actDate"]), ("Place", esc(m["place"]) or "\u2014"),
         ("Journal entry", str(a.index))], width)

    story += section("The act", width)
    story.append(fields([
        ("Notarial act", m["act"]), ("Date of the act", m["actDate"]),
        ("Place", m["place"] or "not stated"), ("Recorded", moment(a.recorded_at)),
        ("Identity evidence", m["idEvidence"] or "not stated"), ("Journal entry", str(a.index)),
    ], width))
    id_hash = str(m["idNumberHash"])
    story.append(fields([
        ("Notary", party(record, notary, Styles.value, Styles.mono)),
        ("Identity number", mono_wrapped(id_hash, Styles.cell_mono) if id_hash != ZERO_HASH
         else plain("not recorded", Styles.value)),
    ], width, columns=1))
    story.append(plain("An identity number is never kept in clear: only a hash keyed by the notary\u2019s own key, which "
                       "the notary can recompute to match a document later and nobody else can reverse.", Styles.fine))

    story += section("Signers identified", width, f"{len(m['signers'])} signer{'s' if len(m['signers']) != 1 else ''}")
    roles = {s["signer"].lower(): blocks.role_label(s["role"]) for s in attested.signatures}
    rows = [[party(record, s), roles.get(s.lower(), "\u2014"), m["idEvidence"] or "\u2014"] for s in m["signers"]]
    story.append(data_table(["Signer", "Role in the attested entry", "Identity evidence"], rows,
                            [width - 230, 120, 110]))

    story += section("The record attested", width)
    story.append(data_table(["Entry", "Recorded", "Event", "Parties", "Terms"],
                            [event_row(record, attested)], [34, 56, 82, width - 292, 120], zebra=False))
    if attested.message.get("deedId"):
        reg = record.registration(attested.message["deedId"]).message
        story.append(Spacer(1, 4))
        story.append(fields([("Parcel", reg["parcel"]), ("Deed", str(reg["deedId"])),
                             ("Property address", reg["propertyAddress"]),
                             ("Legal description", reg["legalDescription"] or "\u2014")], width))
    story.append(Spacer(1, 4))
    story.append(fields([("Attested entry hash", mono_wrapped(attested.leaf_hash, Styles.cell_mono, 66))], width,
                        columns=1))

    story.append(KeepTogether([*section("Acknowledgement", width), acknowledgement(record, a, width)]))
    story += section("Signatures", width, "as recorded in the ledger")
    story.append(blocks.signatures_table(record, [a, attested], width))
    story += blocks.verification_panel(record, a, width)
    heading = blocks.heading(record, "Notarial Journal Record", f"Journal entry {a.index} \u00b7 {m['actDate']}")
    return render_pdf(record, heading, story, title=f"Notarial journal record \u2014 entry {a.index}",
                      subject=f"Notarial {m['act']} of ledger entry {m['entryIndex']}", keywords="deedbook notary")


NOTARY_RECORD = register(DocumentType("notary", "notary journal record", {"index": (int,), "deedId": (int,)},
                                      {1: draw_notary_record}))
