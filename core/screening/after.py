"""What followed a recorded transfer: loans recorded against the deed soon after the sale.

The history patterns (core/screening/history.py) judge a transfer on what the
ledger knew when it was recorded.  Some schemes only show afterwards: the buyer
takes loans far beyond the price at once ("buy, then borrow"), which a screen at
prepare or submit time cannot know.  `Followers` is fed the same entries in the
same order and keeps, for each deed's latest sale, the loans recorded after it
while its buyer still held the deed (the next sale of the deed ends the watch),
within `AFTER_WINDOW` of the closing day.  `after_reason` turns them into a
reason; the text says plainly that the loans were recorded after the sale.
"""

from __future__ import annotations

from core.screening.history import times_worth, times_worth_weight
from core.screening.records import DAY, LienRecord, Part, Reason, Sale, count, make_reason, money, months
from core.screening.records import ratio as ratio_of

AFTER_WINDOW = 90 * DAY  # loans recorded within three months after the closing day


class Followers:
    """The loans that followed each recorded sale, fed in ledger order."""

    def __init__(self) -> None:
        self.latest: dict[int, Sale] = {}  # deed -> its latest sale so far
        self.after: dict[int, list[LienRecord]] = {}  # a sale's entry -> loans recorded after it

    def sale(self, sale: Sale) -> None:
        """A transfer was recorded: from now on, loans on its deed follow it (and no longer the one before)."""
        self.latest[sale.deed_id] = sale

    def lien(self, deed_id: int, lien: LienRecord) -> None:
        sale = self.latest.get(deed_id)
        if sale is None or not lien.is_loan or lien.index <= sale.index or lien.currency != sale.currency:
            return
        if lien.recorded_at - sale.closing <= AFTER_WINDOW:  # before the closing day counts too: borrowing at once
            self.after.setdefault(sale.index, []).append(lien)

    def of(self, index: int) -> list[LienRecord]:
        return self.after.get(index, [])


def after_reason(sale: Sale, loans: list[LienRecord], value: float | None = None) -> Reason | None:
    """Loans recorded after `sale` (see `Followers`) beyond what the property is worth (`times_worth`)."""
    total = sum(x.amount for x in loans)
    ratio = times_worth(sale, total, value)
    if not loans or ratio is None:
        return None
    last = max(x.recorded_at for x in loans)
    when: tuple[Part, ...] = (
        (*months(last - sale.closing), " after this sale")
        if last >= sale.closing
        else ("after this transfer was recorded, ", *months(sale.closing - last), " before it closes")
    )
    price = money(sale.whole_price, sale.currency)
    basis: tuple[Part, ...] = (
        (ratio_of(total / sale.whole_price), " times its price ", price)
        if not value or value <= sale.whole_price
        else (ratio_of(ratio), " times the estimate ", money(value, sale.currency), " (the price ", price, ")")
    )
    what: tuple[Part, ...]
    if len(loans) == 1:
        [loan] = loans
        what = (
            "A loan of ",
            money(total, sale.currency),
            f" (lien {loan.lien_id}, entry {loan.index}) was recorded against deed {sale.deed_id} ",
            *when,
        )
    else:
        liens = ", ".join(str(x.lien_id) for x in loans)
        what = (
            count(len(loans)),
            " loans totalling ",
            money(total, sale.currency),
            f" (liens {liens}) were recorded against deed {sale.deed_id}, the last ",
            *when,
        )
    text = (
        *what,
        ", ",
        *basis,
        ": borrowing far beyond what the property is worth right after it changed hands.",
    )
    return make_reason("loan_after_sale", text, times_worth_weight(ratio))
