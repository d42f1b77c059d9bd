"""How signed entries read on a page, wherever a document shows them: a chain-of-title row in the
words of the entry's kind (core.presentation), a notarial acknowledgement with its seal, and the
property attributes a registration carries."""

from __future__ import annotations

import json
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from core.attributes import certificate_attributes, number_text
from core.documents.evidence import EmbeddedEntry, Record, RecordInvalid
from core.kinds import describe_entry
from core.presentation import Address, Count, Date, Deadline, EntryRef, Fact, Money, Phrase, Shares
from desktop.documents.blocks import day_of, moment, money, named, party, shares_text
from desktop.documents.fonts import SANS, SANS_BOLD
from desktop.documents.layout import ACCENT, PANEL, Styles, boxed, draw_text, esc, para, plain


def attribute_pairs(attributes_json: str) -> list[tuple[str, Any]]:
    """(heading, value) for the attributes a certificate prints, from a registration's attributes JSON."""
    try:
        attributes = json.loads(attributes_json)
    except ValueError:
        return []
    if not isinstance(attributes, dict):
        return []
    pairs = []
    for attribute in certificate_attributes():  # a layout prints these words: the catalogue must keep them
        value = attributes.get(attribute.name)
        if value not in (None, ""):
            pairs.append((attribute.heading, number_text(value)))
    return pairs


def event_row(record: Record, e: EmbeddedEntry) -> list[Any]:
    """One chain-of-title row: entry, date, event, parties, terms, in the words of the entry's kind."""
    d = describe_entry(e.kind, e.message, [(s.get("role", ""), s.get("signer", "")) for s in e.signatures])
    parties: list[Paragraph] = []
    for role in d.parties:
        if role.label:
            parties.append(_role(role.label))
        parties += [party(record, address) for address in role.addresses]
    terms = "<br/>".join(_phrase(record, line) for line in d.brief)
    return [
        plain(str(e.index), Styles.cell_bold),
        plain(day_of(record, e.recorded_at), Styles.cell),
        plain("".join(_text(record, part) for part in d.event), Styles.cell_bold),
        parties,
        para(terms, Styles.cell),
    ]


def _text(record: Record, part: str | Fact) -> str:
    """A phrase's part as plain text: amounts and shares in the certificate's words, names from the record."""
    if isinstance(part, str):
        return part
    if isinstance(part, Money):
        return money(part.minor, part.currency)
    if isinstance(part, Shares):
        return shares_text(part.count, part.total)
    if isinstance(part, Count):
        return f"{part.value:,}"
    if isinstance(part, (Date,)):
        return part.iso
    if isinstance(part, Deadline):
        return moment(part.seconds)
    if isinstance(part, EntryRef):
        return str(part.index)
    if isinstance(part, Address):
        return record.name_of(part.address) or part.address
    return part.value  # Text, Hex


def _phrase(record: Record, phrase: Phrase) -> str:
    """A phrase inside a Paragraph: every part escaped."""
    return "".join(esc(_text(record, part)) for part in phrase)


def _role(text: str) -> Paragraph:
    return plain(text.upper(), Styles.label)


def notary_of(a: EmbeddedEntry) -> str:
    """The notary who signed the attestation `a`."""
    found = a.signers("notary")
    if not found:
        raise RecordInvalid(f"Attestation {a.index} in the embedded record carries no notary signature.")
    return found[0]["signer"]


class Seal(Flowable):  # type: ignore[misc]
    """A round notarial seal drawn in vector: the act, its date and the attestation's entry."""

    def __init__(self, act: str, date: str, index: int, size: float = 25 * mm) -> None:
        super().__init__()
        self.act, self.date, self.index = act, date, index
        # The recording layout's 10-point type needs a larger seal (its styles are scaled up while it is drawn).
        self.scale = max(1.0, Styles.fine.fontSize / 7.2 * 1.25) if Styles.fine.fontSize > 7.2 else 1.0
        self.width = self.height = size * self.scale

    def draw(self) -> None:
        c = self.canv
        r = self.width / 2
        c.saveState()
        c.translate(r, r)
        c.setStrokeColor(ACCENT)
        c.setLineWidth(1.4)
        c.circle(0, 0, r - 1, stroke=1, fill=0)
        c.setLineWidth(0.5)
        c.circle(0, 0, r - 4, stroke=1, fill=0)
        c.setDash(1, 1.5)
        c.circle(0, 0, r - 6.5, stroke=1, fill=0)
        c.setDash()
        c.setFillColor(ACCENT)
        k = self.scale
        for text, y, font, size in (
            ("NOTARIAL ACT", 7 * k, SANS_BOLD, 5.6 * k),
            (self.date, -1 * k, SANS_BOLD, 6.4 * k),
            (f"LEDGER ENTRY {self.index}", -9 * k, SANS, 5 * k),
        ):
            width = c.stringWidth(text, font, size)
            draw_text(c, -width / 2, y, text, font, size)
        c.restoreState()


def acknowledgement(record: Record, a: EmbeddedEntry, width: float) -> Table:
    """The notary's acknowledgement of the attested entry, as the attestation records it."""
    m = a.message
    notary = a.signers("notary")[0]["signer"] if a.signers("notary") else ""
    signers = ", ".join(named(record, s) for s in m["signers"])
    where = f" at <b>{esc(m['place'])}</b>" if m.get("place") else ""
    evidence = esc(m["idEvidence"]) if m.get("idEvidence") else "not stated"
    id_hash = m.get("idNumberHash", "")
    id_line = (
        "no identity number was recorded"
        if set(str(id_hash)[2:]) <= {"0"}
        else f"the identity number is kept only as a keyed hash ({esc(str(id_hash)[:18])}\u2026), never in clear"
    )
    text = [
        para(
            f"On <b>{m['actDate']}</b>{where}, the notary {named(record, notary)} performed a notarial "
            f"<b>{esc(m['act'])}</b> of ledger entry {m['entryIndex']} ({esc(m['entryKind'])}), whose hash is "
            f"<font name='{Styles.cell_mono.fontName}' size='{max(7, Styles.cell_mono.fontSize):g}'>{esc(m['entryHash'])}</font>.",
            Styles.body,
        ),
        Spacer(1, 3),
        para(f"Signers identified: {signers}.", Styles.body),
        Spacer(1, 3),
        para(
            f"Identity evidence seen: {evidence}; {id_line}. The notary signed this attestation with its key; the "
            f"ledger recorded it as entry {a.index} on {esc(moment(a.recorded_at))}.",
            Styles.fine,
        ),
    ]
    seal = Seal(str(m["act"]).upper()[:18], m["actDate"], a.index)
    return boxed([[seal, text]], [seal.width + 16, width - seal.width - 16], background=PANEL)
