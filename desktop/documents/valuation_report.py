"""Valuation report: estimate, 90% range, comparable sales, reasons, charts and the model card.

It takes valuation/'s `Valuation` and the `ModelCard` (desktop.documents.valuation_data),
which are carried in the embedded record as plain JSON (`extra`) and read back
from it to draw.  The signed part is what the ledger holds: the deed's
registration (the property described), its last sale, and, when the valuation
was recorded (`deedbook value --record`), the Valuation entry with the same
model, input and figures.  Then the drawn estimate and range must equal the
signed ones, or the document does not verify.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Mapping

from reportlab.platypus import Flowable, KeepTogether, Spacer

from core.documents.evidence import EmbeddedEntry, Record, RecordInvalid, build_record
from core.errors import DeedbookError
from core.ledger import Ledger, RecordedEntry
from core.money import figure_text, format_figure, to_minor
from core.one_moment import one_moment
from desktop.documents import blocks
from desktop.documents.blocks import moment, money, party
from desktop.documents.charts import drivers_chart, range_chart
from desktop.documents.entries import attribute_pairs
from desktop.documents.layout import (
    BOX_PADDING,
    ARCHIVAL,
    ARCHIVAL_EVEN,
    Styles,
    boxed,
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
from desktop.documents.valuation_data import CardData, ModelCard, ReportValuation
from valuation.wording import UNDATED, as_of_text, as_of_value, sold_text

if TYPE_CHECKING:
    from valuation.valuer import Valuation


# -- the record ---------------------------------------------------------------------


def _same_figures(message: Mapping[str, Any], v: ReportValuation) -> bool:
    """Does a Valuation entry's message sign these figures (estimate, range, currency, input)?"""
    currency = v.currency
    return bool(
        message["currency"] == currency
        and message["estimate"] == to_minor(v.estimate, currency)
        and message["low"] == to_minor(v.low, currency)
        and message["high"] == to_minor(v.high, currency)
        and message["inputHash"] == "0x" + v.input_sha256
    )


def _matching_valuation(history: list[RecordedEntry], v: ReportValuation) -> RecordedEntry | None:
    """The deed's latest Valuation entry, if it records exactly this valuation."""
    for e in reversed(history):
        if e.kind != "Valuation":
            continue
        return e if e.message["modelHash"] == "0x" + v.model_sha256 and _same_figures(e.message, v) else None
    return None


@one_moment  # the entries it picks and the checkpoint that proves them, read at one moment
def collect_valuation(
    ledger: Ledger, deed: str | int, valuation: Valuation, card: ModelCard, paper: str = "A4"
) -> Record:
    """The record of a valuation report: the deed's registration, its last sale, the Valuation entry that
    records exactly this valuation (if one does), and the valuation and its model card as plain data."""
    v = ReportValuation.of(valuation, card)
    if not 0 < v.low <= v.estimate <= v.high:
        raise DeedbookError("The valuation to report needs 0 < low <= estimate <= high.")
    deed_id = ledger.resolve_deed(deed)
    history = ledger.history(deed_id)
    wanted = [history[0].index]
    sales = [e for e in history if e.kind == "Transfer"]
    if sales:
        wanted.append(sales[-1].index)
    recorded = _matching_valuation(history, v) if v.model_sha256 else None
    if recorded is not None:
        wanted.append(recorded.index)
    carried = dataclasses.replace(card, model_sha256=v.model_sha256, currency=v.currency)
    extra = {"valuation": v.to_json(), "model": carried.to_json()}
    params = {"deedId": deed_id, "recorded": recorded.index if recorded is not None else None}
    return build_record(
        ledger,
        VALUATION.name,
        wanted,
        paper=paper,
        params=params,
        extra=extra,
        entries=history,
        layout=VALUATION.layout,
    )


def build_valuation_pdf(
    ledger: Ledger, deed: str | int, valuation: Valuation, card: ModelCard, paper: str = "A4"
) -> bytes:
    """Valuation report for `deed`, as PDF bytes: valuation/'s result and the card of the model that made it.
    When the same valuation was recorded in the ledger, the signed Valuation entry proves its figures."""
    return render_record(collect_valuation(ledger, deed, valuation, card, paper))


# -- drawing ------------------------------------------------------------------------


