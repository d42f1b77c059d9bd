"""Distribution statement: what one holder was paid by a distribution, and the proof of its holding.

The record carries the signed Distribution entry, the checkpoint that is its record
date, and every entry that moved shares of the deed before that checkpoint (its
registration, transfers, recovery moves), each with its inclusion proof.  Drawing
checks, from those entries alone, that they add up to the holdings the distribution
states and that the payouts are the largest-remainder split of the amount: a
statement whose holding or amount was edited does not verify (core.servicing).
"""

from __future__ import annotations

from fractions import Fraction

from reportlab.platypus import Flowable, Spacer

from core.documents.evidence import EmbeddedEntry, Record, RecordInvalid, build_record
from core.errors import DeedbookError
from core.kinds.distribution import expected_payouts
from core.ledger import Ledger
from core.one_moment import one_moment
from core.servicing.distributions import find_distribution, payout_of, snapshot
from core.servicing.snapshot import SHARE_KINDS, fold, lower_keys
from core.servicing.split import RULE_TEXT
from core.signing import checksum_address, parse_address
from desktop.documents import blocks
from desktop.documents.blocks import moment, money, party, shares_text
from desktop.documents.entries import event_row
from desktop.documents.layout import (
    STANDARD_LAYOUTS,
    Styles,
    data_table,
    esc,
    fields,
    page_of,
    plain,
    render_pdf,
    section,
    title_block,
)
from desktop.documents.registry import DocumentType, register, render_record


@one_moment  # the entries it picks and the checkpoint that proves them, read at one moment
def collect_statement(ledger: Ledger, distribution_id: int, holder: str, paper: str = "A4") -> Record:
    """The record of `holder`'s statement for distribution `distribution_id`."""
    holder = checksum_address(parse_address(holder))
    entry = find_distribution(ledger, distribution_id)
    payout_of(entry, holder)  # a holder it did not pay has no statement
    m = entry.message
    snap = snapshot(ledger, m["deedId"], m["recordCheckpoint"])
    indexes = [entry.index, snap.checkpoint.index, *(e.index for e in snap.entries)]
    return build_record(
        ledger,
        STATEMENT.name,
        indexes,
        paper=paper,
        params={"index": entry.index, "holder": holder},
        layout=STATEMENT.layout,
    )


def build_statement_pdf(ledger: Ledger, distribution_id: int, holder: str, paper: str = "A4") -> bytes:
    return render_record(collect_statement(ledger, distribution_id, holder, paper))


def _checked(record: Record) -> tuple[EmbeddedEntry, EmbeddedEntry, dict[str, object]]:
    """The distribution, its record-date checkpoint and this holder's payout, once the embedded entries are seen to
    add up to the holdings the distribution states and its payouts to the stated split."""
    d = record.subject("Distribution", "distribution")
    m = d.message
    checkpoint = record.entry(m["recordCheckpoint"])
    if checkpoint.kind != "Checkpoint":
        raise RecordInvalid("The distribution's record date in the embedded record is not a checkpoint.")
    made = [(e.kind, e.message) for e in record.entries if e.index < checkpoint.index and e.kind in SHARE_KINDS]
    try:
        holders = fold(made, m["deedId"])
        stated = sorted((str(p["holder"]).lower(), p["shares"]) for p in m["payouts"])
        split = expected_payouts(m["amount"], holders) if holders else []
    except (DeedbookError, KeyError, TypeError, ValueError) as bad:
        raise RecordInvalid(f"The embedded entries cannot be read as the deed's holdings ({bad}).") from None
    if stated != sorted(lower_keys(holders).items()):
        raise RecordInvalid(
            "The embedded entries do not add up to the holdings the distribution states at its record date."
        )
    if [{**p, "holder": str(p["holder"]).lower()} for p in m["payouts"]] != split:
        raise RecordInvalid("The distribution's payouts are not the split of its amount that it states.")
    holder = str(record.params["holder"]).lower()
    mine = [p for p in m["payouts"] if str(p["holder"]).lower() == holder]
    if not mine:
        raise RecordInvalid("The statement's holder is not among the holders the distribution paid.")
    return d, checkpoint, mine[0]


