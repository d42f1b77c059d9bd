"""LedgerGenesis (entry 0: the ledger's identity, signed by its operator) and
AddRegistrar (the operator lets another key register deeds)."""

from __future__ import annotations

from typing import Any, Mapping

from core.entries import Entry
from core.errors import RuleViolation
from core.kinds import EntryKind, LedgerAct, register, require_roles, same_address, signature_of
from core.signing import checksum_address
from core.state import ApplyContext, LedgerState


def _apply_genesis(state: LedgerState, entry: Entry, ctx: ApplyContext) -> None:
    identity = state.identity
    if ctx.index != 0 or identity is None:
        raise RuleViolation("A LedgerGenesis can only be the first entry of a ledger.")
    require_roles(entry, "operator")
    m = entry.message
    if (
        m["ledgerId"].lower() != identity.ledger_id_hex
        or m["name"] != identity.name
        or not same_address(m["operator"], identity.operator)
    ):
        raise RuleViolation("The first entry does not describe this ledger (id, name or operator differ).")
    if not same_address(signature_of(entry, "operator").signer, identity.operator):
        raise RuleViolation("The first entry must be signed by the ledger's operator.")
    state.registrars.add(identity.operator.lower())
    return None


def _apply_add_registrar(state: LedgerState, entry: Entry, ctx: ApplyContext) -> None:
    identity = state.identity
    assert identity is not None
    require_roles(entry, "operator")
    if not same_address(signature_of(entry, "operator").signer, identity.operator):
        raise RuleViolation("Only the ledger's operator can add a registrar.")
    address = entry.message["registrar"].lower()
    if address in state.registrars:
        raise RuleViolation(f"{checksum_address(bytes.fromhex(address[2:]))} is a registrar already.")
    state.registrars.add(address)
    return None


def _describe_genesis(m: Mapping[str, Any]) -> str:
    return f"Ledger \u201c{m['name']}\u201d opened by operator {m['operator']}"


def _describe_add_registrar(m: Mapping[str, Any]) -> str:
    return f"{m['registrar']} may register deeds"


GENESIS = register(
    EntryKind(
        name="LedgerGenesis",
        as_of=True,
        fields=(("ledgerId", "bytes32"), ("name", "string"), ("operator", "address")),
        apply=_apply_genesis,
        describe=_describe_genesis,
        ledger_act=LedgerAct("operator", "operator", "deedbook init"),
    )
)

ADD_REGISTRAR = register(
    EntryKind(
        name="AddRegistrar",
        as_of=True,
        fields=(("ledgerId", "bytes32"), ("registrar", "address")),
        apply=_apply_add_registrar,
        describe=_describe_add_registrar,
        ledger_act=LedgerAct("operator", "operator", "deedbook registrar add"),
    )
)
