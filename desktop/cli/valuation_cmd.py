"""deedbook valuation train|evaluate|card, and deedbook value DEED.

Argument parsing and printing only: the work (and when to train) is the workspace's.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from desktop.cli.context import CliContext, add_password_file, existing_file, print_json, say
from valuation.wording import SALE_DATE_UNKNOWN, as_of_text
from core.wording import counted


def _csv_options(parser: argparse.ArgumentParser, target_required: bool = False) -> None:
    parser.add_argument(
        "--csv", metavar="FILE", help="a sales table (CSV, or .csv.gz); default: the bundled Ames market"
    )
    parser.add_argument("--target", metavar="COLUMN", required=target_required, help="the sale price column")
    parser.add_argument("--date", metavar="COLUMN", help="the sale date column (default: inferred)")
    parser.add_argument("--lat", metavar="COLUMN", help="latitude column (default: inferred)")
    parser.add_argument("--lon", metavar="COLUMN", help="longitude column (default: inferred)")
    parser.add_argument(
        "--keep-all-sales", action="store_true", help="do not leave out non-market sales (family, foreclosure, ...)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--quick", action="store_true", help="a smaller, faster model (for previews)")
    parser.add_argument("--json", action="store_true")


def register(commands: Any) -> None:
    group = commands.add_parser("valuation", help="train, evaluate and describe the valuation model")
    sub = group.add_subparsers(dest="valuation_command", metavar="ACTION", required=True)

    train = sub.add_parser("train", help="train the model (default: the bundled market + the ledger's sales)")
    _csv_options(train)
    train.add_argument("--no-ledger", action="store_true", help="do not add the ledger's recorded sales")
    train.set_defaults(handler=_train)

    evaluate = sub.add_parser("evaluate", help="K-fold cross-validation: MdAPE, coverage, COD, PRD, PRB")
    _csv_options(evaluate)
    evaluate.add_argument("--folds", type=int, default=5, metavar="K", help="number of folds (default 5)")
    evaluate.add_argument(
        "--trim-outliers",
        action="store_true",
        help="IAAO outlier trim: leave ratios beyond 3 interquartile ranges out of the figures",
    )
    evaluate.add_argument(
        "--no-equity", action="store_true", help="no equity calibration (the estimates as fitted, for comparison)"
    )
    evaluate.set_defaults(handler=_evaluate)

    card = sub.add_parser("card", help="the stored model's card: data, features, metrics, versions")
    card.add_argument("--json", action="store_true")
    card.set_defaults(handler=_card)

    value = commands.add_parser("value", help="estimate a deed's value, with its 90%% range, comparables and reasons")
    value.add_argument("deed", metavar="DEED", help="deed number or parcel number")
    value.add_argument("--json", action="store_true")
    value.add_argument("--record", action="store_true", help="record the valuation in the ledger, signed by --key")
    value.add_argument("--key", metavar="KEY", help="the agent's (registrar) key that signs a recorded valuation")
    add_password_file(value)
    value.set_defaults(handler=_value)


def _progress(enabled: bool) -> Any:
    """Progress lines on stderr, at a terminal only (scripts get clean output and one-line errors)."""
    if not enabled or not sys.stderr.isatty():
        return None
    last = [""]

    def report(fraction: float, message: str) -> None:
        if message != last[0]:
            last[0] = message
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)

    return report


def _market_args(args: argparse.Namespace) -> dict[str, Any]:
    if args.csv is not None:
        existing_file(args.csv, "a sales table (CSV)")
    return {
        "csv": args.csv,
        "target": args.target,
        "date_column": args.date,
        "lat": args.lat,
        "lon": args.lon,
        "keep_all_sales": args.keep_all_sales,
        "seed": args.seed,
        "quick": args.quick,
    }


def _train(args: argparse.Namespace, ctx: CliContext) -> int:
    with_ledger = not args.no_ledger and args.csv is None  # a table of your own is trained on alone
    card = ctx.ws.train(with_ledger=with_ledger, progress=_progress(not args.json), **_market_args(args)).value
    if args.json:
        print_json(card)
    else:
        _print_card_summary(card)
    return 0


def _evaluate(args: argparse.Namespace, ctx: CliContext) -> int:
    result = ctx.ws.evaluate(
        folds=args.folds,
        trim=args.trim_outliers,
        equity=not args.no_equity,
        progress=_progress(not args.json),
        **_market_args(args),
    )
    if args.json:
        print_json(result)
        return 0
    _print_evaluation(result)
    return 0


def _print_evaluation(result: dict[str, Any]) -> None:
    def shown(name: str, spec: str, figures: dict[str, Any] = result) -> str:
        """A figure in its format, or "n/a" where the evaluation had none (a null in the JSON, never NaN)."""
        figure = figures[name]
        return "n/a" if figure is None else format(figure, spec)

    print(
        f"{result['folds']}-fold cross-validation on {result['n']} validated sales ({result['seconds']} s; "
        f"{result['validated_out']} left out by validation)"
    )
    print(
        f"  MdAPE {shown('mdape', '.2f')}%   within 5% {shown('within_5', '.1%')}   "
        f"within 10% {shown('within_10', '.1%')}   within 20% {shown('within_20', '.1%')}   "
        f"RMSE(log) {shown('rmse_log', '.4f')}"
    )
    print(
        f"  90% range: coverage {shown('coverage', '.3f')}, mean width {shown('mean_interval_width', '.1%')} "
        "of the estimate"
    )
    print(
        f"  IAAO: median ratio {shown('median_ratio', '.3f')}   COD {shown('cod', '.2f')}   "
        f"PRD {shown('prd', '.3f')}   PRB {shown('prb', '+.4f')}"
    )
    dates = result["data"].get("dates") or {}
    if dates.get("sales_with_date"):
        print(
            f"  sale dates from {', '.join(dates['columns'])}: {dates['sales_with_date']:,} of {dates['sales']:,} "
            f"sales, {dates['first']} to {dates['last']}"
        )
    else:
        print("  no sale dates: the model cannot follow prices over time")
    before = result["equity"]["before"]
    print(
        f"  before the equity calibration (stretch {', '.join(map(str, result['equity']['stretch_per_fold']))}): "
        f"MdAPE {shown('mdape', '.2f', before)}%   PRD {shown('prd', '.3f', before)}   "
        f"PRB {shown('prb', '+.4f', before)}"
    )
    print(
        f"  forecast standard deviation: median {shown('fsd_median', '.1f')}%, {shown('fsd_within_1', '.1%')} "
        f"of sales within one FSD (68.3% if calibrated); high confidence for {shown('confidence_high_share', '.0%')}"
    )
    validation = result["validation"]
    print(
        f"  left out: {validation['sale_condition']} by sale condition, {validation['screened_out']} by the price "
        f"screen, {validation['trimmed']} by the outlier trim"
    )
    for rule in validation["rules"]:
        print(f"    rule: {rule}")


def _card(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.errors import DeedbookError

    card = ctx.ws.model_card()
    if card is None:
        raise DeedbookError("No valuation model has been trained yet: run 'deedbook valuation train'.")
    if args.json:
        print_json(card)
    else:
        _print_card_summary(card)
    return 0


def _inputs_text(card: dict[str, Any]) -> str:
    """'3 attributes, location and date of sale': the count covers every name the importance list can show
    (a card of an older version has no 'inputs': its used features are all it can count)."""
    used = [str(f["name"]) for f in card["features"] if f["used"]]
    extra = [str(name) for name in card.get("inputs", used) if name not in used]
    parts = [counted(len(used), 'attribute')] + [name.lower() for name in extra]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _print_card_summary(card: dict[str, Any]) -> None:
    data, metrics, model = card["data"], card["metrics"], card["model"]
    print(f"Model {card['model_sha256'][:16]}\u2026 trained {card['created']} on {data['name']}")
    as_of = f"; valuations {as_of_text(card.get('valuation_date'))}"
    print(
        f"  {data['sales_used']} sales (data SHA-256 {data['sha256'][:16]}\u2026), "
        f"{data.get('ledger_sales', 0)} from the ledger{as_of}"
    )
    for rule in data["filters"]:
        print(f"  left out: {rule}")
    print(f"  {_inputs_text(card)}; the most important: {', '.join(list(card['drivers_importance'])[:6])}")
    anchored = model.get("anchored_tree_weight", 0.0)
    trees = f"{model['tree_weight'] - anchored:.0%} boosted trees"
    if anchored and model.get("anchor"):
        trees += f", {anchored:.0%} boosted trees anchored on log {model['anchor']['column']}"
    print(f"  blend: {trees}, {1 - model['tree_weight']:.0%} ridge")
    print(
        f"  out-of-fold: MdAPE {metrics['mdape']:.2f}%, within 10% {metrics['within_10']:.1%}, "
        f"90% range coverage {metrics['coverage']:.3f}, COD {metrics['cod']:.2f}, PRD {metrics['prd']:.3f}"
    )
    libs = card["libraries"]
    print(
        f"  scikit-learn {libs['scikit-learn']}, numpy {libs['numpy']}, scipy {libs['scipy']}; "
        f"trained in {card['training_seconds']} s"
    )


def _value(args: argparse.Namespace, ctx: CliContext) -> int:
    from core.errors import DeedbookError

    if args.record and not args.key:
        raise DeedbookError("Recording a valuation needs the agent's key: add --key KEY.")
    if args.record:
        ctx.ws.resolve_key(args.key)  # an unknown key is said before any training
    valued = ctx.ws.value_deed(args.deed, before_training=say).value  # trains first if the model is missing or stale
    index = ctx.ws.record_valuation(valued, ctx.signer(args.key, args.password_file)).value if args.record else None
    deed, valuation, card = valued.deed, valued.valuation, valued.card
    if args.json:
        out = {
            "deed_id": deed.deed_id,
            "parcel": deed.parcel,
            **valuation.to_json(),
            "model_sha256": card["model_sha256"],
        }
        if index is not None:
            out["entry_index"] = index
        print_json(out)
        return 0
    print(f"Deed {deed.deed_id} (parcel {deed.parcel}), {as_of_text(valuation.as_of)}:")
    print(
        f"  estimate {valuation.estimate.text(whole=True)}   90% range {valuation.low.text(whole=True)} to "
        f"{valuation.high.text(whole=True)}"
    )
    if valuation.fsd is not None:
        print(
            f"  forecast standard deviation {valuation.fsd:.1%}: confidence {valuation.confidence} "
            f"({valuation.confidence_level})"
        )
    print(f"  a typical sale in this market: {valuation.typical.text(whole=True)}; what makes the difference:")
    for d in valuation.drivers:
        print(f"    {d.effect.text(whole=True, signed=True):>16}  {d.feature} = {d.value} (typical {d.typical})")
    if valuation.other_effects:
        print(f"    {valuation.other_effects.text(whole=True, signed=True):>16}  everything else")
    if valuation.assumed:
        shown = ", ".join(valuation.assumed[:8]) + (
            f" and {len(valuation.assumed) - 8} more" if len(valuation.assumed) > 8 else ""
        )
        print(f"  assumed typical (not in the deed): {shown}")
    print("  comparable sales:")
    for c in valuation.comparables:
        where = f", {c.distance_km} km" if c.distance_km is not None else ""
        print(
            f"    {c.label:<28} sold {c.sold or f'({SALE_DATE_UNKNOWN})'} for {c.price.text(whole=True):>16}{where}; adjusted to this "
            f"property {c.adjusted_price.text(whole=True)}"
        )
    for warning in valuation.warnings:
        print(f"  note: {warning}")
    if index is not None:
        print(f"Recorded as ledger entry {index}.")
    return 0