def _check_signed(v: ReportValuation, recorded: EmbeddedEntry | None) -> None:
    if recorded is None:
        return
    m = recorded.message
    if not _same_figures(m, v) or m["modelHash"] != "0x" + v.model_sha256:
        raise RecordInvalid(
            f"The valuation figures in the record are not the ones Valuation entry {recorded.index} signs."
        )


def draw_valuation(record: Record) -> bytes:
    """Layout 1 (the first issued): no forecast standard deviation."""
    return _draw(record, confidence=False)


def draw_valuation_v2(record: Record) -> bytes:
    """Layout 2: layout 1 + the forecast standard deviation and confidence under the range."""
    return _draw(record, confidence=True)


def draw_valuation_v7(record: Record) -> bytes:
    """Layout 7: layout 2 + an undated market said in the valuation pane's words (valuation/wording.py): "not
    dated" and why, a comparable "date not known", the model card's sales "not dated"; layout 2 showed "\u2014"
    for each.  A dated report reads the same as in layout 2."""
    return _draw(record, confidence=True, worded=True)


def _confidence_lines(v: ReportValuation) -> list[Flowable]:
    if v.fsd is None or v.confidence is None:
        return [plain("No forecast standard deviation was computed for this estimate.", Styles.fine)]
    share = 100 * v.fsd
    return [
        Spacer(1, 2),
        para(
            f"Forecast standard deviation <b>{share:.1f}%</b> \u2014 confidence "
            f"<b>{v.confidence:.0f}</b> ({esc(v.confidence_level or '')}).",
            Styles.body,
        ),
        plain(
            f"About two sales in three of properties like this one sell within {share:.0f}% of their "
            "estimate; confidence is 100 \u00d7 (1 \u2212 FSD), high above 85, as lenders read it.",
            Styles.fine,
        ),
    ]


