"""deedbook init | checkpoint | proof | verify-proof | verify | demo | registrar add"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from core.errors import DeedbookError
from desktop.cli.context import CliContext, add_force, add_password_file, print_json
from desktop.cli.witness_cmd import add_checkpoint_actions, sign_checkpoint
from core.wording import counted


def register(commands: Any) -> None:
    init = commands.add_parser("init", help="create a ledger; the operator key is also its first registrar")
    init.add_argument("--name", required=True, help="the ledger's name, shown to every signer")
    init.add_argument("--operator", metavar="KEY", required=True, help="the operator's key in this data folder")
    init.add_argument("--chain-id", type=int, default=1, help="EIP-712 chainId of the ledger's domain (default 1)")
    add_password_file(init)
    init.set_defaults(handler=_init)

    checkpoint = commands.add_parser(
        "checkpoint",
        help="sign a tree head over the whole ledger (operator key); its actions serve witnesses (docs/witnesses.md)",
    )
    checkpoint.add_argument("--key", help="the operator key (signing a checkpoint)")
    checkpoint.add_argument(
        "--new-witness",
        action="store_true",
        help="start the witness afresh from the ledger as it is (the old file is kept, renamed)",
    )
    checkpoint.add_argument("--request-out", metavar="FILE", help="also write what witnesses need to cosign it")
    add_password_file(checkpoint)
    add_force(checkpoint)
    checkpoint.set_defaults(handler=sign_checkpoint)
    add_checkpoint_actions(checkpoint)

    proof = commands.add_parser("proof", help="an inclusion proof of one entry that anyone can check offline")
    proof.add_argument("index", type=int, help="the entry's index")
    proof.add_argument("--out", metavar="F", help="where to write the proof (default: print it)")
    add_force(proof)
    proof.set_defaults(handler=_proof)

    verify_proof = commands.add_parser("verify-proof", help="check a proof file; needs no ledger")
    verify_proof.add_argument("file", help="the proof file")
    verify_proof.add_argument("--policy", metavar="P", help="require the cosignatures the policy file P asks for")
    verify_proof.add_argument("--json", action="store_true")
    verify_proof.set_defaults(handler=_verify_proof)

    verify = commands.add_parser("verify", help="check every signature, rule, hash and the deed tables")
    verify.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    verify.add_argument(
        "--since-checkpoint",
        action="store_true",
        help="check only what is new since the last checkpoint verified in full in this data folder",
    )
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=_verify)

    demo = commands.add_parser("demo", help="build a demo ledger from the bundled Ames market data")
    demo.add_argument("--deeds", type=int, required=True, help="how many deeds to register")
    demo.add_argument("--transfers", type=int, default=0, help="how many transfers to record (default 0)")
    demo.add_argument(
        "--with-suspicious",
        type=int,
        default=0,
        metavar="K",
        help="add K injected cases of each pattern the screen looks for (see docs/screening.md)",
    )
    demo.set_defaults(handler=_demo)

    registrar = commands.add_parser("registrar", help="manage who may register deeds")
    reg_sub = registrar.add_subparsers(dest="registrar_command", metavar="ACTION", required=True)
    add = reg_sub.add_parser("add", help="let ADDRESS register deeds (signed by the operator)")
    add.add_argument("address", help="the new registrar's address")
    add.add_argument("--key", required=True, help="the operator key")
    add_password_file(add)
    add.set_defaults(handler=_registrar_add)


def _init(args: argparse.Namespace, ctx: CliContext) -> int:
    ledger = ctx.ws.init_ledger(args.name, ctx.signer(args.operator, args.password_file), chain_id=args.chain_id).value
    print(f"Created ledger \u201c{ledger.identity.name}\u201d {ledger.identity.ledger_id_hex}")
    print(f"Operator and first registrar: {ledger.identity.operator}")
    return 0


def _proof(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.out:
        ctx.ws.write_proof(args.index, args.out, force=args.force)
        print(f"Wrote the proof of entry {args.index} to {args.out}.")
        return 0
    from core.proofs import build_proof

    sys.stdout.write(json.dumps(build_proof(ctx.ledger(), args.index), indent=2, ensure_ascii=False) + "\n")
    return 0


def _verify_proof(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.identity import LedgerIdentity
    from core.policy import checkpoint_quorum
    from core.proofs import read_proof_file, verify_proof

    policy = ctx.ws.read_policy(args.policy) if args.policy else None  # a bad policy is said before the proof
    data = read_proof_file(Path(args.file))
    report = verify_proof(data)
    quorum = (
        checkpoint_quorum(policy, LedgerIdentity.from_json(data["ledger"]), data["checkpoint"])
        if policy is not None
        else None
    )
    if args.json:
        print_json(
            {
                **report.as_json(),
                "ok": quorum is None or quorum.ok,
                "policy": quorum.as_json() if quorum is not None else None,
            }
        )
    else:
        print(f"Genuine: entry {report.index} ({report.kind}) \u2014 {report.summary}")
        print(f"is in ledger \u201c{report.ledger_name}\u201d {report.ledger_id} at tree size {report.tree_size},")
        print(f"root {report.root}, checkpoint signed by the operator {report.operator}.")
        if report.cosigners:
            print("Cosigned by " + ", ".join(f"{c['name']} ({c['address']})" for c in report.cosigners) + ".")
        if quorum is None:
            print("Compare the operator address with one you trust (or check it against a policy: --policy P).")
        elif quorum.ok:
            print(f"The policy accepts it: cosigned by {', '.join(quorum.cosigned) or 'no witness it needs'}.")
        else:
            print(f"NOT ACCEPTED by the policy: {quorum.reason}")
    return 0 if quorum is None or quorum.ok else 1


def _verify(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise DeedbookError("--jobs must be at least 1.")
    # a ledger that cannot even be opened fails verification (exit 1)
    report = ctx.ws.verify(jobs=args.jobs, since_checkpoint=args.since_checkpoint)
    if args.json:
        print_json(report.as_json())
    else:
        if report.ok and report.since is not None:
            print(
                f"ok: {counted(report.entries - report.since, 'new entry', 'new entries')} verified in "
                f"{report.seconds:.2f} s ({report.entries} in the ledger, {counted(report.deeds, 'deed')})"
            )
            print(f"checked: {report.checked}.")
        elif report.ok:
            entries, deeds = counted(report.entries, "entry", "entries"), counted(report.deeds, "deed")
            print(f"ok: {entries}, {deeds} verified in {report.seconds:.2f} s")
        else:
            print(f"NOT OK: {report.reason}")
        for warning in report.warnings:
            print(f"warning: {warning}")
    return 0 if report.ok else 1


def _demo(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.demo import DEMO_PASSWORD

    if args.deeds < 1 or args.transfers < 0 or args.with_suspicious < 0:
        raise DeedbookError("A demo needs at least one deed and no negative number of transfers or cases.")

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    summary = ctx.ws.build_demo(
        deeds=args.deeds, transfers=args.transfers, progress=progress, suspicious=args.with_suspicious
    ).value
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(
        f"Demo ledger in {ctx.home.root}: {summary['deeds']} deeds, {summary['transfers']} transfers, "
        f"{summary['entries']} entries."
    )
    print(f"Demo keys ({', '.join(summary['keys'][:4])}, ...) use the password '{DEMO_PASSWORD}'.")
    if summary["suspicious"]:
        cases = summary["suspicious"]
        print(
            f"{len(cases)} suspicious cases injected (each pattern {args.with_suspicious} times); their transfers: "
            + ", ".join(f"{c['entry']} ({c['pattern']})" for c in cases[:9])
            + (", ..." if len(cases) > 9 else "")
            + ". See them with 'deedbook screen --all'."
        )
    return 0


def _registrar_add(args: argparse.Namespace, ctx: CliContext) -> int:
    address = ctx.ws.add_registrar(ctx.signer(args.key, args.password_file), args.address).value
    print(f"{address} may now register deeds.")
    return 0
