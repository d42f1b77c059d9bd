"""The command-line contract: JSON fields, exit 2 with one sentence, recorded valuations."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.entries import canonical_json
from core.paths import DataDir
from desktop.cli.main import run
from desktop.cli.valuation_cmd import _print_evaluation
from tests.helpers import PASSWORD, make_world

ROOT = Path(__file__).resolve().parents[2]


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_sentence(err: str) -> bool:
    lines = [line for line in err.splitlines() if line.strip()]
    return len(lines) == 1 and "Traceback" not in err and lines[0].startswith("deedbook: ")


def test_evaluate_without_the_target_column_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "nocol.csv"
    path.write_text("a,b\n1,2\n")
    code, out, err = cli(capsys, "valuation", "evaluate", "--csv", str(path), "--target", "price", "--json")
    assert code == 2 and out == "" and one_sentence(err) and "no column 'price'" in err


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["valuation", "evaluate", "--csv", "/nonexistent.csv", "--target", "p"], "no file"),
        (["valuation", "train", "--csv", "{slice}"], "--target"),
        (["valuation", "evaluate", "--csv", "{slice}", "--target", "Sale_Price", "--folds", "1"], "folds"),
        (["valuation", "card"], "No valuation model"),
        (["valuation", "evaluate", "--csv", "{slice}", "--target", "Sale_Price", "--lat", "Latitude"], "both"),
        (["valuation", "evaluate", "--csv", "{slice}", "--target", "Neighborhood"], "does not hold numbers"),
    ],
)
def test_bad_input_is_one_sentence(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, slice_csv: Path, argv: list[str], fragment: str
) -> None:
    argv = ["--data-dir", str(tmp_path / "home"), *[a.replace("{slice}", str(slice_csv)) for a in argv]]
    code, _, err = cli(capsys, *argv)
    assert code == 2 and one_sentence(err) and fragment in err


def test_sales_all_at_one_price_train_no_model(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Half the prices 0 (unusable), the rest one price: a model was trained and stored on them (every error
    and range 0); now one sentence, exit 2, and no model."""
    path = tmp_path / "one-price.csv"
    path.write_text("price,area\n" + "\n".join(f"{250000 * (i % 2)},{1000 + i * 37 % 100}" for i in range(80)))
    home = ["--data-dir", str(tmp_path / "home")]
    for action in ("train", "evaluate"):
        code, out, err = cli(capsys, *home, "valuation", action, "--csv", str(path), "--target", "price", "--quick")
        assert code == 2 and out == "" and one_sentence(err) and "the same price (250,000)" in err
    code, _, err = cli(capsys, *home, "valuation", "card")
    assert code == 2 and "No valuation model" in err


def test_quick_train_and_evaluate_json(capsys: pytest.CaptureFixture[str], tmp_path: Path, slice_csv: Path) -> None:
    home = ["--data-dir", str(tmp_path / "home")]
    code, out, _ = cli(
        capsys, *home, "valuation", "train", "--csv", str(slice_csv), "--target", "Sale_Price", "--quick", "--json"
    )
    card = json.loads(out)
    assert code == 0 and card["data"]["sales_used"] > 500 and len(card["model_sha256"]) == 64
    code, out, _ = cli(capsys, *home, "valuation", "card", "--json")
    assert code == 0 and json.loads(out)["model_sha256"] == card["model_sha256"]
    code, out, _ = cli(
        capsys,
        *home,
        "valuation",
        "evaluate",
        "--csv",
        str(slice_csv),
        "--target",
        "Sale_Price",
        "--folds",
        "2",
        "--quick",
        "--json",
    )
    result = json.loads(out)
    wanted = {
        "mdape",
        "within_5",
        "within_10",
        "within_20",
        "rmse_log",
        "coverage",
        "mean_interval_width",
        "median_ratio",
        "cod",
        "prd",
        "prb",
        "folds",
        "n",
        "mean_interval_width_money",
        "currency",
    }
    assert code == 0 and wanted <= set(result) and result["folds"] == 2 and 0 <= result["coverage"] <= 1
    assert result["currency"] == card["currency"] == "USD"  # money figures say which money they are

    # The text report prints each figure of that same result, and "n/a" for one the evaluation could not
    # measure (a null in the JSON: a PRB on sales of one price, say) instead of failing on the format.
    _print_evaluation(result)
    assert f"MdAPE {result['mdape']:.2f}%" in capsys.readouterr().out
    for figure in ("prb", "prd", "cod", "coverage", "fsd_median", "confidence_high_share"):
        _print_evaluation({**result, figure: None})
        assert "n/a" in capsys.readouterr().out


def _world_with_deed(home: DataDir, row: dict[str, str]) -> tuple[Any, int]:
    from core.marketdata import deed_attributes

    world = make_world(home.root)
    attributes = deed_attributes(row)
    deed_id = world.register("P-100", world.operator.address, attributes=attributes)
    return world, deed_id


