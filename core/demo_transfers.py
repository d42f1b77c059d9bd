"""The demo's transactions, made with the real flow: prepare -> each party signs -> submit.

Prices start from each property's Ames sale price (De Cock 2011, sold 2006-2010)
and follow a Midwest house-price index to the closing date, with a spread per
sale; closing dates run from the Ames sale towards today.  Some sales are of
shares rather than whole deeds; some buyers take a mortgage (a lien the bank
records, paid off by the bank's co-signature at the next sale); the county
records and releases the odd tax lien; a notary attests about one sale in four.

Transfers are recorded in rounds: within a round each deed appears once, so a
round's transfers are prepared against the ledger as it is and appended in one
atomic batch (`submit_batch`), then its liens and attestations in a second one.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, UTC
from typing import Callable, Sequence

from sqlalchemy import select
from sqlmodel import col

from core.dates import DAY, today_utc
from core.entries import Entry
from core.errors import Cancelled
from core.keys import DEMO_PASSWORD, DEMO_SCRYPT_N, KeyStore, UnlockedKey
from core.ledger import Ledger
from core.liens import lien_on, lien_terms, release_of
from core.marketdata import ames_rows
from core.money import to_minor
from core.notary import attestation_message
from core.requests import SigningRequest, sign_request
from core.store import LienRow
from core.state import DeedState, LedgerState
from core.transactions import prepare_transfer, submit_batch

Progress = Callable[[int, int], None]
ROUND = 400  # transfers per atomic batch
SEED = 2011
# Yearly change of a Midwest house-price index (roughly the FHFA shape: flat through
# the 2008 crisis, steady growth after, the 2021 jump); later years grow 3 %.
INDEX_CHANGE = {
    2006: 0.01,
    2007: -0.01,
    2008: -0.03,
    2009: -0.02,
    2010: -0.01,
    2011: 0.0,
    2012: 0.03,
    2013: 0.04,
    2014: 0.04,
    2015: 0.05,
    2016: 0.05,
    2017: 0.05,
    2018: 0.05,
    2019: 0.04,
    2020: 0.08,
    2021: 0.15,
    2022: 0.08,
    2023: 0.04,
    2024: 0.04,
}
PARTIAL_SHARES = (1000, 2500, 2500, 5000)
BANK, TREASURER, NOTARY = "demo-bank", "demo-county-treasurer", "demo-notary"
EXTRA_KEYS = (BANK, TREASURER, NOTARY)


def market_index(day: date) -> float:
    """Index level on `day`, 1.0 on 2006-01-01."""
    level = 1.0
    for year in range(2006, day.year):
        level *= 1 + INDEX_CHANGE.get(year, 0.03)
    fraction = (day - date(day.year, 1, 1)).days / 365.25
    return float(level * (1 + INDEX_CHANGE.get(day.year, 0.03)) ** fraction)


def _key(store: KeyStore, name: str, password: str) -> UnlockedKey:
    if not any(k.name == name for k in store.list()):
        store.create(name, password, n=DEMO_SCRYPT_N)
    return store.unlock(name, password)


class _Market:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng, self.today = rng, today
        self.rows = {int(r["PID"]): r for r in reversed(ames_rows())}

    def original_sale(self, parcel: str) -> tuple[date, int]:
        row = self.rows.get(int(parcel.split("-")[0]))
        if row is None:
            return date(2008, 6, 15), 180_000
        return date(int(row["Year_Sold"]), int(row["Mo_Sold"]), 15), int(row["Sale_Price"])

    def closing_after(self, last: date) -> date:
        room = (self.today - last).days
        if room <= 30:
            return self.today
        step = int(min(room, self.rng.uniform(0.3, 0.45) * room + self.rng.uniform(30, 900)))
        return min(self.today, last + timedelta(days=max(30, step)))

    def price(self, base_price: int, base_day: date, closing: date, fraction: float) -> int:
        """Minor units of USD (the Ames market's currency), rounded to a hundred dollars."""
        drift = market_index(closing) / market_index(base_day)
        dollars = base_price * drift * self.rng.lognormvariate(0, 0.06) * fraction
        return to_minor(round(dollars / 100) * 100, "USD")


def add_demo_transfers(
    ledger: Ledger,
    store: KeyStore,
    owners: Sequence[UnlockedKey],
    transfers: int,
    *,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
    done_before: int = 0,
    total: int | None = None,
    password: str | None = None,
    now: int | None = None,
    sellable: int | None = None,
) -> int:
    """Record `transfers` transfers between the demo owners, plus liens and attestations; returns the count.

    They close no later than the day of `now` (default: the present) and are all recorded at `now`; only
    deeds 1 to `sellable` (default: all) are sold or encumbered."""
    deed_count = ledger.deed_count() if sellable is None else min(sellable, ledger.deed_count())
    if transfers <= 0 or deed_count == 0 or len(owners) < 2:
        return 0
    pw = password or DEMO_PASSWORD
    bank, treasurer, notary = (_key(store, name, pw) for name in EXTRA_KEYS)
    keys = {k.address.lower(): k for k in (*owners, bank, treasurer, notary)}
    rng = random.Random(SEED)
    now = int(time.time()) if now is None else now
    market = _Market(rng, today_utc(now))
    total = total or done_before + transfers
    done = 0
    while done < transfers:
        if should_cancel is not None and should_cancel():
            raise Cancelled(f"The demo was cancelled after {done} transfers; what was recorded stays.")
        chosen = rng.sample(range(1, deed_count + 1), min(ROUND, transfers - done, deed_count))
        groups, sold = [], []
        for deed_id in chosen:
            group = _sell(ledger, deed_id, owners, keys, market, rng, now)
            groups.append(group)
            sold.append(deed_id)
        indexes = submit_batch(ledger, groups, recorded_at=now)
        done += len(indexes)
        _follow_ups(ledger, list(zip(sold, indexes, strict=True)), bank, treasurer, notary, rng, deed_count, now)
        if progress is not None:
            progress(done_before + done, total)
    return done


def _sell(
    ledger: Ledger,
    deed_id: int,
    owners: Sequence[UnlockedKey],
    keys: dict[str, UnlockedKey],
    market: _Market,
    rng: random.Random,
    now: int,
) -> list[SigningRequest]:
    deed = ledger.deed(deed_id)
    # In the demo keys' order, not the addresses': the keys are new each run, the choices should not be.
    rank = {address: i for i, address in enumerate(keys)}
    seller = rng.choice(sorted(deed.holders, key=lambda holder: (rank.get(holder.lower(), len(rank)), holder)))
    held = deed.holders[seller]
    buyer = rng.choice([o for o in owners if o.address.lower() != seller.lower()])
    shares = held
    if rng.random() < 0.15:
        partial = [s for s in PARTIAL_SHARES if s < held]
        shares = rng.choice(partial) if partial else held
    base_day, base_price = market.original_sale(deed.parcel)
    last_day = datetime.fromtimestamp(deed.last_sale_at, UTC).date() if deed.last_sale_at else base_day
    closing = market.closing_after(last_day)
    price = market.price(base_price, base_day, closing, shares / deed.total_shares)
    transfer_id = "0x" + rng.getrandbits(256).to_bytes(32, "big").hex()
    return signed_sale(
        ledger, deed, seller, buyer.address, price, shares, closing, keys, at=now, transfer_id=transfer_id
    )


def signed_sale(
    ledger: Ledger,
    deed: int | DeedState,
    seller: str,
    buyer: str,
    price: int,
    shares: int | None,
    closing: date,
    keys: dict[str, UnlockedKey],
    *,
    at: int,
    transfer_id: str,
) -> list[SigningRequest]:
    """A demo sale in USD minor units, prepared at `at` with a week to sign and signed then by every party it
    asks for (seller, buyer, a lienholder paying off), each with its demo key from `keys` (by lower-case address).

    The honest demo and the suspicious cases (core.demo_suspicious) both sell this way."""
    prepared = prepare_transfer(
        ledger,
        deed,
        buyer,
        price,
        "USD",
        shares,
        at + 7 * DAY,
        closing.isoformat(),
        seller=seller,
        now=at,
        transfer_id=transfer_id,
    )
    return [sign_request(request, keys[request.signer.lower()], now=at) for request in prepared.requests]


def _follow_ups(
    ledger: Ledger,
    sales: list[tuple[int, int]],
    bank: UnlockedKey,
    treasurer: UnlockedKey,
    notary: UnlockedKey,
    rng: random.Random,
    deed_count: int,
    now: int,
) -> None:
    """After a round: mortgages on some sales, notarised sales, a few tax liens recorded or released.

    What to record is decided here; liens and releases are made in the write lock
    (lien numbers and deed versions as the ledger is then), as `add_lien` makes them."""
    plan: list[Entry | _Lien | _Release] = []
    touched = set()
    for deed_id, index in sales:
        recorded = ledger.entry(index)
        m = recorded.message
        if rng.random() < 0.25:
            message = attestation_message(
                ledger,
                index,
                notary,
                act="acknowledgment",
                place="Ames, Story County, IA",
                id_kind=rng.choice(("driver's license", "passport", "state ID")),
                id_number=f"{rng.randrange(10**8, 10**9)}",
                act_date=date.fromisoformat(m["closingDate"]),
            )
            plan.append(ledger.sign("Attestation", message, notary, "notary"))
        if m["shares"] == m["totalShares"] and rng.random() < 0.3:
            plan.append(_Lien(deed_id, bank, lien_terms(m["price"] * 8 // 10, "mortgage")))
            touched.add(deed_id)
    # The county: tax liens on a few deeds, and releases of some recorded earlier (paid taxes).
    with ledger.engine.connect() as conn:
        open_tax = [
            (int(d), int(i))
            for d, i in conn.execute(
                select(col(LienRow.deed_id), col(LienRow.lien_id)).where(
                    col(LienRow.holder) == treasurer.address, col(LienRow.released_index).is_(None)
                )
            )
        ]
    for deed_id, lien_id in open_tax:
        if deed_id not in touched and rng.random() < 0.5:
            plan.append(_Release(deed_id, lien_id, treasurer))
            touched.add(deed_id)
    for _ in range(max(1, len(sales) // 40)):
        deed_id = rng.randrange(1, deed_count + 1)
        if deed_id in touched:
            continue
        plan.append(_Lien(deed_id, treasurer, lien_terms(to_minor(rng.randrange(800, 6000), "USD"), "property tax")))
        touched.add(deed_id)

    def build(state: LedgerState) -> list[Entry]:
        entries, lien_id = [], state.next_lien_id
        for item in plan:  # each deed at most once, so its version as read here is the one the rule checks
            if isinstance(item, _Lien):
                message = lien_on(state.deed(item.deed_id), lien_id, item.holder.address, item.terms)
                entries.append(ledger.sign("Lien", message, item.holder, "lienholder"))
                lien_id += 1
            elif isinstance(item, _Release):
                message = release_of(state.deed(item.deed_id), item.lien_id, item.holder.address)
                entries.append(ledger.sign("LienRelease", message, item.holder, "lienholder"))
            else:
                entries.append(item)
        return entries

    if plan:
        ledger.append_built(build, recorded_at=now)


@dataclass(frozen=True)
class _Lien:
    deed_id: int
    holder: UnlockedKey
    terms: tuple[int, str, str]


@dataclass(frozen=True)
class _Release:
    deed_id: int
    lien_id: int
    holder: UnlockedKey