def _draw(record: Record, *, confidence: bool, worded: bool = False) -> bytes:
    deed_id = record.params.get("deedId")
    if not isinstance(deed_id, int):
        raise RecordInvalid("The embedded record does not say which deed was valued.")
    if not isinstance(record.extra.get("valuation"), dict):
        raise RecordInvalid("The embedded record carries no valuation.")
    v = ReportValuation.from_json(record.extra["valuation"])
    card = ModelCard.from_json(record.extra.get("model"))
    recorded_index = record.params.get("recorded")
    recorded = record.entry(recorded_index) if isinstance(recorded_index, int) else None
    if recorded is not None and (recorded.kind != "Valuation" or recorded.message.get("deedId") != deed_id):
        raise RecordInvalid("The recorded valuation in the embedded record is not a valuation of this deed.")
    _check_signed(v, recorded)
    reg = record.registration(deed_id)
    r = reg.message
    currency = v.currency or "USD"
    estimate, low, high = float(v.estimate), float(v.low), float(v.high)
    width = page_of(record).frame_width
    model_hash = v.model_sha256
    story: list[Flowable] = []
    story += title_block(
        "Valuation Report",
        f"Deed {deed_id} \u00b7 parcel {esc(r['parcel'])} \u00b7 {esc(r['propertyAddress'])}",
        [
            ("Estimate", esc(format_figure(estimate, currency))),
            ("90% range", esc(f"{figure_text(low)} \u2013 {figure_text(high)}")),
            ("As of", esc(as_of_value(v.as_of) if worded else v.as_of or "\u2014")),
            ("Model", esc(model_hash[:10] or "\u2014")),
            ("Recorded", f"entry {recorded.index}" if recorded else "not recorded"),
        ],
        width,
    )

    coverage = card.metrics.get("coverage")
    headline = [
        plain("ESTIMATED MARKET VALUE", Styles.label),
        plain(format_figure(estimate, currency), Styles.big),
        Spacer(1, 3),
        para(
            f"90% range <b>{esc(format_figure(low, currency))}</b> to <b>{esc(format_figure(high, currency))}</b> "
            f"({(low / estimate - 1) * 100:+.1f}% / {(high / estimate - 1) * 100:+.1f}%).",
            Styles.body,
        ),
        Spacer(1, 2),
        plain(
            "Nine in ten sales like this one fall within the range: it is calibrated on sales the model did not "
            "learn from" + (f" (measured coverage {coverage:.1%})." if coverage is not None else "."),
            Styles.fine,
        ),
    ]
    if worded and not v.as_of:  # the range's sentence says so: no month to read "as of" in the header
        headline.append(plain(f"This valuation is {as_of_text(v.as_of)}.", Styles.fine))
    if confidence:
        headline += _confidence_lines(v)
    # Layouts 1 and 2 drew the chart as wide as its cell, padding included, so its right end and a label
    # beside the range could pass the box's border; layout 7 draws it inside the padding, labels included.
    chart_width = width * 0.58 - 2 * BOX_PADDING if worded else width * 0.58
    chart = range_chart(v, currency, chart_width, labels_inside=worded)
    story.append(boxed([[headline, chart]], [width * 0.42, width * 0.58]))

    story += section("Subject property", width)
    pairs: list[tuple[str, Any]] = [
        ("Parcel number", r["parcel"]),
        ("Deed number", str(deed_id)),
        ("Property address", r["propertyAddress"]),
        ("Legal description", r["legalDescription"] or "\u2014"),
    ]
    pairs += attribute_pairs(r["attributes"])
    sale = next((e for e in reversed(record.of_kind("Transfer")) if e.message.get("deedId") == deed_id), None)
    if sale is not None:
        pairs.append(
            (
                "Last recorded sale",
                f"{money(sale.message['price'], sale.message['currency'])}, "
                f"{sale.message['closingDate']} (entry {sale.index})",
            )
        )
    story.append(fields(pairs, width))
    assumed = v.assumed_typical
    if assumed:
        story.append(Spacer(1, 3))
        story.append(
            plain(
                f"Not in the deed\u2019s attributes, so assumed typical for the market: "
                f"{', '.join(str(a) for a in assumed[:24])}"
                + (f" and {len(assumed) - 24} more." if len(assumed) > 24 else "."),
                Styles.fine,
            )
        )

    story += section("Comparable sales", width, "adjusted to the subject by the model")
    if v.comparables:
        rows = []
        for n, c in enumerate(v.comparables, start=1):
            diffs = "; ".join(f"{d.feature} {d.comparable} (subject {d.subject})" for d in c.differences[:3])
            rows.append(
                [
                    f"C{n}",
                    plain(c.label or "\u2014", Styles.cell),
                    _sold(c.sold, worded),
                    figure_text(c.price),
                    f"{c.distance_km:.2f}" if c.distance_km is not None else "\u2014",
                    figure_text(c.adjusted_price),
                    plain(diffs or "\u2014", Styles.cell),
                ]
            )
        story.append(
            data_table(
                ["", "Sale", "Sold", f"Price ({currency})", "km", "Adjusted", "Main differences"],
                rows,
                [20, 128, 42, 62, 32, 58, width - 342],
                right=(3, 4, 5),
            )
        )
    else:
        story.append(plain("The model found no comparable sale.", Styles.body))

    story.append(
        KeepTogether(
            [
                *section("Why this estimate", width, "effects in money, from a typical sale of this market"),
                drivers_chart(v, currency, width),
            ]
        )
    )

    story += section("Record", width)
    if recorded is not None:
        story.append(
            fields(
                [
                    ("Ledger entry", f"{recorded.index}, recorded {moment(recorded.recorded_at)}"),
                    ("Appraiser", party(record, recorded.signatures[0]["signer"], Styles.value, Styles.mono)),
                    ("Model hash", mono_wrapped(recorded.message["modelHash"], Styles.cell_mono)),
                    ("Input hash", mono_wrapped(recorded.message["inputHash"], Styles.cell_mono)),
                ],
                width,
                columns=1,
            )
        )
        story.append(
            plain(
                "The estimate, the range, the model and the input are signed in the ledger: anyone holding "
                "the model with this hash can recompute the same figures.",
                Styles.fine,
            )
        )
    else:
        story.append(
            para(
                "This valuation is <b>not recorded</b> in the ledger: its figures are the model\u2019s output carried in "
                "this document, identified by the model and input hashes below. The property description and the last "
                "sale are signed entries. To record a valuation: <b>deedbook value DEED --record --key KEY</b>.",
                Styles.body,
            )
        )
        story.append(Spacer(1, 3))
        story.append(
            fields(
                [
                    ("Model hash", mono_wrapped("0x" + model_hash, Styles.cell_mono)),
                    ("Input hash", mono_wrapped("0x" + v.input_sha256, Styles.cell_mono)),
                ],
                width,
                columns=1,
            )
        )
    for warning in v.warnings:
        story.append(plain(f"Note: {warning}", Styles.fine))

    story += section("Model card", width)
    if card.given:
        story += model_card(card, width, worded=worded)
    else:
        story.append(plain("The model card was not given to this report.", Styles.body))
    subject = recorded or sale or reg
    story += blocks.verification_panel(record, subject, width)
    heading = blocks.heading(record, "Valuation Report", f"Deed {deed_id} \u00b7 Parcel {r['parcel']}")
    return render_pdf(
        record,
        heading,
        story,
        title=f"Valuation report \u2014 deed {deed_id}, parcel {r['parcel']}",
        subject=f"Automated valuation of {r['propertyAddress']}",
        keywords="deedbook valuation",
    )


