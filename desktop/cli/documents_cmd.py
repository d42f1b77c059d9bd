"""deedbook pdf transfer|title|notary|journal|valuation ... --out FILE, and deedbook verify-pdf FILE.

A document is proved against the ledger's latest checkpoint, which must cover
the entries it shows.  When it does not, the command says so and changes
nothing; `--checkpoint-key OPERATOR` lets it sign a new checkpoint first (the
operator's decision, so it takes the operator's key and password).  That policy,
the drawing and the writing are the workspace's (`Workspace.make_document`).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, Callable

from desktop.cli.context import CliContext, add_force, add_password_file, print_json, say
from desktop.cli.seal_cmd import add_seal_password_file, seal_signer
from core.wording import counted


if TYPE_CHECKING:
    from desktop.workspace import Document


def register(commands: Any) -> None:
    pdf = commands.add_parser("pdf", help="make a PDF document that anyone can verify offline")
    sub = pdf.add_subparsers(dest="pdf_command", metavar="DOCUMENT", required=True)

    transfer = sub.add_parser("transfer", help="transfer deed for a recorded Transfer entry")
    transfer.add_argument("index", type=int, metavar="INDEX", help="the Transfer entry's index")
    _common(transfer, _transfer)

    title = sub.add_parser("title", help="certificate of title: holders, liens and the full chain of title")
    title.add_argument("deed", metavar="DEED", help="deed number or parcel number")
    _common(title, _title)

    notary = sub.add_parser("notary", help="notary journal record of one Attestation entry")
    notary.add_argument("index", type=int, metavar="INDEX", help="the Attestation entry's index")
    notary.add_argument(
        "--jurisdiction",
        metavar="PROFILE",
        help="the certificate wording's profile: generic (default), california, pennsylvania, iowa",
    )
    notary.add_argument("--commission", metavar="NUMBER", help="the notary's commission number")
    notary.add_argument("--commission-expires", metavar="DATE", help="when the notary's commission expires")
    _common(notary, _notary)

    journal = sub.add_parser("journal", help="notary journal export: one row per act over a date range")
    journal.add_argument("--notary", metavar="ADDRESS", help="only this notary's acts (default: every notary)")
    journal.add_argument("--from", dest="date_from", metavar="DATE", help="first date of the acts (YYYY-MM-DD)")
    journal.add_argument("--to", dest="date_to", metavar="DATE", help="last date of the acts (YYYY-MM-DD)")
    _common(journal, _journal)

    valuation = sub.add_parser("valuation", help="valuation report: estimate, 90%% range, comparables, reasons")
    valuation.add_argument("deed", metavar="DEED", help="deed number or parcel number")
    _common(valuation, _valuation)

    verify = commands.add_parser(
        "verify-pdf",
        help="check a Deedbook PDF; needs no ledger (exit 0 genuine, 1 not genuine, 2 not a Deedbook document)",
    )
    verify.add_argument("file", metavar="FILE", help="the PDF to check")
    verify.add_argument("--policy", metavar="P", help="also require the cosignatures the policy file P asks for")
    verify.add_argument(
        "--strict",
        action="store_true",
        help="require the file byte for byte as Deedbook wrote it (a re-saved copy fails)",
    )
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=_verify_pdf)


def _common(parser: argparse.ArgumentParser, handler: Callable[[argparse.Namespace, CliContext], int]) -> None:
    parser.add_argument("--out", required=True, metavar="FILE", help="where to write the PDF")
    add_force(parser)
    parser.add_argument(
        "--paper",
        type=str.lower,
        choices=("a4", "letter"),
        help="paper size (default: the paper size in the settings, A4 unless changed)",
    )
    parser.add_argument(
        "--checkpoint-key",
        metavar="KEY",
        help="if no checkpoint covers the entries yet, sign one first with this operator key",
    )
    parser.add_argument(
        "--policy", metavar="P", help="issue it only if its checkpoint has the cosignatures the policy file P asks for"
    )
    parser.add_argument(
        "--recording-layout",
        action="store_true",
        help="recording-ready pages for a county recorder: US Letter, the top 2.5 inches of page 1 "
        "left for the recorder's stamp, 10-point type (transfer, title, notary)",
    )
    parser.add_argument(
        "--seal",
        metavar="CERT_NAME",
        help="seal it with the office's seal CERT_NAME (PAdES; 'deedbook seal cert new' makes one)",
    )
    add_seal_password_file(parser)
    add_password_file(parser)
    parser.set_defaults(handler=handler)


def _document() -> type[Document]:
    """The workspace's Document, imported when a command draws one (`deedbook gui` starts without it)."""
    from desktop.workspace import Document

    return Document


