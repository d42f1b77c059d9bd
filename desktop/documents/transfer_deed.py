"""Transfer deed: the conveyance a recorded Transfer entry makes, with its notarial acknowledgement."""

from __future__ import annotations

from typing import Any, Mapping

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from core.documents.evidence import EmbeddedEntry, Record, RecordInvalid, build_record
from core.errors import DeedbookError
from core.ledger import Ledger, RecordedEntry
from core.one_moment import one_moment
from desktop.documents import blocks
from desktop.documents.blocks import moment, money, named, party, recorded_on, shares_text
from desktop.documents.entries import acknowledgement
from desktop.documents.layout import (
    ARCHIVAL_EVEN,
    ARCHIVAL_UTC,
    LAYOUTS,
    RECORDING_UTC,
    RECORDING_LAYOUTS,
    as_recording,
    INK,
    RULE,
    Styles,
    data_table,
    esc,
    fields,
    mono_wrapped,
    page_of,
    para,
    plain,
    render_pdf,
    section,
    title_block,
)
from desktop.documents.registry import DocumentType, register, render_record


@one_moment  # the entries it picks and the checkpoint that proves them, read at one moment
def collect_transfer(ledger: Ledger, index: int, paper: str = "A4") -> Record:
    """The record of a transfer deed: the deed's registration (property description), the transfer,
    the liens it paid off, and every attestation of it."""
    entry = ledger.entry(index)
    if entry.kind != "Transfer":
        raise DeedbookError(
            f"Entry {index} is a {entry.kind}, not a transfer: a transfer deed is made for a "
            "Transfer entry (see 'deedbook deed history DEED')."
        )
    assert entry.deed_id is not None
    history = ledger.history(entry.deed_id)
    title = [e.index for e in grantor_title(history, index, entry.message["from"])]
    wanted = [history[0].index, index, *(e.index for e in _paid_off(history, index)), *title]
    wanted += [e.index for e in history if e.kind == "Attestation" and e.message.get("entryIndex") == index]
    return build_record(
        ledger,
        TRANSFER.name,
        sorted(set(wanted)),
        paper=paper,
        params={"index": index, "deedId": entry.deed_id, "grantorTitle": title},
        entries=history,
        layout=TRANSFER.layout,
    )


def _received(e: RecordedEntry | EmbeddedEntry) -> tuple[str, int] | None:
    """Who an entry gave shares of its deed to, and how many (None: it gives none)."""
    if e.kind == "RegisterDeed":
        return str(e.message["owner"]).lower(), int(e.message["totalShares"])
    if e.kind in ("Transfer", "RecoveryTransfer"):
        return str(e.message["to"]).lower(), int(e.message["shares"])
    return None


def grantor_title(history: list[RecordedEntry], index: int, grantor: str) -> list[RecordedEntry]:
    """The entries by which `grantor` came to hold the shares it held when the transfer at `index` was
    recorded (the registration, transfers or recovery moves to it since it last held none): the
    instruments a recorder's "being the same property conveyed to the grantor by ..." cites."""
    grantor, held = grantor.lower(), 0
    since: list[RecordedEntry] = []
    for e in history:
        if e.index >= index:
            break
        if (got := _received(e)) is not None and got[0] == grantor:
            held, since = held + got[1], [*since, e]
        if e.kind in ("Transfer", "RecoveryTransfer") and str(e.message["from"]).lower() == grantor:
            held -= int(e.message["shares"])
            if held <= 0:
                held, since = 0, []
    return since


def _paid_off(history: list[RecordedEntry], index: int) -> list[RecordedEntry]:
    """The Lien entries still open when the transfer at `index` was recorded (it released them)."""
    open_liens: dict[int, RecordedEntry] = {}
    for e in history:
        if e.index >= index:
            break
        if e.kind == "Lien":
            open_liens[e.message["lienId"]] = e
        elif e.kind == "LienRelease":
            open_liens.pop(e.message["lienId"], None)
        elif e.kind == "Transfer":
            open_liens.clear()
    return list(open_liens.values())


