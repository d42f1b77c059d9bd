"""The valuation model: a blend of gradient boosting and a regularised linear
model, both on log price, with a split-conformal 90% range.

Why this shape (measured on Ames, see docs/valuation.md): boosted trees find
thresholds and interactions; a ridge regression on log price extrapolates size
and quality smoothly where trees plateau.  Their errors differ, so the blend
beats either.  The blend weight is chosen per market from out-of-fold
predictions, and those same out-of-fold residuals calibrate the range, so a
user's own market gets its own weight and its own honest interval.

scikit-learn is imported inside the functions: importing this module is free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ContextManager

import numpy as np
import numpy.typing as npt

from valuation.anchor import MAX_TREE_COLUMNS, SizeAnchor
from valuation.assumed import (
    MASK_DRAWS,
    AssumedWidening,
    MaskedErrors,
    assume,
    attribute_groups,
    draw_masks,
    typical_sale,
)
from valuation.dataset import FloatArray, SalesData, concat
from valuation.equity import EquityCalibration
from valuation.features import FeatureBuilder
from valuation.intervals import conformal_bounds
from valuation.metrics import avm_metrics
from valuation.progress import Steps
from valuation.screening.features import MarketErrors
from valuation.uncertainty import SpreadModel, fit_spread

TRIM_SIGMAS = 4.0  # ridge refit without training sales this far off (robust sigma units)
WEIGHT_GRID = np.linspace(0.0, 1.0, 21)

_controller: Any = None


def single_threaded() -> ContextManager[Any]:
    """Run native code (OpenMP, BLAS) on one thread.

    Measured on the 2-core target: a boosting fit takes 1.6 s on one thread but
    from 1.3 s to 35 s on two, depending on whether another process holds a core
    (OpenMP threads spin waiting for each other).  One thread is predictable,
    and it leaves the other core to the GUI.
    """
    global _controller
    if _controller is None:
        import sklearn.ensemble  # noqa: F401  (loads the OpenMP runtime the controller must see)
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller.limit(limits=1)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ModelParams:
    seed: int = 0
    inner_folds: int = 5
    coverage: float = 0.90
    gbm_iterations: int = 800
    learning_rate: float = 0.05
    max_leaf_nodes: int = 15
    min_samples_leaf: int = 10
    l2_regularization: float = 1.0
    # absolute error: the trees aim at the median price, as MdAPE judges them, and a few non-market or
    # mis-recorded sales pull them less (Ames: blend MdAPE unchanged; noisier markets: trees 0.6-1.0 points better)
    gbm_loss: str = "absolute_error"
    equity: bool = True  # stretch estimates until PRB and PRD are within IAAO ranges (valuation.equity)
    screen_sales: bool = True  # leave out high-risk sales no sale-condition column vouches for (validation)

    @classmethod
    def small(cls, seed: int = 0) -> "ModelParams":
        """A quick model for tests and previews: fewer trees, three inner folds."""
        return cls(seed=seed, inner_folds=3, gbm_iterations=150, learning_rate=0.1)


@dataclass
class Regressor:
    """One fitted feature builder + ridge + boosted trees + trees anchored on a size law (no interval).

    A part the blend gives no weight is not fitted (None) and predicts 0.
    """

    builder: FeatureBuilder
    ridge: Any
    gbm: Any
    trimmed: int = 0
    anchor: SizeAnchor | None = None
    anchored: Any = None  # boosted trees on log price minus the anchor's law

    @classmethod
    def fit(
        cls, data: SalesData, log_price: FloatArray, params: ModelParams, trees: bool = True, anchored: bool = True
    ) -> "Regressor":
        with single_threaded():
            return cls._fit(data, log_price, params, trees, anchored)

    @classmethod
    def _fit(
        cls, data: SalesData, log_price: FloatArray, params: ModelParams, trees: bool, anchored: bool
    ) -> "Regressor":
        from sklearn.linear_model import Ridge, RidgeCV

        builder = FeatureBuilder(seed=params.seed)
        linear, matrix = builder.fit_transform(data, log_price)
        ridge = RidgeCV(alphas=np.logspace(-2, 3.5, 28)).fit(linear, log_price)
        # one robust refit: a few mis-recorded or non-market sales otherwise tilt every slope
        resid = log_price - ridge.predict(linear)
        sigma = 1.4826 * float(np.median(np.abs(resid - np.median(resid))))
        keep = np.abs(resid) <= TRIM_SIGMAS * sigma if sigma > 0 else np.ones(len(resid), bool)
        if keep.sum() >= 0.8 * len(keep):
            ridge = Ridge(alpha=float(ridge.alpha_)).fit(linear[keep], log_price[keep])
        anchor = None
        if len(builder.gbm_names) <= MAX_TREE_COLUMNS:
            anchor = SizeAnchor.fit(data, log_price, [c for c in builder.numeric if c not in builder.years])
        fitted = None
        if anchored and anchor is not None:
            fitted = _boosted(builder, params).fit(matrix, log_price - anchor.predict(data))
        # plain trees when asked, or when anchored ones were asked alone but no size law was found
        gbm = _boosted(builder, params).fit(matrix, log_price) if trees or fitted is None else None
        return cls(builder, ridge, gbm, int((~keep).sum()), anchor if fitted is not None else None, fitted)

    def predict_parts(self, data: SalesData) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Log estimates of the ridge, the trees and the anchored trees (0 for a part not fitted)."""
        linear, matrix = self.builder.transform(data)
        # the ridge's own predict re-validates its input at ~0.3 ms a call; this is the same sum
        ridge = linear @ np.asarray(self.ridge.coef_, dtype=np.float64) + float(self.ridge.intercept_)
        trees, anchored = np.zeros(len(data)), np.zeros(len(data))
        with single_threaded():
            if self.gbm is not None:
                trees = np.asarray(self.gbm.predict(matrix), dtype=np.float64)
            if self.anchored is not None and self.anchor is not None:
                anchored = self.anchor.predict(data) + np.asarray(self.anchored.predict(matrix), dtype=np.float64)
        return ridge, trees, anchored