def _sold(sold: str | None, worded: bool) -> Any:
    """A comparable's sale month; in layout 7, "date not known" (wrapped in its narrow column) when it has none."""
    if sold or not worded:
        return sold or "\u2014"
    return plain(sold_text(sold), Styles.cell)


def _data_line(data: CardData) -> str:
    name = str(data.name or "\u2014")
    used, read = data.sales_used, data.rows_read
    if used is not None and read is not None:
        return f"{name}: {used:,} sales used of {read:,} read"
    return name


def model_card(card: ModelCard, width: float, *, worded: bool = False) -> list[Flowable]:
    data, metrics = card.data, card.metrics
    method = card.interval.method if card.interval is not None else None
    time_range = data.time_range or ()
    libraries = ", ".join(f"{k} {v}" for k, v in (card.libraries or {}).items())
    wide: list[tuple[str, Any]] = [
        ("Model", str(card.kind or "\u2014")),
        ("Training data", _data_line(data)),
        ("Data SHA-256", mono_wrapped(str(data.sha256 or "\u2014"), Styles.cell_mono)),
        ("Range method", str(method or "\u2014")),
        ("Libraries", libraries or "\u2014"),
    ]
    pairs: list[tuple[str, Any]] = [
        ("Trained", str(card.created or "\u2014")),
        ("Sales dated", " to ".join(str(t) for t in time_range) if time_range else UNDATED if worded else "\u2014"),
    ]
    out: list[Flowable] = [fields(wide, width, columns=1), fields(pairs, width)]
    shown = [
        ("MdAPE", "mdape", "{:.2f}%"),
        ("Within 10%", "within_10", "{:.1%}"),
        ("Within 20%", "within_20", "{:.1%}"),
        ("Range coverage", "coverage", "{:.1%}"),
        ("COD", "cod", "{:.2f}"),
        ("PRD", "prd", "{:.3f}"),
        ("PRB", "prb", "{:.3f}"),
        ("Sales", "n", "{:,}"),
    ]
    cells = [(label, fmt.format(metrics[key])) for label, key, fmt in shown if key in metrics]
    if cells:
        out.append(Spacer(1, 5))
        out.append(
            data_table(
                [c[0] for c in cells],
                [[c[1] for c in cells]],
                [width / len(cells)] * len(cells),
                right=tuple(range(len(cells))),
                zebra=False,
            )
        )
        out.append(Spacer(1, 2))
        out.append(
            plain(
                "Accuracy measured on out-of-fold estimates (each sale valued by a model that never saw it); "
                "COD, PRD and PRB are the IAAO ratio-study statistics.",
                Styles.fine,
            )
        )
    features = card.features
    if features:
        out.append(Spacer(1, 4))
        out.append(plain("Most influential attributes: " + ", ".join(str(f.name) for f in features) + ".", Styles.fine))
    for limit in card.limits or ():
        out.append(plain(f"Limit: {limit}", Styles.fine))
    attribution = data.attribution
    if attribution:
        out.append(plain(f"Data: {attribution}", Styles.fine))
    return out


VALUATION = register(
    DocumentType(
        "valuation",
        "valuation report",
        {"deedId": (int,), "recorded": (int, type(None))},
        {1: draw_valuation, ARCHIVAL: draw_valuation_v2, ARCHIVAL_EVEN: draw_valuation_v7},
    )
)
