"""The stored model is loaded only if this machine's training produced it, unchanged."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

from core.paths import DataDir
from valuation import service, store


def test_round_trip_and_card(home_with_model: DataDir) -> None:
    card = service.card(home_with_model)
    _, loaded_card = service.load(home_with_model)
    assert loaded_card == card
    assert len(card["model_sha256"]) == 64 and card["data"]["sales_used"] > 500
    assert card["libraries"]["scikit-learn"] and card["created"].endswith("+00:00")
    assert card["metrics"]["coverage"] > 0.8 and {f["kind"] for f in card["features"]} == {"numeric", "categorical"}
    v = service.value(home_with_model, {"Gr_Liv_Area": 1500})
    assert v.low < v.estimate < v.high
    key = home_with_model.models / store.KEY_FILE
    assert key.stat().st_mode & 0o077 == 0  # the machine key is private to the user


def _flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_changed_model_file_is_refused(home_with_model: DataDir) -> None:
    _flip_byte(home_with_model.models / store.MODEL_FILE, 1000)
    with pytest.raises(store.ModelRefused, match="does not match the SHA-256"):
        service.load(home_with_model)


def test_a_changed_card_is_refused(home_with_model: DataDir) -> None:
    path = home_with_model.models / store.CARD_FILE
    card = json.loads(path.read_text())
    card["metrics"]["mdape"] = 0.1
    path.write_text(json.dumps(card))
    with pytest.raises(store.ModelRefused, match="card was changed"):
        service.card(home_with_model)


def test_a_model_from_another_machine_is_refused(home_with_model: DataDir, tmp_path: Path) -> None:
    """Model, card and manifest copied whole onto a machine whose key differs: not loaded."""
    other = DataDir.resolve(tmp_path / "other")
    other.models.mkdir(parents=True)
    (other.models / store.KEY_FILE).write_bytes(os.urandom(32))
    for name in (store.MODEL_FILE, store.CARD_FILE, store.MANIFEST_FILE):
        shutil.copy(home_with_model.models / name, other.models / name)
    with pytest.raises(store.ModelRefused, match="not produced by this machine"):
        service.load(other)
    os.remove(other.models / store.KEY_FILE)
    with pytest.raises(store.ModelRefused, match="no model signing key"):
        service.load(other)


class _Exploit:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo pwned > /dev/null",))


def test_a_hostile_pickle_is_refused_even_when_authenticated(home_with_model: DataDir) -> None:
    """Defence in depth: someone holding the machine key still cannot make the loader run code."""
    folder = home_with_model.models
    store.save(folder, {"payload": _Exploit()}, {"note": "hostile"})
    with pytest.raises(store.ModelRefused, match=r"posix\.system|os\.system|nt\.system"):
        store.load(folder)


def test_missing_or_garbled_files(home_with_model: DataDir, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="No valuation model has been trained"):
        service.card(DataDir.resolve(tmp_path / "empty"))
    (home_with_model.models / store.MANIFEST_FILE).write_text("{not json")
    with pytest.raises(store.ModelRefused, match="unreadable"):
        service.load(home_with_model)


def test_save_is_atomic_and_replaces(home_with_model: DataDir) -> None:
    before = service.card(home_with_model)["model_sha256"]
    card = store.save(home_with_model.models, {"a": 1}, {"x": 1})
    assert card["model_sha256"] != before
    assert store.load(home_with_model.models)[0] == {"a": 1}
    assert not list(home_with_model.models.glob("*.tmp"))
    assert pickle.loads((home_with_model.models / store.MODEL_FILE).read_bytes()) == {"a": 1}


def test_a_model_of_another_layout_is_refused_before_unpickling(home_with_model: DataDir) -> None:
    assert service.has_current_model(home_with_model)
    store.save(home_with_model.models, {"old": True}, {"layout": service.LAYOUT + 1})
    assert service.has_model(home_with_model) and not service.has_current_model(home_with_model)
    with pytest.raises(store.ModelRefused, match="another version of Deedbook"):
        service.load(home_with_model)
