"""Each kind's description (core.presentation): stored text only ever travels as a fact, so every front
end escapes it; the signer's summary shows none of it raw; unknown kinds fall back to a generic one."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.display import is_hidden
from core.kinds import describe_entry, kinds
from core.money import Notation, format_amount, number_text, parse_amount
from core.presentation import Count, Description, Money, Phrase, Shares, Text, facts, generic
from core.requests import _phrase as summary_phrase

MARK = "\u202eMARK"  # a direction override and a word: visible only if a front end leaves it raw

_ADDRESS = st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
_FIELD = {
    "uint256": st.integers(min_value=0, max_value=10**15),
    "address": _ADDRESS,
    "bytes32": st.binary(min_size=32, max_size=32).map(lambda b: "0x" + b.hex()),
    "string": st.text(max_size=12).map(lambda t: t + MARK),
    "address[]": st.lists(_ADDRESS, min_size=1, max_size=3),
    "Payout[]": st.lists(
        st.fixed_dictionaries({"holder": _ADDRESS, "shares": st.integers(1, 10**6), "minor": st.integers(0, 10**9)}),
        min_size=1,
        max_size=3,
    ),
}
PRESENTED = sorted(name for name, kind in kinds().items() if kind.present is not None)


def _messages(kind_name: str) -> st.SearchStrategy[dict[str, Any]]:
    fields = kinds()[kind_name].fields
    return st.fixed_dictionaries({name: _FIELD[kind] for name, kind in fields})


def _phrases(d: Description) -> list[Phrase]:
    return [d.title, d.event, d.headline, d.detail, *d.brief, *(t.value for t in d.terms)]


def test_the_kinds_of_this_ledger_present_themselves() -> None:
    assert PRESENTED == [
        "Attestation",
        "Ballot",
        "Claim",
        "ClaimIssuer",
        "ClaimRevocation",
        "Distribution",
        "Hold",
        "HoldRelease",
        "Lien",
        "LienRelease",
        "Proposal",
        "RecoveryApproval",
        "RecoveryObjection",
        "RecoveryStart",
        "RecoveryTransfer",
        "RegisterDeed",
        "RulesVersion",
        "ScreeningReview",
        "SealCertificate",
        "Transfer",
        "Valuation",
    ]


@pytest.mark.parametrize("kind", PRESENTED)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_stored_text_is_only_ever_a_fact(kind: str, data: st.DataObject) -> None:
    message = data.draw(_messages(kind))
    signers = [("someone", data.draw(_ADDRESS))]
    d = describe_entry(kind, message, signers)
    assert d.title and d.event and d.headline and d.icon and d.tone in ("accent", "gold", "good", "bad")
    for phrase in _phrases(d):
        literal = "".join(part for part in phrase if isinstance(part, str))
        assert MARK not in literal, (kind, phrase)
        for fact in facts(phrase):
            if isinstance(fact, Money):
                assert fact.currency == message["currency"]
    # ...so the signer's summary shows every part of it with hidden characters escaped.
    warnings: list[str] = []
    for phrase in _phrases(d):
        shown = summary_phrase(phrase, 0, warnings)
        assert not any(is_hidden(ch) for ch in shown), (kind, shown)


def test_a_kind_this_build_does_not_know_is_described_generically() -> None:
    d = describe_entry("Ballot", {"question": "Paint it" + MARK, "yes": 3}, [("voter", "0x" + "11" * 20)])
    assert d == generic("Ballot", {"question": "Paint it" + MARK, "yes": 3}, [("voter", "0x" + "11" * 20)], "Ballot")
    assert d.title == ("Ballot entry",) and [t.label for t in d.terms] == ["question", "yes"]
    assert d.terms[1].value == (Text("3"),) and d.parties[0].addresses == ("0x" + "11" * 20,)


def test_a_message_its_kind_cannot_read_falls_back_instead_of_failing() -> None:
    d = describe_entry("Transfer", {"deedId": 1}, [])  # a damaged entry: verify names it, screens still draw
    assert d.title == ("Transfer entry",) and d.event == ("Transfer",)


ALL_KINDS = sorted(kinds())
# A notation no canonical line writes: a line written in it shows which numbers were rewritten (Devanagari digits,
# '\u02d9' between groups, '\u2396' before decimals), and read back character by character it is the canonical one.
MARKED: Notation = {"point": "\u2396", "group": "\u02d9", "zero": "\u0966", "percent": "\u2030"}
MARKS = "\u2396\u02d9\u2030" + "".join(chr(0x0966 + n) for n in range(10))
_UNMARK = str.maketrans(MARKS, ".,%0123456789")


@pytest.mark.parametrize("kind", ALL_KINDS)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_a_line_with_numbers_can_be_written_in_a_desktops_notation(kind: str, data: st.DataObject) -> None:
    """A kind whose one line names an amount or a count has `describe_in` (the GUI writes it as its desktop does);
    with no notation it is `describe`'s line, which stays canonical for the command line, the JSON and the proofs,
    and in a notation it is the same line with only its amounts' and counts' separators and digits rewritten."""
    entry_kind = kinds()[kind]
    message = data.draw(_messages(kind))
    currency = data.draw(st.sampled_from(["USD", "JPY", "KWD"]))
    if "currency" in message:
        message["currency"] = currency
    line = entry_kind.describe(message)
    amounts = sorted({format_amount(v, currency) for v in message.values() if isinstance(v, int)}, key=len)
    shown = [a for a in amounts if a in line]
    if entry_kind.describe_in is None:
        assert "currency" not in message or not shown, (kind, line)
        return
    assume(not set(line) & set(MARKS))  # stored text drawn with the marks in it proves nothing
    assert entry_kind.describe_in(message, {}) == line
    marked = entry_kind.describe_in(message, MARKED)
    assert marked.translate(_UNMARK) == line
    for amount in shown:  # every amount the line names is rewritten
        german = format_amount(parse_amount(amount[4:], currency), currency, **GERMAN)
        assert german in entry_kind.describe_in(message, GERMAN), (kind, amount)
    for name, said in (
        ("shares", "{} of"),
        ("totalShares", "of {} shares"),
        ("weight", "({} shares)"),
        ("shares", "{} shares moved"),
        ("coverage", "({} range"),
    ):
        value = message.get(name)  # and every count, where the line names it
        if isinstance(value, int) and said.format(f"{value:,}" + ("%" if name == "coverage" else "")) in line:
            written = number_text(value, percentage=name == "coverage", **MARKED)
            assert said.format(written) in marked, (kind, name, marked)


GERMAN: Notation = {"point": ",", "group": "."}


def test_a_summarys_shares_and_counts_follow_the_notation_given() -> None:
    """The offline signer's words on a de_DE desktop: '2.400 of 10.000 (24%)' beside 'EUR 2.450,00' (the
    shares were '2,400 of 10,000'); with no notation the request file's and the command line's words."""
    phrase: Phrase = (Shares(2_400, 10_000), " for ", Money(245_000, "EUR"), ", ", Count(12_345))
    assert summary_phrase(phrase, 0, []) == "2,400 of 10,000 (24%) for EUR 2,450.00, 12,345"
    german = summary_phrase(phrase, 0, [], {**GERMAN, "space": "\u00a0"})
    assert german == "2.400 of 10.000 (24%) for EUR\u00a02.450,00, 12.345"
    assert summary_phrase((Shares(1, 3),), 0, [], GERMAN) == "1 of 3 (33,33%)"
    assert summary_phrase((Shares(10_000, 10_000),), 0, [], GERMAN) == "10.000 of 10.000 (the whole deed)"


def test_a_summarys_shares_in_arabic_indic_digits_stay_in_reading_order() -> None:
    """A left-to-right mark after the total keeps '(25%)' after it on an ar_EG desktop (between two numbers in
    Arabic-Indic digits the bracket was laid out before them); no mark in any other digits."""
    arabic: Notation = {"point": "\u066b", "group": "\u066c", "zero": "\u0660", "percent": "\u066a"}
    shown = summary_phrase((Shares(2_500, 10_000),), 0, [], arabic)
    assert shown == "\u0662\u066c\u0665\u0660\u0660 of \u0661\u0660\u066c\u0660\u0660\u0660\u200e (\u0662\u0665\u066a)"
    assert "\u200e" not in summary_phrase((Shares(2_500, 10_000),), 0, [], GERMAN)