def build_transfer_pdf(ledger: Ledger, index: int, paper: str = "A4", *, recording: bool = False) -> bytes:
    """Transfer deed for the Transfer entry at `index`, as PDF bytes (`recording`: on recording-ready pages)."""
    record = collect_transfer(ledger, index, paper)
    return render_record(as_recording(record) if recording else record)


def draw_transfer(record: Record) -> bytes:
    t = record.subject("Transfer", "transfer")
    m = t.message
    reg = record.registration(m["deedId"])
    r = reg.message
    if r["parcel"] != m["parcel"]:
        raise RecordInvalid("The embedded registration is for another parcel than the transfer.")
    width = page_of(record).frame_width
    conveyed = shares_text(m["shares"], m["totalShares"])
    price = money(m["price"], m["currency"])
    story: list[Flowable] = []
    story += title_block(
        "Transfer Deed",
        f"Conveyance of {conveyed} of deed {m['deedId']} \u00b7 recorded as entry {t.index} of the ledger",
        [
            ("Deed", str(m["deedId"])),
            ("Parcel", esc(m["parcel"])),
            ("Shares conveyed", f"{m['shares']:,} ({blocks.percent(m['shares'], m['totalShares'])})"),
            ("Consideration", esc(price)),
            ("Closing date", m["closingDate"]),
        ],
        width,
    )
    grantor, grantee = named(record, m["from"]), named(record, m["to"])
    story.append(
        para(
            f"The <b>grantor</b>, {grantor}, holder of record of the shares conveyed, for the consideration of "
            f"<b>{esc(price)}</b>, conveys to the <b>grantee</b>, {grantee}, <b>{conveyed}</b> of the property described "
            f"below. The grantor authorised this transfer and the grantee accepted it, each by signing the same terms with "
            f"their own key; the ledger <b>{esc(record.ledger.name)}</b> recorded it as entry {t.index} on "
            f"{esc(moment(t.recorded_at))}.",
            Styles.body,
        )
    )

    story += section("Parties", width)
    story.append(_parties(record, t, width))

    story += section("Property", width)
    story.append(
        fields(
            [
                ("Parcel number", r["parcel"]),
                ("Deed number", str(r["deedId"])),
                ("Property address", r["propertyAddress"]),
                ("Total shares", f"{r['totalShares']:,}"),
                ("Legal description", r["legalDescription"] or "\u2014"),
                ("Registered", f"{recorded_on(record, reg.recorded_at)} (entry {reg.index})"),
            ],
            width,
        )
    )
    if title := _title_rows(record, m["from"]):
        story.append(fields(title, width, columns=1, label_width=30 * mm))  # aligned with the fields above

    story += section("Terms", width)
    story.append(
        fields(
            [
                ("Shares conveyed", conveyed),
                ("Consideration", price),
                ("Closing date", m["closingDate"]),
                ("Deed version", f"{m['deedVersion']} (the deed as it stood when signed)"),
                ("Signing deadline", moment(m["deadline"])),
                ("Transfer id", mono_wrapped(m["transferId"], Styles.cell_mono, 34)),
            ],
            width,
        )
    )

    liens = record.of_kind("Lien")
    if liens:
        story += section("Liens paid off at this transfer", width)
        rows = [
            [
                f"Lien {e.message['lienId']}",
                e.message["lienKind"],
                party(record, e.message["holder"]),
                money(e.message["amount"], e.message["currency"]),
                f"entry {e.index}",
            ]
            for e in liens
        ]
        story.append(
            data_table(
                ["Lien", "Kind", "Lienholder (co-signed the transfer)", "Amount", "Recorded"],
                rows,
                [45, 70, width - 265, 90, 60],
                right=(3,),
            )
        )
        story.append(Spacer(1, 2))
        story.append(
            plain(
                "Each lienholder co-signed this transfer (LienPayoff), which released its lien when the "
                "transfer was recorded.",
                Styles.fine,
            )
        )

    attestations = [e for e in record.of_kind("Attestation") if e.message.get("entryIndex") == t.index]
    heading_flow = section("Notarial acknowledgement", width)
    if attestations:
        for n, a in enumerate(attestations):  # the heading stays with the first acknowledgement
            story.append(
                KeepTogether([*(heading_flow if n == 0 else []), acknowledgement(record, a, width), Spacer(1, 4)])
            )
    else:
        story += heading_flow
        story.append(
            plain(
                "No notarial attestation of this transfer is recorded in the ledger as of the checkpoint.", Styles.body
            )
        )

    story += section("Signatures", width, "as recorded in the ledger")
    story.append(blocks.signatures_table(record, [t, *attestations], width))
    story.append(Spacer(1, 4))
    story.append(
        fields(
            [
                ("Ledger entry", f"{t.index}, recorded {moment(t.recorded_at)}"),
                ("Entry hash", mono_wrapped(t.leaf_hash, Styles.cell_mono, 66)),
            ],
            width,
            columns=1,
        )
    )
    story += blocks.verification_panel(record, t, width)
    heading = blocks.heading(
        record, "Transfer Deed", f"Deed {m['deedId']} \u00b7 Parcel {m['parcel']} \u00b7 Entry {t.index}"
    )
    return render_pdf(
        record,
        heading,
        story,
        title=f"Transfer deed \u2014 deed {m['deedId']}, entry {t.index}",
        subject=f"Transfer of parcel {m['parcel']} recorded as ledger entry {t.index}",
        keywords="deedbook transfer",
    )


