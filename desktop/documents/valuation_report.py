"""Valuation report: estimate, 90% range, comparable sales, reasons, charts and the model card.

Core never imports valuation/: the caller (CLI, GUI) passes the valuation as
plain data — `Valuation.to_json()` plus `currency`, `model_sha256` and
`model_card` — and it is carried in the embedded record (`extra`).  The signed
part is what the ledger holds: the deed's registration (the property described),
its last sale, and, when the valuation was recorded (`deedbook value --record`),
the Valuation entry with the same model, input and figures.  Then the drawn
estimate and range must equal the signed ones, or the document does not verify.
"""
from __future__ import annotations

import json
import math
from typing import Any, Mapping

from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Spacer

from core.documents import blocks
from core.documents.blocks import day, money, moment, party
from core.documents.render import render_record
from core.documents.evidence import EmbeddedEntry, Record, RecordInvalid, build_record
from core.documents.fonts import SANS, SANS_BOLD
from core.documents.layout import (ACCENT, ALERT, GOOD, INK, MUTED, RULE, SHADE, Styles, boxed, data_table, esc,
                                   fields, mono_wrapped, page_of, para, plain, render_pdf, section, title_block)
from core.documents.title import _attribute_pairs
from core.errors import DeedbookError
from core.ledger import Ledger, RecordedEntry
from core.money import figure_text, format_figure, to_minor

BAND = colors.HexColor("#E7DCCB")
TOP_FEATURES = 12
_CARD_DATA = ("name", "sha256", "attribution", "rows_read", "sales_used", "ledger_sales", "time_range", "price_range")
_CARD_METRICS = ("n", "mdape", "within_5", "within_10", "within_20", "coverage", "mean_interval_width", "median_ratio",
                 "cod", "prd", "prb")


# -- the record ---------------------------------------------------------------------

def _clean(value: Any) -> Any:
    """JSON-safe and canonical: no NaN or infinity, floats rounded to what a report shows."""
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def _trim_card(card: Mapping[str, Any]) -> dict[str, Any]:
    data = card.get("data") or {}
    model = card.get("model") or {}
    metrics = card.get("metrics") or {}
    features = sorted((f for f in card.get("features") or [] if f.get("used", True)),
                      key=lambda f: -float(f.get("importance") or 0))[:TOP_FEATURES]
    trimmed: dict[str, Any] = _clean({
        "created": card.get("created"), "valuation_date": card.get("valuation_date"),
        "model_sha256": card.get("model_sha256"), "currency": card.get("currency"),
        "data": {k: data[k] for k in _CARD_DATA if k in data},
        "model": {"kind": model.get("kind"), "interval": model.get("interval")},
        "metrics": {k: metrics[k] for k in _CARD_METRICS if k in metrics},
        "features": [{"name": f.get("name"), "kind": f.get("kind"), "importance": f.get("importance")}
                     for f in features],
        "libraries": card.get("libraries"), "limits": card.get("limits"), "seed": card.get("seed"),
    })
    return trimmed


def _matching_valuation(history: list[RecordedEntry], v: Mapping[str, Any], currency: str,
                        model_hash: str) -> RecordedEntry | None:
    """The deed's latest Valuation entry, if it records exactly this valuation."""
    for e in reversed(history):
        if e.kind != "Valuation":
            continue
        m = e.message
        same = (m["modelHash"] == model_hash and m["inputHash"] == "0x" + str(v.get("input_sha256", ""))
                and m["currency"] == currency and m["estimate"] == to_minor(v["estimate"], currency)
                and m["low"] == to_minor(v["low"], currency) and m["high"] == to_minor(v["high"], currency))
        return e if same else None
    return None


def valuation_input(valuation: Mapping[str, Any], model_card: Mapping[str, Any]) -> dict[str, Any]:
    """What `build_valuation_pdf` takes, from `Valuation.to_json()` and the model card (both plain data)."""
    return {**valuation, "currency": valuation.get("currency") or model_card.get("currency", "USD"),
            "model_sha256": model_card.get("model_sha256", ""), "model_card": dict(model_card)}