def _make(args: argparse.Namespace, ctx: CliContext, document: Document) -> int:
    """Draw and write the document (signing a checkpoint first if asked and needed); say what was written."""
    operator = ctx.signer(args.checkpoint_key, args.password_file) if args.checkpoint_key else None
    policy = ctx.ws.read_policy(args.policy) if args.policy else None
    seal = seal_signer(args.seal, args.seal_password_file) if args.seal else None
    done = ctx.ws.make_document(
        document,
        out=args.out,
        force=args.force,
        paper=args.paper,
        operator=operator,
        before_training=say,
        policy=policy,
        seal=seal,
        recording=args.recording_layout,
    )
    for index in done.receipt.of_kind("Checkpoint"):
        print(f"Signed checkpoint {index} over {index} entries.")  # a checkpoint covers every entry before it
    size = done.value.stat().st_size
    sealed = f", sealed with '{args.seal}'" if args.seal else ""
    print(
        f"Wrote the {document.describe()}{sealed} to {args.out} ({size / 1024:.0f} KB). Check it anywhere with: "
        f"deedbook verify-pdf {args.out}"
    )
    return 0


def _transfer(args: argparse.Namespace, ctx: CliContext) -> int:
    return _make(args, ctx, _document().transfer(args.index))


def _title(args: argparse.Namespace, ctx: CliContext) -> int:
    # With --checkpoint-key the certificate includes everything (a checkpoint is signed if needed);
    # without, it is as of the latest checkpoint, and says what that leaves out.
    complete = bool(args.checkpoint_key)
    code = _make(args, ctx, _document().title(args.deed, complete=complete))
    if not complete and (later := ctx.ws.entries_after_checkpoint(args.deed)):
        listed = ", ".join(str(i) for i in later[:5]) + (" ..." if len(later) > 5 else "")
        print(
            f"Note: the certificate is as of the latest checkpoint; {len(later)} later "
            f"entr{'y' if len(later) == 1 else 'ies'} about this deed ({listed}) will appear once the operator "
            "signs a new checkpoint (add --checkpoint-key OPERATOR to do it now).",
            file=sys.stderr,
        )
    return code


def _notary(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.documents.notary_wording import commission_facts

    commission = commission_facts(args.jurisdiction, args.commission, args.commission_expires)
    return _make(args, ctx, _document().notary_record(args.index, commission))


def _journal(args: argparse.Namespace, ctx: CliContext) -> int:
    return _make(args, ctx, _document().journal(args.notary, args.date_from, args.date_to))


def _valuation(args: argparse.Namespace, ctx: CliContext) -> int:
    return _make(args, ctx, _document().valuation(args.deed))  # values the deed (training a model if needed)


def _verify_pdf(args: argparse.Namespace, ctx: CliContext) -> int:
    policy = ctx.ws.read_policy(args.policy) if args.policy else None  # a bad policy is said before the PDF
    report, problem = ctx.ws.verify_document(args.file, strict=args.strict)
    if problem:
        problem += "; the document was checked alone."
    quorum = ctx.ws.pdf_quorum(args.file, policy) if policy is not None and report.ok else None
    if quorum is not None and not quorum.ok:
        report.ok, report.reason = False, f"The policy does not accept it: {quorum.reason}"
    if args.json:
        data = report.as_json()
        if problem:
            data["local_ledger"] = {"status": "unavailable", "notes": [problem], "problems": []}
        if quorum is not None:
            data["policy"] = quorum.as_json()
        print_json(data)
        return int(report.exit_code)
    _print_report(report, problem)
    if quorum is not None and quorum.ok:
        print(f"Policy:     accepted, cosigned by {', '.join(quorum.cosigned) or 'no witness it needs'}")
    return int(report.exit_code)


def _print_report(report: Any, problem: str | None) -> None:
    from core.dates import format_instant

    if report.ok and not report.resaved:
        print(f"GENUINE: this {report.document_name} is exactly the document its signed entries produce.")
    elif report.ok:
        print(
            f"GENUINE (re-saved): this {report.document_name} says and shows exactly what its signed entries "
            "produce, though its bytes were rewritten."
        )
    else:
        print(f"NOT GENUINE: {report.reason}")
        for line in report.differences[1:]:
            print(f"  - {line}")
    if report.ledger:
        cp = report.checkpoint
        print(f"Ledger:     \u201c{report.ledger['name']}\u201d {report.ledger['ledgerId']}")
        print(
            f"Checkpoint: {counted(cp['size'], 'entry')}, root {cp['root']}, signed {format_instant(cp['timestamp'])} "
            f"by the operator {cp['operator']} (compare it with an address you trust)"
        )
    if report.entries:
        print(f"Entries:    {len(report.entries)} signed, each proved in the checkpoint:")
        for e in report.entries[:20]:
            print(f"  {e['index']:>7}  {e['kind']:<13} {e['summary']}")
        if len(report.entries) > 20:
            print(f"  ... and {len(report.entries) - 20} more")
    if report.seal:
        print(f"Seal:       {report.seal.get('summary', '')}")
    for change in report.changes_after_seal:
        print(f"After seal: {change}")
    for note in [*report.notes, *report.unsigned]:
        print(f"Note:       {note}")
    if problem:
        print(f"Local:      {problem}")
    elif report.local is not None:
        for line in report.local.problems:
            print(f"Local:      PROBLEM: {line}")
        for line in report.local.notes:
            print(f"Local:      {line}")