def _check_title_param(params: Mapping[str, Any]) -> None:
    cited = params.get("grantorTitle", [])
    if not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in cited):
        raise RecordInvalid("The embedded record's grantor's title names something other than entries.")


def _title_rows(record: Record, grantor: str) -> list[tuple[str, str]]:
    """ "Grantor's title": the recorded entries by which the grantor holds the shares (documents made
    before this line was added carry no "grantorTitle" and show none)."""
    cited = record.params.get("grantorTitle")
    if not isinstance(cited, list) or not cited:
        return []
    lines = []
    for index in cited:
        e = record.entry(int(index))
        got = _received(e)
        if got is None or got[0] != grantor.lower():
            raise RecordInvalid(f"Entry {e.index} in the embedded record did not give the grantor shares of the deed.")
        how = {"RegisterDeed": "registered to the grantor", "RecoveryTransfer": "moved to the grantor by recovery"}
        seller = str(e.message.get("from", ""))
        what = how.get(e.kind, f"conveyed by {record.name_of(seller) or seller}")
        lines.append(f"Entry {e.index}: {got[1]:,} shares {what}, recorded {recorded_on(record, e.recorded_at)}")
    return [("Grantor's title", "; ".join(lines))]


def _parties(record: Record, t: EmbeddedEntry, width: float) -> Table:
    m = t.message
    half = (width - 10) / 2

    def card(role: str, address: str, signed: str) -> list[Any]:
        return [
            plain(role.upper(), Styles.label),
            Spacer(1, 2),
            party(record, address, Styles.value, Styles.mono),
            Spacer(1, 3),
            plain(signed, Styles.fine),
        ]

    seller = t.signers("seller")
    buyer = t.signers("buyer")
    left = card("Grantor (seller)", m["from"], "Signed the Transfer" if seller else "")
    right = card("Grantee (buyer)", m["to"], "Signed the Acceptance of the same Transfer" if buyer else "")
    table = Table([[left, "", right]], colWidths=[half, 10, half])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (0, 0), 0.6, RULE),
                ("BOX", (2, 0), (2, 0), 0.6, RULE),
                ("LINEABOVE", (0, 0), (0, 0), 1.6, INK),
                ("LINEABOVE", (2, 0), (2, 0), 1.6, INK),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return table


TRANSFER = register(
    DocumentType(
        "transfer",
        "transfer deed",
        {"index": (int,), "deedId": (int,)},
        alternatives=RECORDING_LAYOUTS,
        # 7: the transfer id cut in equal halves; 8, 9: dates that name UTC
        layouts=dict.fromkeys((*LAYOUTS, ARCHIVAL_EVEN, ARCHIVAL_UTC, RECORDING_UTC), draw_transfer),
        later_params={"grantorTitle": (list,)},
        check_params=_check_title_param,
    )
)
