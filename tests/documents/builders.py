"""A small ledger with every kind of entry a document shows, made with the ledger's own API.

Entries are signed and appended directly (`Ledger.sign`/`cosign`/`append`), the
same entries the transactions service produces, so these tests depend only on
the ledger's rules.  Recording times are fixed, so documents are reproducible.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from core.checkpoints import make_checkpoint
from core.contacts import AddressBook
from core.keys import UnlockedKey
from tests.helpers import World, make_world
from datetime import UTC

T0 = 1_717_200_000  # 2024-06-01 00:00 UTC
DAY = 86_400


@dataclass
class Scene:
    world: World
    deed: int
    registration: int
    transfers: list[int] = field(default_factory=list)
    liens: list[int] = field(default_factory=list)
    releases: list[int] = field(default_factory=list)
    attestations: list[int] = field(default_factory=list)
    keys: dict[str, UnlockedKey] = field(default_factory=dict)

    @property
    def ledger(self):  # type: ignore[no-untyped-def]
        return self.world.ledger


def register(
    world: World,
    parcel: str,
    owner: str,
    when: int,
    *,
    address: str | None = None,
    legal: str | None = None,
    attributes: dict[str, object] | None = None,
) -> int:
    from core.deeds import registration_message

    deed_id = world.ledger.deed_count() + 1
    message = registration_message(
        deed_id,
        parcel=parcel,
        address=address or f"{parcel} Main Street, Ames, IA",
        owner=owner,
        legal=legal or f"Lot {parcel[-3:]}, City of Ames, Story County, Iowa",
        attributes=attributes or {"Gr_Liv_Area": 1500},
    )
    world.ledger.append([world.ledger.sign("RegisterDeed", message, world.operator, "registrar")], recorded_at=when)
    return deed_id


def transfer(
    world: World,
    deed_id: int,
    seller: UnlockedKey,
    buyer: UnlockedKey,
    shares: int | None,
    price: int,
    when: int,
    lienholders: tuple[UnlockedKey, ...] = (),
    currency: str = "USD",
) -> int:
    ledger = world.ledger
    deed = ledger.deed(deed_id)
    message = {
        "deedId": deed_id,
        "parcel": deed.parcel,
        "from": seller.address,
        "to": buyer.address,
        "shares": shares or deed.holders.get(seller.address, 0),
        "totalShares": deed.total_shares,
        "price": price,
        "currency": currency,
        "closingDate": _date(when),
        "deedVersion": deed.version,
        "deadline": when + 7 * DAY,
        "transferId": "0x" + os.urandom(32).hex(),
    }
    entry = ledger.sign("Transfer", message, seller, "seller")
    entry = ledger.cosign(entry, buyer, "buyer", "Acceptance")
    for holder in lienholders:
        entry = ledger.cosign(entry, holder, "lienholder", "LienPayoff")
    return ledger.append([entry], recorded_at=when)[0]


def lien(world: World, deed_id: int, holder: UnlockedKey, amount: int, kind: str, when: int) -> int:
    ledger = world.ledger
    deed = ledger.deed(deed_id)
    lien_id = 1 + sum(len(ledger.deed(d).liens) for d in range(1, ledger.deed_count() + 1))
    message = {
        "deedId": deed_id,
        "parcel": deed.parcel,
        "lienId": lien_id,
        "holder": holder.address,
        "amount": amount,
        "currency": "USD",
        "lienKind": kind,
        "deedVersion": deed.version,
    }
    return ledger.append([ledger.sign("Lien", message, holder, "lienholder")], recorded_at=when)[0]


def release(world: World, deed_id: int, lien_id: int, holder: UnlockedKey, when: int) -> int:
    ledger = world.ledger
    deed = ledger.deed(deed_id)
    message = {
        "deedId": deed_id,
        "parcel": deed.parcel,
        "lienId": lien_id,
        "holder": holder.address,
        "deedVersion": deed.version,
    }
    return ledger.append([ledger.sign("LienRelease", message, holder, "lienholder")], recorded_at=when)[0]


def attest(
    world: World,
    index: int,
    notary: UnlockedKey,
    when: int,
    act: str = "acknowledgment",
    place: str = "Ames, Iowa",
    id_kind: str = "driver's licence",
) -> int:
    ledger = world.ledger
    entry = ledger.entry(index)
    message = {
        "entryIndex": index,
        "entryHash": "0x" + entry.leaf_hash.hex(),
        "entryKind": entry.kind,
        "deedId": entry.deed_id or 0,
        "act": act,
        "actDate": _date(when),
        "place": place,
        "signers": list(dict.fromkeys(s.signer for s in entry.signatures)),
        "idEvidence": id_kind,
        "idNumberHash": "0x" + "ab" * 32,
    }
    return ledger.append([ledger.sign("Attestation", message, notary, "notary")], recorded_at=when)[0]


def _date(seconds: int) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(seconds, UTC).date().isoformat()


def make_scene(root: Path, *, checkpoint: bool = True) -> Scene:
    """Deed 1 ("0526301100"): registered to Zoë, sold to José (mortgage paid off at the sale),
    half sold on to 王芳, a tax lien recorded and released, each sale notarised."""
    world = make_world(root, name="Story County Recorder — Ledger Ω")
    keys = {name: world.key(name) for name in ("zoe", "jose", "wang", "bank", "county", "notary")}
    book = AddressBook(world.ledger.engine)
    for name, label, role in (
        ("zoe", "Zoë Ðorđević", "seller"),
        ("jose", "José Müller-Łukasiewicz", "buyer"),
        ("wang", "王芳 (Wang Fang)", "buyer"),
        ("bank", "First Ames Bank", "lienholder"),
        ("notary", "Åsa Notarie", "notary"),
    ):
        book.add(label, keys[name].address, role)
    other = register(world, "0526350040", keys["zoe"].address, T0)  # another deed: never on deed 2's documents
    deed = register(
        world,
        "0526301100",
        keys["zoe"].address,
        T0 + 3600,
        address="1329 Ash Avenue, Łódź Street corner, Ames, IA 50010",
        legal="Lot 14, Block 3, North Ames subdivision, City of Ames, Story County, Iowa",
        attributes={
            "Gr_Liv_Area": 1656,
            "Lot_Area": 31770,
            "Year_Built": 1960,
            "Bedroom_AbvGr": 3,
            "Full_Bath": 1,
            "Neighborhood": "North_Ames",
            "Bldg_Type": "OneFam",
            "House_Style": "One_Story",
        },
    )
    scene = Scene(world, deed, world.ledger.size() - 1, keys=keys)
    scene.liens.append(lien(world, deed, keys["bank"], 180_000_00, "mortgage", T0 + 2 * DAY))
    scene.transfers.append(
        transfer(world, deed, keys["zoe"], keys["jose"], None, 215_000_00, T0 + 10 * DAY, lienholders=(keys["bank"],))
    )
    scene.attestations.append(attest(world, scene.transfers[-1], keys["notary"], T0 + 11 * DAY))
    scene.transfers.append(transfer(world, other, keys["zoe"], keys["wang"], None, 99_500_00, T0 + 12 * DAY))
    scene.transfers.append(transfer(world, deed, keys["jose"], keys["wang"], 5_000, 120_000_00, T0 + 40 * DAY))
    scene.attestations.append(
        attest(
            world,
            scene.transfers[-1],
            keys["notary"],
            T0 + 41 * DAY,
            act="jurat",
            place="Nevada, Iowa",
            id_kind="passport",
        )
    )
    scene.liens.append(lien(world, deed, keys["county"], 4_321_00, "property tax", T0 + 50 * DAY))
    scene.releases.append(release(world, deed, 2, keys["county"], T0 + 60 * DAY))
    if checkpoint:
        make_checkpoint(world.ledger, world.operator)
    return scene
