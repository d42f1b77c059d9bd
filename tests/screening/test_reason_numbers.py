"""A screening reason keeps its canonical text (what `screen --json` prints) and carries its numbers typed, so the
GUI writes them as its desktop writes numbers: a German desktop read 'USD 290,000 ... 45% higher' in a pane whose
other amounts read 'USD 290.000'."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.money import Notation, format_amount
from core.screening.records import Figure, reason_text
from tests.screening.test_history import BANK, BANK2, A, B, C, E, book, days

MARKED: Notation = {"point": "\u2396", "group": "\u02d9", "zero": "\u0966", "percent": "\u2030", "space": "\u2007"}
UNMARK = str.maketrans("\u2396\u02d9\u2030\u2007" + "".join(chr(0x0966 + n) for n in range(10)), ".,% 0123456789")
GERMAN: Notation = {"point": ",", "group": ".", "space": "\u00a0"}


def _reasons() -> list[dict[str, object]]:
    """One reason of each history pattern with numbers in it."""
    resale = book((1, A))
    resale.sell(1, A, B, 200_000, days(0))
    liens = book((1, A))
    liens.lien(1, BANK, 300_000, days(-400))
    stacked = book((1, A))
    for i, bank in enumerate((BANK, BANK2, BANK)):
        stacked.lien(1, bank, 50_000, days(-200 + 10 * i))
    split = book((1, A))
    for i, buyer in enumerate((B, C, BANK2)):
        split.sell(1, A, buyer, 50_000, days(30 * i), shares=2_400)
    return [
        *resale.reasons(1, B, C, 290_000, days(120)),
        *liens.reasons(1, A, B, 200_000, days(0)),
        *stacked.reasons(1, A, B, 300_000, days(0)),
        *[r for r in split.reasons(1, A, E, 50_000, days(90), shares=2_400) if r["code"] == "sub_threshold_split"],
        *book((1, A)).reasons(1, A, B, 200_000, days(400), deadline=days(0)),
    ]


def test_the_text_stays_canonical_and_the_numbers_are_typed() -> None:
    reasons = _reasons()
    assert {r["code"] for r in reasons} >= {
        "quick_resale",
        "liens_beyond_value",
        "stacked_loans",
        "sub_threshold_split",
        "closing_long_after_deadline",
    }
    resale = next(r for r in reasons if r["code"] == "quick_resale")
    assert resale["text"].startswith("Deed 1 is sold again 4 months after its previous sale (entry ")
    assert resale["text"].endswith("USD 200,000), for USD 290,000: 45% higher.")
    for reason in reasons:
        assert reason_text(reason) == reason["text"]
        marked = reason_text(reason, MARKED)  # every number rewritten, nothing else
        assert marked != reason["text"] and marked.translate(UNMARK) == reason["text"], marked


def test_a_german_desktop_reads_the_reasons_numbers_its_way() -> None:
    by_code = {r["code"]: r for r in _reasons()}
    assert reason_text(by_code["quick_resale"], GERMAN).endswith("USD\u00a0200.000), for USD\u00a0290.000: 45% higher.")
    assert "1,5 times what the property is worth" in reason_text(by_code["liens_beyond_value"], GERMAN)
    split = reason_text(by_code["sub_threshold_split"], GERMAN)
    assert "(the largest 2.400 of 10.000 shares, 24%)" in split


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False), st.sampled_from(["USD", "JPY", "KWD"]))
def test_a_figure_is_written_as_the_sentences_wrote_it(value: float, currency: str) -> None:
    """Each kind of figure writes what the f-strings it replaced wrote (the JSON's text is unchanged)."""
    assert Figure("money", value, currency).text() == format_amount(round(value), currency, whole=True)
    assert Figure("units", value, currency).text() == f"{currency} {value:,.0f}"
    assert Figure("units", value, currency, 2).text() == f"{currency} {value:,.2f}"
    assert Figure("ratio", value, places=1).text() == f"{value:.1f}"
    assert Figure("ratio", value, grouped=True).text() == f"{value:,.0f}"
    assert Figure("percent", value / 1e12).text() == f"{value / 1e12:.0%}"
    assert Figure("count", round(value)).text() == str(round(value))
    assert Figure("count", round(value), grouped=True).text() == f"{round(value):,}"
