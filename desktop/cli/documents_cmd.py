"""deedbook pdf transfer|title|notary|journal|valuation ... --out FILE, and deedbook verify-pdf FILE.

A document is proved against the ledger's latest checkpoint, which must cover
the entries it shows.  When it does not, the command says so and changes
nothing; `--checkpoint-key OPERATOR` lets it sign a new checkpoint first (the
operator's decision, so it takes the operator's key and password).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable

from core.errors import DeedbookError, NotFound
from desktop.cli.context import CliContext, add_force, add_password_file, print_json


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
    _common(notary, _notary)

    journal = sub.add_parser("journal", help="notary journal export: one row per act over a date range")
    journal.add_argument("--notary", metavar="ADDRESS", help="only this notary's acts (default: every notary)")
    journal.add_argument("--from", dest="date_from", metavar="DATE", help="first date of the acts (YYYY-MM-DD)")
    journal.add_argument("--to", dest="date_to", metavar="DATE", help="last date of the acts (YYYY-MM-DD)")
    _common(journal, _journal)

    valuation = sub.add_parser("valuation", help="valuation report: estimate, 90%% range, comparables, reasons")
    valuation.add_argument("deed", metavar="DEED", help="deed number or parcel number")
    _common(valuation, _valuation)

    verify = commands.add_parser("verify-pdf", help="check a Deedbook PDF; needs no ledger (exit 0 genuine, "
                                                    "1 not genuine, 2 not a Deedbook document)")
    verify.add_argument("file", metavar="FILE")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=_verify_pdf)


def _common(parser: argparse.ArgumentParser, handler: Callable[[argparse.Namespace, CliContext], int]) -> None:
    parser.add_argument("--out", required=True, metavar="FILE", help="where to write the PDF")
    add_force(parser)
    parser.add_argument("--paper", type=str.lower, choices=("a4", "letter"),
                        help="paper size (default: the paper size in the settings, A4 unless changed)")
    parser.add_argument("--checkpoint-key", metavar="KEY",
                        help="if no checkpoint covers the entries yet, sign one first with this operator key")
    add_password_file(parser)
    parser.set_defaults(handler=handler)


def _paper(args: argparse.Namespace) -> str:
    if args.paper:
        return "Letter" if args.paper == "letter" else "A4"
    from core.settings import Settings

    return Settings.load().paper_size


def _make(args: argparse.Namespace, ctx: CliContext, build: Callable[[], bytes], what: str) -> int:
    """Build (signing a checkpoint first if asked and needed), write atomically, say what was written."""
    from core.documents.evidence import NotCheckpointed
    from core.outfiles import check_output, write_output

    out = Path(args.out)
    check_output(out, force=args.force)  # refuse a taken name before the work (and any checkpoint)
    try:
        data = build()
    except NotCheckpointed:
        if not args.checkpoint_key:
            raise
        from core.checkpoints import make_checkpoint

        recorded = make_checkpoint(ctx.ledger(), ctx.unlock(args.checkpoint_key, args.password_file))
        print(f"Signed checkpoint {recorded.index} over {recorded.message['size']} entries.")
        data = build()
    write_output(out, data, force=args.force)
    print(f"Wrote the {what} to {out} ({len(data) / 1024:.0f} KB). Check it anywhere with: deedbook verify-pdf {out}")
    return 0


def _transfer(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.documents import build_transfer_pdf

    ledger = ctx.ledger()
    return _make(args, ctx, lambda: build_transfer_pdf(ledger, args.index, _paper(args)),
                 f"transfer deed of entry {args.index}")


def _title(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.documents.title import build_title_pdf, uncovered_entries

    ledger = ctx.ledger()
    # With --checkpoint-key the certificate includes everything (a checkpoint is signed if needed);
    # without, it is as of the latest checkpoint, and says what that leaves out.
    complete = bool(args.checkpoint_key)
    code = _make(args, ctx, lambda: build_title_pdf(ledger, args.deed, _paper(args), complete=complete),
                 f"certificate of title of deed {args.deed}")
    if not complete and (later := uncovered_entries(ledger, args.deed)):
        listed = ", ".join(str(i) for i in later[:5]) + (" ..." if len(later) > 5 else "")
        print(f"Note: the certificate is as of the latest checkpoint; {len(later)} later "
              f"entr{'y' if len(later) == 1 else 'ies'} about this deed ({listed}) will appear once the operator "
              "signs a new checkpoint (add --checkpoint-key OPERATOR to do it now).", file=sys.stderr)
    return code


def _notary(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.documents import build_notary_record_pdf

    ledger = ctx.ledger()
    return _make(args, ctx, lambda: build_notary_record_pdf(ledger, args.index, _paper(args)),
                 f"notary journal record of entry {args.index}")


def _journal(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.documents import build_journal_pdf

    ledger = ctx.ledger()
    return _make(args, ctx, lambda: build_journal_pdf(ledger, args.notary, args.date_from, args.date_to, _paper(args)),
                 "notary journal")


def _valuation(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.documents import build_valuation_pdf

    ledger = ctx.ledger()
    result = _valuation_result(ctx, ledger, args.deed)
    return _make(args, ctx, lambda: build_valuation_pdf(ledger, args.deed, result, _paper(args)),
                 f"valuation report of deed {args.deed}")


def _valuation_result(ctx: CliContext, ledger: Any, deed: str) -> dict[str, Any]:
    """The valuation of `deed` as plain data (core never imports valuation/: the result is passed in)."""
    from core.documents import valuation_input
    from valuation import service

    deed_id = ledger.deed(deed).deed_id  # an unknown deed fails before any training
    if not service.has_model(ctx.home):
        print("No valuation model yet: training one on the bundled Ames market and the ledger's sales "
              "(about 15 seconds)...", file=sys.stderr, flush=True)
        service.train(ctx.home, ledger=ledger)
    _, valuation, card = service.value_deed(ctx.home, ledger, deed_id)
    return dict(valuation_input(valuation.to_json(), card))


def _local_ledger(ctx: CliContext) -> tuple[Any, str | None]:
    """The ledger in the data folder, if there is one; never creates anything."""
    if ctx.db_url is None and not ctx.home.database.exists():
        return None, None
    try:
        return ctx.ledger(), None
    except NotFound:
        return None, None
    except DeedbookError as error:
        return None, f"The ledger in the data folder could not be opened ({error}); the document was checked alone."


def _verify_pdf(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.documents import verify_pdf

    ledger, problem = _local_ledger(ctx)
    report = verify_pdf(args.file, ledger)
    if args.json:
        data = report.as_json()
        if problem:
            data["local_ledger"] = {"status": "unavailable", "notes": [problem], "problems": []}
        print_json(data)
        return int(report.exit_code)
    _print_report(report, problem)
    return int(report.exit_code)


def _print_report(report: Any, problem: str | None) -> None:
    from core.dates import format_instant

    if report.ok:
        print(f"GENUINE: this {report.document_name} is exactly the document its signed entries produce.")
    else:
        print(f"NOT GENUINE: {report.reason}")
        for line in report.differences[1:]:
            print(f"  - {line}")
    if report.ledger:
        cp = report.checkpoint
        print(f"Ledger:     \u201c{report.ledger['name']}\u201d {report.ledger['ledgerId']}")
        print(f"Checkpoint: {cp['size']:,} entries, root {cp['root']}, signed {format_instant(cp['timestamp'])} "
              f"by the operator {cp['operator']} (compare it with an address you trust)")
    if report.entries:
        print(f"Entries:    {len(report.entries)} signed, each proved in the checkpoint:")
        for e in report.entries[:20]:
            print(f"  {e['index']:>7}  {e['kind']:<13} {e['summary']}")
        if len(report.entries) > 20:
            print(f"  ... and {len(report.entries) - 20} more")
    for note in report.unsigned:
        print(f"Note:       {note}")
    if problem:
        print(f"Local:      {problem}")
    elif report.local is not None:
        for line in report.local.problems:
            print(f"Local:      PROBLEM: {line}")
        for line in report.local.notes:
            print(f"Local:      {line}")
