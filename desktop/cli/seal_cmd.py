"""deedbook seal cert new NAME --key OPERATOR, deedbook seal cert list: the office's document seal."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from core.dates import format_day_here
from desktop.cli.context import CliContext, add_password_file, print_json, read_password


if TYPE_CHECKING:
    from desktop.workspace.signers import Signer


def register(commands: Any) -> None:
    seal = commands.add_parser("seal", help="the office's document seal (a PAdES signature PDF readers check)")
    sub = seal.add_subparsers(dest="seal_command", metavar="COMMAND", required=True)
    cert = sub.add_parser("cert", help="the seal's key and certificate").add_subparsers(
        dest="cert_command", metavar="COMMAND", required=True
    )
    new = cert.add_parser("new", help="make a seal's key and certificate and bind it to the ledger (operator)")
    new.add_argument("name", metavar="NAME", help="the seal's name (letters, digits, . _ -)")
    new.add_argument("--key", required=True, metavar="OPERATOR", help="the ledger operator's key, which binds it")
    add_password_file(new)
    add_seal_password_file(new)
    new.set_defaults(handler=_new)
    listed = cert.add_parser("list", help="the seals in this data folder and the ledger entries binding them")
    listed.add_argument("--json", action="store_true")
    listed.set_defaults(handler=_list)


def add_seal_password_file(parser: Any) -> None:
    parser.add_argument("--seal-password-file", metavar="F", help="read the seal's password from the first line of F")


def seal_signer(name: str, password_file: str | None, *, confirm: bool = False) -> Signer:
    """The seal `name`; its password is read (from the file or a prompt) only when it is needed."""
    prompt = f"{'New password' if confirm else 'Password'} for seal '{name}': "
    from desktop.workspace.signers import Signer

    return Signer(name, lambda: read_password(password_file, prompt, confirm=confirm))


def _new(args: argparse.Namespace, ctx: CliContext) -> int:
    done = ctx.ws.new_seal(
        ctx.signer(args.key, args.password_file),
        args.name,
        seal_signer(args.name, args.seal_password_file, confirm=True),
    )
    info = done.value
    bound, checkpoint = done.receipt.entries[0], done.receipt.entries[-1]
    print(
        f"Made seal '{info.name}': certificate {info.fingerprint}, valid {format_day_here(info.not_before)} to "
        f"{format_day_here(info.not_after)}; bound to the ledger by entry {bound}, covered by checkpoint {checkpoint}."
    )
    print(f"Seal documents with: deedbook pdf ... --seal {info.name}")
    return 0


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    seals = ctx.ws.seal_list()
    if args.json:
        print_json([s.as_json() for s in seals])
        return 0
    if not seals:
        print("No seal in this data folder yet: make one with 'deedbook seal cert new NAME --key OPERATOR'.")
    for s in seals:
        bound = f"bound by entry {s.bound_at}" if s.bound_at is not None else "NOT bound to this ledger"
        print(f"{s.name}  {s.fingerprint}  valid to {format_day_here(s.not_after)}  {bound}")
    return 0
