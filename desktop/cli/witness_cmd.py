"""deedbook witness init|follow|cosign|show, verify-fork, export, replica sync|show, serve, policy new|show,
and the checkpoint's actions for witnesses (checkpoint add-cosignature|request|send|show).

Adapters over the workspace (desktop/workspace/witnessing.py): they parse, call, print.
Exit codes: 0 done; 1 a fork proved (witness cosign, verify-fork) or a source that
rewrote its history (replica sync); 2 bad input or a refusal (one sentence).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from core.errors import DeedbookError
from desktop.cli.context import CliContext, add_force, add_password_file, print_json, say_waiting
from core.wording import counted


def register(commands: Any) -> None:
    witness = commands.add_parser("witness", help="be a witness: cosign other offices' ledgers' checkpoints")
    sub = witness.add_subparsers(dest="witness_command", metavar="ACTION", required=True)
    init = sub.add_parser("init", help="make this data folder a witness named NAME, signing with a local key")
    init.add_argument("name", metavar="NAME", help="the witness's name in its signatures, e.g. notary.example/w1")
    init.add_argument("--key", required=True, help="the local key it cosigns with")
    init.set_defaults(handler=_witness_init)
    follow = sub.add_parser("follow", help="follow a ledger: its key, or a checkpoint request or bundle naming it")
    follow.add_argument("ledger", metavar="LEDGER", help="the ledger's key (deedbook/ledger/...+...+...) or a file")
    follow.set_defaults(handler=_witness_follow)
    cosign = sub.add_parser("cosign", help="cosign a checkpoint request (exit 1 and a fork proof on a fork)")
    cosign.add_argument(
        "request", metavar="CHECKPOINT_REQUEST", help="the checkpoint request file the ledger's office wrote"
    )
    cosign.add_argument("--key", required=True, help="the witness's key (the one 'witness init' named)")
    cosign.add_argument("--out", required=True, metavar="COSIGNATURE", help="the cosigned checkpoint, for the operator")
    cosign.add_argument("--fork-proof-out", metavar="FILE", help="where to write a fork proof, should there be one")
    cosign.add_argument("--json", action="store_true")
    add_password_file(cosign)
    add_force(cosign)
    cosign.set_defaults(handler=_witness_cosign)
    show = sub.add_parser("show", help="this witness, its key, and each ledger it follows with its last cosigned size")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_witness_show)

    fork = commands.add_parser(
        "verify-fork",
        help="check a fork proof; needs no ledger (exit 1: it proves a fork, 0: it does not, 2: not a fork proof)",
    )
    fork.add_argument("file", metavar="FILE", help="the fork proof file")
    fork.add_argument("--json", action="store_true")
    fork.set_defaults(handler=_verify_fork)

    export = commands.add_parser("export", help="the entries from N on, with the latest checkpoint, for a replica")
    export.add_argument("--since", type=int, required=True, metavar="N", help="the first entry to include (0: all)")
    export.add_argument("--out", required=True, metavar="BUNDLE", help="where to write the bundle")
    add_force(export)
    export.set_defaults(handler=_export)

    replica = commands.add_parser("replica", help="keep a replica of another office's ledger")
    rsub = replica.add_subparsers(dest="replica_command", metavar="ACTION", required=True)
    sync = rsub.add_parser("sync", help="check and append what the source holds that this replica does not")
    sync.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="SOURCE",
        help="an export bundle, another data folder, or a serve URL (http://host:port)",
    )
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(handler=_replica_sync)
    rshow = rsub.add_parser("show", help="where this replica syncs from and how far it is")
    rshow.add_argument("--json", action="store_true")
    rshow.set_defaults(handler=_replica_show)

    serve = commands.add_parser(
        "serve",
        help="serve this folder's ledger (read-only) and, with --witness, its "
        "witness endpoint; loopback only unless --host says otherwise",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1, this machine only)"
    )
    serve.add_argument("--port", type=int, default=8080, help="0: any free port (default 8080)")
    serve.add_argument("--witness", action="store_true", help="answer add-checkpoint as this folder's witness")
    serve.add_argument("--key", help="the witness's key (default: the one witness init named)")
    add_password_file(serve)
    serve.set_defaults(handler=_serve)

    policy = commands.add_parser("policy", help="trust policies: the ledger's key, witnesses' keys, a quorum")
    psub = policy.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    new = psub.add_parser("new", help="a policy naming this ledger and the witnesses given")
    new.add_argument("--witness", action="append", default=[], metavar="KEY", help="a witness's key (repeat)")
    new.add_argument("--name", action="append", default=[], metavar="NAME", help="its name in the policy (repeat)")
    new.add_argument("--quorum", type=int, metavar="K", help="how many of them must cosign (default: all)")
    new.add_argument("--out", required=True, metavar="P", help="where to write the policy file")
    add_force(new)
    new.set_defaults(handler=_policy_new)
    pshow = psub.add_parser("show", help="read a policy file")
    pshow.add_argument("file", metavar="P", help="the policy file")
    pshow.add_argument("--json", action="store_true")
    pshow.set_defaults(handler=_policy_show)


def add_checkpoint_actions(checkpoint: argparse.ArgumentParser) -> None:
    """`checkpoint add-cosignature|request|send|show`, beside `checkpoint --key K` itself."""
    sub = checkpoint.add_subparsers(dest="checkpoint_command", metavar="ACTION", required=False)
    add = sub.add_parser("add-cosignature", help="keep witnesses' cosignatures (their cosigned checkpoint files)")
    add.add_argument("files", nargs="+", metavar="COSIGNATURE", help="cosignature files witnesses sent back")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=_add_cosignatures)
    request = sub.add_parser("request", help="write what witnesses need to cosign the latest checkpoint")
    request.add_argument("--out", required=True, metavar="FILE", help="where to write the request")
    request.add_argument(
        "--from",
        dest="sizes",
        type=int,
        action="append",
        default=[],
        metavar="SIZE",
        help="also prove consistency from this size (a witness's; repeat)",
    )
    add_force(request)
    request.set_defaults(handler=_request)
    send = sub.add_parser("send", help="ask witnesses' serve --witness URLs to cosign the latest checkpoint")
    send.add_argument("urls", nargs="+", metavar="URL", help="witness servers (http://host:port)")
    send.add_argument("--json", action="store_true")
    send.set_defaults(handler=_send)
    show = sub.add_parser("show", help="the latest checkpoint, its note and cosigners, each witness's last size")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_checkpoint_show)


def sign_checkpoint(args: argparse.Namespace, ctx: CliContext) -> int:
    """`checkpoint --key K [--request-out FILE]`."""
    if not args.key:
        raise DeedbookError("A checkpoint is signed with the operator's key: give --key.")
    done = ctx.ws.checkpoint_for_witnesses(
        ctx.signer(args.key, args.password_file),
        new_witness=args.new_witness,
        request_out=args.request_out,
        force=args.force,
    )
    recorded, request = done.value
    m = recorded.message
    print(f"Checkpoint {recorded.index}: {counted(m['size'], 'entry')}, root {m['root']}")
    if request is not None:
        print(f"Wrote the request for witnesses to {request}.")
    return 0


# -- the operator ---------------------------------------------------------------------------------
def _add_cosignatures(args: argparse.Namespace, ctx: CliContext) -> int:
    added = ctx.ws.add_cosignatures(args.files).value
    if args.json:
        print_json({"added": [a.as_json() for a in added]})
        return 0
    for item in added:
        c = item.cosigner
        print(
            f"Kept the cosignature of {c.name} ({c.address}) on checkpoint {item.checkpoint} "
            f"({counted(item.size, 'entry')})."
        )
    return 0


def _request(args: argparse.Namespace, ctx: CliContext) -> int:
    path = ctx.ws.checkpoint_request(args.out, asked=args.sizes, force=args.force).value
    print(f"Wrote the request for witnesses to {path}.")
    return 0


def _send(args: argparse.Namespace, ctx: CliContext) -> int:
    results = ctx.ws.send_checkpoint(args.urls).value
    if args.json:
        print_json({"witnesses": [r.as_json() for r in results]})
    else:
        for r in results:
            names = ", ".join(a.cosigner.name for a in r.added)
            print(f"{r.url}: cosigned by {names}." if r.cosigned else f"{r.url}: {r.sentence}")
    refused = [r for r in results if not r.cosigned]
    if len(refused) == 1 == len(results):  # one witness asked: its answer is the sentence
        print(f"deedbook: {refused[0].url} did not cosign the checkpoint: {refused[0].sentence}", file=sys.stderr)
        return 2
    if refused:
        print(f"deedbook: {len(refused)} of {len(results)} witnesses did not cosign the checkpoint.", file=sys.stderr)
        return 2
    return 0


def _checkpoint_show(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.cosignatures import note_of_checkpoint

    status = ctx.ws.cosign_status()
    latest = status.checkpoint
    if latest is None:
        raise DeedbookError("The ledger has no checkpoint yet.")
    note = note_of_checkpoint(ctx.ledger(), latest).serialize()
    if args.json:
        print_json(
            {
                "index": latest.index,
                "size": latest.message["size"],
                "root": latest.message["root"],
                "timestamp": latest.message["timestamp"],
                "note": note,
                "cosigners": [c.as_json() for c in status.cosigners],
                "witnesses": [w.__dict__ for w in status.witnesses],
            }
        )
        return 0
    sys.stdout.write(note)
    print(
        f"Checkpoint {latest.index}: {counted(latest.message['size'], 'entry')}; cosigned by "
        f"{counted(len(status.cosigners), 'witness')}."
    )
    for w in status.witnesses:
        print(f"  {w.name} ({w.address}): last cosigned {counted(w.size, 'entry')}")
    return 0


def _policy_new(args: argparse.Namespace, ctx: CliContext) -> int:
    path = ctx.ws.make_policy(args.witness, args.out, quorum=args.quorum, names=args.name, force=args.force).value
    print(f"Wrote the policy to {path}.")
    return 0


def _policy_show(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.checkpoint_note import ledger_vkey

    policy = ctx.ws.read_policy(args.file)
    if args.json:
        print_json(
            {
                "ledgers": [{**i.as_json(), "ledgerKey": ledger_vkey(i).text()} for i in policy.logs],
                "witnesses": {n: {"name": w.name, "address": w.address} for n, w in policy.witnesses.items()},
                "quorum": policy.describe_quorum(),
            }
        )
        return 0
    for identity in policy.logs:
        print(f"Ledger:  \u201c{identity.name}\u201d {identity.ledger_id_hex} (operator {identity.operator})")
    for name, witness in policy.witnesses.items():
        print(f"Witness: {name} = {witness.name} ({witness.address})")
    print(f"Quorum:  {policy.describe_quorum()}")
    return 0


# -- a witness ------------------------------------------------------------------------------------------
def _witness_init(args: argparse.Namespace, ctx: CliContext) -> int:
    role = ctx.ws.witness_init(args.name, args.key).value
    print(f"This folder is now the witness {role.name}, cosigning with {role.address}.")
    print(f"Its key, for the policies of the ledgers it witnesses: {role.witness_key.vkey.text()}")
    return 0


def _witness_follow(args: argparse.Namespace, ctx: CliContext) -> int:
    followed = ctx.ws.witness_follow(args.ledger).value
    i = followed.identity
    print(f"Following \u201c{i.name}\u201d {i.ledger_id_hex}, whose operator is {i.operator}.")
    print("Compare the operator's address with the one its office gives you before cosigning anything.")
    return 0


def _witness_cosign(args: argparse.Namespace, ctx: CliContext) -> int:
    result = ctx.ws.witness_cosign(
        args.request, ctx.signer(args.key, args.password_file), args.out, fork_out=args.fork_proof_out, force=args.force
    ).value
    if args.json:
        print_json(
            {
                "cosigned": result.cosigned,
                "status": result.status,
                "sentence": result.sentence,
                "fork_proof": str(args.fork_proof_out or result.fork_path) if result.fork else None,
            }
        )
    if result.fork is not None:
        if not args.json:
            print(result.sentence)
            if args.fork_proof_out:
                print(
                    f"Wrote the fork proof to {args.fork_proof_out}; anyone can check it with: deedbook verify-fork "
                    f"{args.fork_proof_out}"
                )
        return 1
    if not args.json:
        print(f"{result.sentence} Wrote the cosignature to {args.out}.")
    return 0


def _witness_show(args: argparse.Namespace, ctx: CliContext) -> int:
    role, followed = ctx.ws.witness_state()
    if role is None:
        raise DeedbookError(
            f"The data folder {ctx.home.root} is not a witness's: make it one with "
            "'deedbook witness init NAME --key K'."
        )
    if args.json:
        print_json({**role.as_json(), "ledgers": [f.as_json() for f in followed]})
        return 0
    print(f"Witness {role.name}, cosigning with {role.address} (key '{role.key}').")
    print(f"Key: {role.witness_key.vkey.text()}")
    if not followed:
        print("It follows no ledger yet: deedbook witness follow LEDGER_KEY")
    for f in followed:
        forks = f"; {len(f.forks)} FORK PROOF(S) KEPT" if f.forks else ""
        print(
            f"  \u201c{f.identity.name}\u201d {f.identity.ledger_id_hex[:18]}\u2026: "
            f"last cosigned {counted(f.size, 'entry')}{forks}"
        )
    return 0


# -- anyone ---------------------------------------------------------------------------------------------
def _verify_fork(args: argparse.Namespace, ctx: CliContext) -> int:
    verdict = ctx.ws.verify_fork(args.file)
    if args.json:
        print_json(verdict.as_json())
    else:
        print(("FORK PROVED: " if verdict.proved else "NO FORK: ") + verdict.reason)
    return 1 if verdict.proved else 0


# -- replicas ---------------------------------------------------------------------------------------------
def _export(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.since < 0:
        raise DeedbookError("--since is an entry number (0 or more).")
    from desktop.cli.valuation_cmd import _progress

    path = ctx.ws.export_bundle(
        args.since, args.out, force=args.force, progress=_tenths(_progress(True), "written")
    ).value
    print(f"Wrote entries from {args.since} on, with the latest checkpoint, to {path}.")
    return 0


def _tenths(report: Any, done_to_them: str) -> Any:
    """`report(fraction, sentence)` at each tenth of the entries (a county's export or sync is 500 batches), or
    None when there is no terminal to show it."""
    if report is None:
        return None
    shown = [-1]

    def hear(done: int, of: int) -> None:
        if done * 10 // of != shown[0]:
            shown[0] = done * 10 // of
            report(done / of, f"{done:,} of {of:,} entries {done_to_them}")

    return hear


def _replica_sync(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.errors import Cancelled, Interrupted
    from desktop.cli.stopping import ctrl_c_asks_to_stop
    from desktop.cli.valuation_cmd import _progress

    with ctrl_c_asks_to_stop() as asked:  # Ctrl+C stops the wait for another sync, or the sync between batches
        try:
            report = ctx.ws.replica_sync(
                args.source,
                waiting=lambda said: say_waiting(said.sentence),
                cancelled=asked.is_set,
                progress=_tenths(_progress(not args.json), "checked and appended"),
            ).value
        except Cancelled as stopped:  # its wait: nothing synced
            if not asked.is_set():
                raise
            raise Interrupted(str(stopped)) from None
    if report.stopped:  # exit 130, as any Ctrl+C, with the sentence that says how far it got
        raise Interrupted(report.reason)
    if args.json:
        print_json(report.as_json())
    elif report.ok:
        started = "Started the replica: " if report.started else ""
        cosigned = f", cosigned by {len(report.cosigners)} witness(es)" if report.cosigners else ""
        checkpoint = (
            f"; latest checkpoint {counted(report.checkpoint_size, 'entry')}{cosigned}"
            if report.checkpoint_size
            else "; no checkpoint yet"
        )
        print(
            f"{started}{report.appended:,} new entries checked and appended; the replica holds {report.size:,}"
            f"{checkpoint}."
        )
    else:
        print(f"REFUSED: {report.reason}")
    return 0 if report.ok else 1


def _replica_show(args: argparse.Namespace, ctx: CliContext) -> int:
    state = ctx.ws.replica_state()
    if state is None:
        raise DeedbookError(f"The data folder {ctx.home.root} has never synced as a replica.")
    held = ctx.ws.replica_held()  # the ledger's own count: a sync stopped between batches kept more than `size`
    if args.json:  # replica.json's keys as written (`size`: the last sync that finished), and what is held now
        print_json(
            {
                **state,
                "held": held.size if held is not None else None,
                "heldCheckpointSize": held.checkpoint_size if held is not None else None,
            }
        )
        return 0
    from core.dates import format_instant
    from core.replica_start import Stop

    size = held.size if held is not None else state.get("size", 0)
    checkpoint = held.checkpoint_size if held is not None else state.get("checkpointSize")
    stop = Stop.from_json(state.get("stopped"))
    stopped = f" (the last sync {stop.sentence(size)}; sync again to continue)" if stop is not None else ""
    print(
        f"Replica of {state.get('source')}: {counted(size, 'entry')}, last synced "
        f"{format_instant(int(state.get('lastSync', 0)))}{stopped}, latest checkpoint {checkpoint} "
        f"cosigned by {len(state.get('cosigners') or [])} witness(es)."
    )
    return 0


# -- serve ---------------------------------------------------------------------------------------------------
def _serve(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.errors import NotFound
    from core.witnessing import require_role
    from desktop.serve.server import make_server

    if not 0 <= args.port <= 65535:
        raise DeedbookError("--port is a port number from 0 to 65535.")
    key = None
    if args.witness:
        role = require_role(ctx.home)
        key = ctx.ws.unlock(
            ctx.signer(args.key or role.key, args.password_file), must_be=role.address, what=f"The witness {role.name}"
        )
    try:
        ledger = ctx.ledger() if ctx.ws.ledger_may_exist() else None
    except NotFound:
        ledger = None
    if ledger is None and key is None:
        raise DeedbookError(f"There is nothing to serve in {ctx.home.root}: no ledger, and --witness was not given.")
    server = make_server(ctx.home, ledger, args.host, args.port, witness_key=key)
    what = " and ".join(x for x in ("the ledger (read-only)" if ledger else "", "the witness" if key else "") if x)
    try:  # from here a Ctrl-C, even one during the first line, stops it cleanly and closes the socket
        print(f"Serving {what} on {server.url} (Ctrl-C stops it).", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
    finally:
        server.server_close()
    return 0
