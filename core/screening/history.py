"""Ledger-history patterns: what a transfer's past on the ledger says about it.

`History` is fed the ledger's entries in order and asked about a transfer *before*
that transfer is added, so a recorded transfer is judged on exactly what the
ledger knew when it was recorded (and a prepared request on the ledger as it is
now).  Each pattern that fires gives one reason: a code, a sentence in plain words
and money, and a weight (its effect on the log-odds of the combined score, see
core/screening/combine.py).  A pattern that does not fire says nothing.

Times: sales are compared by their closing dates (the dates the sales happened),
liens by when they were recorded.

Recovery moves (RecoveryTransfer) move holdings here too, and the new key is the
same party as the key it replaced (`party`).  Circles across deeds are in
core/screening/parties.py; what followed a recorded transfer (loans after it) in
core/screening/after.py, fed by the same pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from core.dates import format_utc_day
from core.display import Namer, short_address
from core.screening.parties import PartyTrades
from core.screening.records import (
    DAY,
    LienRecord,
    Part,
    Reason,
    Sale,
    count,
    make_reason,
    money,
    months,
    ordinal,
    percent,
)
from core.screening.records import ratio as ratio_of

RESALE_WINDOW = 365 * DAY  # "sold again within months"
RESALE_CHANGE = 0.20  # ... at a price 20% higher or lower (per share)
CHAIN_WINDOW = 730 * DAY  # three sales of one deed within two years
CIRCLE_WINDOW = 730 * DAY  # a deed back with a holder who sold it within two years
NEW_PARTY_WINDOW = 365 * DAY
NEW_PARTY_DEEDS = 3  # a party new to the ledger buying its third deed within a year
LIEN_VALUE_RATIO = 1.05  # open liens above the property's value
STACK_WINDOW = 90 * DAY  # two loans or more recorded within three months
LIEN_BEFORE_SALE = 60 * DAY  # a loan recorded within two months before the sale closes
SPLIT_THRESHOLD = 0.25  # the beneficial-ownership reporting threshold many rules use
DEADLINE_GAP = 180 * DAY  # a closing date half a year or more after the signing deadline


@dataclass
class _Deed:
    total: int
    holders: dict[str, int] = field(default_factory=dict)
    sales: list[Sale] = field(default_factory=list)
    liens: dict[int, LienRecord] = field(default_factory=dict)


class History:
    """What the ledger knew, entry by entry."""

    def __init__(self, name: Namer = short_address) -> None:
        self.name = name  # how a reason names a party (core.display.party_namer: by name where one is known)
        self.deeds: dict[int, _Deed] = {}
        self.first_seen: dict[str, int] = {}  # address -> the first entry naming it
        self.purchases: dict[str, list[Sale]] = {}  # a party -> its purchases
        self.aliases: dict[str, str] = {}  # a key a recovery moved holdings to -> the key it replaced
        self.replaced: dict[str, Replaced] = {}  # a key replaced by a key recovery (not a court order)
        self.trades = PartyTrades(self.party, name)

    def party(self, address: str) -> str:
        """The party an address stands for: a key a recovery moved holdings to is its old key's party."""
        address = address.lower()
        seen: set[str] = set()
        while address in self.aliases and address not in seen:
            seen.add(address)
            address = self.aliases[address]
        return address

    # feeding ---------------------------------------------------------------
    def _seen(self, address: str, index: int) -> None:
        self.first_seen.setdefault(address.lower(), index)

    def add(
        self, index: int, kind: str, message: Mapping[str, Any], recorded_at: int, signers: tuple[str, ...] = ()
    ) -> None:
        """One recorded entry, in ledger order."""
        for signer in signers:
            self._seen(signer, index)
        m = message
        if kind == "RegisterDeed":
            owner = str(m["owner"]).lower()
            self._seen(owner, index)
            self.deeds[int(m["deedId"])] = _Deed(int(m["totalShares"]), {owner: int(m["totalShares"])})
        elif kind == "Transfer":
            self.add_sale(Sale.from_message(index, m, recorded_at))
        elif kind == "Lien":
            deed = self.deeds.get(int(m["deedId"]))
            if deed is not None:
                deed.liens[int(m["lienId"])] = LienRecord(
                    int(m["lienId"]),
                    index,
                    str(m["holder"]).lower(),
                    int(m["amount"]),
                    str(m["currency"]),
                    str(m["lienKind"]),
                    recorded_at,
                )
        elif kind == "RecoveryTransfer":
            self.add_recovery(index, m)
        elif kind == "LienRelease":
            deed = self.deeds.get(int(m["deedId"]))
            lien = deed.liens.get(int(m["lienId"])) if deed is not None else None
            if lien is not None:
                lien.open = False

    def add_sale(self, sale: Sale) -> None:
        self._seen(sale.seller, sale.index)
        self._seen(sale.buyer, sale.index)
        deed = self.deeds.setdefault(sale.deed_id, _Deed(sale.total))
        left = deed.holders.get(sale.seller, 0) - sale.shares
        if left > 0:
            deed.holders[sale.seller] = left
        else:
            deed.holders.pop(sale.seller, None)
        deed.holders[sale.buyer] = deed.holders.get(sale.buyer, 0) + sale.shares
        deed.sales.append(sale)
        for lien in deed.liens.values():  # a transfer pays off every open lien (its holders co-sign)
            lien.open = False
        self.purchases.setdefault(self.party(sale.buyer), []).append(sale)
        self.trades.add(sale)

    def add_recovery(self, index: int, m: Mapping[str, Any]) -> None:
        """A recovery (or a court order) moved every share `from` held of a deed to `to`: the holders follow, and
        the new key is the same party as the old one (its purchases, when it was first named, its sales)."""
        old, new = str(m["from"]).lower(), str(m["to"]).lower()
        deed = self.deeds.get(int(m["deedId"]))
        if deed is not None:
            moved = deed.holders.pop(old, 0)
            deed.holders[new] = deed.holders.get(new, 0) + moved
        self._seen(new, index)
        if self.party(old) != new:  # a move back to an older key would make a circle of aliases
            self.aliases[new] = self.party(old)
            self.first_seen[new] = min(self.first_seen[new], self.first_seen.get(self.party(old), index))
        if not m["order"]:
            self.replaced[old] = Replaced(index, int(m["deedId"]), new)

    # asking ----------------------------------------------------------------
    def assess(self, sale: Sale, value: float | None = None) -> list[Reason]:
        """The patterns `sale` shows against the history so far (call before `add_sale`); `value` is the
        model's estimate of the whole property in minor units of the sale's currency, if known."""
        deed = self.deeds.get(sale.deed_id) or _Deed(sale.total)
        reasons = [
            r
            for r in (
                self._quick_resale(sale, deed),
                self._chain(sale, deed),
                self._circle(sale, deed),
                self._new_party(sale),
                self._liens_beyond_value(sale, deed, value),
                self._stacked_loans(sale, deed),
                self._loan_before_sale(sale, deed),
                self._split(sale, deed),
                self._deadline(sale),
                self.trades.reason(sale),
                self._replaced_key(sale),
            )
            if r is not None
        ]
        reasons.sort(key=lambda r: -r["weight"])
        return reasons

    def _quick_resale(self, sale: Sale, deed: _Deed) -> Reason | None:
        if not deed.sales:
            return None
        last = deed.sales[-1]
        gap = sale.closing - last.closing
        if not 0 <= gap <= RESALE_WINDOW or last.currency != sale.currency or last.price <= 0 or sale.price <= 0:
            return None
        ratio = sale.whole_price / last.whole_price
        if abs(ratio - 1.0) < RESALE_CHANGE:
            return None
        whole = "" if sale.shares == sale.total and last.shares == last.total else " (for the whole deed, per share)"
        text = (
            f"Deed {sale.deed_id} is sold again ",
            *months(gap),
            f" after its previous sale (entry {last.index}, closing {last.closing_date}, ",
            money(last.whole_price, sale.currency),
            "), for ",
            money(sale.whole_price, sale.currency),
            f"{whole}: ",
            percent(abs(ratio - 1.0)),
            f" {'higher' if ratio > 1 else 'lower'}.",
        )
        weight = 2.2 + min(1.5, abs(math.log(ratio))) + (0.5 if gap <= 92 * DAY else 0.0)
        return make_reason("quick_resale", text, weight)

    def _chain(self, sale: Sale, deed: _Deed) -> Reason | None:
        links: list[Sale] = []  # earlier sales, each bought by the next one's seller, latest first
        holder = sale.seller
        for earlier in reversed(deed.sales):
            if sale.closing - earlier.closing > CHAIN_WINDOW:
                break
            if self.party(earlier.buyer) == self.party(holder) and sale.closing >= earlier.closing:
                links.append(earlier)
                holder = earlier.seller
        if len(links) < 2:
            return None
        links.reverse()
        path = " \u2192 ".join(self.name(a) for a in [links[0].seller, *(s.buyer for s in links), sale.buyer])
        entries = ", ".join(str(s.index) for s in links)
        text = (
            "This is sale ",
            count(len(links) + 1),
            f" of deed {sale.deed_id} along one chain of holders within two years (earlier: entries {entries}), "
            f"{path}: the property passes quickly from hand to hand.",
        )
        return make_reason("flip_chain", text, 2.4 + 0.4 * (len(links) - 1))

    def _circle(self, sale: Sale, deed: _Deed) -> Reason | None:
        for earlier in reversed(deed.sales):
            gap = sale.closing - earlier.closing
            if gap > CIRCLE_WINDOW:
                break
            if self.party(earlier.seller) == self.party(sale.buyer) and gap >= 0:
                since = [s for s in deed.sales if s.index >= earlier.index]
                path = " \u2192 ".join(self.name(a) for a in [earlier.seller, *(s.buyer for s in since), sale.buyer])
                text = (
                    f"The deed goes back to a former holder: the buyer {self.name(sale.buyer)} sold shares of "
                    f"deed {sale.deed_id} ",
                    *months(gap),
                    f" before this sale (entry {earlier.index}); {path}.",
                )
                return make_reason("circular_transfer", text, 2.8)
        return None

    def _new_party(self, sale: Sale) -> Reason | None:
        first = self.first_seen.get(sale.buyer)
        if first is not None:  # a recovered key was first named when its old key was
            first = min(first, self.first_seen.get(self.party(sale.buyer), first))
        bought = [
            s
            for s in self.purchases.get(self.party(sale.buyer), [])
            if 0 <= sale.closing - s.closing <= NEW_PARTY_WINDOW
        ]
        deeds = {s.deed_id for s in bought} | {sale.deed_id}
        if len(deeds) < NEW_PARTY_DEEDS or first is None or not bought or first < min(s.index for s in bought):
            return None  # it was on the ledger before this buying started
        listed = ", ".join(str(d) for d in sorted(deeds))
        text = (
            f"The buyer {self.name(sale.buyer)} is new to the ledger (first named at entry {first}) and buys "
            f"its {ordinal(len(deeds))} deed within a year (deeds {listed})."
        )
        return make_reason("new_party_many_deeds", text, 2.2 + 0.3 * (len(deeds) - NEW_PARTY_DEEDS))

    def _open_liens(self, sale: Sale, deed: _Deed) -> list[LienRecord]:
        return [lien for lien in deed.liens.values() if lien.open and lien.currency == sale.currency]

    def _liens_beyond_value(self, sale: Sale, deed: _Deed, value: float | None) -> Reason | None:
        liens = self._open_liens(sale, deed)
        return lien_value_reason(sale, sum(lien.amount for lien in liens), len(liens), value)

    def _stacked_loans(self, sale: Sale, deed: _Deed) -> Reason | None:
        loans = sorted((lien for lien in self._open_liens(sale, deed) if lien.is_loan), key=lambda x: x.recorded_at)
        best: list[LienRecord] = []
        for i, first in enumerate(loans):  # the most loans recorded within one window
            group = [x for x in loans[i:] if x.recorded_at - first.recorded_at <= STACK_WINDOW]
            if len(group) > len(best):
                best = group
        if len(best) < 2:
            return None
        span = best[-1].recorded_at - best[0].recorded_at
        lenders = len({x.holder for x in best})
        text = (
            count(len(best)),
            f" loans were recorded against deed {sale.deed_id} within ",
            *months(span),
            f" (liens {', '.join(str(x.lien_id) for x in best)}, ",
            count(lenders),
            f" lender{'s' if lenders != 1 else ''}, ",
            money(sum(x.amount for x in best), sale.currency),
            " in all) and are still open: the shotgun-mortgage pattern.",
        )
        return make_reason("stacked_loans", text, 2.5 + 0.5 * (len(best) - 2))

    def _loan_before_sale(self, sale: Sale, deed: _Deed) -> Reason | None:
        seller = self.party(sale.seller)
        acquired = max((s.index for s in deed.sales if self.party(s.buyer) == seller), default=-1)
        for lien in sorted(self._open_liens(sale, deed), key=lambda x: -x.recorded_at):
            before = sale.closing - lien.recorded_at
            if lien.is_loan and lien.index > acquired and 0 <= before <= LIEN_BEFORE_SALE:
                text = (
                    "A loan of ",
                    money(lien.amount, sale.currency),
                    f" (lien {lien.lien_id}, held by {self.name(lien.holder)}) was recorded against deed "
                    f"{sale.deed_id} ",
                    *months(before),
                    " before this sale closes, and this sale pays it off: borrowing just before selling.",
                )
                return make_reason("loan_before_sale", text, 2.3)
        return None

    def _split(self, sale: Sale, deed: _Deed) -> Reason | None:
        holders = dict(deed.holders)
        if not holders:
            return None
        before = max(holders.values()) / sale.total
        holders[sale.seller] = holders.get(sale.seller, 0) - sale.shares
        holders[sale.buyer] = holders.get(sale.buyer, 0) + sale.shares
        after = {a: s for a, s in holders.items() if s > 0}
        largest = max(after.values(), default=0)
        if before < SPLIT_THRESHOLD or largest >= SPLIT_THRESHOLD * sale.total or len(after) < 2:
            return None
        text = (
            f"After this sale deed {sale.deed_id} has ",
            count(len(after)),
            " holders and none holds ",
            percent(SPLIT_THRESHOLD),
            " or more of it (the largest ",
            count(largest, grouped=True),
            " of ",
            count(sale.total, grouped=True),
            " shares, ",
            percent(largest / sale.total),
            "): a split that keeps every holder under the ",
            percent(SPLIT_THRESHOLD),
            " reporting threshold.",
        )
        return make_reason("sub_threshold_split", text, 2.4)

    def _deadline(self, sale: Sale) -> Reason | None:
        gap = sale.closing - sale.deadline
        if gap < DEADLINE_GAP:
            return None
        text = (
            f"The sale closes on {sale.closing_date}, ",
            *months(gap),
            f" after its signing deadline {format_utc_day(sale.deadline)}: the parties sign now for a sale that "
            "closes much later.",
        )
        return make_reason("closing_long_after_deadline", text, 2.2)

    def _replaced_key(self, sale: Sale) -> Reason | None:
        replaced = self.replaced.get(sale.seller)
        if replaced is None:
            return None
        text = (
            f"The seller's key {self.name(sale.seller)} was reported lost: a key recovery moved its shares of "
            f"deed {replaced.deed_id} to {self.name(replaced.new)} (entry {replaced.index}), yet this sale is "
            "signed with the old key: someone else may hold it."
        )
        return make_reason("sale_by_replaced_key", text, 2.6)