def _boosted(builder: FeatureBuilder, params: ModelParams) -> Any:
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(
        loss=params.gbm_loss,
        learning_rate=params.learning_rate,
        max_iter=params.gbm_iterations,
        max_leaf_nodes=params.max_leaf_nodes,
        min_samples_leaf=params.min_samples_leaf,
        l2_regularization=params.l2_regularization,
        early_stopping=False,
        categorical_features=np.array(builder.gbm_categorical, dtype=bool) if any(builder.gbm_categorical) else None,
        random_state=params.seed,
    )


@dataclass(frozen=True)
class BlendWeights:
    """Shares of the plain trees and the anchored trees; the ridge has the rest."""

    trees: float
    anchored: float

    @property
    def linear(self) -> float:
        return 1.0 - self.trees - self.anchored

    def apply(self, linear: FloatArray, trees: FloatArray, anchored: FloatArray) -> FloatArray:
        return self.trees * trees + self.anchored * anchored + self.linear * linear


def choose_weights(log_price: FloatArray, linear: FloatArray, trees: FloatArray, anchored: FloatArray) -> BlendWeights:
    """The shares minimising out-of-fold mean absolute log error (robust to a few bad sales), on a
    0.05 grid; on a tie the fewer anchored trees win, so they enter only where they help.
    They enter only if, on their own, they beat the plain trees on their own: on a small market
    (North Andover, 321 sales) a share chosen among three parts otherwise followed noise."""

    def loss_of(estimate: FloatArray) -> float:
        return float(np.mean(np.abs(log_price - estimate)))

    best, best_loss = BlendWeights(0.0, 0.0), np.inf
    shares = WEIGHT_GRID if loss_of(anchored) < loss_of(trees) else WEIGHT_GRID[:1]
    for i, a in enumerate(shares):
        for t in WEIGHT_GRID[: WEIGHT_GRID.size - i]:  # t + a <= 1
            w = BlendWeights(float(t), float(a))
            loss = loss_of(w.apply(linear, trees, anchored))
            if loss < best_loss - 1e-12:
                best, best_loss = w, loss
    return best


def fold_indices(n: int, folds: int, seed: int) -> list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]]:
    from sklearn.model_selection import KFold

    return [(tr, te) for tr, te in KFold(folds, shuffle=True, random_state=seed).split(np.zeros(n))]


