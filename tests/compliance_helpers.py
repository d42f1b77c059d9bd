"""Building blocks for the compliance tests: a ledger with an issuer, claims, rules, holds and recoveries,
made through the real services (each signature by the key it names, as on each person's machine)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.compliance import claims, holds, recovery, rules
from core.compliance.schema import parse_rules
from core.keys import UnlockedKey
from core.requests import SigningRequest, load_request, load_response, sign_request
from core.transactions import PreparedTransfer, prepare_transfer, submit
from tests.helpers import World

BASE = {"format": "deedbook-rules/1"}


@dataclass
class Office:
    world: World
    folder: Path  # where request files go

    @property
    def ledger(self) -> Any:
        return self.world.ledger

    def key(self, name: str) -> UnlockedKey:
        return self.world.key(name)

    def trust(self, issuer: str = "kyc", types: str = "accredited,identity,jurisdiction") -> None:
        claims.add_issuer(self.ledger, self.world.operator, self.key(issuer).address, types)

    def claim(self, subject: str, claim_type: str, value: str = "", *, expires: int = 0, issuer: str = "kyc") -> int:
        evidence = "0x" + "5e" * 32
        return claims.issue_claim(
            self.ledger, self.key(issuer), self.key(subject).address, claim_type, value, expires, evidence
        )[1]

    def rules(self, **extra: Any) -> int:
        return rules.set_rules(self.ledger, self.world.operator, parse_rules({**BASE, **extra}))

    def sign_all(self, requests: list[SigningRequest]) -> list[SigningRequest]:
        keys = {
            k.address.lower(): k
            for k in (
                self.key(n) for n in ("alice", "bob", "carol", "dave", "bank", "notary", "court", "registrar2", "kyc")
            )
        }
        keys[self.world.operator.address.lower()] = self.world.operator
        return [sign_request(r, keys[r.signer.lower()]) for r in requests]

    def prepare(self, deed: int, to: str, *, shares: int | None = None, seller: str | None = None) -> PreparedTransfer:
        return prepare_transfer(
            self.ledger,
            deed,
            self.key(to).address,
            "1000",
            shares=shares,
            seller=self.key(seller).address if seller else None,
        )

    def sell(self, deed: int, to: str, *, shares: int | None = None, seller: str | None = None) -> int:
        return submit(self.ledger, self.sign_all(self.prepare(deed, to, shares=shares, seller=seller).requests))

    def second_registrar(self) -> UnlockedKey:
        key = self.key("registrar2")
        if key.address.lower() not in {r.lower() for r in self.ledger.registrars()}:
            self.ledger.append(
                [
                    self.ledger.sign(
                        "AddRegistrar",
                        {"ledgerId": self.ledger.identity.ledger_id_hex, "registrar": key.address},
                        self.world.operator,
                        "operator",
                    )
                ]
            )
        return key

    def hold(
        self,
        *,
        deed: int | None = None,
        holder: str | None = None,
        reason: str = "fraud inquiry",
        order: str = "CV-2026-0142",
    ) -> dict[str, Any]:
        """A hold, signed by the operator (a registrar) here and by registrar2 from its request."""
        approver = self.second_registrar()
        message = holds.hold_message(
            self.ledger,
            self.world.operator.address,
            deed=deed,
            holder=self.key(holder).address if holder else None,
            reason=reason,
            order=order,
            approver=approver.address,
        )
        act = holds.write_hold(self.ledger, message, self.world.operator, self.folder / message["holdId"][2:10])
        mine, theirs = act.files[0][2], act.files[1][2]
        submit(self.ledger, [load_response(mine), sign_request(load_request(theirs), approver)])
        return message

    def release(self, hold_id: str, reason: str = "order lifted") -> None:
        approver = self.second_registrar()
        hold = holds.find_hold(self.ledger, hold_id)
        message = holds.release_message(self.ledger, self.world.operator.address, hold, reason, approver.address)
        act = holds.write_release(self.ledger, message, self.world.operator, self.folder / f"release-{hold_id[2:10]}")
        submit(self.ledger, [load_response(act.files[0][2]), sign_request(load_request(act.files[1][2]), approver)])

    def open_recovery(self, lost: str, new: str, *, order: str = "", deed: int | None = None) -> str:
        message = recovery.start_message(
            self.ledger,
            self.world.operator.address,
            lost=self.key(lost).address,
            new=self.key(new).address,
            reason="lost phone",
            order=order,
            deed=deed,
        )
        recovery.start(self.ledger, self.world.operator, message)
        return str(message["recoveryId"])

    def approve(self, recovery_id: str, *names: str) -> list[int]:
        """Each named approver signs its request (as on its own machine), submitted one at a time."""
        case = recovery.find(self.ledger, recovery_id)
        wanted = {
            self.key(n).address.lower() if n != "operator" else self.world.operator.address.lower() for n in names
        }
        found = [r for r, _ in recovery.approval_requests(self.ledger, case) if r.signer.lower() in wanted]
        return [submit(self.ledger, self.sign_all([r])) for r in sorted(found, key=lambda r: r.message["step"])]


def snapshot(ledger: Any) -> tuple[Any, ...]:
    with ledger.engine.connect() as conn:
        rows = sorted(tuple(r) for r in conn.exec_driver_sql("SELECT kind, key, data FROM compliance"))
    return ledger.size(), ledger.merkle_root(), [(d.deed_id, d.holders, d.version) for d in ledger.deeds()], rows
