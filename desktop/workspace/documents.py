"""Documents: which one, drawn by one function, written whole, with the checkpoint policy.

A document is proved against the ledger's latest checkpoint, which must cover
the entries it shows.  When it does not, `make_document` raises `NotCheckpointed`
unless the caller brought the operator's key (the command line's
--checkpoint-key, the GUI's answer to "sign a checkpoint now?"): then it signs a
checkpoint and draws again.  `draw` is the one place that calls the builders of
the documents layer (desktop.documents).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from core.errors import DeedbookError
from desktop.workspace.model import Cancel, Fraction, ModelOps, Valued
from desktop.workspace.receipt import Done, Receipt
from desktop.workspace.records import RecordOps
from desktop.workspace.signers import Signer

if TYPE_CHECKING:
    from desktop.documents.verify import PdfReport
    from core.policy import Policy


@dataclass(frozen=True)
class Document:
    """What to draw: a kind and what it is about (build one with the class methods)."""

    kind: str
    subject: int | str | None = None  # an entry index (transfer, notary) or a deed (title, valuation)
    complete: bool = True  # title: every entry so far (else as of the latest checkpoint)
    notary: str | None = None  # journal: one notary's acts (None: every notary's)
    date_from: date | str | None = None
    date_to: date | str | None = None
    valued: Valued | None = None  # valuation: an estimate already made (else made now)
    commission: dict[str, str] | None = None  # notary: jurisdiction profile, commission number and expiry

    @classmethod
    def transfer(cls, index: int) -> "Document":
        return cls("transfer", index)

    @classmethod
    def title(cls, deed: int | str, *, complete: bool = True) -> "Document":
        return cls("title", deed, complete=complete)

    @classmethod
    def notary_record(cls, index: int, commission: dict[str, str] | None = None) -> "Document":
        return cls("notary", index, commission=commission or None)

    @classmethod
    def journal(
        cls, notary: str | None = None, date_from: date | str | None = None, date_to: date | str | None = None
    ) -> "Document":
        return cls("journal", None, notary=notary, date_from=date_from, date_to=date_to)

    @classmethod
    def valuation(cls, deed: int | str, valued: Valued | None = None) -> "Document":
        return cls("valuation", deed, valued=valued)

    def describe(self) -> str:
        """What was written, for a sentence ("the transfer deed of entry 12")."""
        return {
            "transfer": f"transfer deed of entry {self.subject}",
            "title": f"certificate of title of deed {self.subject}",
            "notary": f"notary journal record of entry {self.subject}",
            "journal": "notary journal",
            "valuation": f"valuation report of deed {self.subject}",
        }[self.kind]

    def stem(self) -> str:
        """The start of its file name in the data folder's documents."""
        return {
            "transfer": f"transfer-entry{self.subject}",
            "title": f"title-deed{self.subject}",
            "notary": f"notary-record-entry{self.subject}",
            "journal": "notary-journal",
            "valuation": f"valuation-deed{self.subject}",
        }[self.kind]


def _index(document: Document) -> int:
    if not isinstance(document.subject, int):
        raise TypeError(f"a {document.kind} document is about an entry index, not {document.subject!r}")
    return document.subject