def collect_valuation(ledger: Ledger, deed: str | int, valuation: Mapping[str, Any], paper: str = "A4") -> Record:
    """The record of a valuation report.  `valuation` is plain data: `Valuation.to_json()` with
    `currency`, `model_sha256` and `model_card` (the model card dict) added."""
    try:
        estimate, low, high = float(valuation["estimate"]), float(valuation["low"]), float(valuation["high"])
    except (KeyError, TypeError, ValueError):
        raise DeedbookError("The valuation to report needs an estimate, a low and a high value.") from None
    if not 0 < low <= estimate <= high:
        raise DeedbookError("The valuation to report needs 0 < low <= estimate <= high.")
    card = dict(valuation.get("model_card") or {})
    currency = str(valuation.get("currency") or card.get("currency") or "USD")
    model_sha = str(valuation.get("model_sha256") or card.get("model_sha256") or "")
    deed_id = ledger.resolve_deed(deed)
    history = ledger.history(deed_id)
    wanted = [history[0].index]
    sales = [e for e in history if e.kind == "Transfer"]
    if sales:
        wanted.append(sales[-1].index)
    recorded = _matching_valuation(history, valuation, currency, "0x" + model_sha) if model_sha else None
    if recorded is not None:
        wanted.append(recorded.index)
    body = {k: valuation[k] for k in ("estimate", "low", "high", "coverage", "as_of", "typical_sale", "drivers",
                                      "other_effects", "comparables", "assumed_typical", "input_sha256", "warnings")
            if k in valuation}
    extra = {"valuation": _clean({**body, "currency": currency, "model_sha256": model_sha}),
             "model": _trim_card({**card, "model_sha256": model_sha, "currency": currency})}
    params = {"deedId": deed_id, "recorded": recorded.index if recorded is not None else None}
    return build_record(ledger, "valuation", wanted, paper=paper, params=params, extra=extra, entries=history)


def build_valuation_pdf(ledger: Ledger, deed: str | int, valuation: Mapping[str, Any] | Any, paper: str = "A4",
                        model_card: Mapping[str, Any] | None = None) -> bytes:
    """Valuation report for `deed`, as PDF bytes.

    `valuation` is plain data (`valuation_input(...)`), or valuation/'s `Valuation` result itself (anything with
    `to_json()`) together with `model_card`: then the report carries the model card and, when the same valuation
    was recorded in the ledger, proves its figures with the signed Valuation entry.
    """
    data = valuation.to_json() if hasattr(valuation, "to_json") else dict(valuation)
    if model_card is not None:
        data = valuation_input(data, model_card)
    return render_record(collect_valuation(ledger, deed, data, paper))


# -- drawing ------------------------------------------------------------------------

def _check_signed(record: Record, v: Mapping[str, Any], recorded: EmbeddedEntry | None) -> None:
    if recorded is None:
        return
    m = recorded.message
    currency = str(v.get("currency"))
    if (m["currency"] != currency or m["estimate"] != to_minor(v["estimate"], currency)
            or m["low"] != to_minor(v["low"], currency) or m["high"] != to_minor(v["high"], currency)
            or m["modelHash"] != "0x" + str(v.get("model_sha256")) or m["inputHash"] != "0x" + str(v.get("input_sha256"))):
        raise RecordInvalid(f"The valuation figures in the record are not the ones Valuation entry {recorded.index} signs.")