def _fraction(part: int, whole: int) -> str:
    reduced = Fraction(part, whole)
    return f"{reduced.numerator:,}/{reduced.denominator:,}"


def draw_statement(record: Record) -> bytes:
    d, checkpoint, mine = _checked(record)
    m = d.message
    holder = str(mine["holder"])
    shares, paid = int(str(mine["shares"])), int(str(mine["minor"]))
    total, amount, currency = int(m["totalShares"]), int(m["amount"]), str(m["currency"])
    held = sum(int(p["shares"]) for p in m["payouts"])
    exact_whole, rest = divmod(amount * shares, held)
    width = page_of(record).frame_width
    story: list[Flowable] = []
    story += title_block(
        "Distribution Statement",
        f"Distribution {m['distributionId']} \u00b7 deed {m['deedId']} \u00b7 parcel {esc(m['parcel'])}"
        + (f" \u00b7 {esc(m['purpose'])}" if m["purpose"] else ""),
        [
            ("Paid to this holder", esc(money(paid, currency))),
            ("Shares at record date", f"{shares:,}"),
            ("Distribution", esc(money(amount, currency))),
            ("Record date", esc(moment(checkpoint.recorded_at))),
        ],
        width,
    )

    story += section("This holder\u2019s payout", width)
    story.append(fields([("Holder", party(record, holder, Styles.value, Styles.mono))], width, columns=1))
    extra = paid - exact_whole
    story.append(
        fields(
            [
                ("Holding", shares_text(shares, total)),
                ("Record date", f"checkpoint entry {checkpoint.index}"),
                (
                    "Exact share",
                    f"{money(amount, currency)} \u00d7 {shares:,} / {held:,}"
                    + (
                        f" = {money(exact_whole, currency)} and {_fraction(rest, held)} of a minor unit"
                        if rest
                        else f" = {money(exact_whole, currency)} exactly"
                    ),
                ),
                ("Paid", money(paid, currency) + (" (one minor unit left over by rounding)" if extra else "")),
                ("Distribution entry", str(d.index)),
                ("Recorded", moment(d.recorded_at)),
            ],
            width,
        )
    )
    story.append(Spacer(1, 3))
    story.append(plain(f"Rounding: {RULE_TEXT} The payouts add up to the amount exactly.", Styles.fine))

    story += section("Every payout", width, f"{len(m['payouts'])} holder{'s' if len(m['payouts']) != 1 else ''}")
    rows: list[list[object]] = [
        [
            party(record, str(p["holder"])),
            f"{int(p['shares']):,}",
            money(p["minor"], currency),
            "+1" if int(p["minor"]) * held > amount * int(p["shares"]) else "",
        ]
        for p in m["payouts"]
    ]
    rows.append(
        [plain("Total", Styles.cell), f"{held:,}", money(sum(int(p["minor"]) for p in m["payouts"]), currency), ""]
    )
    story.append(
        data_table(["Holder", "Shares", "Paid", "Rounding"], rows, [width - 230, 70, 110, 50], right=(1, 2, 3))
    )

    made = [e for e in record.entries if e.index < checkpoint.index and e.kind in SHARE_KINDS]
    story += section("The holding at the record date", width, "the entries that made it, each proved below")
    story.append(
        data_table(
            ["Entry", "Recorded", "Event", "Parties", "Terms"],
            [event_row(record, e) for e in made],
            [34, 56, 82, width - 292, 120],
            zebra=False,
        )
    )
    story += section("Signatures", width, "as recorded in the ledger")
    story.append(blocks.signatures_table(record, [d], width))
    story += blocks.verification_panel(record, d, width)
    heading = blocks.heading(
        record, "Distribution Statement", f"Distribution {m['distributionId']} \u00b7 {holder[:10]}\u2026"
    )
    return render_pdf(
        record,
        heading,
        story,
        title=f"Distribution statement \u2014 distribution {m['distributionId']}",
        subject=f"Payout of distribution {m['distributionId']} to {holder}",
        keywords="deedbook distribution statement",
    )


STATEMENT = register(
    DocumentType(
        "statement",
        "distribution statement",
        {"index": (int,), "holder": (str,)},
        dict.fromkeys(STANDARD_LAYOUTS, draw_statement),
    )
)
