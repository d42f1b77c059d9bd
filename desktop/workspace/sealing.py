"""The office's document seal: made and bound to the ledger, listed, and applied to a document.

Both front ends call these (docs/documents.md, "Seals"); the key and certificate are core's
(core/seals.py), the PAdES signature the documents layer's (desktop/documents/seal.py).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from core.errors import DeedbookError, NotFound
from desktop.workspace.base import WorkspaceBase
from desktop.workspace.receipt import Done, Receipt
from desktop.workspace.signers import Signer

if TYPE_CHECKING:
    from core.seals import SealInfo, SealStore


class SealOps(WorkspaceBase):
    @property
    def seals(self) -> "SealStore":
        from core.seals import SealStore

        return SealStore(self.home.root / "seals")

    def check_new_seal(self, name: str) -> None:
        """Whether a seal `name` can be made here: checked before any password is asked (the GUI) or the
        operator's key unlocked, so a bad or taken name is one sentence."""
        from core.seals import check_name

        check_name(name)
        if name in self.seals.names():
            raise DeedbookError(f"A seal named '{name}' already exists in this data folder.")

    def new_seal(self, operator: Signer, name: str, seal_password: Signer) -> Done["SealInfo"]:
        """Make seal `name` (key + self-signed certificate), bind it by the operator's SealCertificate entry and
        sign a checkpoint over that entry, so documents sealed from now on carry a proof of the binding."""
        from core.checkpoints import make_checkpoint
        from core.seals import bind_seal, seal_info

        ledger = self.ledger
        self.check_new_seal(name)
        key = self.unlock(operator, must_be=ledger.identity.operator, what="A document seal's binding to the ledger")
        cert = self.seals.create(
            name, seal_password.secret(), office=ledger.identity.name, operator=key.address, now=int(time.time())
        )
        index = bind_seal(ledger, key, name, cert)
        checkpoint = make_checkpoint(ledger, key)
        receipt = self.recorded([index]) | Receipt(entries=(checkpoint.index,), kinds=(checkpoint.kind,))
        return Done(seal_info(self.seals, ledger, name), receipt)

    def seal_list(self) -> list["SealInfo"]:
        from core.seals import seal_info

        ledger = self.ledger if self.ledger_may_exist() else None
        return [seal_info(self.seals, ledger, name) for name in self.seals.names()]

    def seal_document(self, data: bytes, seal: Signer) -> bytes:
        """`data` (a document just drawn) sealed with the seal `seal.key`, whose password `seal` gives."""
        from core.proofs import build_proof
        from core.seals import binding
        from desktop.documents.seal import seal_pdf

        ledger = self.ledger
        cert = self.seals.certificate(seal.key)
        bound = binding(ledger, cert)
        if bound is None:
            raise NotFound(f"The seal '{seal.key}' is not bound to this ledger: make it with 'seal cert new'.")
        proof = build_proof(ledger, bound.index)  # a checkpoint must cover the binding (seal cert new signs one)
        proof.pop("typedData", None)  # the verifier rebuilds it from the entry
        key = self.seals.unlock(seal.key, seal.secret())
        return seal_pdf(data, cert, key, proof, office=ledger.identity.name)
