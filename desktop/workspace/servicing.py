"""Servicing fractional owners, as operations both front ends call: distributions (preview, record, statements)
and holders' votes (propose, ballot requests, record signed ballots, tally).

What can be refused without a key (an unknown deed, a record date that is not a
checkpoint, a key that is not a registrar's, a taken file name) is refused before the
password is asked for.  The rules are core's (core/servicing, core/kinds/distribution.py,
core/kinds/vote.py).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import DeedbookError
from desktop.workspace.model import Cancel, Fraction
from desktop.workspace.receipt import Done, Receipt
from desktop.workspace.records import RecordOps
from desktop.workspace.signers import Signer

if TYPE_CHECKING:
    from core.ledger import RecordedEntry
    from core.requests import SigningRequest
    from core.servicing.distributions import Preview, Snapshot
    from core.servicing.tally import Tally


def statement_name(distribution_id: int, holder: str) -> str:
    return f"statement-{distribution_id}-{holder[2:10].lower()}.pdf"


class ServicingOps(RecordOps):
    def _registrar(self, signer: Signer, what: str) -> None:
        info = self.resolve_key(signer.key)
        if info.address.lower() not in {r.lower() for r in self.ledger.registrars()}:
            raise DeedbookError(
                f"{what} is a registrar's act, and the key '{info.name}' ({info.address}) is not a "
                "registrar of this ledger."
            )

    # -- record dates --------------------------------------------------------------------------------------
    def snapshot(self, deed: str | int, checkpoint: int | None = None) -> Snapshot:
        """Who held how many shares of `deed` at a record date (a checkpoint; default the latest)."""
        from core.servicing.distributions import snapshot

        return snapshot(self.ledger, deed, checkpoint)

    def checkpoints(self) -> list[RecordedEntry]:
        return self.ledger.entries(kind="Checkpoint")

    # -- distributions -------------------------------------------------------------------------------------
    def distribution_preview(
        self, deed: str | int, amount: str | int, currency: str, *, checkpoint: int | None = None, purpose: str = ""
    ) -> Preview:
        from core.servicing.distributions import preview

        return preview(self.ledger, deed, amount, currency, checkpoint=checkpoint, purpose=purpose)

    def check_distribution(self, registrar: Signer) -> None:
        """What `record_distribution` would refuse without the key, beyond its preview: a key that is no registrar."""
        self._registrar(registrar, "A distribution")

    def record_distribution(self, registrar: Signer, plan: Preview) -> Done[int]:
        """Sign and record a previewed distribution; its entry index."""
        from core.servicing.distributions import record_distribution

        self.check_distribution(registrar)
        index = record_distribution(self.ledger, self.unlock(registrar), plan)
        return Done(index, self.recorded([index]))

    def distributions(self, deed: str | int | None = None) -> list[RecordedEntry]:
        from core.servicing.distributions import distributions

        return distributions(self.ledger, deed)

    def distribution(self, distribution_id: int) -> RecordedEntry:
        from core.servicing.distributions import find_distribution

        return find_distribution(self.ledger, distribution_id)

    def _statement_bytes(
        self, distribution_id: int, holder: str, paper: str, operator: Signer | None
    ) -> tuple[bytes, Receipt]:
        from core.documents.evidence import NotCheckpointed
        from desktop.documents.statement import build_statement_pdf

        try:
            return build_statement_pdf(self.ledger, distribution_id, holder, paper), Receipt()
        except NotCheckpointed:
            if operator is None:
                raise
            receipt = self.checkpoint(operator).receipt
            return build_statement_pdf(self.ledger, distribution_id, holder, paper), receipt

    def write_statement(
        self,
        distribution_id: int,
        holder: str,
        out: str | os.PathLike[str],
        *,
        force: bool = False,
        paper: str = "A4",
        operator: Signer | None = None,
    ) -> Done[Path]:
        """One holder's statement PDF.  The distribution must be covered by a checkpoint; with the operator's
        `Signer` one is signed first when it is not."""
        from core.outfiles import check_output
        from core.servicing.distributions import find_distribution, payout_of
        from core.signing import checksum_address, parse_address

        holder = checksum_address(parse_address(holder))
        check_output(out, force=force)
        payout_of(find_distribution(self.ledger, distribution_id), holder)  # said before any checkpoint
        data, receipt = self._statement_bytes(distribution_id, holder, paper, operator)
        written = self.write_file(out, data, force=force)
        return Done(written.value, receipt | written.receipt)

    def write_statements(
        self,
        distribution_id: int,
        folder: str | os.PathLike[str],
        *,
        paper: str = "A4",
        operator: Signer | None = None,
        progress: Fraction | None = None,
        should_cancel: Cancel | None = None,
    ) -> Done[list[Path]]:
        """Every holder's statement, as statement-<id>-<address>.pdf in `folder`; a taken name is refused before any
        is drawn.  Cancelling keeps the statements already written (each one is whole)."""
        from core.outfiles import check_output
        from core.servicing.distributions import find_distribution

        entry = find_distribution(self.ledger, distribution_id)
        holders = [str(p["holder"]) for p in entry.message["payouts"]]
        targets = [Path(folder) / statement_name(distribution_id, h) for h in holders]
        for target in targets:
            check_output(target, make_folder=True)
        written: list[Path] = []
        receipt = Receipt()
        for number, (holder, target) in enumerate(zip(holders, targets, strict=True)):
            if should_cancel is not None and should_cancel():
                break
            data, signed = self._statement_bytes(distribution_id, holder, paper, operator)
            done = self.write_file(target, data, make_folder=True)
            written.append(done.value)
            receipt = receipt | signed | done.receipt
            if progress is not None:
                progress((number + 1) / len(holders), f"Statement {number + 1} of {len(holders)}")
        return Done(written, receipt)

    # -- votes ---------------------------------------------------------------------------------------------
    def check_proposal(
        self,
        registrar: Signer,
        deed: str | int,
        text: str,
        threshold: str | float,
        closes: str,
        *,
        checkpoint: int | None = None,
    ) -> None:
        """What `propose` would refuse without the key (the GUI asks between the two): the question, the
        threshold, the close, the deed at the record date, a key that is no registrar."""
        self._proposal(registrar, deed, text, threshold, closes, checkpoint)

    def _proposal(
        self,
        registrar: Signer,
        deed: str | int,
        text: str,
        threshold: str | float,
        closes: str,
        checkpoint: int | None,
    ) -> tuple[Snapshot, str, int, int]:
        from core.servicing.distributions import snapshot
        from core.servicing.votes import check_text, closing_time, threshold_bps

        body, bps, until = check_text(text), threshold_bps(threshold), closing_time(closes, int(time.time()))
        snap = snapshot(self.ledger, deed, checkpoint)
        self._registrar(registrar, "A proposal")
        return snap, body, bps, until

    def propose(
        self,
        registrar: Signer,
        deed: str | int,
        text: str,
        threshold: str | float,
        closes: str,
        *,
        checkpoint: int | None = None,
    ) -> Done[int]:
        """Put a question to the holders of `deed` at the record date; the proposal's number."""
        from core.servicing.votes import propose

        snap, body, bps, until = self._proposal(registrar, deed, text, threshold, closes, checkpoint)
        index = propose(self.ledger, self.unlock(registrar), snap, body, bps, until)
        return Done(int(self.ledger.entry(index).message["proposalId"]), self.recorded([index]))

    def proposals(self) -> list[RecordedEntry]:
        from core.servicing.votes import proposals

        return proposals(self.ledger)

    def proposal(self, proposal_id: int) -> RecordedEntry:
        from core.servicing.votes import find_proposal

        return find_proposal(self.ledger, proposal_id)

    def ballot_requests(
        self, proposal_id: int, out_dir: str | os.PathLike[str], holder: str | None = None
    ) -> Done[list[Path]]:
        """The ballot requests of every holder at the record date (or one): one file per choice."""
        from core.servicing.votes import ballot_requests

        paths = ballot_requests(self.ledger, proposal_id, Path(out_dir), holder)
        return Done(paths, Receipt(files=tuple(paths)))

    def check_ballots(self, responses: list[SigningRequest]) -> list[SigningRequest]:
        """Refuse, in one sentence, any file that is not a signed ballot this ledger would record now; records
        nothing (the GUI asks between this and `record_ballots`)."""
        for response in responses:
            if response.kind != "Ballot":
                raise DeedbookError(f"That file is a signed {response.kind}, not a ballot.")
        for response in responses:  # every ballot checked against the ledger first: a bad file records none
            self.check_transfer([response])
        return responses

    def record_ballots(self, responses: list[SigningRequest]) -> Done[list[int]]:
        """Record signed ballots, each its own entry, in order.  Each is checked before any is recorded; a refusal
        found only while recording (two ballots of one holder in the batch) stops there, earlier ones stay."""
        self.check_ballots(responses)
        indexes: list[int] = []
        receipt = Receipt()
        for response in responses:
            done = self.submit([response])
            indexes.append(done.value)
            receipt = receipt | done.receipt
        return Done(indexes, receipt)

    def tally(self, proposal_id: int) -> Tally:
        from core.servicing.votes import tally_of

        return tally_of(self.ledger, proposal_id)
