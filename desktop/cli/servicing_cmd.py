"""deedbook distribution new|list|show|snapshot|statement|statements, vote propose|ballot-requests|list|tally

An adapter over the workspace's servicing operations (desktop/workspace/servicing.py).
A holder's ballot is signed on the holder's own machine from its request file
(`deedbook sign`, or any EIP-712 wallet) and recorded with `deedbook submit`,
which records any kind's signed responses.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from core.dates import format_instant
from core.display import clean
from core.money import format_amount
from desktop.cli.context import CliContext, add_force, add_password_file, print_json
from core.wording import counted

SUBMIT = "deedbook submit"


def _keyed(parser: Any, key_help: str) -> None:
    parser.add_argument("--key", required=True, metavar="K", help=key_help)
    add_password_file(parser)


def register(commands: Any) -> None:
    dist = commands.add_parser("distribution", help="pay a deed's holders pro rata at a record date; statements")
    sub = dist.add_subparsers(dest="distribution_command", metavar="ACTION", required=True)
    new = sub.add_parser(
        "new",
        help="split an amount over the holders at a record date and record it (a registrar "
        "signs); payouts in minor units, largest remainder, no unit lost",
    )
    new.add_argument("deed", metavar="DEED", help="a deed number or a parcel number")
    new.add_argument("--amount", required=True, metavar="A", help="e.g. 1000.00")
    new.add_argument("--currency", required=True, metavar="C", help="ISO 4217 code, e.g. USD")
    new.add_argument(
        "--record-checkpoint",
        type=int,
        metavar="INDEX",
        help="the checkpoint entry that is the record date (default: the latest checkpoint)",
    )
    new.add_argument("--purpose", default="", metavar="TEXT", help="rent for March, sale proceeds, ...")
    new.add_argument("--preview", action="store_true", help="show the payouts only; nothing is signed")
    new.add_argument("--key", metavar="K", help="the registrar's key (required unless --preview)")
    add_password_file(new)
    new.add_argument("--json", action="store_true")
    new.set_defaults(handler=_new)

    snap = sub.add_parser("snapshot", help="who held how many shares of a deed at a record date")
    snap.add_argument("deed", metavar="DEED", help="a deed number or a parcel number")
    snap.add_argument("--record-checkpoint", type=int, metavar="INDEX", help="default: the latest checkpoint")
    snap.add_argument("--json", action="store_true")
    snap.set_defaults(handler=_snapshot)

    listing = sub.add_parser("list", help="the distributions recorded (of one deed, or all)")
    listing.add_argument("deed", nargs="?", metavar="DEED", help="only this deed's distributions")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)

    show = sub.add_parser("show", help="one distribution and its payouts")
    show.add_argument("id", type=int, metavar="ID", help="the distribution's number")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)

    for name, many in (("statement", False), ("statements", True)):
        st = sub.add_parser(
            name,
            help="every holder's statement PDF, into a folder"
            if many
            else "a holder's statement PDF: its payout and the proof of its holding (verify-pdf checks it)",
        )
        st.add_argument("id", type=int, metavar="ID", help="the distribution's number")
        if many:
            st.add_argument("--out-dir", required=True, metavar="DIR", help="where to write the statements")
        else:
            st.add_argument("--holder", required=True, metavar="ADDRESS", help="the holder whose statement it is")
            st.add_argument("--out", required=True, metavar="F.pdf", help="where to write the PDF")
            add_force(st)
        st.add_argument(
            "--paper", type=str.lower, choices=("a4", "letter"), default="a4", help="paper size (default a4)"
        )
        st.add_argument(
            "--checkpoint-key",
            metavar="KEY",
            help="if no checkpoint covers the distribution yet, sign one first with this operator key",
        )
        add_password_file(st)
        st.set_defaults(handler=_statements if many else _statement)

    vote = commands.add_parser("vote", help="holders' votes: proposals, ballots signed by request, tallies")
    vsub = vote.add_subparsers(dest="vote_command", metavar="ACTION", required=True)
    propose = vsub.add_parser("propose", help="put a question to a deed's holders at a record date (a registrar signs)")
    propose.add_argument("deed", metavar="DEED", help="a deed number or a parcel number")
    propose.add_argument("--text", required=True, metavar="TEXT", help="the question the holders vote on")
    propose.add_argument(
        "--threshold", required=True, metavar="T", help="share of ALL the deed's shares that must vote yes: 0.6 or 60%%"
    )
    propose.add_argument(
        "--closes", required=True, metavar="DATE", help="YYYY-MM-DD (end of day, UTC) or YYYY-MM-DDTHH:MM (UTC)"
    )
    propose.add_argument("--record-checkpoint", type=int, metavar="INDEX", help="default: the latest checkpoint")
    _keyed(propose, "the registrar's key")
    propose.add_argument("--json", action="store_true")
    propose.set_defaults(handler=_propose)

    requests = vsub.add_parser(
        "ballot-requests",
        help="write each holder's ballot requests (one file per choice: yes, no, abstain) to sign on their own machine",
    )
    requests.add_argument("id", type=int, metavar="ID", help="the proposal's number")
    requests.add_argument("--out-dir", required=True, metavar="DIR", help="where to write the ballot requests")
    requests.add_argument("--holder", metavar="ADDRESS", help="only this holder (default: every holder)")
    requests.add_argument("--json", action="store_true")
    requests.set_defaults(handler=_ballot_requests)

    vlist = vsub.add_parser("list", help="the proposals and where each stands")
    vlist.add_argument("--json", action="store_true")
    vlist.set_defaults(handler=_vote_list)

    tally = vsub.add_parser("tally", help="a proposal's tally, recomputed from the ledger")
    tally.add_argument("id", type=int, metavar="ID", help="the proposal's number")
    tally.add_argument("--json", action="store_true")
    tally.set_defaults(handler=_tally)


# -- distributions ----------------------------------------------------------------------------------------------


def _new(args: argparse.Namespace, ctx: CliContext) -> int:
    plan = ctx.ws.distribution_preview(
        args.deed, args.amount, args.currency, checkpoint=args.record_checkpoint, purpose=args.purpose
    )
    if args.preview:
        if args.json:
            print_json(plan.as_json())
        else:
            _print_payouts(
                plan.as_json()["payouts"],
                plan.currency,
                plan.amount,
                f"Preview: {format_amount(plan.amount, plan.currency)} over the holders of deed "
                f"{plan.snapshot.deed.deed_id} at checkpoint {plan.snapshot.checkpoint.index}",
            )
            print(plan.rule)
        return 0
    if not args.key:
        from core.errors import DeedbookError

        raise DeedbookError(
            "Recording a distribution needs the registrar's key: give --key (or --preview to only see the payouts)."
        )
    index = ctx.ws.record_distribution(ctx.signer(args.key, args.password_file), plan).value
    entry = ctx.ws.ledger.entry(index)
    m = entry.message
    if args.json:
        print_json(
            {
                "id": m["distributionId"],
                "entry": index,
                "deed": m["deedId"],
                "record_checkpoint": m["recordCheckpoint"],
                "amount": m["amount"],
                "currency": m["currency"],
                "rounding": m["rounding"],
                "payouts": [{"holder": p["holder"], "shares": p["shares"], "minor": p["minor"]} for p in m["payouts"]],
            }
        )
        return 0
    _print_payouts(
        plan.as_json()["payouts"],
        plan.currency,
        plan.amount,
        f"Distribution {m['distributionId']} recorded (entry {index}): "
        f"{format_amount(m['amount'], m['currency'])} to the holders of deed {m['deedId']} at checkpoint "
        f"{m['recordCheckpoint']}",
    )
    print(plan.rule)
    return 0


def _print_payouts(payouts: list[dict[str, Any]], currency: str, amount: int, title: str) -> None:
    print(title)
    for p in payouts:
        note = "  (+1 left over by rounding)" if p.get("extra_unit") else ""
        print(f"  {p['holder']}  {p['shares']:>12,} shares  {format_amount(p['minor'], currency):>22}{note}")
    print(
        f"  {'total':<42}  {sum(p['shares'] for p in payouts):>12,} shares  "
        f"{format_amount(sum(p['minor'] for p in payouts), currency):>22}  (of {format_amount(amount, currency)})"
    )


def _snapshot(args: argparse.Namespace, ctx: CliContext) -> int:
    snap = ctx.ws.snapshot(args.deed, args.record_checkpoint)
    if args.json:
        print_json(snap.as_json())
        return 0
    print(
        f"Deed {snap.deed.deed_id} at checkpoint {snap.checkpoint.index} ({format_instant(snap.checkpoint.recorded_at)}):"
    )
    for holder, shares in sorted(snap.holders.items(), key=lambda i: i[0].lower()):
        print(f"  {holder}  {shares:>12,} of {snap.deed.total_shares:,} shares")
    print(f"From entries {', '.join(str(e.index) for e in snap.entries)}.")
    return 0


def _entry_json(entry: Any) -> dict[str, Any]:
    m = entry.message
    return {
        "id": m["distributionId"],
        "entry": entry.index,
        "deed": m["deedId"],
        "record_checkpoint": m["recordCheckpoint"],
        "amount": m["amount"],
        "currency": m["currency"],
        "purpose": m["purpose"],
        "rounding": m["rounding"],
        "recorded_at": entry.recorded_at,
        "payouts": [{"holder": p["holder"], "shares": p["shares"], "minor": p["minor"]} for p in m["payouts"]],
    }


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.servicing.distributions import summary_line

    found = ctx.ws.distributions(args.deed)
    if args.json:
        print_json([_entry_json(e) for e in found])
        return 0
    if not found:
        print("No distributions.")
    for entry in found:
        print(clean(summary_line(entry), 300))
    return 0


def _show(args: argparse.Namespace, ctx: CliContext) -> int:
    entry = ctx.ws.distribution(args.id)
    data = _entry_json(entry)
    if args.json:
        print_json(data)
        return 0
    from core.servicing.distributions import summary_line

    print(clean(summary_line(entry), 300))
    if data["purpose"]:
        print(f"Purpose: {clean(data['purpose'], 200)}")
    _print_payouts(data["payouts"], data["currency"], data["amount"], "Payouts:")
    return 0


def _operator(args: argparse.Namespace, ctx: CliContext) -> Any:
    return ctx.signer(args.checkpoint_key, args.password_file) if args.checkpoint_key else None


def _statement(args: argparse.Namespace, ctx: CliContext) -> int:
    path = ctx.ws.write_statement(
        args.id,
        args.holder,
        args.out,
        force=args.force,
        paper=args.paper.capitalize() if args.paper == "letter" else "A4",
        operator=_operator(args, ctx),
    ).value
    print(f"Wrote the statement of distribution {args.id} for {args.holder} to {path}")
    return 0


def _statements(args: argparse.Namespace, ctx: CliContext) -> int:
    paths = ctx.ws.write_statements(
        args.id, args.out_dir, paper="Letter" if args.paper == "letter" else "A4", operator=_operator(args, ctx)
    ).value
    print(f"Wrote {counted(len(paths), 'statement')} of distribution {args.id}:")
    for path in paths:
        print(f"  {path}")
    return 0


# -- votes ------------------------------------------------------------------------------------------------------


def _propose(args: argparse.Namespace, ctx: CliContext) -> int:
    proposal_id = ctx.ws.propose(
        ctx.signer(args.key, args.password_file),
        args.deed,
        args.text,
        args.threshold,
        args.closes,
        checkpoint=args.record_checkpoint,
    ).value
    entry = ctx.ws.proposal(proposal_id)
    m = entry.message
    if args.json:
        print_json(
            {
                "id": proposal_id,
                "entry": entry.index,
                "deed": m["deedId"],
                "record_checkpoint": m["recordCheckpoint"],
                "threshold": m["thresholdBps"] / 10000,
                "closes": m["closes"],
            }
        )
        return 0
    print(
        f"Proposal {proposal_id} recorded (entry {entry.index}) for the holders of deed {m['deedId']} at checkpoint "
        f"{m['recordCheckpoint']}; it passes with yes from {m['thresholdBps'] / 100:g}% of all shares and closes "
        f"{format_instant(m['closes'])}."
    )
    print(f"Next: deedbook vote ballot-requests {proposal_id} --out-dir DIR")
    return 0


def _ballot_requests(args: argparse.Namespace, ctx: CliContext) -> int:
    paths = ctx.ws.ballot_requests(args.id, args.out_dir, args.holder).value
    if args.json:
        print_json({"requests": [str(p) for p in paths]})
        return 0
    print(f"Wrote {len(paths)} ballot requests (one per holder and choice):")
    for path in paths:
        print(f"  {path}")
    print(
        f"Each holder signs the one file of their choice (deedbook sign FILE, or a wallet); record each signed "
        f"ballot with: {SUBMIT} FILE.signed.json"
    )
    return 0


def _tally_lines(t: Any, now: int) -> list[str]:
    return [
        f"Proposal {t.proposal_id} on deed {t.deed_id}: {clean(t.text, 200)}",
        f"  {t.state(now)} (closes {format_instant(t.closes)}); outcome: {t.outcome(now)}",
        f"  yes {t.weights['yes']:,}   no {t.weights['no']:,}   abstain {t.weights['abstain']:,}   of "
        f"{t.total_shares:,} shares; passes at {t.needed:,} yes ({t.threshold_bps / 100:g}% of all shares)",
    ]


def _vote_list(args: argparse.Namespace, ctx: CliContext) -> int:
    now = int(time.time())
    tallies = [ctx.ws.tally(p.message["proposalId"]) for p in ctx.ws.proposals()]
    if args.json:
        print_json([t.as_json(now) for t in tallies])
        return 0
    if not tallies:
        print("No proposals.")
    for t in tallies:
        print("\n".join(_tally_lines(t, now)))
    return 0


def _tally(args: argparse.Namespace, ctx: CliContext) -> int:
    now = int(time.time())
    t = ctx.ws.tally(args.id)
    if args.json:
        print_json(t.as_json(now))
        return 0
    print("\n".join(_tally_lines(t, now)))
    for voter, (choice, weight, index) in sorted(t.voters.items()):
        print(f"  {voter}  {choice:<7} {weight:>12,} shares  (entry {index})")
    return 0
