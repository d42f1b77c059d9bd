"""deedbook submit; lien prepare, lien release prepare, attest prepare; sign an attestation; the notary's journal.

`submit` is a command of its own; the others extend the `lien`, `attest`, `sign`
and `journal` commands that transactions_cmd defines (it calls the hooks here).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from core.display import clean
from core.errors import DeedbookError, VerificationFailed
from desktop.cli.context import CliContext, print_json, say_waiting

if TYPE_CHECKING:
    from core.jurisdictions import JournalFields
    from core.party_requests import PreparedRequest
    from core.requests import SigningRequest


def register(commands: Any) -> None:
    submit = commands.add_parser(
        "submit", help="record signed responses of any kind (transfers, liens, releases, attestations), all or none"
    )
    submit.add_argument("responses", nargs="+", metavar="RESPONSE", help="signed response files, recorded all or none")
    submit.add_argument("--json", action="store_true")
    submit.set_defaults(handler=_submit)


def add_lien_prepare(lien_sub: Any) -> None:
    prep = lien_sub.add_parser("prepare", help="write the lienholder's signing request for a new lien")
    prep.add_argument("deed", metavar="DEED", help="deed number or parcel number")
    prep.add_argument("--holder", required=True, metavar="ADDRESS", help="the lienholder's address (a bank's key)")
    prep.add_argument("--amount", required=True, metavar="AMOUNT", help="the amount the lien secures, e.g. 180000")
    prep.add_argument("--currency", default="USD", help="ISO 4217 code (default USD)")
    prep.add_argument("--kind", required=True, metavar="TEXT", help="mortgage, tax, judgment, ...")
    prep.add_argument("--out-dir", required=True, metavar="DIR", help="folder for the request file")
    prep.add_argument("--json", action="store_true")
    prep.set_defaults(handler=_lien_prepare)


def add_journal_profile(sign: Any) -> None:
    from core.jurisdictions import NAMES

    sign.add_argument(
        "--journal-profile",
        choices=NAMES,
        metavar="|".join(NAMES),
        help="for an attestation: the jurisdiction whose journal fields are asked for (default generic)",
    )
    sign.add_argument(
        "--journal-fields",
        metavar="FILE",
        help="for an attestation: the journal fields as JSON (document, fee, thumbprint, signers, witnesses)",
    )


# -- the agency ------------------------------------------------------------------------------------


def _print_prepared(prepared: "PreparedRequest", lead: str, as_json: bool) -> int:
    if as_json:
        print_json(prepared.as_json())
        return 0
    request = prepared.request
    print(lead)
    print(f"  {request.role:<10} {request.signer}  {prepared.path}")
    return 0


def _lien_prepare(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.money import format_amount

    prepared = ctx.ws.prepare_lien_request(
        args.deed, args.holder, args.amount, args.kind, args.currency, out_dir=args.out_dir
    ).value
    m = prepared.request.message
    return _print_prepared(
        prepared,
        f"Lien {m['lienId']} on deed {m['deedId']} (version {m['deedVersion']}): "
        f"{clean(m['lienKind'], 60)}, {format_amount(m['amount'], m['currency'])}. The "
        "lien number and deed version are fixed now: if the deed changes first, prepare "
        "it again.",
        args.json,
    )


def release_prepare(args: argparse.Namespace, ctx: CliContext) -> int:
    """`lien release prepare LIEN --out-dir DIR` (parsed by `lien release` as DEED='prepare' LIEN)."""
    if not args.out_dir:
        raise DeedbookError("Say where the request goes: --out-dir DIR.")
    prepared = ctx.ws.prepare_release_request(args.lien, out_dir=args.out_dir).value
    m = prepared.request.message
    return _print_prepared(
        prepared, f"Release of lien {m['lienId']} on deed {m['deedId']} (version {m['deedVersion']}).", args.json
    )


def attest_prepare(args: argparse.Namespace, ctx: CliContext) -> int:
    """`attest prepare ENTRY --notary ADDRESS --act TEXT --place TEXT --out-dir DIR`."""
    if args.entry is None or not args.entry.isdigit():
        raise DeedbookError("Say which entry is to be attested: attest prepare ENTRY (an entry number).")
    missing = [opt for opt, value in (("--notary ADDRESS", args.notary), ("--out-dir DIR", args.out_dir)) if not value]
    if missing:
        raise DeedbookError(f"A notarisation request needs {' and '.join(missing)}.")
    prepared = ctx.ws.prepare_attestation_request(
        int(args.entry), args.notary, act=args.act, place=args.place, out_dir=args.out_dir
    ).value
    m = prepared.request.message
    return _print_prepared(
        prepared,
        f"Notarisation request ({clean(m['act'], 40)}) of entry {m['entryIndex']} "
        f"({m['entryKind']}), with its proof for the notary to check offline.",
        args.json,
    )


def _submit(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.requests import load_response

    responses = [load_response(path) for path in args.responses]
    indexes = ctx.ws.submit_responses(responses).value
    if args.json:
        print_json([ctx.ledger().entry(i).as_json() for i in indexes])
        return 0
    for index in indexes:
        print(index)
    return 0


# -- the notary's machine --------------------------------------------------------------------------


def _ask(prompt: str) -> str:
    sys.stdout.write(prompt)
    sys.stdout.flush()
    return sys.stdin.readline().strip()


def _prompt_fields(request: "SigningRequest", profile_name: str) -> "JournalFields":
    """The profile's journal fields asked one by one (the signers named in the request, in order)."""
    from core.jurisdictions import parse_fields

    print(f"Journal fields ({profile_name}); leave empty what does not apply.")
    data: dict[str, Any] = {
        "document": _ask("Character of the document (e.g. grant deed): "),
        "fee": _ask("Fee charged (e.g. 15.00; empty or 0 when none): "),
        "thumbprint": _ask("Thumbprint taken? [y/N] ").lower() in ("y", "yes"),
    }
    signers, witnesses = [], []
    for address in request.message["signers"]:
        print(f"Signer {address}:")
        person: dict[str, Any] = {"name": _ask("  name: "), "address": _ask("  address: ")}
        id_type = _ask("  identity document type (empty: credible witnesses): ")
        if id_type:
            person["id"] = {
                "type": id_type,
                "issuer": _ask("  issuing agency: "),
                "number": _ask("  serial number: "),
                "issued": _ask("  issued (YYYY-MM-DD): "),
                "expires": _ask("  expires (YYYY-MM-DD): "),
            }
        else:
            while name := _ask("  credible witness name (empty: done): "):
                witnesses.append({"name": name, "address": _ask("  credible witness address: ")})
        signers.append(person)
    data["signers"], data["witnesses"] = signers, witnesses
    return parse_fields(data)


