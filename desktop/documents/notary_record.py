"""Notary documents: the journal record of one attestation, and the journal over a period."""
from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Spacer

from core.dates import parse_date
from core.display import short_address
from core.documents import blocks
from core.documents.blocks import day, moment, party
from core.documents.render import render_record
from core.documents.evidence import EmbeddedEntry, Record, RecordInvalid, build_record
from core.documents.layout import (Styles, data_table, esc, fields, mono_wrapped, page_of, para, plain, render_pdf,
                                   section, title_block)
from core.documents.title import event_row
from core.documents.transfer_deed import acknowledgement
from core.errors import DeedbookError
from core.ledger import Ledger, RecordedEntry
from core.signing import checksum_address, parse_address

ZERO_HASH = "0x" + "00" * 32


# -- one journal record ---------------------------------------------------------------

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
    return build_record(ledger, "notary", wanted, paper=paper, params={"index": index, "deedId": attested.deed_id or 0})


def build_notary_record_pdf(ledger: Ledger, index: int, paper: str = "A4") -> bytes:
    """Notary journal record for the Attestation entry at `index`, as PDF bytes."""
    return render_record(collect_notary_record(ledger, index, paper))


def draw_notary_record(record: Record) -> bytes:
    a = record.subject("Attestation", "attestation")
    m = a.message
    attested = record.entry(m["entryIndex"])
    if attested.leaf_hash != m["entryHash"]:
        raise RecordInvalid("The attested entry in the embedded record is not the one the attestation names.")
    notary = _notary(a)
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


def _notary(a: EmbeddedEntry) -> str:
    found = a.signers("notary")
    if not found:
        raise RecordInvalid(f"Attestation {a.index} in the embedded record carries no notary signature.")
    return found[0]["signer"]


# -- the journal over a period ------------------------------------------------------------

