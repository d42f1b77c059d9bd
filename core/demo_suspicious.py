"""Suspicious cases for the demo: each ledger-history pattern the screen looks for, injected K times.

`deedbook demo --deeds N --transfers M --with-suspicious K` records the honest
demo first (core.demo_transfers), then K cases of each pattern on deeds the
honest part never sold, through the real flow (prepare, each party signs,
submit; liens recorded by their holders).  Each case has one *target* transfer,
the one the pattern must flag; the others (a setup sale) are neither a case nor
an honest transfer.  Returns the manifest the benchmark reads
(benchmarks/screening_patterns.py): [{"pattern", "entry", "deed", "setup": [...]}].

Times: the cases happen over the last two years (HISTORY): a loan is recorded on
the day the pattern needs (a lien has no date of its own: its recording time is
what the screen compares), a sale on its closing day.  Every case is planned
first, then all their entries are recorded in the order of those days, so the
ledger's recording times never go backwards (build_demo records the honest part
before HISTORY starts).  A sale closing in the future is recorded today.
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable, Sequence

from core.dates import DAY, date_to_epoch, today_utc
from core.demo_transfers import signed_sale
from core.entries import Entry
from core.errors import DeedbookError
from core.keys import DEMO_PASSWORD, DEMO_SCRYPT_N, KeyStore, UnlockedKey
from core.ledger import Ledger
from core.liens import lien_on, lien_terms
from core.marketdata import ames_rows
from core.money import to_minor
from core.screening.history import PATTERNS
from core.state import LedgerState
from core.transactions import submit

SEED = 1512
HISTORY = 760 * DAY  # the cases' earliest loan is recorded about 720 days ago; the honest demo before that
NOON = 12 * 3600


@dataclass
class _Event:
    """One entry of a case, planned: recorded later, in the order of every case's days."""

    day: date  # a sale's closing day, a loan's recording day
    order: int  # plan order: a case's entries on one day keep theirs
    record: Callable[[int], int] = field(repr=False)  # records it at the time given; its entry
    index: int = -1


def _key(store: KeyStore, name: str) -> UnlockedKey:
    if not any(k.name == name for k in store.list()):
        store.create(name, DEMO_PASSWORD, n=DEMO_SCRYPT_N)
    return store.unlock(name, DEMO_PASSWORD)