def draw_valuation(record: Record) -> bytes:
    deed_id = record.params.get("deedId")
    if not isinstance(deed_id, int):
        raise RecordInvalid("The embedded record does not say which deed was valued.")
    v = record.extra.get("valuation")
    card = record.extra.get("model") or {}
    if not isinstance(v, dict) or not isinstance(card, dict):
        raise RecordInvalid("The embedded record carries no valuation.")
    recorded_index = record.params.get("recorded")
    recorded = record.entry(recorded_index) if isinstance(recorded_index, int) else None
    if recorded is not None and (recorded.kind != "Valuation" or recorded.message.get("deedId") != deed_id):
        raise RecordInvalid("The recorded valuation in the embedded record is not a valuation of this deed.")
    _check_signed(record, v, recorded)
    reg = record.registration(deed_id)
    r = reg.message
    currency = str(v.get("currency") or "USD")
    estimate, low, high = float(v["estimate"]), float(v["low"]), float(v["high"])
    width = page_of(record).frame_width
    model_hash = str(v.get("model_sha256") or "")
    story: list[Flowable] = []
    story += title_block(
        "Valuation Report",
        f"Deed {deed_id} \u00b7 parcel {esc(r['parcel'])} \u00b7 {esc(r['propertyAddress'])}",
        [("Estimate", esc(format_figure(estimate, currency))),
         ("90% range", esc(f"{figure_text(low)} \u2013 {figure_text(high)}")),
         ("As of", esc(v.get("as_of") or "\u2014")), ("Model", esc(model_hash[:10] or "\u2014")),
         ("Recorded", f"entry {recorded.index}" if recorded else "not recorded")], width)

    coverage = card.get("metrics", {}).get("coverage")
    headline = [
        plain("ESTIMATED MARKET VALUE", Styles.label),
        plain(format_figure(estimate, currency), Styles.big),
        Spacer(1, 3),
        para(f"90% range <b>{esc(format_figure(low, currency))}</b> to <b>{esc(format_figure(high, currency))}</b> "
             f"({(low / estimate - 1) * 100:+.1f}% / {(high / estimate - 1) * 100:+.1f}%).", Styles.body),
        Spacer(1, 2),
        plain("Nine in ten sales like this one fall within the range: it is calibrated on sales the model did not "
              "learn from" + (f" (measured coverage {coverage:.1%})." if isinstance(coverage, (int, float)) else "."),
              Styles.fine),
    ]
    story.append(boxed([[headline, range_chart(v, currency, width * 0.58)]], [width * 0.42, width * 0.58]))

    story += section("Subject property", width)
    pairs: list[tuple[str, Any]] = [("Parcel number", r["parcel"]), ("Deed number", str(deed_id)),
                                    ("Property address", r["propertyAddress"]),
                                    ("Legal description", r["legalDescription"] or "\u2014")]
    pairs += _attribute_pairs(r["attributes"])
    sale = next((e for e in reversed(record.of_kind("Transfer")) if e.message.get("deedId") == deed_id), None)
    if sale is not None:
        pairs.append(("Last recorded sale", f"{money(sale.message['price'], sale.message['currency'])}, "
                                            f"{sale.message['closingDate']} (entry {sale.index})"))
    story.append(fields(pairs, width))
    assumed = v.get("assumed_typical") or []
    if assumed:
        story.append(Spacer(1, 3))
        story.append(plain(f"Not in the deed\u2019s attributes, so assumed typical for the market: "
                           f"{', '.join(str(a) for a in assumed[:24])}"
                           + (f" and {len(assumed) - 24} more." if len(assumed) > 24 else "."), Styles.fine))

    story += section("Comparable sales", width, "adjusted to the subject by the model")
    comps = v.get("comparables") or []
    if comps:
        rows = []
        for n, c in enumerate(comps, start=1):
            diffs = "; ".join(f"{d['feature']} {d['comparable']} (subject {d['subject']})"
                              for d in (c.get("differences") or [])[:3])
            rows.append([f"C{n}", plain(c.get("label") or "\u2014", Styles.cell), c.get("sold") or "\u2014",
                         figure_text(c['price']),
                         f"{c['distance_km']:.2f}" if isinstance(c.get("distance_km"), (int, float)) else "\u2014",
                         figure_text(c['adjusted_price']), plain(diffs or "\u2014", Styles.cell)])
        story.append(data_table(["", "Sale", "Sold", f"Price ({currency})", "km", "Adjusted", "Main differences"],
                                rows, [20, 128, 42, 62, 32, 58, width - 342], right=(3, 4, 5)))
    else:
        story.append(plain("The model found no comparable sale.", Styles.body))

    story.append(KeepTogether([*section("Why this estimate", width, "effects in money, from a typical sale of "
                                                                      "this market"), drivers_chart(v, currency, width)]))

    story += section("Record", width)
    if recorded is not None:
        story.append(fields([
            ("Ledger entry", f"{recorded.index}, recorded {moment(recorded.recorded_at)}"),
            ("Appraiser", party(record, recorded.signatures[0]["signer"], Styles.value, Styles.mono)),
            ("Model hash", mono_wrapped(recorded.message["modelHash"], Styles.cell_mono)),
            ("Input hash", mono_wrapped(recorded.message["inputHash"], Styles.cell_mono)),
        ], width, columns=1))
        story.append(plain("The estimate, the range, the model and the input are signed in the ledger: anyone holding "
                           "the model with this hash can recompute the same figures.", Styles.fine))
    else:
        story.append(para(
            "This valuation is <b>not recorded</b> in the ledger: its figures are the model\u2019s output carried in "
            "this document, identified by the model and input hashes below. The property description and the last "
            "sale are signed entries. To record a valuation: <b>deedbook value DEED --record --key KEY</b>.",
            Styles.body))
        story.append(Spacer(1, 3))
        story.append(fields([("Model hash", mono_wrapped("0x" + model_hash, Styles.cell_mono)),
                             ("Input hash", mono_wrapped("0x" + str(v.get("input_sha256", "")), Styles.cell_mono))],
                            width, columns=1))
    for warning in v.get("warnings") or []:
        story.append(plain(f"Note: {warning}", Styles.fine))

    story += section("Model card", width)
    if card.get("data") or card.get("metrics") or card.get("features") or (card.get("model") or {}).get("kind"):
        story += model_card(card, width)
    else:
        story.append(plain("The model card was not given to this report.", Styles.body))
    subject = recorded or sale or reg
    story += blocks.verification_panel(record, subject, width)
    heading = blocks.heading(record, "Valuation Report", f"Deed {deed_id} \u00b7 Parcel {r['parcel']}")
    return render_pdf(record, heading, story, title=f"Valuation report \u2014 deed {deed_id}, parcel {r['parcel']}",
                      subject=f"Automated valuation of {r['propertyAddress']}", keywords="deedbook valuation")


