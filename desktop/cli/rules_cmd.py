"""deedbook claims …, rules set|show, can-transfer, hold add|release|list, recovery start|status|requests|objection|complete

An adapter over the workspace's compliance operations (desktop/workspace/compliance.py).
Acts that need a second person's signature (a hold's approver, a recovery's
approvers, the old key's objection) write request files; their signed responses are
recorded with `deedbook submit`.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.dates import format_instant
from core.display import clean
from core.errors import DeedbookError
from desktop.cli.context import CliContext, add_password_file, print_json

SUBMIT = "deedbook submit"


def _keyed(parser: Any, key_help: str) -> None:
    parser.add_argument("--key", required=True, metavar="KEY", help=key_help)
    add_password_file(parser)


def register(commands: Any) -> None:
    claims = commands.add_parser("claims", help="eligibility claims about addresses, and their trusted issuers")
    claims_sub = claims.add_subparsers(dest="claims_command", metavar="ACTION", required=True)
    issuer = claims_sub.add_parser("issuer", help="trusted claim issuers")
    issuer_sub = issuer.add_subparsers(dest="issuer_command", metavar="ACTION", required=True)
    add = issuer_sub.add_parser("add", help="trust an address to issue claims of some types (the operator signs)")
    add.add_argument("address", metavar="ADDRESS", help="the issuer's address")
    add.add_argument("--types", required=True, metavar="T[,T...]", help="identity, jurisdiction, accredited, ...")
    _keyed(add, "the operator's key")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=_issuer_add)
    remove = issuer_sub.add_parser(
        "remove", help="stop trusting a claim issuer: its claims no longer count (the operator signs)"
    )
    remove.add_argument("address", metavar="ADDRESS", help="the issuer's address")
    _keyed(remove, "the operator's key")
    remove.add_argument("--json", action="store_true")
    remove.set_defaults(handler=_issuer_remove)
    issuers = issuer_sub.add_parser("list", help="the trusted issuers and their claim types")
    issuers.add_argument("--json", action="store_true")
    issuers.set_defaults(handler=_issuer_list)

    issue = claims_sub.add_parser(
        "issue", help="issue a claim about an address (the issuer signs; only the evidence's hash is recorded)"
    )
    issue.add_argument("address", metavar="ADDRESS", help="the address the claim is about")
    issue.add_argument("--type", required=True, metavar="T", help="identity, jurisdiction, accredited, entity-type")
    issue.add_argument("--value", default="", metavar="V", help="a category: a country code for jurisdiction")
    issue.add_argument("--expires", metavar="DATE", help="last day the claim counts (YYYY-MM-DD; default: never)")
    issue.add_argument("--evidence-file", required=True, metavar="F", help="the evidence (kept by the issuer)")
    _keyed(issue, "the issuer's key")
    issue.add_argument("--json", action="store_true")
    issue.set_defaults(handler=_claim_issue)

    revoke = claims_sub.add_parser("revoke", help="revoke a claim (its issuer signs)")
    revoke.add_argument("claim", type=int, metavar="CLAIM_ID", help="the claim's number")
    _keyed(revoke, "the issuer's key")
    revoke.add_argument("--json", action="store_true")
    revoke.set_defaults(handler=_claim_revoke)

    listing = claims_sub.add_parser("list", help="claims (about one address, or all)")
    listing.add_argument("address", nargs="?", metavar="ADDRESS", help="only the claims about this address")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_claim_list)

    rules = commands.add_parser("rules", help="the ledger's transfer rules (versioned)")
    rules_sub = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    set_ = rules_sub.add_parser("set", help="record a new version of the rules from a JSON file (the operator signs)")
    set_.add_argument("--file", required=True, metavar="RULES.json", help="the rules, as JSON (docs/rules.md)")
    _keyed(set_, "the operator's key")
    set_.add_argument("--json", action="store_true")
    set_.set_defaults(handler=_rules_set)
    show = rules_sub.add_parser("show", help="the rules in force")
    show.add_argument("--history", action="store_true", help="every version, oldest first")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_rules_show)

    can = commands.add_parser(
        "can-transfer",
        help="would the rules allow this transfer now? exit 0 allowed, 1 refused (with its code and reason)",
    )
    can.add_argument("deed", metavar="DEED", help="a deed number or a parcel number")
    can.add_argument("--to", required=True, metavar="ADDRESS", help="the buyer's address")
    can.add_argument("--shares", type=int, metavar="N", help="default: all the seller holds")
    can.add_argument("--from", dest="seller", metavar="ADDRESS", help="the selling holder, when a deed has several")
    can.add_argument("--json", action="store_true")
    can.set_defaults(handler=_can_transfer)

    hold = commands.add_parser("hold", help="freeze a deed or a holder's shares (two signatures), and release it")
    hold_sub = hold.add_subparsers(dest="hold_command", metavar="ACTION", required=True)
    hadd = hold_sub.add_parser("add", help="sign a hold here and write the second approver's request")
    hadd.add_argument(
        "deed", nargs="?", metavar="DEED", help="the deed to freeze (with --holder: that holder's shares of it)"
    )
    hadd.add_argument("--holder", metavar="ADDRESS", help="freeze this holder's shares (of DEED, or of every deed)")
    hadd.add_argument("--reason", required=True, metavar="TEXT", help="why the hold is placed")
    hadd.add_argument("--order", required=True, metavar="REF", help="the court order's reference")
    hadd.add_argument("--approver", metavar="ADDRESS", help="the second approver (default: the only one possible)")
    hadd.add_argument(
        "--out-dir", required=True, metavar="DIR", help="where to write the signed hold and the approver's request"
    )
    hadd.add_argument(
        "--deadline",
        metavar="WHEN",
        help="last moment the approver's co-signature can be recorded (ISO date: its end in UTC; date and time: UTC "
        "unless it names an offset; or Unix seconds; default: in 14 days)",
    )
    _keyed(hadd, "the registrar's key (signs here)")
    hadd.add_argument("--json", action="store_true")
    hadd.set_defaults(handler=_hold_add)
    hrel = hold_sub.add_parser("release", help="sign a hold's release here and write the second approver's request")
    hrel.add_argument("hold", metavar="HOLD", help="the hold's id (0x and at least 6 hex digits)")
    hrel.add_argument("--reason", required=True, metavar="TEXT", help="why it is released")
    hrel.add_argument("--approver", metavar="ADDRESS", help="the second approver (when several may sign)")
    hrel.add_argument(
        "--out-dir", required=True, metavar="DIR", help="where to write the signed release and the approver's request"
    )
    hrel.add_argument(
        "--deadline",
        metavar="WHEN",
        help="last moment the approver's co-signature can be recorded (ISO date: its end in UTC; date and time: UTC "
        "unless it names an offset; or Unix seconds; default: in 14 days)",
    )
    _keyed(hrel, "the registrar's key (signs here)")
    hrel.add_argument("--json", action="store_true")
    hrel.set_defaults(handler=_hold_release)
    hlist = hold_sub.add_parser("list", help="holds, active and released")
    hlist.add_argument("--json", action="store_true")
    hlist.set_defaults(handler=_hold_list)

    rec = commands.add_parser(
        "recovery", help="move a lost key's holdings (or a court-ordered transfer) through ordered approvals"
    )
    rec_sub = rec.add_subparsers(dest="recovery_command", metavar="ACTION", required=True)
    start = rec_sub.add_parser("start", help="open a recovery (a registrar signs) and write the approvers' requests")
    start.add_argument(
        "--lost", required=True, metavar="ADDRESS", help="the lost key (or the holder a court order names)"
    )
    start.add_argument("--new", required=True, metavar="ADDRESS", help="where the holdings go")
    start.add_argument("--order", default="", metavar="REF", help="a court order's reference: a forced transfer")
    start.add_argument("--deed", metavar="DEED", help="only this deed (default: every deed the key holds)")
    start.add_argument("--reason", metavar="TEXT", help="default: the key was lost (or: the court order)")
    start.add_argument("--out-dir", required=True, metavar="DIR", help="where to write the approvers' requests")
    start.add_argument(
        "--deadline",
        metavar="WHEN",
        help="last moment the approvals requested can be recorded (ISO date or date and time, or Unix seconds; default: in 30 days)",
    )
    _keyed(start, "the registrar's key (signs here)")
    start.add_argument("--json", action="store_true")
    start.set_defaults(handler=_recovery_start)
    stat = rec_sub.add_parser("status", help="where a recovery stands (all of them without ID)")
    stat.add_argument(
        "id", nargs="?", metavar="ID", help="a recovery's id (0x and at least 6 hex digits); none: every recovery"
    )
    stat.add_argument("--json", action="store_true")
    stat.set_defaults(handler=_recovery_status)
    again = rec_sub.add_parser("requests", help="write fresh requests for the missing approvals (new deadline)")
    again.add_argument("id", metavar="ID", help="the recovery's id (0x and at least 6 hex digits)")
    again.add_argument("--out-dir", required=True, metavar="DIR", help="where to write the requests")
    again.add_argument(
        "--deadline",
        metavar="WHEN",
        help="last moment these fresh approvals can be recorded (ISO date or date and time, or Unix seconds; default: in 30 days)",
    )
    again.set_defaults(handler=_recovery_requests)
    obj = rec_sub.add_parser("objection", help="write the request the old key signs to object (and cancel it)")
    obj.add_argument("id", metavar="ID", help="the recovery's id (0x and at least 6 hex digits)")
    obj.add_argument("--out-dir", required=True, metavar="DIR", help="where to write the request")
    obj.set_defaults(handler=_recovery_objection)
    done = rec_sub.add_parser("complete", help="move the holdings, once approved and the waiting period is over")
    done.add_argument("id", metavar="ID", help="the recovery's id (0x and at least 6 hex digits)")
    _keyed(done, "a registrar's key")
    done.add_argument("--json", action="store_true")
    done.set_defaults(handler=_recovery_complete)


# -- claims ----------------------------------------------------------------------------------------------------


def _issuer_add(args: argparse.Namespace, ctx: CliContext) -> int:
    index = ctx.ws.add_issuer(ctx.signer(args.key, args.password_file), args.address, args.types).value
    entry = ctx.ledger().entry(index)
    if args.json:
        print_json(entry.as_json())
    else:
        print(f"{entry.message['issuer']} may issue {entry.message['claimTypes']} claims (entry {index}).")
    return 0


def _issuer_remove(args: argparse.Namespace, ctx: CliContext) -> int:
    index = ctx.ws.remove_issuer(ctx.signer(args.key, args.password_file), args.address).value
    entry = ctx.ledger().entry(index)
    if args.json:
        print_json(entry.as_json())
    else:
        print(
            f"{entry.message['issuer']} is no longer a trusted claim issuer (entry {index}); its claims no longer "
            "count. 'deedbook claims issuer add' trusts it again."
        )
    return 0


def _issuer_list(args: argparse.Namespace, ctx: CliContext) -> int:
    issuers = ctx.ws.issuers()
    if args.json:
        print_json([{"address": i.address, "types": list(i.types), "index": i.index} for i in issuers])
        return 0
    if not issuers:
        print("No claim issuers are trusted yet.")
    for i in issuers:
        print(f"{i.address}  {', '.join(i.types) or 'no longer trusted'}  (entry {i.index})")
    return 0


def _claim_issue(args: argparse.Namespace, ctx: CliContext) -> int:
    index, claim_id = ctx.ws.issue_claim(
        ctx.signer(args.key, args.password_file),
        args.address,
        args.type,
        evidence_file=args.evidence_file,
        value=args.value,
        expires=args.expires,
    ).value
    if args.json:
        print_json({"claim_id": claim_id, **ctx.ledger().entry(index).as_json()})
    else:
        print(f"Claim {claim_id} recorded as entry {index}; keep the evidence file: the ledger holds only its hash.")
    return 0


def _claim_revoke(args: argparse.Namespace, ctx: CliContext) -> int:
    index = ctx.ws.revoke_claim(ctx.signer(args.key, args.password_file), args.claim).value
    if args.json:
        print_json(ctx.ledger().entry(index).as_json())
    else:
        print(f"Claim {args.claim} revoked (entry {index}).")
    return 0


def _claim_list(args: argparse.Namespace, ctx: CliContext) -> int:
    views = ctx.ws.claims(args.address)
    if args.json:
        print_json([v.as_json() for v in views])
        return 0
    if not views:
        print("No claims." if args.address is None else f"No claims about {args.address}.")
    for view in views:
        print(clean(view.line(), 400))
    return 0


# -- rules ---------------------------------------------------------------------------------------------------


def _rules_set(args: argparse.Namespace, ctx: CliContext) -> int:
    rules = ctx.ws.read_rules(args.file)
    version, lines = ctx.ws.rules_changes(rules)
    index = ctx.ws.set_rules(ctx.signer(args.key, args.password_file), rules).value
    if args.json:
        print_json({"version": version, "index": index, "changes": lines, "rules": rules.as_json()})
        return 0
    print(f"Rules v{version} recorded as entry {index}; transfers recorded from now on are judged by them.")
    for line in lines:
        print(f"  {line}")
    return 0


def _rules_show(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.compliance.judge import rules_of
    from core.compliance.schema import rule_lines

    if args.history:
        versions = ctx.ws.rules_history()
        if args.json:
            print_json(
                [
                    {
                        "version": v.version,
                        "index": v.index,
                        "recorded_at": v.recorded_at,
                        "rules": rules_of(v.text).as_json(),
                    }
                    for v in versions
                ]
            )
            return 0
        if not versions:
            print("No rules have been set: every transfer is judged only by holds and liens.")
        for v in versions:
            print(f"v{v.version}  entry {v.index}  {format_instant(v.recorded_at)}  {v.text}")
        return 0
    current = ctx.ws.rules_in_force()
    if args.json:
        print_json(current.as_json())
        return 0
    if current.rules is None or current.recorded is None:
        print("No rules have been set: every transfer is judged only by holds and liens.")
        return 0
    print(f"Rules v{current.version} (entry {current.recorded.index}, {format_instant(current.recorded.recorded_at)}):")
    lines = rule_lines(current.rules)
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        print(f"  {label.ljust(width)}  {value}")
    return 0


def _can_transfer(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.shares is not None and args.shares < 1:
        raise DeedbookError("--shares must be at least 1.")
    verdict = ctx.ws.can_transfer(args.deed, args.to, shares=args.shares, frm=args.seller)
    if args.json:
        print_json(verdict.as_json())
    else:
        head = "Allowed" if verdict.allowed else f"Refused ({verdict.code}, {verdict.status})"
        print(f"{head}: {verdict.reason}" if not verdict.allowed else verdict.reason)
        for need in verdict.needs:
            print(f"  It still needs {need}.")
    return 0 if verdict.allowed else 1


# -- holds -------------------------------------------------------------------------------------------------------


def _prepared(args: argparse.Namespace, act: Any, what: str) -> int:
    """A hold or its release, signed here and waiting for its second approver: as JSON, or what to do next."""
    if args.json:
        print_json(act.as_json())
        return 0
    mine = next(path for role, _, path in act.files if role == "registrar")
    theirs = next((signer, path) for role, signer, path in act.files if role == "approver")
    print(f"{what}: signed here by the registrar ({mine}).")
    print(f"  Send {theirs[1]} to the second approver {theirs[0]} to sign on their machine,")
    print(f"  by {format_instant(act.message['deadline'])} (its deadline);")
    print(f"  then record it with: {SUBMIT} {mine} <their signed response>")
    return 0


def _hold_add(args: argparse.Namespace, ctx: CliContext) -> int:
    act = ctx.ws.prepare_hold(
        ctx.signer(args.key, args.password_file),
        deed=args.deed,
        holder=args.holder,
        reason=args.reason,
        order=args.order,
        out_dir=args.out_dir,
        approver=args.approver,
        deadline=args.deadline,
    ).value
    return _prepared(args, act, f"Hold {act.message['holdId'][:10]}\u2026 prepared")


def _hold_release(args: argparse.Namespace, ctx: CliContext) -> int:
    act = ctx.ws.prepare_hold_release(
        ctx.signer(args.key, args.password_file),
        args.hold,
        reason=args.reason,
        out_dir=args.out_dir,
        approver=args.approver,
        deadline=args.deadline,
    ).value
    return _prepared(args, act, f"Release of hold {act.message['holdId'][:10]}\u2026 prepared")


def _hold_list(args: argparse.Namespace, ctx: CliContext) -> int:
    holds = ctx.ws.holds()
    if args.json:
        print_json(
            [
                {
                    "id": h.hold_id,
                    "deed_id": h.deed_id or None,
                    "holder": None if int(h.holder, 16) == 0 else h.holder,
                    "reason": h.reason,
                    "order": h.order,
                    "registrar": h.registrar,
                    "approver": h.approver,
                    "index": h.index,
                    "released_index": h.released_index,
                    "active": h.active,
                }
                for h in holds
            ]
        )
        return 0
    if not holds:
        print("No holds.")
    for h in holds:
        what = (
            f"deed {h.deed_id}"
            if int(h.holder, 16) == 0
            else f"{h.holder}" + (f" on deed {h.deed_id}" if h.deed_id else " (every deed)")
        )
        state = "active" if h.active else f"released (entry {h.released_index})"
        print(f"{h.hold_id[:10]}\u2026  {what}  order {clean(h.order, 60)}: {clean(h.reason, 80)}  [{state}]")
    return 0


# -- recovery --------------------------------------------------------------------------------------------------


def _recovery_start(args: argparse.Namespace, ctx: CliContext) -> int:
    reason = args.reason or (f"Court order {args.order}" if args.order else "The holder lost the key.")
    started = ctx.ws.start_recovery(
        ctx.signer(args.key, args.password_file),
        lost=args.lost,
        new=args.new,
        reason=reason,
        order=args.order,
        deed=args.deed,
        out_dir=args.out_dir,
        deadline=args.deadline,
    ).value
    if args.json:
        print_json(started.as_json())
        return 0
    print(f"Recovery {started.recovery_id} opened (entry {started.index}); the lost key's shares are held from now on.")
    print("  Each approver signs their request on their own machine, in order; record each signed response with:")
    print(f"  {SUBMIT} RESPONSE")
    for path in started.requests:
        print(f"    {path}")
    return 0


def _recovery_status(args: argparse.Namespace, ctx: CliContext) -> int:

    views = ctx.ws.recovery_status(args.id)
    if args.json:
        print_json([v.as_json() for v in views] if args.id is None else views[0].as_json())
        return 0
    if not views:
        print("No recoveries.")
    for v in views:
        r = v.recovery
        kind = f"court order {clean(r.order, 60)}" if r.forced else "lost key"
        print(f"{r.recovery_id}  {r.lost} \u2192 {r.new}  ({kind})  [{v.state}]")
        print(f"  {v.summary}")
        if v.requests_expired_at is not None:
            print(f"  Write fresh requests with: deedbook recovery requests {r.recovery_id[:10]} --out-dir DIR")
        for s in v.steps:
            done = f"approved by {s.approver} (entry {s.index})" if s.approver else "waiting"
            print(f"  {s.step}. {s.role:<16} {done}")
        if v.ready_at is not None and v.state in ("waiting", "ready"):
            print(f"  Waiting period: {v.waiting_days} days, until {format_instant(v.ready_at)}")
    return 0


def _recovery_requests(args: argparse.Namespace, ctx: CliContext) -> int:
    paths = ctx.ws.recovery_requests(args.id, args.out_dir, args.deadline).value
    for path in paths:
        print(path)
    return 0


def _recovery_objection(args: argparse.Namespace, ctx: CliContext) -> int:
    path = ctx.ws.objection_request(args.id, args.out_dir).value
    print(f"The old key signs {path} to object; record the response with: {SUBMIT} RESPONSE")
    return 0


def _recovery_complete(args: argparse.Namespace, ctx: CliContext) -> int:
    indexes = ctx.ws.complete_recovery(ctx.signer(args.key, args.password_file), args.id).value
    if args.json:
        print_json([ctx.ledger().entry(i).as_json() for i in indexes])
    else:
        deeds = [ctx.ledger().entry(i).deed_id for i in indexes]
        print(f"Holdings moved: deed(s) {', '.join(map(str, deeds))} (entries {', '.join(map(str, indexes))}).")
    return 0
