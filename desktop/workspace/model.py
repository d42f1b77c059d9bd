"""The valuation model's policy: one predicate for "train first", one way to make sure a model is there.

A stored model needs training when it is missing, or stale: stored by another
layout of the model classes (another version of Deedbook), or refused by the
store's checks (another machine's, or changed since).  `value`, `pdf valuation`,
the GUI's valuation pane and its valuation report all go through `ensure_model`,
which trains on the bundled market plus the ledger's recorded sales.
valuation/ (and scikit-learn) are imported only when these run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from desktop.workspace.base import WorkspaceBase
from desktop.workspace.receipt import Done, Receipt
from desktop.workspace.signers import Signer

if TYPE_CHECKING:
    from core.state import DeedState
    from valuation.valuer import Valuation

Fraction = Callable[[float, str], None]  # valuation's progress(fraction, message)
Cancel = Callable[[], bool]
TRAINING_NOTE = "training one on the bundled Ames market and the ledger's sales (about 20 seconds)"


@dataclass(frozen=True)
class ModelState:
    present: bool  # a model is stored in the data folder
    usable: bool  # ... and this version can load it

    @property
    def needs_training(self) -> bool:
        return not self.usable

    @property
    def why(self) -> str:
        """What is wrong, as the start of a sentence ("" when nothing is)."""
        if self.usable:
            return ""
        return "No usable valuation model" if self.present else "No valuation model yet"


@dataclass(frozen=True)
class Valued:
    deed: "DeedState"
    valuation: "Valuation"
    card: dict[str, Any]

    @property
    def currency(self) -> str:
        """The currency the estimate is in (the market's, as the model card says)."""
        return self.valuation.currency


class ModelOps(WorkspaceBase):
    def model_state(self) -> ModelState:
        from valuation import service

        return ModelState(service.has_model(self.home), service.has_current_model(self.home))

    def ensure_model(
        self,
        progress: Fraction | None = None,
        should_cancel: Cancel | None = None,
        *,
        before_training: Callable[[str], None] | None = None,
    ) -> Receipt:
        """Train (bundled market + this ledger's sales) when the stored model is missing or stale."""
        state = self.model_state()
        if not state.needs_training:
            return Receipt()
        if before_training is not None:
            before_training(f"{state.why}: {TRAINING_NOTE}...")
        ledger, _ = self.local_ledger()
        return self.train(with_ledger=ledger is not None, progress=progress, should_cancel=should_cancel).receipt

    def train(
        self,
        *,
        csv: str | Path | None = None,
        target: str | None = None,
        date_column: str | None = None,
        lat: str | None = None,
        lon: str | None = None,
        keep_all_sales: bool = False,
        with_ledger: bool = True,
        seed: int = 0,
        quick: bool = False,
        progress: Fraction | None = None,
        should_cancel: Cancel | None = None,
    ) -> Done[dict[str, Any]]:
        """Train and store a model (the bundled market, or `csv`; + this ledger's sales if `with_ledger`)."""
        from valuation import service

        ledger = self.local_ledger()[0] if with_ledger else None
        card = service.train(
            self.home,
            csv=csv,
            target=target,
            date_column=date_column,
            lat=lat,
            lon=lon,
            keep_all_sales=keep_all_sales,
            ledger=ledger,
            seed=seed,
            quick=quick,
            progress=progress,
            should_cancel=should_cancel,
        )
        return Done(card, Receipt(model=True))

    def model_card(self) -> dict[str, Any] | None:
        """The stored model's card, or None when there is no model (a refused one is a sentence)."""
        from valuation import service

        return service.card(self.home) if service.has_model(self.home) else None

    def value_deed(
        self,
        deed: str | int,
        progress: Fraction | None = None,
        should_cancel: Cancel | None = None,
        *,
        before_training: Callable[[str], None] | None = None,
    ) -> Done[Valued]:
        """A deed's estimate, range, comparables and reasons, training a model first if it needs one."""
        from valuation import service

        ledger = self.ledger
        deed_id = ledger.deed(deed).deed_id  # an unknown deed fails before any training
        receipt = self.ensure_model(progress, should_cancel, before_training=before_training)
        state, valuation, card = service.value_deed(self.home, ledger, deed_id)
        return Done(Valued(state, valuation, card), receipt)

    def record_valuation(self, valued: Valued, appraiser: Signer) -> Done[int]:
        """Sign the valuation into the ledger (the agent's registrar key)."""
        from valuation import service

        ledger = self.ledger
        key = self.unlock(appraiser)
        index = service.record_valuation(ledger, ledger.deed(valued.deed.deed_id), valued.valuation, valued.card, key)
        return Done(index, self.recorded([index]))

    def evaluate(
        self,
        *,
        csv: str | Path | None = None,
        target: str | None = None,
        folds: int = 5,
        date_column: str | None = None,
        lat: str | None = None,
        lon: str | None = None,
        keep_all_sales: bool = False,
        seed: int = 0,
        quick: bool = False,
        trim: bool = False,
        equity: bool = True,
        currency: str | None = None,
        progress: Fraction | None = None,
        should_cancel: Cancel | None = None,
    ) -> dict[str, Any]:
        """Cross-validation on a sales table (no data folder involved): AVM and IAAO figures on validated
        sales, FSD and confidence; `trim` adds the IAAO outlier trim, `equity=False` leaves the estimates
        as fitted, `currency` is the table's (default: the bundled market's).  See valuation.service.evaluate."""
        from valuation import service

        return service.evaluate(
            csv=csv,
            target=target,
            folds=folds,
            date_column=date_column,
            lat=lat,
            lon=lon,
            keep_all_sales=keep_all_sales,
            seed=seed,
            quick=quick,
            trim=trim,
            equity=equity,
            currency=currency or service.DEFAULT_CURRENCY,
            progress=progress,
            should_cancel=should_cancel,
        )

    def evaluate_screen(
        self,
        *,
        csv: str | Path | None = None,
        target: str | None = None,
        folds: int = 5,
        date_column: str | None = None,
        lat: str | None = None,
        lon: str | None = None,
        seed: int = 0,
        quick: bool = False,
        progress: Fraction | None = None,
        should_cancel: Cancel | None = None,
    ) -> dict[str, Any]:
        """How well the price screen finds non-market sales, on a table whose sale-condition column labels
        them (default: the bundled Ames market); no data folder involved.  See valuation.service.evaluate_screen."""
        from valuation import service

        return service.evaluate_screen(
            csv=csv,
            target=target,
            folds=folds,
            date_column=date_column,
            lat=lat,
            lon=lon,
            seed=seed,
            quick=quick,
            progress=progress,
            should_cancel=should_cancel,
        )