def _data_line(data: Mapping[str, Any]) -> str:
    name = str(data.get("name") or "\u2014")
    used, read = data.get("sales_used"), data.get("rows_read")
    if isinstance(used, int) and isinstance(read, int):
        return f"{name}: {used:,} sales used of {read:,} read"
    return name


def model_card(card: Mapping[str, Any], width: float) -> list[Flowable]:
    data, metrics, model = card.get("data") or {}, card.get("metrics") or {}, card.get("model") or {}
    interval = model.get("interval") or {}
    time_range = data.get("time_range") or []
    libraries = ", ".join(f"{k} {v}" for k, v in (card.get("libraries") or {}).items())
    wide: list[tuple[str, Any]] = [
        ("Model", str(model.get("kind") or "\u2014")),
        ("Training data", _data_line(data)),
        ("Data SHA-256", mono_wrapped(str(data.get("sha256") or "\u2014"), Styles.cell_mono)),
        ("Range method", str(interval.get("method") or "\u2014")),
        ("Libraries", libraries or "\u2014"),
    ]
    pairs: list[tuple[str, Any]] = [
        ("Trained", str(card.get("created") or "\u2014")),
        ("Sales dated", " to ".join(str(t) for t in time_range) if time_range else "\u2014"),
    ]
    out: list[Flowable] = [fields(wide, width, columns=1), fields(pairs, width)]
    shown = [("MdAPE", "mdape", "{:.2f}%"), ("Within 10%", "within_10", "{:.1%}"), ("Within 20%", "within_20", "{:.1%}"),
             ("Range coverage", "coverage", "{:.1%}"), ("COD", "cod", "{:.2f}"), ("PRD", "prd", "{:.3f}"),
             ("PRB", "prb", "{:.3f}"), ("Sales", "n", "{:,}")]
    cells = [(label, fmt.format(metrics[key])) for label, key, fmt in shown if isinstance(metrics.get(key), (int, float))]
    if cells:
        out.append(Spacer(1, 5))
        out.append(data_table([c[0] for c in cells], [[c[1] for c in cells]], [width / len(cells)] * len(cells),
                              right=tuple(range(len(cells))), zebra=False))
        out.append(Spacer(1, 2))
        out.append(plain("Accuracy measured on out-of-fold estimates (each sale valued by a model that never saw it); "
                         "COD, PRD and PRB are the IAAO ratio-study statistics.", Styles.fine))
    features = card.get("features") or []
    if features:
        out.append(Spacer(1, 4))
        out.append(plain("Most influential attributes: " + ", ".join(str(f.get("name")) for f in features) + ".",
                         Styles.fine))
    for limit in card.get("limits") or []:
        out.append(plain(f"Limit: {limit}", Styles.fine))
    attribution = data.get("attribution")
    if attribution:
        out.append(plain(f"Data: {attribution}", Styles.fine))
    return out


