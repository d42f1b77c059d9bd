"""Certificate of title: who holds a deed, what encumbers it, and its full chain of title."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, Spacer

from core.documents.chain import replay
from core.documents.evidence import Record, RecordInvalid, build_record
from core.ledger import Ledger
from core.one_moment import one_moment
from desktop.documents import blocks
from desktop.documents.blocks import day_of, moment, money, party, percent, recorded_on
from desktop.documents.entries import attribute_pairs, event_row
from desktop.documents.layout import (
    ARCHIVAL_UTC,
    LAYOUTS,
    RECORDING_UTC,
    RECORDING_LAYOUTS,
    as_recording,
    Styles,
    data_table,
    esc,
    fields,
    page_of,
    para,
    plain,
    render_pdf,
    section,
    title_block,
)
from desktop.documents.registry import DocumentType, register, render_record


@one_moment  # the entries it picks and the checkpoint that proves them, read at one moment
def uncovered_entries(ledger: Ledger, deed: str | int) -> list[int]:
    """Entries about `deed` recorded after the latest checkpoint: a certificate made as of that
    checkpoint leaves them out (until the operator signs a newer one)."""
    checkpoint = ledger.latest_checkpoint()
    size = 0 if checkpoint is None else int(checkpoint.message["size"])
    return [e.index for e in ledger.history(deed) if e.index >= size]


@one_moment  # the entries it picks and the checkpoint that proves them, read at one moment
def collect_title(ledger: Ledger, deed: str | int, paper: str = "A4", *, complete: bool = False) -> Record:
    """The record of a deed's certificate of title: every entry about the deed up to the latest
    checkpoint, proved against it.  Like a title report's effective date, the certificate is as of
    that checkpoint; `complete=True` refuses (NotCheckpointed) when later entries would be left out."""
    deed_id = ledger.resolve_deed(deed)
    history = ledger.history(deed_id)
    checkpoint = ledger.latest_checkpoint()
    covered = [e for e in history if checkpoint is not None and e.index < int(checkpoint.message["size"])]
    if covered and not complete:
        history = covered  # else build_record says which entry no checkpoint covers yet
    return build_record(
        ledger,
        TITLE.name,
        [e.index for e in history],
        paper=paper,
        params={"deedId": deed_id},
        entries=history,
        layout=TITLE.layout,
    )


def build_title_pdf(
    ledger: Ledger, deed: str | int, paper: str = "A4", *, complete: bool = False, recording: bool = False
) -> bytes:
    """Certificate of title for `deed` (a deed number or parcel number), as PDF bytes, as of the
    latest checkpoint (see `collect_title`); `recording`: on recording-ready pages."""
    record = collect_title(ledger, deed, paper, complete=complete)
    return render_record(as_recording(record) if recording else record)


def draw_title(record: Record) -> bytes:
    deed_id = record.params.get("deedId")
    if not isinstance(deed_id, int):
        raise RecordInvalid("The embedded record does not say which deed the certificate is about.")
    state = replay(record.entries, deed_id)
    width = page_of(record).frame_width
    story: list[Flowable] = []
    open_liens = state.open_liens()
    story += title_block(
        "Certificate of Title",
        f"Deed {deed_id} \u00b7 parcel {esc(state.parcel)} \u00b7 {esc(state.address)}",
        [
            ("Deed", str(deed_id)),
            ("Parcel", esc(state.parcel)),
            ("Holders", str(len(state.holders))),
            ("Open liens", str(len(open_liens)) if open_liens else "none"),
            ("As of", day_of(record, record.checkpoint_time)),
        ],
        width,
    )
    story.append(
        para(
            f"This certifies that, according to the ledger <b>{esc(record.ledger.name)}</b> as of its checkpoint of "
            f"{record.checkpoint_size:,} entries signed by the ledger operator on {esc(moment(record.checkpoint_time))}, "
            "the deed described below is held as shown under <i>Holders of record</i>, subject only to the liens shown "
            "under <i>Encumbrances</i>, and that the chain of title lists every entry recorded about this deed up to "
            "that checkpoint, in order.",
            Styles.body,
        )
    )

    story += section("Property", width)
    pairs: list[tuple[str, Any]] = [
        ("Parcel number", state.parcel),
        ("Deed number", str(deed_id)),
        ("Property address", state.address),
        ("Total shares", f"{state.total_shares:,}"),
        ("Legal description", state.legal or "\u2014"),
        ("Registered", f"{recorded_on(record, state.registration.recorded_at)} (entry {state.registration.index})"),
    ]
    pairs += attribute_pairs(state.attributes)
    story.append(fields(pairs, width))

    story += section("Holders of record", width, f"{len(state.holders)} holder{'s' if len(state.holders) != 1 else ''}")
    rows = []
    for holder, held in sorted(state.holders.items(), key=lambda item: (-item[1], item[0].lower())):
        since = state.since.get(holder)
        rows.append(
            [
                party(record, holder),
                f"{held:,}",
                percent(held, state.total_shares),
                f"{recorded_on(record, since.recorded_at)} (entry {since.index})" if since else "\u2014",
            ]
        )
    story.append(
        data_table(["Holder", "Shares", "Fraction", "Holder since"], rows, [width - 235, 70, 60, 105], right=(1, 2))
    )

    story += section("Encumbrances", width, f"{len(open_liens)} open" if open_liens else "")
    if open_liens:
        lien_rows = [
            [
                f"Lien {lien.lien_id}",
                lien.kind,
                party(record, lien.holder),
                money(lien.amount, lien.currency),
                f"{recorded_on(record, lien.opened.recorded_at)} (entry {lien.opened.index})",
            ]
            for lien in open_liens
        ]
        story.append(
            data_table(
                ["Lien", "Kind", "Lienholder", "Amount", "Recorded"],
                lien_rows,
                [45, 70, width - 310, 90, 105],
                right=(3,),
            )
        )
    else:
        story.append(plain("No open lien is recorded against this deed.", Styles.body))

    story += section("Chain of title", width, f"{len(record.entries)} entries, oldest first")
    chain_rows = [event_row(record, e) for e in record.entries]
    story.append(
        data_table(["Entry", "Recorded", "Event", "Parties", "Terms"], chain_rows, [34, 56, 82, width - 292, 120])
    )
    story.append(Spacer(1, 4))
    story.append(
        plain(
            "Each entry is signed by the parties shown and identified in the ledger by its hash; the "
            "embedded record carries the signatures and a proof that each entry is in the checkpoint.",
            Styles.fine,
        )
    )
    story += blocks.verification_panel(record, record.entries[-1], width)
    heading = blocks.heading(record, "Certificate of Title", f"Deed {deed_id} \u00b7 Parcel {state.parcel}")
    return render_pdf(
        record,
        heading,
        story,
        title=f"Certificate of title \u2014 deed {deed_id}, parcel {state.parcel}",
        subject=f"Chain of title of deed {deed_id} ({state.address})",
        keywords="deedbook title",
    )


TITLE = register(
    DocumentType(
        "title",
        "certificate of title",
        {"deedId": (int,)},
        dict.fromkeys((*LAYOUTS, ARCHIVAL_UTC, RECORDING_UTC), draw_title),  # 8, 9: dates that name UTC
        alternatives=RECORDING_LAYOUTS,
    )
)