class DocumentOps(ModelOps, RecordOps):
    def paper(self, paper: str | None = None) -> str:
        """ "A4" or "Letter": as asked, else the settings' paper size."""
        if paper is None:
            return self.settings.paper_size
        return "Letter" if paper.lower() == "letter" else "A4"

    def draw(self, document: Document, paper: str, *, recording: bool = False) -> bytes:
        """The PDF bytes of `document` (a valuation report needs its `valued`): the one call into the builders.
        `recording`: on recording-ready pages (transfer deeds, certificates of title and notary records only)."""
        from desktop import documents

        ledger = self.ledger
        if document.kind == "transfer":
            return bytes(documents.build_transfer_pdf(ledger, _index(document), paper=paper, recording=recording))
        if document.kind == "title":
            return bytes(
                documents.build_title_pdf(
                    ledger, str(document.subject), paper=paper, complete=document.complete, recording=recording
                )
            )
        if document.kind == "notary":
            return bytes(
                documents.build_notary_record_pdf(
                    ledger, _index(document), paper=paper, recording=recording, commission=document.commission
                )
            )
        if document.kind == "journal":
            return bytes(
                documents.build_journal_pdf(ledger, document.notary, document.date_from, document.date_to, paper=paper)
            )
        if document.kind == "valuation" and document.valued is not None:
            valued = document.valued
            from desktop.documents.valuation_data import ModelCard

            card = ModelCard.from_card(valued.card)
            return bytes(
                documents.build_valuation_pdf(ledger, valued.deed.deed_id, valued.valuation, card, paper=paper)
            )
        raise ValueError(f"not a document Deedbook draws: {document.kind}")

    def make_document(
        self,
        document: Document,
        *,
        out: str | os.PathLike[str] | None = None,
        force: bool = False,
        paper: str | None = None,
        operator: Signer | None = None,
        progress: Fraction | None = None,
        should_cancel: Cancel | None = None,
        before_training: Callable[[str], None] | None = None,
        policy: "Policy | None" = None,
        seal: Signer | None = None,
        recording: bool = False,
    ) -> Done[Path]:
        """Draw `document` and write it to `out` (default: a new file in the data folder's documents).

        Entries newer than the latest checkpoint raise `NotCheckpointed`, unless
        `operator` is given: then a checkpoint is signed and the document drawn
        again.  A valuation report made without an estimate values the deed first
        (training a model if there is none).  With a `policy`, the checkpoint the document
        is proved against must carry its quorum of cosignatures.  Nothing is written if
        anything fails.  With `seal` (a seal's name and password), the office's PAdES seal is applied."""
        from core.documents.evidence import NotCheckpointed
        from core.outfiles import check_output

        ledger = self.ledger
        if out is None:
            folder, make_folder, force = self.home.documents, True, True  # the data folder's own documents
            out = folder / f"{document.stem()}-{time.strftime('%Y%m%d-%H%M%S')}.pdf"
        else:
            make_folder = False
        check_output(out, force=force, make_folder=make_folder)  # a taken name is said before any work
        if recording and document.kind not in ("transfer", "title", "notary"):
            raise DeedbookError(
                f"The recording layout is for documents a county recorder records (transfer deeds, "
                f"certificates of title, notary records), not a {document.describe()}."
            )
        receipt = Receipt()
        if document.kind == "valuation" and document.valued is None:
            done = self.value_deed(str(document.subject), progress, should_cancel, before_training=before_training)
            document, receipt = Document.valuation(str(document.subject), done.value), done.receipt
        elif document.kind in ("title", "valuation"):
            ledger.resolve_deed(str(document.subject))  # an unknown deed is said before any checkpoint
        sheet = self.paper(paper)
        try:
            data = self.draw(document, sheet, recording=recording)
        except NotCheckpointed:
            if operator is None:
                raise
            if policy is not None:  # a checkpoint signed now has no cosignatures: it could not meet the policy
                raise DeedbookError(
                    "The document needs a newer checkpoint, which must be cosigned before a document "
                    "is issued under this policy: sign one, have the witnesses cosign it, then issue "
                    "the document; nothing was signed."
                ) from None
            receipt = receipt | self.checkpoint(operator).receipt
            data = self.draw(document, sheet, recording=recording)
        if policy is not None:  # issued under a policy: its checkpoint must carry the quorum's cosignatures
            from desktop.workspace.witnessing import record_quorum

            quorum = record_quorum(data, policy)
            if not quorum.ok:
                raise DeedbookError(
                    f"{(quorum.reason or '').rstrip('.')}: the {document.describe()} was not "
                    "written; have the witnesses cosign the latest checkpoint first."
                )
        if seal is not None:
            data = self.seal_document(data, seal)  # type: ignore[attr-defined]  # SealOps, on the same Workspace
        written = self.write_file(out, data, force=force, make_folder=make_folder)
        return Done(written.value, receipt | written.receipt)

    def entries_after_checkpoint(self, deed: int | str) -> list[int]:
        """Entries about `deed` newer than the latest checkpoint (a certificate as of it leaves them out)."""
        from desktop.documents.title import uncovered_entries

        return uncovered_entries(self.ledger, deed)

    def verify_document(
        self, path: str | os.PathLike[str] | bytes, *, strict: bool = False
    ) -> "tuple[PdfReport, str | None]":
        """Check a PDF alone and, when this folder holds a ledger, against it; the second value says
        why the local ledger could not be used, if it could not.  `strict`: byte for byte only."""
        from desktop.documents import verify_pdf

        ledger, problem = self.local_ledger()
        return verify_pdf(path, ledger, strict=strict), problem
