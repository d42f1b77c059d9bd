"""Notary journal export: one row per notarial act of a period (of one notary, or of all), in landscape."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from reportlab.platypus import Flowable

from core.dates import is_iso_date, optional_date
from core.display import short_address
from core.documents.evidence import Record, RecordInvalid, build_record
from core.errors import DeedbookError
from core.ledger import Ledger
from core.one_moment import one_moment
from core.signing import checksum_address, parse_address
from desktop.documents import blocks
from desktop.documents.blocks import day_of, moment, party
from desktop.documents.entries import notary_of
from desktop.documents.layout import (
    ARCHIVAL_UTC,
    STANDARD_LAYOUTS,
    Styles,
    data_table,
    esc,
    page_of,
    para,
    plain,
    render_pdf,
    section,
    title_block,
)
from desktop.documents.registry import DocumentType, register, render_record


@one_moment  # the entries it picks and the checkpoint that proves them, read at one moment
def collect_journal(
    ledger: Ledger,
    notary: str | None = None,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    paper: str = "A4",
) -> Record:
    from core.notary import journal_entries  # loaded for a journal only (it brings the request machinery)

    acts = journal_entries(ledger, notary, date_from, date_to)
    params: dict[str, Any] = {
        "notary": checksum_address(parse_address(notary)) if notary else None,
        "from": optional_date(date_from, "start date"),
        "to": optional_date(date_to, "final date"),
    }
    if not acts:
        who = f"by {params['notary']} " if notary else ""
        raise DeedbookError(f"No notarial act {who}is recorded{_period(params)}: there is nothing to export.")
    return build_record(
        ledger, JOURNAL.name, [e.index for e in acts], paper=paper, params=params, entries=acts, layout=JOURNAL.layout
    )


def build_journal_pdf(
    ledger: Ledger,
    notary: str | None = None,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    paper: str = "A4",
) -> bytes:
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
    from core.notary import ZERO_HASH  # loaded for a journal only (it brings the request machinery)

    params = record.params
    acts = sorted(record.of_kind("Attestation"), key=lambda e: (str(e.message["actDate"]), e.index))
    if not acts or len(acts) != len(record.entries):
        raise RecordInvalid("The embedded record of a journal must carry attestations only.")
    notary = params.get("notary")
    for a in acts:
        if notary and notary_of(a).lower() != str(notary).lower():
            raise RecordInvalid(f"Act {a.index} in the embedded journal is by another notary.")
        if (params.get("from") and a.message["actDate"] < params["from"]) or (
            params.get("to") and a.message["actDate"] > params["to"]
        ):
            raise RecordInvalid(f"Act {a.index} in the embedded journal is outside its period.")
    width = page_of(record, landscape=True).frame_width
    notaries = sorted({notary_of(a) for a in acts})
    who = (
        record.name_of(notary) or notary
        if notary
        else ("all notaries" if len(notaries) > 1 else record.name_of(notaries[0]) or notaries[0])
    )
    first, last = acts[0].message["actDate"], acts[-1].message["actDate"]
    period = _period(params).strip() or f"all acts ({first} to {last})"
    story: list[Flowable] = []
    single = notary or (notaries[0] if len(notaries) == 1 else None)
    address = (
        f" (<font name='{Styles.cell_mono.fontName}' size='8.5'>{esc(single)}</font>)"
        if single and record.name_of(single)
        else ""
    )
    story += title_block(
        "Notarial Journal",
        f"Acts of {esc(who)}{address} \u00b7 {esc(period)}",
        [
            (
                "Notary",
                esc(_short_party(record, notary))
                if notary
                else ("all" if len(notaries) > 1 else esc(_short_party(record, notaries[0]))),
            ),
            ("Period", esc(f"{params.get('from') or first} \u2013 {params.get('to') or last}")),
            ("Acts", str(len(acts))),
            ("As of", day_of(record, record.checkpoint_time)),
        ],
        width,
    )
    story.append(
        para(
            f"One row per notarial act recorded in the ledger <b>{esc(record.ledger.name)}</b> as of its checkpoint of "
            f"{record.checkpoint_size:,} entries ({esc(moment(record.checkpoint_time))}), in order of the date of the act. "
            "Identity numbers are never kept in clear.",
            Styles.body,
        )
    )
    story += section("Journal", width, f"{len(acts)} act{'s' if len(acts) != 1 else ''}")
    rows = []
    for number, a in enumerate(acts, start=1):
        m = a.message
        act_cell: list[Any] = [plain(m["act"], Styles.cell_bold)]
        if len(notaries) > 1:
            act_cell += [party(record, notary_of(a))]
        what = f"entry {m['entryIndex']} \u00b7 {m['entryKind']}" + (
            f" \u00b7 deed {m['deedId']}" if m["deedId"] else ""
        )
        signers = [party(record, s) for s in m["signers"]]
        id_text = m["idEvidence"] or "\u2014"
        if m["idNumberHash"] != ZERO_HASH:
            id_text += " (number hashed)"
        rows.append([str(number), m["actDate"], act_cell, m["place"] or "\u2014", what, signers, id_text, str(a.index)])
    story.append(
        data_table(
            ["No.", "Date", "Act", "Place", "Record attested", "Signers", "ID evidence", "Entry"],
            rows,
            [24, 58, 92, 92, 118, width - 514, 94, 36],
            right=(0, 7),
        )
    )
    story += blocks.verification_panel(record, acts[-1], width)
    subject = f"{_short_party(record, notary or notaries[0]) if (notary or len(notaries) == 1) else 'All notaries'}"
    heading = blocks.heading(record, "Notarial Journal", f"{subject} \u00b7 {first} to {last}")
    return render_pdf(
        record,
        heading,
        story,
        title=f"Notarial journal \u2014 {subject}",
        subject=f"Notarial acts {period}",
        keywords="deedbook journal",
        landscape=True,
    )


def _short_party(record: Record, address: str) -> str:
    return record.name_of(address) or short_address(address, 8, 6)  # this layout's width: keep it


def _check_period(params: Mapping[str, Any]) -> None:
    for key in ("from", "to"):
        value = params.get(key)
        if isinstance(value, str) and not is_iso_date(value):
            raise RecordInvalid("The embedded journal's period is not made of dates.")


JOURNAL = register(
    DocumentType(
        "journal",
        "notary journal export",
        {"notary": (str, type(None)), "from": (str, type(None)), "to": (str, type(None))},
        dict.fromkeys((*STANDARD_LAYOUTS, ARCHIVAL_UTC), draw_journal),  # 8: "As of" names UTC
        _check_period,
    )
)