@dataclass
class ValuationModel:
    regressor: Regressor
    weight: float  # share of the boosted trees in the blend (plain and anchored)
    lower: float  # conformal offsets on log price
    upper: float
    oof_log: FloatArray  # out-of-fold log estimate of every sale it kept (comparables use it)
    params: ModelParams
    cv_metrics: dict[str, Any] = field(default_factory=dict)
    weights_tried: dict[str, float] = field(default_factory=dict)
    equity: EquityCalibration = field(default_factory=EquityCalibration)
    errors: MarketErrors | None = None  # its out-of-fold errors: what the price screen measures gaps in
    spread: SpreadModel | None = None  # forecast standard deviation per estimate
    years: list[str] = field(default_factory=list)  # year-like attributes: a sale's age for the screen
    kept: npt.NDArray[np.intp] = field(default_factory=lambda: np.zeros(0, dtype=np.intp))  # rows trained on
    validation: dict[str, Any] = field(default_factory=dict)
    anchored_weight: float = 0.0  # the anchored trees' share (part of `weight`)
    assumed: AssumedWidening | None = None  # how much wider FSD and range are for attributes assumed
    masked: MaskedErrors | None = None  # what `assumed` is fitted from (training.py), then dropped

    @property
    def blend_weights(self) -> BlendWeights:
        return BlendWeights(self.weight - self.anchored_weight, self.anchored_weight)

    def predict_log(self, data: SalesData, calibrated: bool = True) -> FloatArray:
        blend = self.blend_weights.apply(*self.regressor.predict_parts(data))
        return self.equity.apply(blend) if calibrated else blend

    def predict(self, data: SalesData) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Estimate, low and high of the 90% range, in money."""
        log_estimate = self.predict_log(data)
        return np.exp(log_estimate), np.exp(log_estimate + self.lower), np.exp(log_estimate + self.upper)

    def fsd(self, data: SalesData, log_estimate: FloatArray) -> FloatArray:
        """Forecast standard deviation of each estimate (a fraction of it)."""
        if self.spread is None:
            return np.full(len(data), np.nan)
        return self.spread.fsd(data, log_estimate)


def _calibrate(log_price: FloatArray, blend: FloatArray, params: ModelParams) -> tuple[EquityCalibration, FloatArray]:
    equity = EquityCalibration.fit(log_price, blend) if params.equity else EquityCalibration()
    return equity, equity.apply(blend)


@dataclass
class _Masked:
    """Held-out sales valued again with attributes masked, per inner fold (valuation.assumed)."""

    groups: list[str]
    rows: list[npt.NDArray[np.intp]] = field(default_factory=list)
    masks: list[npt.NDArray[np.bool_]] = field(default_factory=list)
    data: list[SalesData] = field(default_factory=list)
    parts: list[tuple[FloatArray, FloatArray, FloatArray]] = field(default_factory=list)

    def add(
        self,
        data: SalesData,
        train: npt.NDArray[np.intp],
        test: npt.NDArray[np.intp],
        part: Regressor,
        rng: np.random.Generator,
    ) -> None:
        typical = typical_sale(data.take(train), float("nan"))  # from the fold's own sales, as `value` fills
        masks = draw_masks(len(test), len(self.groups), rng)
        rows = np.tile(test, MASK_DRAWS + 1)
        masked = assume(data.take(rows), masks, self.groups, typical)
        linear, trees, anchored = part.predict_parts(masked)
        self.rows.append(rows)
        self.masks.append(masks)
        self.data.append(masked)
        self.parts.append((linear, trees, anchored if part.anchor is not None else trees))

    def errors(
        self,
        log_price: FloatArray,
        keep: npt.NDArray[np.bool_],
        weights: "BlendWeights",
        equity: EquityCalibration,
        spread: SpreadModel,
    ) -> MaskedErrors:
        rows = np.concatenate(self.rows)
        kept = keep[rows]
        parts = [np.concatenate([p[i] for p in self.parts])[kept] for i in range(3)]
        log_estimate = equity.apply(weights.apply(parts[0], parts[1], parts[2]))
        data = concat(self.data).take(np.flatnonzero(kept))
        residual = log_price[rows[kept]] - log_estimate
        return MaskedErrors(self.groups, np.vstack(self.masks)[kept], residual, spread.fsd(data, log_estimate))


def fit_model(
    data: SalesData, params: ModelParams = ModelParams(), steps: Steps | None = None, measure_assumed: bool = False
) -> ValuationModel:
    """Inner K-fold for the blend weight, the equity calibration, sales validation and the
    calibration residuals; then a final fit on the sales kept.  `measure_assumed`: also value
    the held-out sales with attributes masked (valuation.assumed; train_model fits the widening)."""
    steps = steps or Steps()
    log_price = np.log(data.price)
    n = len(data)
    folds = fold_indices(n, params.inner_folds, params.seed)
    oof_linear = np.zeros(n)
    oof_trees = np.zeros(n)
    oof_anchored = np.zeros(n)
    total = len(folds) + 1
    years: list[str] = []
    masked = _Masked(attribute_groups(data)) if measure_assumed else None
    rng = np.random.default_rng(params.seed + 11)
    for i, (train, test) in enumerate(folds):
        steps.report(i / total, f"cross-validating fold {i + 1} of {len(folds)}")
        part = Regressor.fit(data.take(train), log_price[train], params)
        oof_linear[test], oof_trees[test], anchored = part.predict_parts(data.take(test))
        # no anchor in this fold (a wide table, or no size column explains price): the plain trees stand in
        oof_anchored[test] = anchored if part.anchor is not None else oof_trees[test]
        years = part.builder.years
        if masked is not None:
            masked.add(data, train, test, part, rng)
    weights = choose_weights(log_price, oof_linear, oof_trees, oof_anchored)
    blend = weights.apply(oof_linear, oof_trees, oof_anchored)
    equity, oof = _calibrate(log_price, blend, params)
    errors = MarketErrors.from_oof(log_price, oof)
    keep = np.ones(n, dtype=bool)
    if params.screen_sales:
        from valuation.validation import screened_out

        keep = ~screened_out(data, oof, errors, years)
    kept = np.flatnonzero(keep)
    if kept.size < n:  # calibrate on the sales kept only
        log_price, blend = log_price[kept], blend[kept]
        oof_linear, oof_trees, oof_anchored = oof_linear[kept], oof_trees[kept], oof_anchored[kept]
        equity, oof = _calibrate(log_price, blend, params)
        errors = MarketErrors.from_oof(log_price, oof)
    sales = data.take(kept)
    lower, upper = conformal_bounds(log_price - oof, params.coverage)
    spread = fit_spread(sales, log_price, oof, params.seed)
    masked_errors = None
    if masked is not None:
        masked_errors = masked.errors(np.log(data.price), keep, weights, equity, spread)
    steps.report(len(folds) / total, "fitting the final model on all sales")
    regressor = Regressor.fit(sales, log_price, params, trees=weights.trees > 0, anchored=weights.anchored > 0)
    if weights.anchored > 0 and regressor.anchor is None:  # the final fit found no size law: its plain trees
        weights = BlendWeights(weights.trees + weights.anchored, 0.0)
    steps.report(1.0, "model fitted")
    price = sales.price
    cv = avm_metrics(price, np.exp(oof), np.exp(oof + lower), np.exp(oof + upper))
    tried = {
        "trees": avm_metrics(price, np.exp(oof_trees))["mdape"],
        "anchored trees": avm_metrics(price, np.exp(oof_anchored))["mdape"],
        "linear": avm_metrics(price, np.exp(oof_linear))["mdape"],
        "blend": avm_metrics(price, np.exp(blend))["mdape"],
        "blend, equity-calibrated": cv["mdape"],
    }
    validation = {
        "screened": int((~data.vetted_mask).sum()) if params.screen_sales else 0,
        "screened_out": int(n - kept.size),
    }
    return ValuationModel(
        regressor,
        weights.trees + weights.anchored,
        lower,
        upper,
        oof,
        params,
        cv,
        tried,
        equity,
        errors,
        spread,
        list(years),
        kept,
        validation,
        weights.anchored,
        masked=masked_errors,
    )