def _read_fields(path: str) -> "JournalFields":
    from core.jurisdictions import FieldsError, parse_fields
    from core.userfiles import read_user_file

    raw = read_user_file(path, "a journal fields file", max_bytes=1_000_000, error=FieldsError)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FieldsError(f"{path} is not a journal fields file: it is not valid JSON.") from None
    return parse_fields(data)


def print_checks(request: "SigningRequest", ctx: CliContext) -> bool:
    report = ctx.ws.check_attestation_request(request)
    print("Checked on this machine, without the agency's ledger:")
    for check in report.checks:
        print(f"  [{'pass' if check.ok else 'FAIL'}] {check.label}: {clean(check.detail, 300)}")
    print()
    return report.ok


def sign_attestation(args: argparse.Namespace, ctx: CliContext, request: "SigningRequest", out: str) -> int:
    """`sign` of an attestation: check the evidence, collect the profile's fields, sign, write the journal."""
    from core.jurisdictions import profile

    chosen = profile(args.journal_profile or "generic")
    if not print_checks(request, ctx):
        if chosen.refusals_journaled:  # Iowa: a refused request is journaled too
            failed = ctx.ws.check_attestation_request(request).first_failure
            reason = (
                f"the request does not check ({failed.label.lower()}: {failed.detail})"
                if failed
                else "the request does not check"
            )
            row = ctx.ws.refuse_request(
                request,
                ctx.signer(args.key, args.password_file),
                profile=chosen.name,
                reason=reason,
                waiting=say_waiting,
            ).value
            raise DeedbookError(
                f"The attestation request does not check (see above); nothing was signed, and the "
                f"refusal is journal row {row.seq}."
            )
        raise DeedbookError("The attestation request does not check (see above); nothing was signed.")
    if args.journal_fields:
        fields = _read_fields(args.journal_fields)
    elif args.yes:
        raise DeedbookError("With --yes, give the journal fields as a file: --journal-fields FILE.")
    else:
        fields = _prompt_fields(request, chosen.name)
    chosen.check(fields, real_property=bool(request.message["deedId"]))
    if not args.yes:
        sys.stdout.write("Attest this? [y/N] ")
        sys.stdout.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            if chosen.refusals_journaled:
                reason = _ask("Why is it refused (kept in the journal)? ") or "refused by the notary"
                row = ctx.ws.refuse_request(
                    request,
                    ctx.signer(args.key, args.password_file),
                    profile=chosen.name,
                    reason=reason,
                    waiting=say_waiting,
                ).value
                raise DeedbookError(f"Not signed: the refusal is journal row {row.seq}.")
            raise DeedbookError("Not signed: the attestation was not confirmed.")
    done = ctx.ws.attest_request(
        request,
        ctx.signer(args.key, args.password_file),
        profile=chosen.name,
        fields=fields,
        out=out,
        force=args.force,
        waiting=say_waiting,
    ).value
    print(
        f"Attested as notary by {request.signer}; response written to {done.path}; journal row {done.row.seq} "
        f"({chosen.title})."
    )
    return 0