@dataclass(frozen=True)
class Replaced:
    """A key a key recovery replaced: the move's entry, its deed and the new key."""

    index: int
    deed_id: int
    new: str


def times_worth(sale: Sale, total: float, value: float | None) -> float | None:
    """How many times what the property is worth `total` (minor units) is, when more than LIEN_VALUE_RATIO
    times (None otherwise): worth is the higher of the sale's price for the whole deed and the model's
    estimate `value` (minor units), if known.  Liens open at a sale and loans that follow it alike."""
    worth = max(sale.whole_price, value or 0.0)
    if worth <= 0 or total <= LIEN_VALUE_RATIO * worth:
        return None
    return total / worth


def times_worth_weight(ratio: float) -> float:
    return 2.4 + min(1.5, 3 * math.log(ratio))


def lien_value_reason(sale: Sale, total: int, liens: int, value: float | None) -> Reason | None:
    """Open liens (`liens` of them, `total` minor units) beyond what the property is worth (`times_worth`)."""
    times = times_worth(sale, total, value)
    if liens == 0 or times is None:
        return None
    basis: tuple[Part, ...] = (
        ("the estimate ", money(value, sale.currency), ", the price ", money(sale.whole_price, sale.currency))
        if value
        else ("the price ", money(sale.whole_price, sale.currency))
    )
    text = (
        f"Open liens on deed {sale.deed_id} total ",
        money(total, sale.currency),
        " (",
        count(liens),
        f" lien{'s' if liens != 1 else ''}), ",
        ratio_of(times),
        " times what the property is worth (",
        *basis,
        ").",
    )
    return make_reason("liens_beyond_value", text, times_worth_weight(times))


PATTERNS = (
    "quick_resale",
    "flip_chain",
    "circular_transfer",
    "new_party_many_deeds",
    "liens_beyond_value",
    "stacked_loans",
    "loan_before_sale",
    "sub_threshold_split",
    "closing_long_after_deadline",
    "loan_after_sale",  # core/screening/after.py: judged on what followed a recorded transfer
    "circle_across_deeds",  # core/screening/parties.py
)
