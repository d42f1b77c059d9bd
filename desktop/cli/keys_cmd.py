"""deedbook key new|import|export|list"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.cli.context import CliContext, add_force, add_password_file, print_json, read_password


def register(commands: Any) -> None:
    key = commands.add_parser("key", help="create, import, export and list signing keys")
    sub = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)

    new = sub.add_parser("new", help="create a key; prints its address")
    new.add_argument("name", help="the key's name in this data folder")
    add_password_file(new)
    new.set_defaults(handler=_new)

    imp = sub.add_parser("import", help="import a raw private key file or a keystore (geth, MetaMask)")
    imp.add_argument("name", help="the key's name in this data folder")
    source = imp.add_mutually_exclusive_group(required=True)
    source.add_argument("--private-key-file", metavar="F", help="a file holding the private key as 64 hex digits")
    source.add_argument(
        "--keystore", metavar="F", help="a keystore v3 file (geth, MetaMask); its password must open it"
    )
    add_password_file(imp)
    imp.set_defaults(handler=_import)

    exp = sub.add_parser("export", help="write the key's keystore file (still encrypted)")
    exp.add_argument("name", help="the key's name")
    exp.add_argument("--out", metavar="F", required=True, help="where to write the keystore file")
    add_force(exp)
    exp.set_defaults(handler=_export)

    lst = sub.add_parser("list", help="list keys with their addresses")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_list)


def _new(args: argparse.Namespace, ctx: CliContext) -> int:
    done = ctx.ws.create_key(
        args.name, lambda: read_password(args.password_file, f"New password for key '{args.name}': ", confirm=True)
    )
    print(done.value.address)
    return 0


def _import(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.keystore:
        done = ctx.ws.import_keystore(
            args.name, args.keystore, lambda: read_password(args.password_file, "Password of the keystore: ")
        )
    else:
        done = ctx.ws.import_private_key(
            args.name,
            args.private_key_file,
            lambda: read_password(args.password_file, f"New password for key '{args.name}': ", confirm=True),
        )
    print(f"{done.value.name} {done.value.address}")
    return 0


def _export(args: argparse.Namespace, ctx: CliContext) -> int:
    out = ctx.ws.export_key(args.name, Path(args.out), force=args.force).value
    print(f"Wrote {out} (keystore v3, still protected by the key's password).")
    return 0


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    keys = ctx.keys.list()
    if args.json:
        print_json([k.as_json() for k in keys])
    elif not keys:
        print("No keys yet: create one with 'deedbook key new NAME'.")
    else:
        width = max(len(k.name) for k in keys)
        for k in keys:
            print(f"{k.name:<{width}}  {k.address}")
    return 0
