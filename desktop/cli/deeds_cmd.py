"""deedbook deed register|list|show|history"""

from __future__ import annotations

import argparse
from typing import Any

from core.display import clean
from core.money import format_amount
from desktop.cli.context import CliContext, add_password_file, print_json


def register(commands: Any) -> None:
    deed = commands.add_parser("deed", help="register, list and inspect deeds")
    sub = deed.add_subparsers(dest="deed_command", metavar="ACTION", required=True)

    reg = sub.add_parser("register", help="register a property deed as a token (registrar key)")
    reg.add_argument("--parcel", required=True, help="the parcel number (registered once)")
    reg.add_argument("--address", required=True, help="the property's street address")
    reg.add_argument("--owner", required=True, metavar="ADDRESS", help="the first holder's address (all the shares)")
    reg.add_argument("--legal", default="", metavar="TEXT", help="the legal description")
    reg.add_argument(
        "--attr",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a property attribute, e.g. Gr_Liv_Area=1656 (repeat for more)",
    )
    reg.add_argument("--shares", type=int, default=None, help="number of shares (default 10000)")
    reg.add_argument("--key", required=True, help="a registrar's key")
    add_password_file(reg)
    reg.add_argument("--json", action="store_true")
    reg.set_defaults(handler=_register)

    lst = sub.add_parser("list", help="all deeds")
    lst.add_argument("--search", metavar="TEXT", help="only deeds whose parcel, address or owner contains TEXT")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_list)

    show = sub.add_parser("show", help="one deed: holders, liens, attributes")
    show.add_argument("deed", metavar="DEED", help="deed number or parcel number")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)

    history = sub.add_parser("history", help="every entry about one deed, in order")
    history.add_argument("deed", metavar="DEED", help="a deed number or a parcel number")
    history.add_argument("--json", action="store_true")
    history.set_defaults(handler=_history)


def _register(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.deeds import deed_json, parse_attribute_pairs

    attributes = parse_attribute_pairs(args.attr)
    deed = ctx.ws.register_deed(
        ctx.signer(args.key, args.password_file),
        parcel=args.parcel,
        address=args.address,
        owner=args.owner,
        legal=args.legal,
        attributes=attributes,
        shares=args.shares,
    ).value
    if args.json:
        print_json(deed_json(deed, full=True))
    else:
        print(f"Registered deed {deed.deed_id}: parcel {deed.parcel}, owner {deed.owner}")
    return 0


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.deeds import deed_json

    deeds = ctx.ledger().deeds(search=args.search)
    if args.json:
        print_json([deed_json(d) for d in deeds])
        return 0
    if not deeds:
        print("No deeds." if not args.search else f"No deed matches '{clean(args.search, 80)}'.")
    for d in deeds:
        print(f"{d.deed_id:>6}  {clean(d.parcel):<14} {clean(d.address, 37):<38} {d.owner}  v{d.version}")
    return 0


def _show(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.dates import today_utc
    from core.deeds import deed_json, deed_notes, last_sale, last_valuation

    ledger = ctx.ledger()
    deed = ledger.deed(args.deed)
    sale, valuation = last_sale(deed), last_valuation(ledger, deed)
    if args.json:
        print_json(
            {
                **deed_json(deed, full=True),
                "notes": deed_notes(deed),
                "last_valuation_currency": valuation.currency if valuation else None,
            }
        )
        return 0
    print(f"Deed {deed.deed_id} \u2014 parcel {clean(deed.parcel)}, version {deed.version}")
    print(f"  {clean(deed.address)}")
    if deed.legal:
        print(f"  Legal description: {clean(deed.legal)}")
    for holder, shares in sorted(deed.holders.items(), key=lambda item: -item[1]):
        print(f"  holder {holder}  {shares}/{deed.total_shares} ({100 * shares / deed.total_shares:.2f}%)")
    if sale is not None:
        closing = f", closing {today_utc(deed.last_sale_at).isoformat()}" if deed.last_sale_at is not None else ""
        print(f"  last sale: {sale}{closing}")
    if valuation is not None:
        print(f"  last valuation: {valuation} (entry {deed.last_valuation_index})")
    for lien in deed.open_liens():
        print(
            f"  open lien {lien.lien_id}: {clean(lien.kind)}, {clean(format_amount(lien.amount, lien.currency))}, "
            f"holder {lien.holder}"
        )
    for name, value in sorted(deed.attributes.items()):
        print(f"  {clean(name)} = {clean(value)}")
    for note in deed_notes(deed):
        print(f"  note: {note}")
    return 0


def _history(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.dates import format_instant

    entries = ctx.ledger().history(args.deed)
    if args.json:
        print_json([e.as_json() for e in entries])
        return 0
    for e in entries:
        when = format_instant(e.recorded_at)  # UTC, and says so, as every time the command line prints
        print(f"{e.index:>7}  {when}  {clean(e.kind):<12} {clean(e.describe())}")
    return 0