def test_value_record_and_replay(
    capsys: pytest.CaptureFixture[str], home_with_model: DataDir, password_file: Path, all_rows: list[dict[str, str]]
) -> None:
    world, deed_id = _world_with_deed(home_with_model, all_rows[42])
    home = ["--data-dir", str(home_with_model.root)]
    code, out, _ = cli(capsys, *home, "value", str(deed_id), "--json")
    v = json.loads(out)
    assert code == 0 and v["low"] < v["estimate"] < v["high"]
    assert {"estimate", "low", "high", "comparables", "drivers"} <= set(v)
    assert isinstance(v["comparables"], list) and len(v["comparables"]) == 5 and isinstance(v["drivers"], list)
    code, out, _ = cli(capsys, *home, "value", str(deed_id))
    assert code == 0 and f"estimate USD {v['estimate']:,.0f}   90% range USD {v['low']:,.0f}" in out and "$" not in out

    code, out, _ = cli(
        capsys,
        *home,
        "value",
        "P-100",
        "--record",
        "--key",
        "operator",
        "--password-file",
        str(password_file),
        "--json",
    )
    recorded = json.loads(out)
    entry = world.ledger.entry(recorded["entry_index"])
    m = entry.message
    assert entry.kind == "Valuation" and m["estimate"] == round(v["estimate"] * 100)
    assert m["modelHash"] == "0x" + v["model_sha256"] and m["inputHash"] == "0x" + v["input_sha256"]
    assert m["low"] <= m["estimate"] <= m["high"] and m["supersedes"] == 0
    deed = world.ledger.deed(deed_id)
    assert deed.last_valuation == m["estimate"] and deed.version == 1  # a valuation does not bump the version

    # the same signed valuation cannot be recorded again over itself
    from core.errors import RuleViolation

    with pytest.raises(RuleViolation, match="stale or a replay"):
        world.ledger.append([entry.entry])
    code, out, _ = cli(
        capsys,
        *home,
        "value",
        "P-100",
        "--record",
        "--key",
        "operator",
        "--password-file",
        str(password_file),
        "--json",
    )
    assert code == 0 and world.ledger.entry(json.loads(out)["entry_index"]).message["supersedes"] == entry.index
    code, out, err = cli(capsys, *home, "verify")
    assert code == 0, err


def test_recording_needs_a_registrar_key(
    capsys: pytest.CaptureFixture[str], home_with_model: DataDir, password_file: Path, all_rows: list[dict[str, str]]
) -> None:
    world, deed_id = _world_with_deed(home_with_model, all_rows[7])
    world.key("stranger")
    home = ["--data-dir", str(home_with_model.root)]
    code, _, err = cli(
        capsys, *home, "value", str(deed_id), "--record", "--key", "stranger", "--password-file", str(password_file)
    )
    assert code == 2 and "not a registrar" in err and "Traceback" not in err
    code, _, err = cli(capsys, *home, "value", str(deed_id), "--record")
    assert code == 2 and "--key" in err
    code, _, err = cli(capsys, *home, "value", "no-such-parcel")
    assert code == 2 and one_sentence(err)


def test_value_text_output_lists_reasons_and_comparables(
    capsys: pytest.CaptureFixture[str], home_with_model: DataDir, all_rows: list[dict[str, str]]
) -> None:
    _, deed_id = _world_with_deed(home_with_model, all_rows[3])
    code, out, _ = cli(capsys, "--data-dir", str(home_with_model.root), "value", str(deed_id))
    assert code == 0 and "90% range" in out and "comparable sales" in out and "typical" in out


def test_scikit_learn_is_not_imported_at_start() -> None:
    code = (
        "import sys, desktop.cli.main, valuation.service, valuation.dataset, valuation.store; "
        "desktop.cli.main.build_parser(); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_canonical_attributes_helper_is_what_the_ledger_stores() -> None:
    assert canonical_json({"b": 1, "a": "x"}) == '{"a":"x","b":1}'
    assert PASSWORD


def test_value_trains_a_model_first_when_there_is_none(
    capsys: pytest.CaptureFixture[str],
    deedbook_home: Path,
    slice_csv: Path,
    monkeypatch: pytest.MonkeyPatch,
    all_rows: list[dict[str, str]],
) -> None:
    from valuation import service

    real_train = service.train
    calls: list[object] = []

    def quick_train(home: DataDir, **kwargs: Any) -> dict[str, Any]:  # the bundled market takes ~15 s
        calls.append(kwargs.get("ledger"))
        return real_train(home, csv=slice_csv, target="Sale_Price", quick=True)

    monkeypatch.setattr(service, "train", quick_train)
    home = DataDir.resolve(deedbook_home).ensure()
    _, deed_id = _world_with_deed(home, all_rows[11])
    code, out, err = cli(capsys, "--data-dir", str(home.root), "value", str(deed_id), "--json")
    assert code == 0 and "training one" in err and calls and calls[0] is not None  # with the ledger's sales
    assert json.loads(out)["estimate"] > 0


def test_card_names_the_anchored_trees_share(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """On a narrow market whose price follows living area, the card says how much of the blend the
    anchored trees carry and on which column, beside the plain trees and the ridge."""
    home = ["--data-dir", str(tmp_path / "home")]
    market = ROOT / "tests" / "data" / "markets" / "saratoga.csv.gz"
    code, out, _ = cli(
        capsys,
        *home,
        "valuation",
        "train",
        "--csv",
        str(market),
        "--target",
        "price",
        "--quick",
        "--no-ledger",
        "--json",
    )
    model = json.loads(out)["model"]
    assert code == 0 and 0 < model["anchored_tree_weight"] <= model["tree_weight"] <= 1
    code, out, _ = cli(capsys, *home, "valuation", "card")
    [blend] = [line for line in out.splitlines() if "blend:" in line]
    plain, anchored = model["tree_weight"] - model["anchored_tree_weight"], model["anchored_tree_weight"]
    assert code == 0 and f"{anchored:.0%} boosted trees anchored on log {model['anchor']['column']}" in blend
    assert blend.strip().startswith(f"blend: {plain:.0%} boosted trees,")
