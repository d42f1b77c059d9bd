"""deedbook transfer prepare|submit, sign, lien add|release, attest, journal"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from core.display import clean
from core.errors import DeedbookError
from desktop.cli import parties_cmd
from desktop.cli.context import CliContext, add_force, add_password_file, print_json


def register(commands: Any) -> None:
    transfer = commands.add_parser("transfer", help="transfer a deed or shares of it, signed offline by both parties")
    sub = transfer.add_subparsers(dest="transfer_command", metavar="ACTION", required=True)

    prep = sub.add_parser("prepare", help="write the signing requests (seller, buyer, lienholders) for a transfer")
    prep.add_argument("deed", metavar="DEED", help="deed number or parcel number")
    prep.add_argument("--to", required=True, metavar="ADDRESS", help="the buyer's address")
    prep.add_argument(
        "--price",
        required=True,
        metavar="AMOUNT",
        help="decimal amount, e.g. 250000 or 250,000.50 (a point before the decimals, commas between thousands, whatever the locale)",
    )
    prep.add_argument("--currency", default="USD", help="ISO 4217 code (default USD)")
    prep.add_argument("--shares", type=int, metavar="N", help="number of shares (default: all the seller holds)")
    prep.add_argument("--from", dest="seller", metavar="ADDRESS", help="the selling holder, when a deed has several")
    prep.add_argument(
        "--deadline",
        metavar="WHEN",
        help="when the transfer can last be recorded: a date means its end in UTC (23:59:59), a time is UTC "
        "unless it names an offset (2026-12-24T17:00-06:00); default: in 7 days",
    )
    prep.add_argument(
        "--closing-date", metavar="ISO-DATE", help="the closing date (default: today on this machine's calendar)"
    )
    prep.add_argument("--out-dir", required=True, metavar="DIR", help="folder for the request files")
    prep.add_argument("--json", action="store_true")
    prep.set_defaults(handler=_prepare)

    sub_submit = sub.add_parser("submit", help="check the signed responses and record the transfer")
    sub_submit.add_argument(
        "responses", nargs="+", metavar="RESPONSE", help="the signed responses (seller's, buyer's, any lienholders')"
    )
    sub_submit.add_argument("--json", action="store_true")
    sub_submit.set_defaults(handler=_submit)

    sign = commands.add_parser("sign", help="sign a request file (needs only the key; no ledger)")
    sign.add_argument("request", nargs="?", metavar="REQUEST", help="the request file (none: open the offline signer)")
    sign.add_argument("--key", metavar="KEY", help="name of the signing key in this data folder")
    add_password_file(sign)
    sign.add_argument("--yes", action="store_true", help="do not ask for confirmation (the summary is still printed)")
    sign.add_argument("--out", metavar="FILE", help="response file (default: REQUEST with .signed.json)")
    add_force(sign)
    parties_cmd.add_journal_profile(sign)
    sign.set_defaults(handler=_sign)

    lien = commands.add_parser("lien", help="record or release a lien (signed by the lienholder)")
    lien_sub = lien.add_subparsers(dest="lien_command", metavar="ACTION", required=True)
    add = lien_sub.add_parser("add", help="record a lien on a deed")
    add.add_argument("deed", metavar="DEED", help="a deed number or a parcel number")
    add.add_argument("--holder", required=True, metavar="KEY", help="the lienholder's key")
    add.add_argument("--amount", required=True, metavar="AMOUNT", help="the amount the lien secures, e.g. 180000")
    add.add_argument("--kind", required=True, metavar="TEXT", help="mortgage, tax, judgment, ...")
    add.add_argument("--currency", default="USD", help="ISO 4217 code (default USD)")
    add_password_file(add)
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=_lien_add)
    parties_cmd.add_lien_prepare(lien_sub)
    release = lien_sub.add_parser(
        "release", help="release an open lien (or 'release prepare LIEN --out-dir DIR': the lienholder's request)"
    )
    release.add_argument("deed", metavar="DEED", help="the deed (or 'prepare')")
    release.add_argument("lien", type=int, metavar="LIEN", help="the lien number")
    release.add_argument("--holder", metavar="KEY", help="the lienholder's key")
    release.add_argument("--out-dir", metavar="DIR", help="with 'prepare': folder for the lienholder's request")
    add_password_file(release)
    release.add_argument("--json", action="store_true")
    release.set_defaults(handler=_lien_release)

    attest = commands.add_parser(
        "attest", help="notarial attestation of a recorded entry (or 'attest prepare ENTRY': the notary's request)"
    )
    attest.add_argument("index", metavar="INDEX", help="the entry attested (or 'prepare')")
    attest.add_argument("entry", nargs="?", metavar="ENTRY", help="with 'prepare': the entry to be attested")
    attest.add_argument("--key", metavar="NOTARY", help="the notary's key")
    attest.add_argument("--notary", metavar="ADDRESS", help="with 'prepare': the notary's address")
    attest.add_argument("--out-dir", metavar="DIR", help="with 'prepare': folder for the notary's request")
    attest.add_argument("--act", required=True, metavar="TEXT", help="acknowledgment, jurat, ...")
    attest.add_argument("--place", default="", metavar="TEXT", help="where the act took place")
    attest.add_argument("--date", metavar="ISO-DATE", help="date of the act (default: today)")
    attest.add_argument("--id-kind", default="", metavar="TEXT", help="identity evidence seen: passport, ...")
    attest.add_argument(
        "--id-number-file",
        metavar="F",
        help="file whose first line is the identity number (stored only as a keyed hash)",
    )
    add_password_file(attest)
    attest.add_argument("--json", action="store_true")
    attest.set_defaults(handler=_attest)

    journal = commands.add_parser(
        "journal",
        help="a notary's journal: the notary's own on a notary's machine, "
        "else the ledger's attestations ('journal verify' checks it)",
    )
    parties_cmd.add_journal_actions(journal)
    journal.add_argument("--notary", metavar="ADDRESS", help="only this notary's attestations")
    journal.add_argument("--from", dest="date_from", metavar="DATE", help="from this date (YYYY-MM-DD, inclusive)")
    journal.add_argument("--to", dest="date_to", metavar="DATE", help="to this date (YYYY-MM-DD, inclusive)")
    journal.add_argument("--json", action="store_true")
    journal.add_argument("--csv", metavar="FILE", help="also write the acts listed to a CSV file (spreadsheet-safe)")
    journal.add_argument(
        "--pdf",
        metavar="FILE",
        help="on a notary's machine: also write the notary's own journal (the rows listed) as a PDF",
    )
    add_force(journal)
    journal.set_defaults(handler=_journal)


# -- transfer ------------------------------------------------------------------


def _prepare(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.dates import format_instant
    from core.money import format_amount

    if args.shares is not None and args.shares < 1:
        raise DeedbookError("--shares must be at least 1.")
    prepared = ctx.ws.prepare_transfer(
        args.deed,
        args.to,
        args.price,
        args.currency,
        args.shares,
        args.deadline,
        args.closing_date,
        out_dir=args.out_dir,
        seller=args.seller,
    ).value
    if args.json:
        print_json(prepared.as_json())
        return 0
    m = prepared.message
    print(
        f"Transfer of deed {m['deedId']}: {m['shares']:,} of {m['totalShares']:,} shares from {m['from']} to "
        f"{m['to']} for {format_amount(m['price'], m['currency'])}; sign by {format_instant(m['deadline'])}."
    )
    for request, path in zip(prepared.requests, prepared.paths, strict=True):
        print(f"  {request.role:<10} {request.signer}  {path}")
    return 0


def _submit(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.requests import load_response

    responses = [load_response(path) for path in args.responses]
    index = ctx.ws.submit(responses).value
    if args.json:
        print_json(ctx.ledger().entry(index).as_json())
    else:
        print(index)
    return 0


# -- sign (no ledger needed) --------------------------------------------------


def _default_out(request_path: str) -> str:
    name = request_path[:-5] if request_path.endswith(".json") else request_path
    return name + ".signed.json"


def _confirm() -> bool:
    sys.stdout.write("Sign this? [y/N] ")
    sys.stdout.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in {"y", "yes"}


def _open_signer(ctx: CliContext) -> int:
    """`deedbook sign` with no request: the GUI's offline signer (it needs no ledger either)."""
    from desktop.cli.gui_cmd import require_display

    require_display()
    try:
        from desktop.gui import app
    except ImportError as missing:  # a build without Qt still signs on the command line
        raise DeedbookError(
            f"The offline signer window cannot start ({missing}); sign with: deedbook sign REQUEST --key KEY."
        ) from None
    return int(app.run(ctx.data_dir, ctx.db_url, signer=True) or 0)


