"""Adding a kind is one module: a throwaway kind, declared here and nowhere else, is summarised for its
signer, shown in a chain-of-title row and a timeline line, recorded, replay-guarded and verified.

`Easement` (docs/kinds.md walks through the same kind): a holder of a deed grants someone a right
over the property, for a fee; each easement has an id that may be used once per deed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import pytest

from core.deeds import register_deed
from core.entries import Entry
from core.errors import DeedbookError, RuleViolation
from core.kinds import EntryKind, OneTime, Party, register, same_address, unregister
from core.kinds.transfer import holding_of
from core.presentation import Address, Description, Money, Role, Signer, Term, Text
from core.requests import make_request, sign_request, summarize
from core.state import ApplyContext, LedgerState
from core.transactions import submit
from core.verify import verify_ledger
from tests.helpers import World, make_world

# -- the kind: everything below down to `EASEMENT` is what a new kind module holds -----------------


def _apply(state: LedgerState, entry: Entry, ctx: ApplyContext) -> int:
    m = entry.message
    deed = state.deed(m["deedId"])
    if m["parcel"] != deed.parcel:
        raise RuleViolation(f"The easement names parcel {m['parcel']}; deed {deed.deed_id} is parcel {deed.parcel}.")
    [grant] = entry.signatures
    if grant.role != "grantor" or not same_address(grant.signer, m["grantor"]):
        raise RuleViolation("An easement is signed by its grantor.")
    if holding_of(deed, m["grantor"])[1] == 0:
        raise RuleViolation(f"{m['grantor']} holds no shares of deed {deed.deed_id}, so it cannot grant an easement.")
    state.touch(deed, ctx.index)
    return deed.deed_id


def _present(m: Mapping[str, Any], signers: Sequence[Signer]) -> Description:
    fee = Money(m["fee"], m["currency"])
    return Description(
        title=(f"Easement on deed {m['deedId']} (parcel ", Text(m["parcel"], 60), ")"),
        terms=(
            Term("Grantor", (Address(m["grantor"]),)),
            Term("Grantee", (Address(m["grantee"]),)),
            Term("Purpose", (Text(m["purpose"]),)),
            Term("Fee", (fee,)),
        ),
        event=("Easement granted",),
        parties=(Role("Grantor", (m["grantor"],)), Role("Grantee", (m["grantee"],))),
        brief=((Text(m["purpose"]),), (fee,)),
        headline=("Easement to ", Address(m["grantee"])),
        detail=(Text(m["purpose"]), " \u2022 ", fee),
        icon="ledger",
        tone="accent",
    )


EASEMENT = EntryKind(
    name="Easement",
    fields=(
        ("deedId", "uint256"),
        ("parcel", "string"),
        ("grantor", "address"),
        ("grantee", "address"),
        ("purpose", "string"),
        ("fee", "uint256"),
        ("currency", "string"),
        ("easementId", "bytes32"),
    ),
    apply=_apply,
    describe=lambda m: f"Easement on deed {m['deedId']} to {m['grantee']}: {m['purpose']}",
    parties={"Easement": Party("grantor", "You grant this easement as a holder of the deed.", "grantor")},
    present=_present,
    once=(OneTime("easementId", "deedId", "The easement {short} was granted before on deed {scope}."),),
)

# -- the test ---------------------------------------------------------------------------------------


@pytest.fixture
def easement() -> Iterator[EntryKind]:
    register(EASEMENT)  # a kind module calls this at import; KIND_MODULES lists the module
    try:
        yield EASEMENT
    finally:
        unregister(EASEMENT.name)


def _message(world: World, deed: int, grantor: str, grantee: str, purpose: str, easement_id: str) -> dict[str, Any]:
    return {
        "deedId": deed,
        "parcel": world.ledger.deed(deed).parcel,
        "grantor": grantor,
        "grantee": grantee,
        "purpose": purpose,
        "fee": 1_800_000,
        "currency": "JPY",
        "easementId": easement_id,
    }


def test_a_kind_declared_in_one_module_is_summarised_shown_recorded_and_replay_guarded(
    easement: EntryKind, tmp_path: Path
) -> None:
    world = make_world(tmp_path / "plugin")
    alice, bob = world.key("alice"), world.key("bob")
    deed = register_deed(world.ledger, world.operator, parcel="EASE-1", address="1 Lane", owner=alice.address).deed_id
    easement_id = "0x" + os.urandom(32).hex()
    message = _message(world, deed, alice.address, bob.address, "right of way to the lake", easement_id)

    # The signer's summary: the kind's title and terms, the party's phrase, amounts through core.money.
    request = make_request(world.ledger.identity, "Easement", message, "Easement", alice.address)
    summary = summarize(request, world.ledger.identity)
    assert summary.title == "Easement on deed 1 (parcel EASE-1)\nYou grant this easement as a holder of the deed."
    assert summary.lines[2:6] == [
        ("Grantor", alice.address),
        ("Grantee", bob.address),
        ("Purpose", "right of way to the lake"),
        ("Fee", "JPY 1,800,000"),
    ]
    assert summary.warnings == []

    # Recorded by the same submit as any requestable kind; its one-time value goes to the table.
    index = submit(world.ledger, [sign_request(request, alice)])
    assert world.ledger.used_once(("Easement", "easementId", str(deed), easement_id)) == index
    assert world.ledger.history(deed)[-1].kind == "Easement"

    # The same response again is refused before the rules; a new grant reusing the id by the rule.
    with pytest.raises(DeedbookError, match=f"already recorded \\(entry {index}\\)"):
        submit(world.ledger, [sign_request(request, alice)])
    again = _message(world, deed, alice.address, bob.address, "a second path", easement_id)
    with pytest.raises(RuleViolation, match="was granted before on deed 1"):
        world.ledger.append([world.ledger.sign("Easement", again, alice, "grantor")])
    other_deed = register_deed(
        world.ledger, world.operator, parcel="EASE-2", address="2 Lane", owner=alice.address
    ).deed_id
    world.ledger.append(
        [
            world.ledger.sign(
                "Easement",
                _message(world, other_deed, alice.address, bob.address, "a path", easement_id),
                alice,
                "grantor",
            )
        ]
    )
    assert verify_ledger(world.ledger, jobs=1).ok

    # A chain-of-title row, drawn from the same description.
    from core.documents.evidence import EmbeddedEntry, Record
    from desktop.documents.entries import event_row

    recorded = world.ledger.entry(index)
    embedded = EmbeddedEntry(
        index,
        "Easement",
        recorded.recorded_at,
        recorded.message,
        [s.as_json() for s in recorded.signatures],
        "0x" + recorded.leaf_hash.hex(),
        [],
    )
    record = Record(
        "title",
        "A4",
        {"deedId": deed},
        world.ledger.identity,
        {},
        [embedded],
        names={bob.address.lower(): "Bob's Boatyard"},
    )
    _, _, event, parties, terms = event_row(record, embedded)
    assert event.text == "Easement granted"
    shown = [p.text for p in parties]
    assert shown[0] == "GRANTOR" and alice.address in shown[1] and shown[2] == "GRANTEE"
    assert bob.address in shown[3] and "Boatyard" in shown[3]  # the record's name for the address
    assert terms.text == "right of way to the lake<br/>JPY 1,800,000"

    # A timeline line in the GUI, with the GUI's own names for addresses.
    from desktop.gui.panes.deed_detail import timeline_item

    class Names:
        def short_label(self, address: str) -> str:
            return "Bob" if same_address(address, bob.address) else address[:6]

    item = timeline_item(recorded, Names())  # type: ignore[arg-type]  # only the name lookup is used
    assert (item.title, item.icon, item.tone) == ("Easement to Bob", "ledger", "accent")
    assert item.detail == f"right of way to the lake \u2022 JPY\u00a01,800,000 \u2022 entry #{index}"


def test_the_throwaway_kind_is_gone_afterwards() -> None:
    from core.kinds import kinds

    assert "Easement" not in kinds()


def test_docs_kinds_md_shows_this_same_kind_and_it_runs() -> None:
    """docs/kinds.md's "smallest complete kind" is this module's kind, and runs as a module."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "kinds.md").read_text(encoding="utf-8")
    source = text.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {"__name__": "core.kinds.easement"}
    try:
        exec(compile(source, "docs/kinds.md", "exec"), namespace)
        documented = namespace["EASEMENT"]
    finally:
        unregister("Easement")
    assert (documented.name, documented.fields, documented.parties, documented.once) == (
        EASEMENT.name,
        EASEMENT.fields,
        EASEMENT.parties,
        EASEMENT.once,
    )
    message = {
        "deedId": 3,
        "parcel": "P",
        "grantor": "0x" + "11" * 20,
        "grantee": "0x" + "22" * 20,
        "purpose": "a path",
        "fee": 5,
        "currency": "EUR",
        "easementId": "0x" + "33" * 32,
    }
    assert documented.present(message, []) == EASEMENT.present(message, [])  # type: ignore[misc]
