"""Rules that protect owners, as operations both front ends call: claims and their issuers, the ledger's
transfer rules and "can this transfer happen?", holds, and key recovery.

Everything that can be refused without a key (an unknown deed, an issuer not trusted
for the type, rules identical to those in force, a hold or recovery the ledger's
rules would refuse) is refused before the signer's password is asked for.  The rules
themselves are core.compliance's and core.kinds'.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Required, TypedDict, Unpack

from core.errors import DeedbookError
from desktop.workspace.base import WorkspaceBase
from desktop.workspace.receipt import Done, Receipt
from desktop.workspace.signers import Signer

if TYPE_CHECKING:
    from core.compliance.acts import PreparedAct
    from core.compliance.claims import ClaimView
    from core.compliance.judge import Verdict
    from core.compliance.recovery import RecoveryView
    from core.compliance.rules import RulesInForce
    from core.compliance.schema import RuleSet
    from core.compliance.state import Hold, Issuer, Recovery, RulesVersion


def _writable_folder(folder: Path) -> None:
    """A folder request files can be written to (made if missing); a sentence if not."""
    from core.outfiles import output_folder

    output_folder(folder)
    if not os.access(folder, os.W_OK):
        raise DeedbookError(f"The folder {folder} cannot be written to; choose another.")


class RecoveryCase(TypedDict, total=False):
    """A recovery as asked for (whose key was lost, the new one, why, under which order, of which deed, and when
    the approvers' requests expire): what `check_start_recovery` checks and `start_recovery` opens."""

    lost: Required[str]
    new: Required[str]
    reason: Required[str]
    order: str
    deed: str | int | None
    deadline: int | str | None


@dataclass(frozen=True)
class StartedRecovery:
    index: int  # the RecoveryStart entry
    recovery_id: str
    requests: list[Path]  # the approvers' request files written

    def as_json(self) -> dict[str, Any]:
        return {"index": self.index, "id": self.recovery_id, "requests": [str(p) for p in self.requests]}


class ComplianceOps(WorkspaceBase):
    # -- claims ----------------------------------------------------------------------------------------------
    def check_add_issuer(self, operator: Signer, address: str, types: str | list[str]) -> None:
        """What `add_issuer` would refuse without the key: the address, the types, a key not the operator's."""
        from core.compliance.claims import claim_types
        from core.signing import checksum_address, parse_address

        checksum_address(parse_address(address))
        claim_types(types)
        self.resolve_key(operator.key, must_be=self.ledger.identity.operator, what="Trusting a claim issuer")

    def add_issuer(self, operator: Signer, address: str, types: str | list[str]) -> Done[int]:
        ledger = self.ledger
        self.check_add_issuer(operator, address, types)  # said before the password
        key = self.unlock(operator, must_be=ledger.identity.operator, what="Trusting a claim issuer")
        from core.compliance.claims import add_issuer

        index = add_issuer(ledger, key, address, types)
        return Done(index, self.recorded([index]))

    def check_remove_issuer(self, address: str) -> None:
        """What `remove_issuer` would refuse without the key: an issuer not trusted now (removed meanwhile)."""
        from core.compliance.claims import check_removable

        check_removable(self.ledger, address)

    def remove_issuer(self, operator: Signer, address: str) -> Done[int]:
        """Stop trusting a claim issuer (its claims no longer satisfy any rule; trusting it again restores them)."""
        from core.compliance.claims import remove_issuer

        ledger = self.ledger
        self.check_remove_issuer(address)  # said before the password
        key = self.unlock(operator, must_be=ledger.identity.operator, what="Removing a claim issuer")
        index = remove_issuer(ledger, key, address)
        return Done(index, self.recorded([index]))

    def evidence_hash(self, path: str | os.PathLike[str]) -> Done[str]:
        """The hash a claim would record of this evidence file, read and checked as `issue_claim` reads it (the GUI
        reads it on choosing, so a file that is no evidence is said before anything is asked)."""
        from core.compliance.claims import evidence_hash

        return Done(evidence_hash(path), Receipt())

    def check_claim(
        self, issuer: Signer, subject: str, claim_type: str, *, value: str = "", expires: str | None = None
    ) -> None:
        """What `issue_claim` would refuse without the key (the evidence aside: it is read when chosen): the
        subject, type, value and expiry, and an issuer this ledger does not trust for that type."""
        from core.compliance.claims import check_issuer, claim_terms, expiry

        _, claim_type, _ = claim_terms(subject, claim_type, value)
        expiry(expires)
        check_issuer(self.ledger, self.resolve_key(issuer.key).address, claim_type)

    def issue_claim(
        self,
        issuer: Signer,
        subject: str,
        claim_type: str,
        *,
        evidence_file: str | os.PathLike[str],
        value: str = "",
        expires: str | None = None,
    ) -> Done[tuple[int, int]]:
        """Record a claim signed by the issuer's local key; (entry, claim number).  Only the evidence's hash is kept."""
        from core.compliance.claims import claim_terms, evidence_hash, expiry, issue_claim

        ledger = self.ledger
        self.check_claim(issuer, subject, claim_type, value=value, expires=expires)  # said before the password
        subject, claim_type, value = claim_terms(subject, claim_type, value)
        until = expiry(expires)
        evidence = evidence_hash(evidence_file)
        index, claim_id = issue_claim(ledger, self.unlock(issuer), subject, claim_type, value, until, evidence)
        return Done((index, claim_id), self.recorded([index]))

    def revoke_claim(self, issuer: Signer, claim_id: int) -> Done[int]:
        from core.compliance.claims import find_claim, revoke_claim

        ledger = self.ledger
        claim = find_claim(ledger, claim_id)
        if claim.revoked_index is not None:
            raise DeedbookError(f"Claim {claim_id} was revoked already (entry {claim.revoked_index}).")
        key = self.unlock(issuer, must_be=claim.issuer, what=f"Revoking claim {claim_id}")
        index = revoke_claim(ledger, key, claim)
        return Done(index, self.recorded([index]))

    def claims(self, subject: str | None = None) -> list[ClaimView]:
        from core.compliance.claims import list_claims

        return list_claims(self.ledger, subject)

    def issuers(self) -> list[Issuer]:
        from core.compliance.claims import list_issuers

        return list_issuers(self.ledger)

    # -- rules -----------------------------------------------------------------------------------------------
    def rules_in_force(self) -> RulesInForce:
        from core.compliance.rules import rules_now

        return rules_now(self.ledger)

    def rules_history(self) -> list[RulesVersion]:
        from core.compliance.rules import rules_history

        return rules_history(self.ledger)

    def read_rules(self, path: str | os.PathLike[str]) -> RuleSet:
        from core.compliance.rules import read_rules_file

        return read_rules_file(path)

    def rules_changes(self, rules: RuleSet) -> tuple[int, list[str]]:
        """(the version `rules` would be, what they change against those in force); refused if identical."""
        from core.compliance.rules import changes

        return changes(self.ledger, rules)

    def check_set_rules(self, operator: Signer, rules: RuleSet) -> None:
        """What `set_rules` would refuse without the key: rules identical to those in force (or another
        version recorded meanwhile), a key that is not the operator's."""
        self.rules_changes(rules)
        self.resolve_key(operator.key, must_be=self.ledger.identity.operator, what="The ledger's rules")

    def set_rules(self, operator: Signer, rules: RuleSet) -> Done[int]:
        from core.compliance.rules import set_rules

        ledger = self.ledger
        self.check_set_rules(operator, rules)  # before the password
        key = self.unlock(operator, must_be=ledger.identity.operator, what="The ledger's rules")
        index = set_rules(ledger, key, rules)
        return Done(index, self.recorded([index]))

    def can_transfer(self, deed: str | int, to: str, *, shares: int | None = None, frm: str | None = None) -> Verdict:
        from core.compliance.rules import can_transfer

        return can_transfer(self.ledger, deed, to, shares=shares, frm=frm)

    # -- holds -----------------------------------------------------------------------------------------------
    def prepare_hold(
        self,
        registrar: Signer,
        *,
        deed: str | int | None,
        holder: str | None,
        reason: str,
        order: str,
        out_dir: str | os.PathLike[str],
        approver: str | None = None,
        deadline: int | str | None = None,
    ) -> Done[PreparedAct]:
        """The registrar signs a hold here; the second approver's request (expiring at `deadline`,
        default in 14 days) is written beside it."""
        from core.compliance.holds import hold_message, write_hold

        ledger = self.ledger
        info = self.resolve_key(registrar.key)
        message = hold_message(
            ledger,
            info.address,
            deed=deed,
            holder=holder,
            reason=reason,
            order=order,
            approver=approver,
            deadline=deadline,
        )
        act = write_hold(ledger, message, self.unlock(registrar), out_dir)
        return Done(act, Receipt(files=tuple(path for _, _, path in act.files)))

    def prepare_hold_release(
        self,
        registrar: Signer,
        hold: str,
        *,
        reason: str,
        out_dir: str | os.PathLike[str],
        approver: str | None = None,
        deadline: int | str | None = None,
    ) -> Done[PreparedAct]:
        from core.compliance.holds import find_hold, release_message, write_release

        ledger = self.ledger
        info = self.resolve_key(registrar.key)
        message = release_message(ledger, info.address, find_hold(ledger, hold), reason, approver, deadline)
        act = write_release(ledger, message, self.unlock(registrar), out_dir)
        return Done(act, Receipt(files=tuple(path for _, _, path in act.files)))

    def holds(self) -> list[Hold]:
        from core.compliance.holds import list_holds

        return list_holds(self.ledger)

    # -- recovery ------------------------------------------------------------------------------------------------
    def check_start_recovery(self, registrar: Signer, **case: Unpack[RecoveryCase]) -> None:
        """What `start_recovery` would refuse without the key (the GUI asks between this and it): the deadline,
        the message and the ledger's rules (a dry run). The requests' folder is checked when it is made."""
        self._recovery_start(registrar, case, out_dir=None)

    def _recovery_start(
        self, registrar: Signer, case: RecoveryCase, *, out_dir: str | os.PathLike[str] | None
    ) -> tuple[int, dict[str, Any]]:
        from core.compliance import recovery
        from core.dates import deadline_at

        expires = deadline_at(case.get("deadline"), int(time.time()), recovery.APPROVAL_DEADLINE_DAYS)
        info = self.resolve_key(registrar.key)
        message = recovery.start_message(
            self.ledger,
            info.address,
            lost=case["lost"],
            new=case["new"],
            reason=case["reason"],
            order=case.get("order", ""),
            deed=case.get("deed"),
        )
        if out_dir is not None:
            _writable_folder(Path(out_dir))
        return expires, message

    def start_recovery(
        self, registrar: Signer, *, out_dir: str | os.PathLike[str] | None = None, **case: Unpack[RecoveryCase]
    ) -> Done[StartedRecovery]:
        """Open a recovery (a registrar's act, signed here) and write every approver's request to `out_dir`
        (expiring at `deadline`, default in 30 days)."""
        from core.compliance import recovery
        from core.compliance.acts import write_files

        ledger = self.ledger
        made_folder = out_dir is not None and not os.path.lexists(out_dir)
        # what would be refused, before the password and the entry
        expires, message = self._recovery_start(registrar, case, out_dir=out_dir)
        key = self.unlock(registrar)
        paths: list[Path] = []
        try:  # the requests before the entry: a full disk refuses the recovery, it does not leave it open without them
            if out_dir is not None:
                paths = write_files(recovery.start_requests(ledger, message, expires), out_dir)
            index = recovery.start(ledger, key, message)
        except BaseException:
            for path in paths:
                path.unlink(missing_ok=True)
            if made_folder and out_dir is not None:
                with contextlib.suppress(OSError):  # only if empty: what else is there stays
                    Path(out_dir).rmdir()
            raise
        receipt = self.recorded([index]) | Receipt(files=tuple(paths))
        return Done(StartedRecovery(index, message["recoveryId"], paths), receipt)

    def recovery_requests(
        self, reference: str, out_dir: str | os.PathLike[str], deadline: int | str | None = None
    ) -> Done[list[Path]]:
        """Write the requests of the approvals still missing (again, or to another folder), fresh ones
        expiring at `deadline` (default in 30 days)."""
        from core.compliance import recovery

        ledger = self.ledger
        found = recovery.find(ledger, reference)
        paths = [Path(p) for p in recovery.write_approval_requests(ledger, found, out_dir, deadline)]
        return Done(paths, Receipt(files=tuple(paths)))

    def objection_request(self, reference: str, out_dir: str | os.PathLike[str]) -> Done[Path]:
        """The request the key called lost signs to object, written to `out_dir`."""
        from core.compliance import recovery
        from core.compliance.acts import write_files

        ledger = self.ledger
        [path] = write_files([recovery.objection_request(ledger, recovery.find(ledger, reference))], out_dir)
        return Done(path, Receipt(files=(path,)))

    def check_complete_recovery(self, registrar: Signer, reference: str) -> tuple["Recovery", list[int]]:
        """What `complete_recovery` would refuse without the key (an approval missing, the waiting period not
        over, a key that is no registrar): the recovery and the deeds it would move."""
        from core.compliance import recovery

        info = self.resolve_key(registrar.key)
        case = recovery.find(self.ledger, reference)
        return case, recovery.check_complete(self.ledger, info.address, case)

    def complete_recovery(self, registrar: Signer, reference: str) -> Done[list[int]]:
        """Move the lost key's shares (one entry per deed) once every approval and the waiting period are in."""
        from core.compliance import recovery

        ledger = self.ledger
        case, deeds = self.check_complete_recovery(registrar, reference)  # before the password
        indexes = recovery.complete(ledger, self.unlock(registrar), case, deeds)
        return Done(indexes, self.recorded(indexes))

    def recovery_status(self, reference: str | None = None) -> list[RecoveryView]:
        from core.compliance import recovery

        return recovery.status(self.ledger, reference)
