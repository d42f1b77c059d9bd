"""deedbook screen evaluate: how well the price screen finds non-market sales.

Argument parsing and printing only: the work is the workspace's (valuation.service
underneath).  Screening recorded transfers and requests (`deedbook screen ENTRY`,
`screen request FILE`, `screen review`) comes with the ledger-history patterns; they
will call valuation.service.screen_sales for the price part.
"""
from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.context import CliContext, existing_file, print_json
from desktop.cli.valuation_cmd import _progress


def register(commands: Any) -> None:
    group = commands.add_parser("screen", help="transaction screening: how well the price screen works")
    sub = group.add_subparsers(dest="screen_command", metavar="ACTION", required=True)
    evaluate = sub.add_parser("evaluate", help="nested out-of-fold AUC and precision at a 5%% review rate, "
                                               "on sales labelled by their sale condition (default: Ames)")
    evaluate.add_argument("--folds", type=int, default=5, metavar="K", help="number of outer folds (default 5)")
    evaluate.add_argument("--csv", metavar="FILE", help="a sales table with a sale-condition column "
                                                        "(default: the bundled Ames market)")
    evaluate.add_argument("--target", metavar="COLUMN", help="the sale price column (with --csv)")
    evaluate.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    evaluate.add_argument("--quick", action="store_true", help="a smaller, faster valuation model (for previews)")
    evaluate.add_argument("--json", action="store_true")
    evaluate.set_defaults(handler=_evaluate)


def _evaluate(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.csv is not None:
        existing_file(args.csv)
    result = ctx.ws.evaluate_screen(csv=args.csv, target=args.target, folds=args.folds, seed=args.seed,
                                    quick=args.quick, progress=_progress(not args.json))
    if args.json:
        print_json(result)
        return 0
    base = result["baseline_price_gap_only"]
    print(f"{result['folds']}-fold nested evaluation on {result['n']} sales, {result['positives']} of them "
          f"not at arm's length (base rate {result['base_rate']:.1%}; {result['seconds']} s)")
    print(f"  ROC AUC {result['auc']:.3f}   precision at a 5% review rate {result['precision_at_5pct']:.1%} "
          f"(recall {result['recall_at_5pct']:.1%})   at 1%: {result['precision_at_1pct']:.1%}")
    print(f"  the price gap alone: AUC {base['auc']:.3f}, precision at 5% {base['precision_at_5pct']:.1%}")
    print(f"  labels: {'; '.join(result['data']['labels'])}; never inputs: "
          f"{', '.join(result['data']['not_inputs'])}")
    return 0