# -- charts (reportlab graphics: vector, deterministic) ----------------------------------

def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step) + 1)]


def _label(value: float) -> str:
    return f"{value / 1000:,.0f}k" if abs(value) >= 1000 else f"{value:,.0f}"


def range_chart(v: Mapping[str, Any], currency: str, width: float) -> Drawing:
    """The estimate and its 90% range on a price line, with each comparable's sale and adjusted price."""
    estimate, low, high = float(v["estimate"]), float(v["low"]), float(v["high"])
    comps = [c for c in v.get("comparables") or [] if isinstance(c.get("price"), (int, float))][:6]
    values = [low, high, estimate] + [float(c["price"]) for c in comps] + [float(c["adjusted_price"]) for c in comps]
    typical = v.get("typical_sale")
    if isinstance(typical, (int, float)):
        values.append(float(typical))
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or hi * 0.05
    lo, hi = lo - pad, hi + pad
    left, right = 22.0, width - 8
    row = 10.0
    legend_h, axis_h, label_h, band_h = 9.0, 14.0, 10.0, 12.0
    height = legend_h + axis_h + row * len(comps) + 8 + band_h + label_h

    def x(value: float) -> float:
        return left + (value - lo) / (hi - lo) * (right - left)

    d = Drawing(width, height)
    axis_y = legend_h + axis_h - 4
    band_y = height - label_h - band_h
    d.add(Rect(x(low), band_y, x(high) - x(low), band_h, fillColor=BAND, strokeColor=None))
    d.add(Line(x(estimate), band_y - 3, x(estimate), band_y + band_h + 2, strokeColor=INK, strokeWidth=1.6))
    d.add(String(x(estimate), band_y + band_h + 3.5, f"estimate {figure_text(estimate)}", fontName=SANS_BOLD,
                 fontSize=6.5, fillColor=INK, textAnchor="middle"))
    d.add(String(x(low) - 2, band_y + 3.5, figure_text(low), fontName=SANS, fontSize=5.8, fillColor=MUTED,
                 textAnchor="end"))
    d.add(String(x(high) + 2, band_y + 3.5, figure_text(high), fontName=SANS, fontSize=5.8, fillColor=MUTED))
    if isinstance(typical, (int, float)):
        d.add(Line(x(float(typical)), axis_y, x(float(typical)), band_y - 4, strokeColor=MUTED, strokeWidth=0.5,
                   strokeDashArray=[1.5, 1.5]))
    for n, c in enumerate(comps, start=1):
        y = band_y - 4 - n * row
        price, adjusted = float(c["price"]), float(c["adjusted_price"])
        d.add(String(2, y - 2, f"C{n}", fontName=SANS_BOLD, fontSize=6, fillColor=MUTED))
        d.add(Line(x(price), y, x(adjusted), y, strokeColor=RULE, strokeWidth=1))
        d.add(Circle(x(price), y, 2.4, fillColor=colors.white, strokeColor=MUTED, strokeWidth=0.8))
        d.add(Circle(x(adjusted), y, 2.4, fillColor=ACCENT, strokeColor=ACCENT))
    d.add(Line(left, axis_y, right, axis_y, strokeColor=MUTED, strokeWidth=0.5))
    for t in _ticks(lo, hi):
        d.add(Line(x(t), axis_y - 2, x(t), axis_y, strokeColor=MUTED, strokeWidth=0.5))
        d.add(String(x(t), axis_y - 9, _label(t), fontName=SANS, fontSize=5.8, fillColor=MUTED, textAnchor="middle"))
    d.add(String(left, 0, f"{currency}   \u25cb sale price   \u25cf adjusted to this property   "
                          "\u2506 typical sale", fontName=SANS, fontSize=5.8, fillColor=MUTED))
    return d


