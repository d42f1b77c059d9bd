"""What followed a recorded transfer: loans recorded against the deed soon after the sale, beyond its price or
estimate (core/screening/after.py), with the window's and the ratio's edges."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from core.screening.after import AFTER_WINDOW, Followers, after_reason
from core.screening.history import LIEN_VALUE_RATIO
from core.screening.records import DAY, Sale
from tests.screening.conftest import SuspiciousDemo
from tests.screening.test_history import A, B, BANK, BANK2, C, Book, days


class Watched(Book):
    """A Book whose sales and liens also feed `Followers`, as screen_recorded feeds them."""

    def __init__(self) -> None:
        super().__init__()
        self.followers = Followers()

    def record(self, sale: Sale) -> None:
        super().record(sale)
        self.followers.sale(sale)

    def lien(self, deed: int, holder: str, dollars: int, day: date, kind: str = "mortgage") -> None:
        super().lien(deed, holder, dollars, day, kind)
        self.followers.lien(deed, self.history.deeds[deed].liens[self.lien_id])

    def after(self, sale: Sale, value: float | None = None) -> list[str]:
        reason = after_reason(sale, self.followers.of(sale.index), value)
        return [] if reason is None else [reason["text"]]


def watched(deed: int, owner: str) -> Watched:
    b = Watched()
    b.register(deed, owner)
    return b


def _sold(b: Watched, dollars: int = 200_000) -> Sale:
    sale = b.sale(1, A, B, dollars, days(0))
    b.record(sale)
    return sale


def test_a_loan_far_beyond_the_price_right_after_the_sale() -> None:
    b = watched(1, A)
    sale = _sold(b)
    b.lien(1, BANK, 280_000, days(12))
    [text] = b.after(sale)
    assert text.startswith("A loan of USD 280,000") and "12 days after this sale" in text
    assert "1.4 times its price USD 200,000" in text
    reason = after_reason(sale, b.followers.of(sale.index))
    assert reason is not None and reason["code"] == "loan_after_sale" and reason["weight"] > 2.4
    # the estimate counts: worth 300,000, the same loan is within the value
    assert b.after(sale, value=300_000 * 100) == []
    # an estimate above the price is named as the basis
    [dear] = b.after(sale, value=250_000 * 100)
    assert "1.1 times the estimate USD 250,000 (the price USD 200,000)" in dear


def test_the_at_the_time_screen_still_says_nothing_about_it() -> None:
    """The history as of the sale knows nothing of the loan: only the after screen sees it."""
    b = watched(1, A)
    sale = b.sale(1, A, B, 200_000, days(0))
    assert b.history.assess(sale) == []
    b.record(sale)
    b.lien(1, BANK, 400_000, days(5))
    assert b.after(sale) != []


def test_ordinary_mortgages_tax_liens_late_loans_and_the_next_owners_loans_say_nothing() -> None:
    b = watched(1, A)
    sale = _sold(b)
    b.lien(1, BANK, 160_000, days(10))  # 80% of the price: an ordinary mortgage
    b.lien(1, BANK2, 300_000, days(10), kind="property tax")  # the county's, not a loan
    assert b.after(sale) == []
    late = watched(1, A)
    sale = _sold(late)
    late.lien(1, BANK, 400_000, days(120))  # four months on
    assert late.after(sale) == []
    resold = watched(1, A)
    sale = _sold(resold)
    resold.record(resold.sale(1, B, C, 210_000, days(20)))
    resold.lien(1, BANK, 400_000, days(25))  # C's loan: it follows C's purchase, not B's
    assert resold.after(sale) == []


def test_several_loans_after_the_sale_add_up() -> None:
    b = watched(1, A)
    sale = _sold(b)
    b.lien(1, BANK, 150_000, days(3))
    b.lien(1, BANK2, 120_000, days(40))
    [text] = b.after(sale)
    assert text.startswith("2 loans totalling USD 270,000 (liens 1, 2)") and "the last 1 month after" in text


def test_a_loan_before_the_sale_is_not_after_it() -> None:
    b = watched(1, A)
    b.lien(1, BANK, 400_000, days(-10))
    sale = _sold(b)
    assert b.after(sale) == []


def test_a_loan_recorded_after_the_transfer_but_before_its_closing_day_counts() -> None:
    b = watched(1, A)
    sale = b.sale(1, A, B, 200_000, days(30))  # signed and recorded now, closing in a month
    b.record(sale)
    b.lien(1, BANK, 400_000, days(10))
    [text] = b.after(sale)
    assert "after this transfer was recorded, 1 month before it closes" in text


@settings(max_examples=80, deadline=None)
@given(st.integers(-30, 200), st.floats(0.5, 3.0))
def test_the_window_and_the_ratio_are_the_edges(day: int, ratio: float) -> None:
    b = watched(1, A)
    sale = _sold(b, 200_000)
    loan = round(200_000 * ratio)
    b.lien(1, BANK, loan, days(day))
    fires = day * DAY <= AFTER_WINDOW and loan * 100 > LIEN_VALUE_RATIO * sale.whole_price
    assert (b.after(sale) != []) == fires


def test_on_the_demo_the_transfer_is_flagged_later_and_the_submit_time_screen_cannot_know(
    suspicious_demo: SuspiciousDemo,
) -> None:
    """The injected sale was clean as of its recording (the screen then stops at it); screened now, with
    the loan recorded after it, it carries the reason and is at least `review`."""
    from desktop.workspace import Workspace
    from valuation.screening.transfers import screen_recorded

    target = suspicious_demo.target("loan_after_sale")
    ws = Workspace.open(suspicious_demo.root)
    try:
        [then] = screen_recorded(None, "USD", ws.ledger.iter_entries(), wanted={target}, stop=target)
        now = ws.screen_entry(target, train=False)
    finally:
        ws.close()
    assert "loan_after_sale" not in then.patterns
    assert "loan_after_sale" in now.patterns and now.level in ("review", "high")
    [reason] = [r for r in now.reasons if r["code"] == "loan_after_sale"]
    assert "after this sale" in reason["text"] and "times " in reason["text"] and "USD" in reason["text"]
