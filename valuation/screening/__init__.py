"""Price screening: how likely a sale is not at arm's length, from its price against the
valuation model, with reasons in plain words and money.

    features.py    the screen's inputs, measured in each market's own terms
    classifier.py  the additive logistic model (reasons add up to its log-odds)
    evaluate.py    learning it from labelled sales, nested out of fold
    shipped.py     the screen fitted on the labelled Ames sales, stored as JSON
    screen.py      screening one sale or many: score, level, reasons (what the ledger calls)

The ledger-history patterns (flips, circles, lien stacking) belong to the ledger,
not here: a caller combines their reasons with these.
"""

from __future__ import annotations