# sign's options, each of which is for signing a request file here: given without one, they are a mistake
_SIGNING_OPTIONS = {
    "--key": "key",
    "--yes": "yes",
    "--out": "out",
    "--password-file": "password_file",
    "--force": "force",
    "--journal-profile": "journal_profile",
    "--journal-fields": "journal_fields",
}


def _sign(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.outfiles import check_output
    from core.requests import load_request, summarize

    if args.request is None:
        given = [o for o, v in _SIGNING_OPTIONS.items() if getattr(args, v)]
        if given:  # meant to sign a file from here (a script's missing argument), not to open a window
            raise DeedbookError(
                f"Name the request file to sign ('deedbook sign REQUEST {given[0]} ...'); 'deedbook sign' "
                "without a request and without options opens the offline signer's window."
            )
        return _open_signer(ctx)
    if not args.key:
        raise DeedbookError("Say which key signs: --key KEY.")
    request = load_request(args.request)
    ctx.ws.resolve_key(args.key, must_be=request.signer, what="This request")
    out = args.out or _default_out(args.request)
    check_output(out, force=args.force)  # before the summary and the password, not after
    ledger, _ = ctx.ws.local_ledger()  # signing never needs a ledger, and never creates one
    print(summarize(request, ledger.identity if ledger is not None else None).text())
    print()
    if request.kind == "Attestation":  # the notary checks the evidence and keeps its own journal
        return parties_cmd.sign_attestation(args, ctx, request, out)
    if args.journal_profile or args.journal_fields:
        raise DeedbookError("Journal fields are for a notary's attestation; this request is not one.")
    if not args.yes and not _confirm():
        raise DeedbookError("Not signed: the signature was not confirmed.")
    path = ctx.ws.sign_to_file(request, ctx.signer(args.key, args.password_file), out, force=args.force).value
    print(f"Signed as {request.role} by {request.signer}; response written to {path}")
    return 0


# -- liens ---------------------------------------------------------------------


def _lien_add(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.money import format_amount

    record = ctx.ws.add_lien(
        args.deed, ctx.signer(args.holder, args.password_file), args.amount, args.kind, args.currency
    ).value
    if args.json:
        print_json(record.as_json())
    else:
        lien = record.lien
        print(
            f"Lien {lien.lien_id} on deed {record.deed_id} recorded as entry {record.index}: {lien.kind}, "
            f"{format_amount(lien.amount, lien.currency)}, held by {lien.holder}."
        )
    return 0


def _lien_release(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.deed == "prepare":
        return parties_cmd.release_prepare(args, ctx)
    if not args.holder:
        raise DeedbookError("Say which key holds the lien: --holder KEY.")
    record = ctx.ws.release_lien(args.deed, args.lien, ctx.signer(args.holder, args.password_file)).value
    if args.json:
        print_json(record.as_json())
    else:
        print(f"Lien {args.lien} on deed {record.deed_id} released (entry {record.index}).")
    return 0


# -- notary --------------------------------------------------------------------


def _read_id_number(path: str | None) -> str | None:
    if not path:
        return None
    from core.userfiles import read_first_line

    line = read_first_line(path, "an identity number file").strip()
    if not line:
        raise DeedbookError(f"The identity number file {path} is empty.")
    return line


def _attest(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.index == "prepare":
        return parties_cmd.attest_prepare(args, ctx)
    if not args.index.isdigit() or args.entry is not None:
        raise DeedbookError("Give the entry to attest as a number: attest INDEX --key NOTARY --act TEXT.")
    if not args.key:
        raise DeedbookError("Say which key attests: --key NOTARY.")
    args.index = int(args.index)
    attested = ctx.ledger().entry(args.index)  # an unknown entry is said before the password is asked
    id_number = _read_id_number(args.id_number_file)
    index = ctx.ws.attest(
        args.index,
        ctx.signer(args.key, args.password_file),
        act=args.act,
        place=args.place,
        id_kind=args.id_kind,
        id_number=id_number,
        act_date=args.date,
    ).value
    if args.json:
        print_json(ctx.ledger().entry(index).as_json())
    else:
        deed = f" of deed {attested.deed_id}" if attested.deed_id else ""
        print(f"Attestation recorded as entry {index}: {args.act} of entry {args.index} ({attested.kind}{deed}).")
    return 0


def _journal(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.action is not None:
        return parties_cmd.journal_action(args, ctx)
    if ctx.ws.has_notary_journal() and not args.notary:  # the notary's own machine: its own journal
        return parties_cmd.journal_list(args, ctx)
    if args.pdf:
        raise DeedbookError(
            "This data folder holds no notary's journal; the ledger's acts are exported with 'deedbook pdf journal'."
        )
    records = ctx.ws.journal(args.notary, args.date_from, args.date_to)
    if args.csv:
        ctx.ws.write_journal_csv(args.csv, records, force=args.force)
        print(f"Wrote {len(records):,} act(s) to {args.csv}.", file=sys.stderr)
    if args.json:
        print_json([r.as_json() for r in records])
        return 0
    if not records:
        print("No attestations in that range.")
    for r in records:
        j = r.as_json()
        deed = f" deed {j['deed_id']}" if j["deed_id"] else ""
        idn = ", id number hashed" if j["id_number_hash"] else ""
        print(
            f"{clean(j['date'])}  #{r.index:<6} {clean(j['act'], 40):<16} {clean(j['place'], 23):<24} "
            f"entry {j['entry_index']} ({clean(j['entry_kind'], 40)}{deed})  notary {r.notary}  "
            f"evidence: {clean(j['id_evidence'], 60) or '-'}{idn}"
        )
        print(f"            signers: {', '.join(clean(s, 42) for s in j['signers'])}")
    return 0