class _Injector:
    def __init__(self, ledger: Ledger, store: KeyStore, owners: Sequence[UnlockedKey], rng: random.Random) -> None:
        self.ledger, self.store, self.owners, self.rng = ledger, store, list(owners), rng
        self.now = int(time.time())
        self.today = today_utc(self.now)
        self.keys: dict[str, UnlockedKey] = {k.address.lower(): k for k in self.owners}
        self.lenders = [self._new(f"demo-lender-{i + 1}") for i in range(3)]
        self.prices = {f"{int(r['PID']):010d}": int(r["Sale_Price"]) for r in ames_rows()}
        self.newcomers = 0
        self.circles = 0
        self.planned = itertools.count()

    def _new(self, name: str) -> UnlockedKey:
        key = _key(self.store, name)
        self.keys[key.address.lower()] = key
        return key

    def newcomer(self) -> UnlockedKey:
        self.newcomers += 1
        return self._new(f"demo-newcomer-{self.newcomers}")

    def value(self, deed_id: int) -> int:
        """Dollars: the Ames price, grown about 70% to today's market (as the honest demo's prices are)."""
        parcel = self.ledger.deed(deed_id).parcel.split("-")[0]
        return int(self.prices.get(parcel, 180_000) * 1.7 // 100 * 100)

    def other(self, *not_these: str) -> UnlockedKey:
        lowered = {a.lower() for a in not_these}
        return self.rng.choice([o for o in self.owners if o.address.lower() not in lowered])

    def event(self, day: date, record: Callable[[int], int]) -> _Event:
        return _Event(day, next(self.planned), record)

    def sell(
        self, deed_id: int, seller: str, buyer: UnlockedKey, dollars: int, closing: date, shares: int | None = None
    ) -> _Event:
        transfer_id = "0x" + self.rng.getrandbits(256).to_bytes(32, "big").hex()  # drawn in plan order

        def record(at: int) -> int:  # prepared, signed and recorded at `at`, as the parties would on that day
            responses = signed_sale(
                self.ledger,
                deed_id,
                seller,
                buyer.address,
                to_minor(dollars, "USD"),
                shares,
                closing,
                self.keys,
                at=at,
                transfer_id=transfer_id,
            )
            return submit(self.ledger, responses, recorded_at=at)

        return self.event(closing, record)

    def lien(self, deed_id: int, holder: UnlockedKey, dollars: int, recorded: date, kind: str = "mortgage") -> _Event:
        def build(state: LedgerState) -> list[Entry]:
            message = lien_on(
                state.deed(deed_id), state.next_lien_id, holder.address, lien_terms(to_minor(dollars, "USD"), kind)
            )
            return [self.ledger.sign("Lien", message, holder, "lienholder")]

        def record(at: int) -> int:
            [index] = self.ledger.append_built(build, recorded_at=at)
            return index

        return self.event(recorded, record)

    # one case per pattern: (target entry, setup entries) ------------------------------------
    def case(self, pattern: str, deeds: list[int]) -> tuple[_Event, list[_Event]]:
        t0 = self.today - timedelta(days=self.rng.randint(330, 420))
        deed = deeds.pop()
        owner = self.ledger.deed(deed).owner
        value = self.value(deed)
        if pattern == "quick_resale":
            b = self.other(owner)
            first = self.sell(deed, owner, b, value, t0)
            rise = self.rng.choice((1.35, 1.5, 0.7))
            return self.sell(
                deed,
                b.address,
                self.other(owner, b.address),
                int(value * rise // 100 * 100),
                t0 + timedelta(days=self.rng.randint(40, 200)),
            ), [first]
        if pattern == "flip_chain":
            b = self.other(owner)
            c = self.other(owner, b.address)
            first = self.sell(deed, owner, b, value, t0)
            second = self.sell(deed, b.address, c, int(value * 1.04 // 100 * 100), t0 + timedelta(days=140))
            return self.sell(
                deed,
                c.address,
                self.other(owner, b.address, c.address),
                int(value * 1.08 // 100 * 100),
                t0 + timedelta(days=290),
            ), [first, second]
        if pattern == "circular_transfer":
            b = self.other(owner)
            first = self.sell(deed, owner, b, value, t0)
            return self.sell(
                deed,
                b.address,
                self.keys[owner.lower()],
                int(value * 1.03 // 100 * 100),
                t0 + timedelta(days=self.rng.randint(120, 400)),
            ), [first]
        if pattern == "new_party_many_deeds":
            buyer = self.newcomer()
            other = deeds.pop()
            setup = [
                self.sell(deed, owner, buyer, value, t0),
                self.sell(other, self.ledger.deed(other).owner, buyer, self.value(other), t0 + timedelta(days=20)),
            ]
            last = deeds.pop()
            return self.sell(
                last, self.ledger.deed(last).owner, buyer, self.value(last), t0 + timedelta(days=55)
            ), setup
        if pattern == "liens_beyond_value":
            lien = self.lien(
                deed, self.rng.choice(self.lenders), int(value * self.rng.uniform(1.3, 2.0)), t0 - timedelta(days=300)
            )
            return self.sell(deed, owner, self.other(owner), value, t0), [lien]
        if pattern == "stacked_loans":
            setup = [
                self.lien(deed, lender, int(value * 0.3), t0 - timedelta(days=200 - 9 * i))
                for i, lender in enumerate(self.lenders)
            ]
            return self.sell(deed, owner, self.other(owner), value, t0), setup
        if pattern == "loan_before_sale":
            lien = self.lien(
                deed, self.rng.choice(self.lenders), int(value * 0.5), t0 - timedelta(days=self.rng.randint(10, 50))
            )
            return self.sell(deed, owner, self.other(owner), value, t0), [lien]
        if pattern == "sub_threshold_split":
            buyers: list[str] = [owner]
            setup = []
            for k in range(3):
                b = self.other(*buyers)
                buyers.append(b.address)
                setup.append(self.sell(deed, owner, b, value * 24 // 100, t0 + timedelta(days=30 * k), shares=2400))
            return self.sell(
                deed, owner, self.other(*buyers), value * 24 // 100, t0 + timedelta(days=90), shares=2400
            ), setup
        if pattern == "loan_after_sale":  # seen only when the sale is screened again later
            sale = self.sell(deed, owner, self.other(owner), value, t0)
            lien = self.lien(
                deed,
                self.rng.choice(self.lenders),
                int(value * self.rng.uniform(1.6, 2.4)),  # beyond the estimate too: it may be well above the price
                t0 + timedelta(days=self.rng.randint(3, 60)),
            )
            return sale, [lien]
        if pattern == "circle_across_deeds":  # 2 parties, then 3, in turn: each sells a deed on round the circle
            return self._circle(deed, owner, value, t0, deeds)
        if pattern == "closing_long_after_deadline":
            return self.sell(
                deed, owner, self.other(owner), value, self.today + timedelta(days=self.rng.randint(220, 500))
            ), []
        raise ValueError(pattern)

    def _circle(self, deed: int, owner: str, value: int, t0: date, deeds: list[int]) -> tuple[_Event, list[_Event]]:
        self.circles += 1
        legs, holders = [deed], [owner.lower()]
        while len(legs) < 2 + self.circles % 2:
            found = next(
                i for i in reversed(range(len(deeds))) if self.ledger.deed(deeds[i]).owner.lower() not in holders
            )
            legs.append(deeds.pop(found))
            holders.append(self.ledger.deed(legs[-1]).owner.lower())
        days = sorted(self.rng.randint(0, 5) for _ in legs[1:])  # the last leg, the target, closes the circle
        done = [
            self.sell(
                leg,
                holders[k],
                self.keys[holders[(k + 1) % len(legs)]],
                int(value * self.rng.uniform(0.99, 1.01)) // 100 * 100,  # the money goes round with the deeds
                t0 + timedelta(days=days[k - 1] if k else 0),
            )
            for k, leg in enumerate(legs)
        ]
        return done[-1], done[:-1]


NEEDS = {"new_party_many_deeds": 3, "circle_across_deeds": 3}  # deeds a case uses (1 for the others)


def deeds_needed(per_pattern: int) -> int:
    """Deeds never sold nor encumbered that `per_pattern` cases of each pattern use."""
    return per_pattern * sum(NEEDS.get(p, 1) for p in PATTERNS)


def inject_suspicious(
    ledger: Ledger,
    store: KeyStore,
    owners: Sequence[UnlockedKey],
    per_pattern: int,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """`per_pattern` cases of each pattern, on deeds never sold nor encumbered before (a case shows its pattern
    alone); the manifest of what was injected."""
    if per_pattern <= 0:
        return []
    sold = {e.deed_id for e in ledger.entries(kind="Transfer")} | {e.deed_id for e in ledger.entries(kind="Lien")}
    fresh = [d for d in range(1, ledger.deed_count() + 1) if d not in sold]
    needed = deeds_needed(per_pattern)
    if len(fresh) < needed:
        raise DeedbookError(
            f"{per_pattern} suspicious cases of each pattern need {needed} deeds never sold or "
            f"encumbered in the demo; it has {len(fresh)}: ask for more deeds or fewer transfers."
        )
    rng = random.Random(SEED)
    rng.shuffle(fresh)
    injector = _Injector(ledger, store, owners, rng)
    cases = [(pattern, *injector.case(pattern, fresh)) for _ in range(per_pattern) for pattern in PATTERNS]
    events = sorted((e for _, target, setup in cases for e in (target, *setup)), key=lambda e: (e.day, e.order))
    last = ledger.entry(ledger.size() - 1).recorded_at if ledger.size() else 0
    for done, event in enumerate(events, 1):
        # at noon on its day; never before what is recorded already, never after today (a future closing)
        last = max(last, min(date_to_epoch(event.day) + NOON, injector.now))
        event.index = event.record(last)
        if progress is not None:
            progress(done, len(events))
    return [
        {
            "pattern": pattern,
            "entry": target.index,
            "deed": ledger.entry(target.index).deed_id,
            "setup": [e.index for e in setup],
        }
        for pattern, target, setup in cases
    ]