def add_journal_actions(journal: Any) -> None:
    journal.add_argument(
        "action",
        nargs="?",
        choices=["verify", "void", "correct", "reveal"],
        metavar="verify|void|correct|reveal",
        help="on a notary's machine: verify the journal (exit 1 names the first bad row); void or "
        "correct row ROW (a new row naming it: nothing is edited); reveal row ROW's sealed "
        "identity numbers (needs the notary's key)",
    )
    journal.add_argument("row", nargs="?", type=int, metavar="ROW", help="with void, correct, reveal: the row")
    journal.add_argument("--reason", default="", metavar="TEXT", help="with void or correct: why (kept in the journal)")
    journal.add_argument("--key", metavar="NOTARY", help="with void, correct, reveal: the notary's key")
    journal.add_argument("--journal-fields", metavar="FILE", help="with correct: the corrected journal fields (JSON)")
    journal.add_argument("--password-file", metavar="F", help="read the password from the first line of F")


def journal_action(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.action == "verify":
        return journal_verify(args, ctx)
    if args.row is None or not args.key:
        raise DeedbookError(f"Say which row and which key: journal {args.action} ROW --key NOTARY.")
    signer = ctx.signer(args.key, args.password_file)
    if args.action == "reveal":
        numbers = ctx.ws.reveal_journal_row(signer, args.row)
        if args.json:
            print_json(numbers)
            return 0
        if not numbers:
            print(f"Journal row {args.row} holds no sealed identity number.")
        for name, value in numbers.items():
            print(f"{name}: {clean(value, 80)}")
        return 0
    fields = _read_fields(args.journal_fields) if args.journal_fields else None
    kind = "void" if args.action == "void" else "correction"
    row = ctx.ws.amend_journal(
        signer, ref=args.row, row_type=kind, reason=args.reason, fields=fields, waiting=say_waiting
    ).value
    print(f"Journal row {row.seq}: {kind} of row {args.row}.")
    return 0


def journal_verify(args: argparse.Namespace, ctx: CliContext) -> int:
    check = ctx.ws.verify_notary_journal()
    if args.json:
        print_json(check.as_json())
        return 0 if check.ok else 1
    if not check.ok:
        raise VerificationFailed(check.reason, check.first_bad)
    print(check.reason)
    return 0


def journal_list(args: argparse.Namespace, ctx: CliContext) -> int:
    """The notary's own journal (this data folder holds one)."""
    rows = ctx.ws.journal_rows(args.date_from, args.date_to)
    for option, export in ((args.csv, ctx.ws.export_journal_csv), (args.pdf, ctx.ws.export_journal_pdf)):
        if option:
            export(option, args.date_from, args.date_to, force=args.force)
            print(f"Wrote {len(rows):,} journal row(s) to {option}.", file=sys.stderr)
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    if not rows:
        print("No journal rows in that range.")
    days = [clean(r.shown_day(), 60) for r in rows]  # an act's signed date; another row's day here, offset said
    width = max(map(len, days), default=0)
    for r, day in zip(rows, days, strict=True):
        d = r.data
        act = d.get("act") or {}
        ref = f" (about row {d['ref']})" if d.get("ref") is not None else ""
        what = (
            (
                f"{clean(act.get('act') or '', 30)} of entry {act.get('entryIndex')} ({clean(act.get('entryKind'), 30)}"
                f") on {clean(act.get('ledgerName'), 40)}"
            )
            if act
            else ""
        )
        print(f"{day:<{width}}  row {r.seq:<4} {r.type:<10} {what}{ref}  [{d.get('profile')}]")
        fields = d.get("fields") or {}
        if fields:
            names = ", ".join(clean(s.get("name"), 40) for s in fields.get("signers", []))
            print(
                f"            signers: {names or '-'}; document: {clean(fields.get('document'), 60) or '-'}; "
                f"fee: {clean(fields.get('fee'), 20) or '-'}; thumbprint: {'yes' if fields.get('thumbprint') else 'no'}"
            )
        if d.get("reason"):
            print(f"            reason: {clean(d['reason'], 200)}")
    return 0
