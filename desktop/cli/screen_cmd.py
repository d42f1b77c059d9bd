"""deedbook screen ENTRY | --all | request FILE | review ENTRY | evaluate: transaction screening.

Argument parsing and printing only: the work is the workspace's (desktop/workspace/
screening.py, valuation.service underneath).  `screen` takes an entry number or an
action in the same place: a number goes to the hidden `entry` action, so
`screen 12`, `screen --all`, `screen request F`, `screen review 12 ...` and
`screen evaluate` all parse.  Screening results are printed here and nowhere else.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, Sequence

from core.errors import DeedbookError
from desktop.cli.context import CliContext, add_password_file, existing_file, print_json
from desktop.cli.valuation_cmd import _progress

if TYPE_CHECKING:
    from core.screening.combine import Assessment

LEVELS = ("low", "review", "high")


class _Actions(dict[str, Any]):
    """The actions by name; an entry number counts as one (it stands for `entry`)."""

    def __contains__(self, name: object) -> bool:
        return super().__contains__(name) or (isinstance(name, str) and name.isdigit())


class _EntryOrAction(argparse._SubParsersAction):  # type: ignore[type-arg]
    """A sub-command, or an entry number standing for the `entry` action."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._name_parser_map = self.choices = _Actions()

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        if isinstance(values, list) and values and str(values[0]).isdigit():
            values = ["entry", *values]
        super().__call__(parser, namespace, values, option_string)


def register(commands: Any) -> None:
    group = commands.add_parser(
        "screen",
        help="transaction screening: risk with reasons for transfers (internal, never on public records)",
        description="Screen a recorded transfer (deedbook screen ENTRY), every transfer (--all), a prepared "
        "request (screen request FILE); record a review (screen review ENTRY); measure the price "
        "screen (screen evaluate).",
    )
    group.add_argument("--all", action="store_true", help="screen every recorded transfer, each as of its recording")
    group.add_argument(
        "--level",
        choices=LEVELS,
        default=None,
        help="with --all: only transfers at this level or above (default: review)",
    )
    group.add_argument("--json", action="store_true")
    group.set_defaults(handler=_all, screen_command=None)
    sub = group.add_subparsers(
        dest="screen_command", metavar="ENTRY | request | review | evaluate", action=_EntryOrAction
    )

    entry = sub.add_parser("entry", help="ENTRY: screen one recorded transfer, as of its recording")
    entry.add_argument("entry", type=int, metavar="ENTRY", help="the transfer's entry number")
    entry.add_argument("--json", action="store_true")
    entry.set_defaults(handler=_entry)

    request = sub.add_parser("request", help="screen a prepared transfer's request file, before anything is recorded")
    request.add_argument("file", metavar="REQUEST_FILE", help="a transfer's signing request file")
    request.add_argument("--json", action="store_true")
    request.set_defaults(handler=_request)

    review = sub.add_parser("review", help="record a reviewer's decision on a transfer (a signed ledger entry)")
    review.add_argument("entry", type=int, metavar="ENTRY", help="the transfer's entry number")
    review.add_argument(
        "--decision", choices=("clear", "escalate"), required=True, help="clear the transfer, or escalate it"
    )
    review.add_argument("--note", required=True, metavar="TEXT", help="why (recorded on the ledger with the decision)")
    review.add_argument("--key", required=True, metavar="KEY", help="the reviewer's (registrar) key")
    add_password_file(review)
    review.add_argument("--json", action="store_true")
    review.set_defaults(handler=_review)

    evaluate = sub.add_parser(
        "evaluate",
        help="nested out-of-fold AUC and precision at a 5%% review rate, "
        "on sales labelled by their sale condition (default: Ames)",
    )
    evaluate.add_argument("--folds", type=int, default=5, metavar="K", help="number of outer folds (default 5)")
    evaluate.add_argument(
        "--csv", metavar="FILE", help="a sales table with a sale-condition column (default: the bundled Ames market)"
    )
    evaluate.add_argument("--target", metavar="COLUMN", help="the sale price column (with --csv)")
    evaluate.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    evaluate.add_argument("--quick", action="store_true", help="a smaller, faster valuation model (for previews)")
    evaluate.add_argument("--json", action="store_true")
    evaluate.set_defaults(handler=_evaluate)


