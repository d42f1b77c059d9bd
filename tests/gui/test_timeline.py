"""The deed detail's chain of title: one line per entry, in the words each kind declares
(core.kinds presentation), names from the address book, amounts in their own currency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.deeds import register_deed
from core.liens import add_lien, release_lien
from core.notary import attest
from core.requests import sign_request
from core.transactions import prepare_transfer, submit
from desktop.gui.events import Changes
from tests.helpers import World, valuation_message


def _history(world: World) -> tuple[int, dict[str, str]]:
    alice, bob, bank, notary = (world.key(n) for n in ("alice", "bob", "bank", "notary"))
    deed = register_deed(
        world.ledger, world.operator, parcel="JP-1", address="1-2-3 Ginza, Tokyo", owner=alice.address
    ).deed_id
    add_lien(world.ledger, deed, bank, "18000000", "mortgage", currency="JPY")
    prepared = prepare_transfer(world.ledger, deed, bob.address, "25000000", "JPY", shares=2_500)
    keys = {k.address.lower(): k for k in (alice, bob, bank)}
    sale = submit(world.ledger, [sign_request(r, keys[r.signer.lower()]) for r in prepared.requests])
    lien = add_lien(world.ledger, deed, bank, "1.250", "tax", currency="KWD").lien
    release_lien(world.ledger, deed, lien.lien_id, bank)
    attest(world.ledger, sale, notary, act="acknowledgment", place="Tokyo", act_date="2025-06-01")
    message = valuation_message(
        world.ledger, deed, estimate=26_000_000, low=24_000_000, high=28_000_000, currency="JPY", asOf="2025-06"
    )
    world.ledger.append([world.ledger.sign("Valuation", message, world.operator, "appraiser")])
    return deed, {"alice": alice.address, "bob": bob.address, "bank": bank.address, "sale": str(sale)}


def test_every_kind_reads_in_its_own_words(window: Any, world: World, qtbot: Any, tmp_path: Path) -> None:
    deed, who = _history(world)
    window.ctx.ws.address_book().add("Harbor Bank", who["bank"])
    window.ctx.events.announce(Changes.DEEDS | Changes.CONTACTS)
    pane = window.panes["deeds"]
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1)
    qtbot.waitUntil(lambda: window.ctx.name_for(who["bank"]) == "Harbor Bank")  # the names are read on a worker
    pane.detail.show_deed(deed)
    qtbot.waitUntil(lambda: pane.detail.deed is not None and pane.detail.deed.deed_id == deed)  # and the deed
    items = pane.detail.timeline.items()
    short = {name: window.ctx.short_label(address) for name, address in who.items() if name != "sale"}
    assert short["alice"] == "alice" and short["bank"] in ("Harbor Bank", "bank")  # the key's or contact's name
    sale = who["sale"]
    assert [(i.title, i.icon, i.tone) for i in reversed(items)] == [
        (f"Registered to {short['alice']}", "registration", "accent"),
        ("Lien 1: mortgage", "lien", "bad"),
        (f"2,500 shares sold to {short['bob']}", "sale", "gold"),
        ("Lien 2: tax", "lien", "bad"),
        ("Lien 2 released", "release", "good"),
        ("Notarised: acknowledgment", "attest", "good"),
        ("Valued at JPY\u00a026,000,000", "valuation", "accent"),
    ]
    details = [i.detail.rsplit(" \u2022 entry #", 1)[0] for i in reversed(items)]
    assert details[:5] == [
        "10,000 shares",
        f"JPY\u00a018,000,000 held by {short['bank']}",
        f"from {short['alice']} \u2022 JPY\u00a025,000,000 \u2022 closing {details[2].rsplit(' ', 1)[-1]}",
        f"KWD\u00a01.250 held by {short['bank']}",
        f"by {short['bank']}",
    ]
    assert details[5] == f"attests entry #{sale} (Transfer) on 2025-06-01"
    assert details[6] == "90% range JPY\u00a024,000,000 to JPY\u00a028,000,000, as of 2025-06"
    assert all(i.detail.endswith(f"entry #{i.index}") for i in items)
    window.resize(1280, 900)
    window.grab().save(str(tmp_path / "timeline.png"))  # looked at by eye while writing this test