def _detail(driver: Mapping[str, Any]) -> str:
    """'1958 (typical 1994)', shortened to what fits beside the bar."""
    value, typical = driver.get("value"), driver.get("typical")
    text = f"{value} (typical {typical})"
    return text if len(text) <= 42 else f"{value}"[:42]


def drivers_chart(v: Mapping[str, Any], currency: str, width: float) -> Drawing:
    """A waterfall: from a typical sale, each reason's effect in money, to the estimate."""
    typical = float(v.get("typical_sale") or v["estimate"])
    drivers = [d for d in v.get("drivers") or [] if isinstance(d.get("effect"), (int, float))]
    other = float(v.get("other_effects") or 0.0)
    steps = [(str(d["feature"]).replace("_", " "), _detail(d), float(d["effect"])) for d in drivers]
    if other:
        steps.append(("Everything else", "", other))
    running = typical
    spans = [typical]
    for _, _, effect in steps:
        running += effect
        spans.append(running)
    lo, hi = min(spans), max(spans)
    pad = (hi - lo) * 0.06 or typical * 0.02
    lo, hi = lo - pad, hi + pad
    label_w, value_w, amount_w = 92.0, 150.0, 58.0
    left, right = label_w + value_w, width - amount_w
    row = 11.5
    rows = len(steps) + 2
    height = rows * row + 16

    def x(value: float) -> float:
        return left + (value - lo) / (hi - lo) * (right - left)

    d = Drawing(width, height)
    d.add(Rect(0, height - row - 2, width, row, fillColor=SHADE, strokeColor=None))

    def line(i: int, label: str, detail: str, start: float, end: float, amount: str, color: Any, bold: bool) -> None:
        y = height - (i + 1) * row
        d.add(String(2, y + 1.5, label, fontName=SANS_BOLD if bold else SANS, fontSize=6.8, fillColor=INK))
        if detail:
            d.add(String(label_w, y + 1.5, detail, fontName=SANS, fontSize=6.2, fillColor=MUTED))
        a, b = sorted((x(start), x(end)))
        d.add(Rect(a, y - 0.5, max(b - a, 0.8), 8, fillColor=color, strokeColor=None))
        d.add(String(width - 2, y + 1.5, amount, fontName=SANS_BOLD if bold else SANS, fontSize=6.8, fillColor=INK,
                     textAnchor="end"))

    line(0, "Typical sale", "the market\u2019s typical property", lo, typical, figure_text(typical), RULE, True)
    running = typical
    for i, (label, detail, effect) in enumerate(steps, start=1):
        line(i, label, detail, running, running + effect, figure_text(effect, signed=True),
             GOOD if effect >= 0 else ALERT, False)
        d.add(Line(x(running), height - i * row - 1, x(running), height - (i + 1) * row + 7.5, strokeColor=MUTED,
                   strokeWidth=0.3))
        running += effect
    line(rows - 1, "Estimate", "", lo, running, figure_text(v['estimate']), INK, True)
    d.add(String(left, 0, f"{currency}; bars start at {figure_text(lo)}, not zero: green raises the estimate, "
                          "red lowers it", fontName=SANS, fontSize=5.8, fillColor=MUTED))
    return d


__all__ = ["build_valuation_pdf", "valuation_input", "collect_valuation", "draw_valuation", "range_chart", "drivers_chart", "json", "day"]
