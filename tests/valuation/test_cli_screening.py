"""The command-line contract of `screen evaluate` and of the new valuation figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.paths import DataDir
from tests.valuation.test_cli import cli, one_sentence

MARKETS = Path(__file__).resolve().parents[1] / "data" / "markets"


def test_screen_evaluate_json(capsys: pytest.CaptureFixture[str], tmp_path: Path, slice_csv: Path) -> None:
    code, out, err = cli(
        capsys,
        "--data-dir",
        str(tmp_path / "home"),
        "screen",
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
    assert code == 0, err
    result = json.loads(out)
    assert {
        "auc",
        "precision_at_5pct",
        "n",
        "positives",
        "recall_at_5pct",
        "base_rate",
        "seconds",
        "baseline_price_gap_only",
        "thresholds",
    } <= set(result)
    assert result["n"] == 600 and 30 <= result["positives"] <= 90 and 0.0 <= result["auc"] <= 1.0
    assert result["base_rate"] == pytest.approx(result["positives"] / result["n"], abs=1e-4)
    assert result["data"]["not_inputs"] == ["Sale_Type", "Sale_Condition"]
    assert result["inputs"] == ["gap", "level", "age", "roundness", "season"]


def test_screen_evaluate_text(capsys: pytest.CaptureFixture[str], tmp_path: Path, slice_csv: Path) -> None:
    code, out, _ = cli(
        capsys,
        "--data-dir",
        str(tmp_path / "home"),
        "screen",
        "evaluate",
        "--csv",
        str(slice_csv),
        "--target",
        "Sale_Price",
        "--folds",
        "2",
        "--quick",
    )
    assert code == 0 and "ROC AUC" in out and "precision at a 5% review rate" in out and "never inputs" in out


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["screen", "evaluate", "--folds", "1"], "folds"),
        (["screen", "evaluate", "--folds", "25"], "folds"),
        (["screen", "evaluate", "--csv", "/nonexistent.csv", "--target", "p"], "no file"),
        (
            ["screen", "evaluate", "--csv", str(MARKETS / "windsor.csv.gz"), "--target", "price"],
            "no sale-condition column",
        ),
        (["screen", "evaluate", "--csv", str(MARKETS / "windsor.csv.gz")], "--target"),
        (["screen", "evaluate", "--folds", "x"], "invalid int"),
        (["screen"], "Say what to screen"),
    ],
)
def test_screen_bad_input_is_one_sentence(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], fragment: str
) -> None:
    try:
        code, _, err = cli(capsys, "--data-dir", str(tmp_path / "home"), *argv)
    except SystemExit as exit_:  # argparse refusals exit 2 with usage + one 'deedbook:' line
        code, err = int(exit_.code or 0), capsys.readouterr().err
        assert code == 2 and fragment in err and "Traceback" not in err
        return
    assert code == 2 and one_sentence(err) and fragment in err


def test_valuation_evaluate_adds_validated_figures(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, slice_csv: Path
) -> None:
    code, out, err = cli(
        capsys,
        "--data-dir",
        str(tmp_path / "home"),
        "valuation",
        "evaluate",
        "--csv",
        str(slice_csv),
        "--target",
        "Sale_Price",
        "--folds",
        "2",
        "--quick",
        "--trim-outliers",
        "--json",
    )
    assert code == 0, err
    r = json.loads(out)
    old = {
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
    }
    assert old | {"fsd_median", "fsd_within_1", "validated_out", "validation", "equity"} <= set(r)
    v = r["validation"]
    assert r["validated_out"] == v["sale_condition"] + v["screened_out"] + v["trimmed"]
    assert v["sale_condition"] > 0 and v["screened_out"] == 0  # the slice's condition column vouches for its sales
    assert 1.0 < r["fsd_median"] < 40.0 and 0.0 <= r["fsd_within_1"] <= 1.0
    assert {"mdape", "prb", "prd", "cod"} <= set(r["equity"]["before"]) and len(r["equity"]["stretch_per_fold"]) == 2
    code, out, _ = cli(
        capsys,
        "--data-dir",
        str(tmp_path / "home"),
        "valuation",
        "evaluate",
        "--csv",
        str(slice_csv),
        "--target",
        "Sale_Price",
        "--folds",
        "2",
        "--quick",
    )
    assert code == 0 and "forecast standard deviation" in out and "before the equity calibration" in out


def test_value_json_has_fsd_and_confidence(
    capsys: pytest.CaptureFixture[str], home_with_model: DataDir, all_rows: list[dict[str, str]]
) -> None:
    from tests.valuation.test_cli import _world_with_deed

    _, deed_id = _world_with_deed(home_with_model, all_rows[60])
    code, out, _ = cli(capsys, "--data-dir", str(home_with_model.root), "value", str(deed_id), "--json")
    v = json.loads(out)
    assert code == 0 and 0.01 <= v["fsd"] <= 1.0 and v["confidence"] == round(100 * (1 - v["fsd"]))
    assert v["confidence_level"] in ("high", "medium", "low")
    code, out, _ = cli(capsys, "--data-dir", str(home_with_model.root), "value", str(deed_id))
    assert code == 0 and "confidence" in out