def _date_text(value: date | str | None, what: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    return parse_date(value, what).isoformat()


def journal_entries(ledger: Ledger, notary: str | None = None, date_from: date | str | None = None,
                    date_to: date | str | None = None) -> list[RecordedEntry]:
    """Attestations (by `notary`, if given) whose act date is within [date_from, date_to], by date then entry."""
    start, end = _date_text(date_from, "start date"), _date_text(date_to, "final date")
    if start and end and start > end:
        raise DeedbookError("The start date is after the end date.")
    address = checksum_address(parse_address(notary)) if notary else None
    found = []
    for e in ledger.entries(kind="Attestation", signer=address):
        signer = next((s.signer for s in e.signatures if s.role == "notary"), "")
        if address is not None and signer.lower() != address.lower():
            continue
        act_date = str(e.message["actDate"])
        if (start and act_date < start) or (end and act_date > end):
            continue
        found.append(e)
    return sorted(found, key=lambda e: (str(e.message["actDate"]), e.index))


def collect_journal(ledger: Ledger, notary: str | None = None, date_from: date | str | None = None,
                    date_to: date | str | None = None, paper: str = "A4") -> Record:
    acts = journal_entries(ledger, notary, date_from, date_to)
    params: dict[str, Any] = {
        "notary": checksum_address(parse_address(notary)) if notary else None,
        "from": _date_text(date_from, "start date"), "to": _date_text(date_to, "final date"),
    }
    if not acts:
        who = f"by {params['notary']} " if notary else ""
        raise DeedbookError(f"No notarial act {who}is recorded{_period(params)}: there is nothing to export.")
    return build_record(ledger, "journal", [e.index for e in acts], paper=paper, params=params, entries=acts)


def build_journal_pdf(ledger: Ledger, notary: str | None = None, date_from: date | str | None = None,
                      date_to: date | str | None = None, paper: str = "A4") -> bytes:
    """Notary journal export: one row per act (of one notary, if given) in the date range, as PDF bytes."""
    return render_record(collect_journal(ledger, notary, date_from, date_to, paper))


def _period(params: dict[str, Any]) -> str:
    start, end = params.get("from"), params.get("to")
    if start and end:
        return f" from {start} to {end}"
    if start:
        return f" from {start}"
    if end:
        return f" up to {end}"
    return ""


def draw_journal(record: Record) -> bytes:
    params = record.params
    acts = sorted(record.of_kind("Attestation"), key=lambda e: (str(e.message["actDate"]), e.index))
    if not acts or len(acts) != len(record.entries):
        raise RecordInvalid("The embedded record of a journal must carry attestations only.")
    notary = params.get("notary")
    for a in acts:
        if notary and _notary(a).lower() != str(notary).lower():
            raise RecordInvalid(f"Act {a.index} in the embedded journal is by another notary.")
        if (params.get("from") and a.message["actDate"] < params["from"]) or \
                (params.get("to") and a.message["actDate"] > params["to"]):
            raise RecordInvalid(f"Act {a.index} in the embedded journal is outside its period.")
    width = page_of(record, landscape=True).frame_width
    notaries = sorted({_notary(a) for a in acts})
    who = record.name_of(notary) or notary if notary else ("all notaries" if len(notaries) > 1 else
                                                           record.name_of(notaries[0]) or notaries[0])
    first, last = acts[0].message["actDate"], acts[-1].message["actDate"]
    period = _period(params).strip() or f"all acts ({first} to {last})"
    story: list[Flowable] = []
    single = notary or (notaries[0] if len(notaries) == 1 else None)
    address = (f" (<font name='{Styles.cell_mono.fontName}' size='8.5'>{esc(single)}</font>)"
               if single and record.name_of(single) else "")
    story += title_block(
        "Notarial Journal",
        f"Acts of {esc(who)}{address} \u00b7 {esc(period)}",
        [("Notary", esc(_short_party(record, notary)) if notary else ("all" if len(notaries) > 1 else
                                                                       esc(_short_party(record, notaries[0])))),
         ("Period", esc(f"{params.get('from') or first} \u2013 {params.get('to') or last}")),
         ("Acts", str(len(acts))), ("As of", day(record.checkpoint_time))], width)
    story.append(para(
        f"One row per notarial act recorded in the ledger <b>{esc(record.ledger.name)}</b> as of its checkpoint of "
        f"{record.checkpoint_size:,} entries ({esc(moment(record.checkpoint_time))}), in order of the date of the act. "
        "Identity numbers are never kept in clear.", Styles.body))
    story += section("Journal", width, f"{len(acts)} act{'s' if len(acts) != 1 else ''}")
    rows = []
    for number, a in enumerate(acts, start=1):
        m = a.message
        act_cell: list[Any] = [plain(m["act"], Styles.cell_bold)]
        if len(notaries) > 1:
            act_cell += [party(record, _notary(a))]
        what = f"entry {m['entryIndex']} \u00b7 {m['entryKind']}" + (f" \u00b7 deed {m['deedId']}" if m["deedId"] else "")
        signers = [party(record, s) for s in m["signers"]]
        id_text = m["idEvidence"] or "\u2014"
        if m["idNumberHash"] != ZERO_HASH:
            id_text += " (number hashed)"
        rows.append([str(number), m["actDate"], act_cell, m["place"] or "\u2014", what, signers, id_text,
                     str(a.index)])
    story.append(data_table(["No.", "Date", "Act", "Place", "Record attested", "Signers", "ID evidence", "Entry"], rows,
                            [24, 58, 92, 92, 118, width - 514, 94, 36], right=(0, 7)))
    story += blocks.verification_panel(record, acts[-1], width)
    subject = f"{_short_party(record, notary or notaries[0]) if (notary or len(notaries) == 1) else 'All notaries'}"
    heading = blocks.heading(record, "Notarial Journal", f"{subject} \u00b7 {first} to {last}")
    return render_pdf(record, heading, story, title=f"Notarial journal \u2014 {subject}", subject=f"Notarial acts {period}",
                      keywords="deedbook journal", landscape=True)


def _short_party(record: Record, address: str) -> str:
    return record.name_of(address) or short_address(address, 8, 6)  # this layout's width: keep it


__all__ = ["build_notary_record_pdf", "build_journal_pdf", "collect_notary_record", "collect_journal",
           "draw_notary_record", "draw_journal", "journal_entries"]
