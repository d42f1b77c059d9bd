"""Geography: distances between sales and the price level of a location.

Coordinates are projected onto a local flat plane in kilometres (equirectangular
around the data's mean latitude): exact enough within a market, and it lets a
k-d tree answer "the nearest sales" in microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
KM_PER_DEGREE = 111.195
NEIGHBOURS = 10


def project(lat: FloatArray, lon: FloatArray, lat0: float) -> FloatArray:
    return np.column_stack([lat * KM_PER_DEGREE, lon * KM_PER_DEGREE * np.cos(np.radians(lat0))])


@dataclass
class NeighbourPrices:
    """Mean log price of the k nearest sales: how expensive the spot is, learnt from neighbours."""

    points: FloatArray
    values: FloatArray
    lat0: float
    fallback: float
    k: int = NEIGHBOURS
    _tree: Any = field(default=None, repr=False, compare=False)
    _train_mask: npt.NDArray[np.bool_] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def fit(cls, lat: FloatArray, lon: FloatArray, log_price: FloatArray, k: int = NEIGHBOURS) -> "NeighbourPrices":
        ok = np.isfinite(lat) & np.isfinite(lon)
        lat0 = float(np.mean(lat[ok]))
        return cls(
            project(lat[ok], lon[ok], lat0),
            log_price[ok].astype(np.float64),
            lat0,
            float(np.mean(log_price)),
            min(k, max(1, int(ok.sum()) - 1)),
            _train_mask=ok,
        )

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_tree"] = None  # rebuilt on demand: never pickle scipy's tree
        state["_train_mask"] = None
        return state

    def tree(self) -> Any:
        if self._tree is None:
            from scipy.spatial import cKDTree

            self._tree = cKDTree(self.points)
        return self._tree

    def leave_one_out(self) -> FloatArray:
        """For the training rows: each sale's own price left out, as it would be for a new property."""
        mask = self._train_mask
        if mask is None:
            raise RuntimeError("leave_one_out is for the rows the model was just fitted on")
        out = np.full(mask.shape[0], self.fallback)
        _, idx = self.tree().query(self.points, k=self.k + 1)
        idx = np.asarray(idx).reshape(len(self.points), -1)
        # drop the sale itself, wherever ties at distance 0 put it
        is_self = idx == np.arange(len(self.points))[:, None]
        order = np.argsort(is_self, axis=1, kind="stable")
        idx = np.take_along_axis(idx, order, axis=1)[:, : self.k]
        out[mask] = self.values[idx].mean(axis=1)
        return out

    def predict(self, lat: FloatArray, lon: FloatArray) -> FloatArray:
        ok = np.isfinite(lat) & np.isfinite(lon)
        out = np.full(lat.shape[0], self.fallback)
        if ok.any():
            _, idx = self.tree().query(project(lat[ok], lon[ok], self.lat0), k=self.k)
            idx = np.asarray(idx).reshape(int(ok.sum()), -1)
            out[ok] = self.values[idx].mean(axis=1)
        return out
