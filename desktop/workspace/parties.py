"""Parties who sign on their own machines: the agency's requests and submit, the notary's desk and journal.

The agency side needs the ledger (prepare a lien, release or attestation request;
submit any signed responses).  The notary side needs none: an attestation
request carries its own evidence, and the notary's journal is a file in the
notary's data folder (core.notary_journal).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from desktop.workspace.base import WorkspaceBase
from desktop.workspace.receipt import Done, Receipt
from desktop.workspace.signers import Signer

if TYPE_CHECKING:
    from core.attestation_requests import EvidenceReport
    from core.jurisdictions import JournalFields
    from core.notary_journal import JournalCheck, JournalRow, NotaryJournal
    from core.party_requests import PreparedRequest
    from core.requests import SigningRequest


@dataclass(frozen=True)
class Attested:
    """A signed attestation: the response file for the agency and the notary's own journal row."""

    response: "SigningRequest"
    path: Path
    row: "JournalRow"


class PartyOps(WorkspaceBase):
    # -- the agency: requests for other parties, and submit --------------------------------------------
    def prepare_lien_request(
        self,
        deed: str | int,
        holder: str,
        amount: int | str,
        kind: str,
        currency: str = "USD",
        *,
        out_dir: str | os.PathLike[str] | None = None,
    ) -> Done["PreparedRequest"]:
        from core.party_requests import prepare_lien

        prepared = prepare_lien(self.ledger, deed, holder, amount, kind, currency, out_dir=out_dir)
        return Done(prepared, Receipt(files=(prepared.path,) if prepared.path else ()))

    def prepare_release_request(
        self, lien_id: int, *, out_dir: str | os.PathLike[str] | None = None
    ) -> Done["PreparedRequest"]:
        from core.party_requests import prepare_release

        prepared = prepare_release(self.ledger, lien_id, out_dir=out_dir)
        return Done(prepared, Receipt(files=(prepared.path,) if prepared.path else ()))

    def prepare_attestation_request(
        self, index: int, notary: str, *, act: str, place: str = "", out_dir: str | os.PathLike[str] | None = None
    ) -> Done["PreparedRequest"]:
        from core.attestation_requests import attestation_request
        from core.party_requests import PreparedRequest, write_request

        request = attestation_request(self.ledger, index, notary, act=act, place=place)
        path = write_request(request, out_dir) if out_dir is not None else None
        return Done(PreparedRequest(request, path), Receipt(files=(path,) if path else ()))

    def check_responses(self, responses: Sequence["SigningRequest"]) -> int:
        """How many entries the responses make, each checked against the ledger as it is; nothing is written."""
        from core.party_requests import check_responses

        return len(check_responses(self.ledger, responses))

    def submit_responses(
        self, responses: Sequence["SigningRequest"], *, should_cancel: Callable[[], bool] | None = None
    ) -> Done[list[int]]:
        """Record every transaction the responses make (any kinds), all or none."""
        from core.party_requests import submit_responses

        indexes = submit_responses(self.ledger, responses, should_cancel=should_cancel)
        return Done(indexes, self.recorded(indexes))

    # -- the notary's machine (no ledger needed) ----------------------------------------------------------
    @property
    def notary_journal(self) -> "NotaryJournal":
        from core.notary_journal import NotaryJournal

        return NotaryJournal(self.home.root)

    def has_notary_journal(self) -> bool:
        return self.notary_journal.exists

    def check_attestation_request(self, request: "SigningRequest") -> "EvidenceReport":
        from core.attestation_requests import check_evidence

        return check_evidence(request)

    def attest_request(
        self,
        request: "SigningRequest",
        notary: Signer,
        *,
        profile: str,
        fields: "JournalFields",
        out: str | os.PathLike[str],
        force: bool = False,
        waiting: Callable[[str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Done[Attested]:
        """Check the evidence and the profile's fields, sign the attestation, write the response, journal the act.

        Everything that can be refused without the key is refused before the password is asked.  `waiting` is
        told when another process is writing in the journal (the append waits for it: NotaryJournal.append), and
        `cancelled` may end that wait: then nothing is journaled and the response written is taken back."""
        from core.attestation_requests import check_evidence, complete_attestation
        from core.errors import DeedbookError
        from core.jurisdictions import profile as profile_named
        from core.notary_journal import act_of
        from core.outfiles import check_output
        from core.requests import sign_request, write_json

        chosen = profile_named(profile)
        report = check_evidence(request)
        failed = report.first_failure
        if failed is not None:
            raise DeedbookError(
                f"The request does not check ({failed.label.lower()}: {failed.detail}); nothing was signed."
            )
        chosen.check(fields, real_property=bool(request.message["deedId"]))
        check_output(out, force=force)
        self.resolve_key(notary.key, must_be=request.signer, what="This request")
        journal = self.notary_journal
        state = journal.verify()
        if not state.ok:
            raise DeedbookError(f"The notary's journal is damaged ({state.reason}); nothing was signed.")
        key = self.unlock(notary, must_be=request.signer, what="This request")
        first = fields.signers[0] if fields.signers else None
        ident = first.id if first is not None else None
        id_kind = ident.type if ident is not None else ("credible witness" if fields.witnesses else "")
        completed = complete_attestation(
            request, key, id_kind=id_kind, id_number=ident.number if ident is not None and ident.number else None
        )
        response = sign_request(completed, key)
        path = write_json(out, response.as_json(), overwrite=force)
        try:
            row = journal.append(
                key,
                row_type="act",
                profile=chosen,
                act=act_of(response),
                fields=fields,
                waiting=waiting,
                cancelled=cancelled,
            )
        except BaseException:
            path.unlink(missing_ok=True)  # no response leaves without its journal row
            raise
        return Done(Attested(response, path, row), Receipt(files=(path, journal.path)))

    def refuse_request(
        self,
        request: "SigningRequest",
        notary: Signer,
        *,
        profile: str,
        reason: str,
        waiting: Callable[[str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Done["JournalRow"]:
        """Journal a refused request (Iowa requires it; any notary may): a row, never a signature."""
        from core.errors import DeedbookError
        from core.jurisdictions import profile as profile_named

        chosen = profile_named(profile)
        if not reason.strip():
            raise DeedbookError("Say why the request is refused; the journal keeps the reason.")
        key = self.unlock(notary, must_be=request.signer, what="This request")
        m = request.message
        act = {
            "ledgerId": request.ledger_id,
            "ledgerName": request.ledger_name,
            "entryIndex": m.get("entryIndex"),
            "entryKind": m.get("entryKind"),
            "deedId": m.get("deedId"),
            "act": m.get("act"),
            "digest": "0x" + request.digest.hex(),
        }
        row = self.notary_journal.append(
            key, row_type="refusal", profile=chosen, act=act, reason=reason, waiting=waiting, cancelled=cancelled
        )
        return Done(row, Receipt(files=(self.notary_journal.path,)))

    def amend_journal(
        self,
        notary: Signer,
        *,
        ref: int,
        row_type: str,
        reason: str,
        fields: "JournalFields | None" = None,
        waiting: Callable[[str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Done["JournalRow"]:
        """A correction or a void of an earlier row: a new row naming it (nothing is edited)."""
        from core.errors import DeedbookError
        from core.jurisdictions import profile as profile_named

        if row_type not in ("correction", "void"):
            raise DeedbookError("A journal row is amended by a correction or a void.")
        if not reason.strip():
            raise DeedbookError("Say why; the journal keeps the reason.")
        rows = self.notary_journal.rows()
        if not 0 <= ref < len(rows):
            raise DeedbookError(f"There is no journal row {ref} (the journal has {len(rows)}).")
        chosen = profile_named(str(rows[ref].data.get("profile", "generic")))
        key = self.unlock(notary)
        row = self.notary_journal.append(
            key,
            row_type=row_type,
            profile=chosen,
            ref=ref,
            reason=reason,
            fields=fields,
            waiting=waiting,
            cancelled=cancelled,
        )
        return Done(row, Receipt(files=(self.notary_journal.path,)))

    def journal_rows(self, date_from: str | None = None, date_to: str | None = None) -> list["JournalRow"]:
        from core.dates import optional_date
        from core.errors import DeedbookError
        from core.notary_journal import in_period

        start, end = optional_date(date_from, "start date"), optional_date(date_to, "final date")
        if start and end and start > end:
            raise DeedbookError("The start date is after the end date.")
        return in_period(self.notary_journal.rows(), start, end)

    def verify_notary_journal(self) -> "JournalCheck":
        from core.errors import DeedbookError

        journal = self.notary_journal
        if not journal.exists:
            raise DeedbookError(f"There is no notary's journal in {self.home.root}.")
        return journal.verify()

    def reveal_journal_row(self, notary: Signer, seq: int) -> dict[str, str]:
        """The identity numbers sealed in row `seq`, opened with the notary's key (never written anywhere)."""
        from core.errors import DeedbookError

        rows = self.notary_journal.rows()
        if not 0 <= seq < len(rows):
            raise DeedbookError(f"There is no journal row {seq}.")
        return self.notary_journal.reveal(self.unlock(notary), rows[seq])

    def export_journal_pdf(
        self,
        out: str | os.PathLike[str],
        date_from: str | None = None,
        date_to: str | None = None,
        *,
        force: bool = False,
    ) -> Done[Path]:
        """The notary's own journal (the rows in the period) as a PDF, with the result of its check."""
        from core.errors import DeedbookError
        from desktop.documents.own_journal import build_own_journal_pdf

        rows = self.journal_rows(date_from, date_to)
        if not rows:
            raise DeedbookError("The notary's journal has no rows in that period: there is nothing to export.")
        check = self.verify_notary_journal()
        # the period as chosen (days on this machine's calendar); with no bound, the PDF names its rows' days
        period = f"{date_from or rows[0].day()} to {date_to or rows[-1].day()}" if date_from or date_to else ""
        pdf = build_own_journal_pdf(rows, check, notary=str(rows[0].data["notary"]), period=period)
        return self.write_file(out, pdf, force=force)

    def export_journal_csv(
        self,
        out: str | os.PathLike[str],
        date_from: str | None = None,
        date_to: str | None = None,
        *,
        force: bool = False,
    ) -> Done[Path]:
        """The rows in the period as a spreadsheet-safe CSV (sealed numbers stay out of it)."""
        from core.notary_journal import CSV_COLUMNS, csv_rows
        from core.csvexport import write_csv

        path = write_csv(out, CSV_COLUMNS, csv_rows(self.journal_rows(date_from, date_to)), force=force)
        return Done(path, Receipt(files=(path,)))