def _training_note(json_out: bool) -> Any:
    def note(line: str) -> None:
        if not json_out:
            print(line, file=sys.stderr, flush=True)

    return note


def _print(a: "Assessment") -> None:
    what = f"Entry {a.entry}" if a.entry is not None else "This transfer"
    deed = f" (deed {a.deed_id})" if a.deed_id is not None else ""
    print(f"{what}{deed}: {a.level.upper()} risk, score {a.score:.2f}")
    for reason in a.reasons:
        print(f"  {reason['weight']:+.2f}  {reason['text']}")
    review = a.extra.get("review")
    if review:
        print(
            f"  reviewed: {review['decision']} (entry {review['review_entry']}, by {review['reviewer']}): "
            f"{review['note']}"
        )


def _entry(args: argparse.Namespace, ctx: CliContext) -> int:
    a = ctx.ws.screen_entry(args.entry, _progress(not args.json), before_training=_training_note(args.json))
    print_json(a.to_json()) if args.json else _print(a)
    return 0


def _all(args: argparse.Namespace, ctx: CliContext) -> int:
    if not args.all:
        raise DeedbookError("Say what to screen: an entry number, --all, 'request FILE', 'review ENTRY' or 'evaluate'.")
    level = args.level or "review"
    found = ctx.ws.screen_all(level=level, progress=_progress(not args.json), before_training=_training_note(args.json))
    if args.json:
        print_json({"level": level, "count": len(found), "transfers": [a.to_json() for a in found]})
        return 0
    if not found:
        print(f"No recorded transfer is at level {level} or above.")
    for a in found:
        _print(a)
    return 0


def _request(args: argparse.Namespace, ctx: CliContext) -> int:
    existing_file(args.file, "a request file")
    a = ctx.ws.screen_request(args.file, _progress(not args.json), before_training=_training_note(args.json))
    print_json(a.to_json()) if args.json else _print(a)
    return 0


def _review(args: argparse.Namespace, ctx: CliContext) -> int:
    index = ctx.ws.review_transfer(args.entry, args.decision, args.note, ctx.signer(args.key, args.password_file)).value
    if args.json:
        print_json({"index": index, "entry": args.entry, "decision": args.decision})
    else:
        done = "cleared" if args.decision == "clear" else "escalated"
        print(f"Review recorded as entry {index}: transfer {args.entry} {done}.")
    return 0


def _evaluate(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.csv is not None:
        existing_file(args.csv)
    result = ctx.ws.evaluate_screen(
        csv=args.csv,
        target=args.target,
        folds=args.folds,
        seed=args.seed,
        quick=args.quick,
        progress=_progress(not args.json),
    )
    if args.json:
        print_json(result)
        return 0
    base = result["baseline_price_gap_only"]
    print(
        f"{result['folds']}-fold nested evaluation on {result['n']} sales, {result['positives']} of them "
        f"not at arm's length (base rate {result['base_rate']:.1%}; {result['seconds']} s)"
    )
    print(
        f"  ROC AUC {result['auc']:.3f}   precision at a 5% review rate {result['precision_at_5pct']:.1%} "
        f"(recall {result['recall_at_5pct']:.1%})   at 1%: {result['precision_at_1pct']:.1%}"
    )
    print(f"  the price gap alone: AUC {base['auc']:.3f}, precision at 5% {base['precision_at_5pct']:.1%}")
    print(f"  labels: {'; '.join(result['data']['labels'])}; never inputs: {', '.join(result['data']['not_inputs'])}")
    return 0
