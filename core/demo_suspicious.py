"""Suspicious cases for the demo: each ledger-history pattern the screen looks for, injected K times.

`deedbook demo --deeds N --transfers M --with-suspicious K` records the honest
demo first (core.demo_transfers), then K cases of each pattern on deeds the
honest part never sold, through the real flow (prepare, each party signs,
submit; liens recorded by their holders).  Each case has one *target* transfer,
the one the pattern must flag; the others (a setup sale) are neither a case nor
an honest transfer.  Returns the manifest the benchmark reads
(benchmarks/screening_patterns.py): [{"pattern", "entry", "deed", "setup": [...]}].

Times: sales close over the last 14 months; liens are recorded at the times the
pattern needs (a lien's recording time is what the screen compares).
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from typing import Any, Callable, Sequence

from core.dates import DAY, date_to_epoch, today_utc
from core.entries import Entry
from core.errors import DeedbookError
from core.keys import DEMO_PASSWORD, DEMO_SCRYPT_N, KeyStore, UnlockedKey
from core.ledger import Ledger
from core.liens import lien_on, lien_terms
from core.marketdata import ames_rows
from core.money import to_minor
from core.requests import sign_request
from core.screening.history import PATTERNS
from core.state import LedgerState
from core.transactions import prepare_transfer, submit

SEED = 1512


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

    def sell(
        self, deed_id: int, seller: str, buyer: UnlockedKey, dollars: int, closing: date, shares: int | None = None
    ) -> int:
        prepared = prepare_transfer(
            self.ledger,
            deed_id,
            buyer.address,
            to_minor(dollars, "USD"),
            "USD",
            shares,
            self.now + 7 * DAY,
            closing.isoformat(),
            seller=seller,
            now=self.now,
            transfer_id="0x" + self.rng.getrandbits(256).to_bytes(32, "big").hex(),
        )
        return submit(
            self.ledger, [sign_request(r, self.keys[r.signer.lower()], now=self.now) for r in prepared.requests]
        )

    def lien(self, deed_id: int, holder: UnlockedKey, dollars: int, recorded: date, kind: str = "mortgage") -> int:
        def build(state: LedgerState) -> list[Entry]:
            message = lien_on(
                state.deed(deed_id), state.next_lien_id, holder.address, lien_terms(to_minor(dollars, "USD"), kind)
            )
            return [self.ledger.sign("Lien", message, holder, "lienholder")]

        [index] = self.ledger.append_built(build, recorded_at=date_to_epoch(recorded) + 12 * 3600)
        return index

    # one case per pattern: (target entry, setup entries) ------------------------------------
    def case(self, pattern: str, deeds: list[int]) -> tuple[int, list[int]]:
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
            second = deeds.pop()
            setup = [
                self.sell(deed, owner, buyer, value, t0),
                self.sell(second, self.ledger.deed(second).owner, buyer, self.value(second), t0 + timedelta(days=20)),
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

    def _circle(self, deed: int, owner: str, value: int, t0: date, deeds: list[int]) -> tuple[int, list[int]]:
        self.circles += 1
        legs, holders = [deed], [owner.lower()]
        while len(legs) < 2 + self.circles % 2:
            found = next(
                i for i in reversed(range(len(deeds))) if self.ledger.deed(deeds[i]).owner.lower() not in holders
            )
            legs.append(deeds.pop(found))
            holders.append(self.ledger.deed(legs[-1]).owner.lower())
        done = [
            self.sell(
                leg,
                holders[k],
                self.keys[holders[(k + 1) % len(legs)]],
                int(value * self.rng.uniform(0.99, 1.01)) // 100 * 100,  # the money goes round with the deeds
                t0 + timedelta(days=self.rng.randint(0, 5) if k else 0),
            )
            for k, leg in enumerate(legs)
        ]
        return done[-1], done[:-1]


NEEDS = {"new_party_many_deeds": 3, "circle_across_deeds": 3}  # deeds a case uses (1 for the others)


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
    needed = per_pattern * sum(NEEDS.get(p, 1) for p in PATTERNS)
    if len(fresh) < needed:
        raise DeedbookError(
            f"{per_pattern} suspicious cases of each pattern need {needed} deeds never sold or "
            f"encumbered in the demo; it has {len(fresh)}: ask for more deeds or fewer transfers."
        )
    rng = random.Random(SEED)
    rng.shuffle(fresh)
    injector = _Injector(ledger, store, owners, rng)
    manifest = []
    for _ in range(per_pattern):
        for pattern in PATTERNS:
            target, setup = injector.case(pattern, fresh)
            manifest.append({"pattern": pattern, "entry": target, "deed": ledger.entry(target).deed_id, "setup": setup})
            if progress is not None:
                progress(len(manifest), per_pattern * len(PATTERNS))
    return manifest
