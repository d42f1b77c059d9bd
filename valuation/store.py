"""Store the trained model and load it back safely.

Unpickling runs code, so a model file is only ever unpickled after three checks:

1. `manifest.json` names the SHA-256 of `model.pkl` and of `card.json`, and is
   authenticated by an HMAC-SHA256 under a random key created on this machine
   (`models/.machine-key`, readable by the user only).  A model and card copied
   from another machine, or edited here, fail the HMAC or a hash.
2. The model's bytes hash to what the manifest says.
3. The unpickler only resolves classes from numpy, scipy, scikit-learn and this
   package: even a file that somehow passed the checks cannot name `os.system`.

Files are written to temporary names then renamed, so a crash or a cancel never
leaves a half-written model that would be loaded.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import pickle
import secrets
from pathlib import Path
from typing import Any

from core.errors import DeedbookError
from core.finite_json import finite_figures

MODEL_FILE = "model.pkl"
CARD_FILE = "card.json"
MANIFEST_FILE = "manifest.json"
KEY_FILE = ".machine-key"
FORMAT = 1

# Classes may come from these packages; functions only from the short list below
# (numpy's and scikit-learn's own reconstruction helpers).
_CLASS_PACKAGES = frozenset({"numpy", "scipy", "sklearn", "valuation"})
_FUNCTIONS = frozenset(
    {
        "numpy._core.multiarray._reconstruct",
        "numpy.core.multiarray._reconstruct",
        "numpy._core.multiarray.scalar",
        "numpy.core.multiarray.scalar",
        "numpy._core.numeric._frombuffer",
        "numpy.core.numeric._frombuffer",
        "numpy.random._pickle.__bit_generator_ctor",
        "numpy.random._pickle.__generator_ctor",
        "numpy.random._pickle.__randomstate_ctor",
        "numpy.random.bit_generator.__pyx_unpickle_SeedSequence",
        "sklearn.utils.validation.check_array",
    }
)
_BUILTINS = frozenset(
    {
        "set",
        "frozenset",
        "slice",
        "complex",
        "range",
        "bytearray",
        "dict",
        "list",
        "tuple",
        "float",
        "int",
        "bool",
        "str",
        "bytes",
        "object",
    }
)


class ModelRefused(DeedbookError):
    """The stored model failed its integrity checks and was not loaded."""


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        qualified = f"{module}.{name}"
        if (module == "builtins" and name in _BUILTINS) or qualified in _FUNCTIONS or qualified == "functools.partial":
            return super().find_class(module, name)
        if module.split(".")[0] in _CLASS_PACKAGES and "__" not in name:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise ModelRefused(
            f"The model file refers to {qualified}, which a Deedbook model never does; it was not loaded."
        )


def _machine_key(folder: Path, create: bool) -> bytes:
    path = folder / KEY_FILE
    if path.is_file():
        key = path.read_bytes()
        if len(key) == 32:
            return key
    if not create:
        raise ModelRefused(
            "This machine has no model signing key, so the stored model cannot be trusted; "
            "train again with 'deedbook valuation train'."
        )
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def _mac(key: bytes, model_sha: str, card_sha: str) -> str:
    return hmac.new(key, f"deedbook-model/{FORMAT}/{model_sha}/{card_sha}".encode(), hashlib.sha256).hexdigest()


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def save(folder: Path, model: Any, card: dict[str, Any]) -> dict[str, Any]:
    """Write model, card (with the model's hash) and the authenticated manifest; returns the card."""
    folder.mkdir(parents=True, exist_ok=True)
    key = _machine_key(folder, create=True)
    blob = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    model_sha = hashlib.sha256(blob).hexdigest()
    card = finite_figures({**card, "model_sha256": model_sha, "model_bytes": len(blob)})  # null, never NaN
    card_bytes = json.dumps(card, indent=2, ensure_ascii=False).encode("utf-8")
    card_sha = hashlib.sha256(card_bytes).hexdigest()
    manifest = {
        "format": FORMAT,
        "model_sha256": model_sha,
        "card_sha256": card_sha,
        "hmac_sha256": _mac(key, model_sha, card_sha),
    }
    # the manifest goes last: until it is replaced, the old manifest refuses the new files
    _write(folder / MODEL_FILE, blob)
    _write(folder / CARD_FILE, card_bytes)
    _write(folder / MANIFEST_FILE, json.dumps(manifest, indent=2).encode("utf-8"))
    return card


def exists(folder: Path) -> bool:
    return (folder / MANIFEST_FILE).is_file()


def _verified(folder: Path) -> tuple[dict[str, Any], bytes, dict[str, Any]]:
    if not exists(folder):
        raise DeedbookError("No valuation model has been trained yet: run 'deedbook valuation train'.")
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text("utf-8"))
        card_bytes = (folder / CARD_FILE).read_bytes()
        model_sha, card_sha, mac = manifest["model_sha256"], manifest["card_sha256"], manifest["hmac_sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        raise ModelRefused(
            "The stored model's manifest or card is missing or unreadable; train again with 'deedbook valuation train'."
        ) from None
    key = _machine_key(folder, create=False)
    if not hmac.compare_digest(_mac(key, str(model_sha), str(card_sha)), str(mac)):
        raise ModelRefused(
            "The stored model was not produced by this machine's training (its manifest "
            "does not authenticate); it was not loaded."
        )
    if hashlib.sha256(card_bytes).hexdigest() != card_sha:
        raise ModelRefused("The model card was changed after training; the model was not loaded.")
    card = json.loads(card_bytes)
    return manifest, card_bytes, card


def load_card(folder: Path) -> dict[str, Any]:
    """The verified model card (no unpickling)."""
    return _verified(folder)[2]


def load(folder: Path, layout: int | None = None) -> tuple[Any, dict[str, Any]]:
    """The model and its card, after every check; ModelRefused if any fails.

    `layout` is the version of the pickled classes the caller's code expects: a
    model stored by another version of them is refused before it is unpickled.
    """
    manifest, _, card = _verified(folder)
    if layout is not None and card.get("layout") != layout:
        raise ModelRefused(
            "The stored model was trained by another version of Deedbook; train again with 'deedbook valuation train'."
        )
    try:
        blob = (folder / MODEL_FILE).read_bytes()
    except OSError:
        raise ModelRefused("The model file is missing; train again with 'deedbook valuation train'.") from None
    if (
        hashlib.sha256(blob).hexdigest() != manifest["model_sha256"]
        or card.get("model_sha256") != manifest["model_sha256"]
    ):
        raise ModelRefused(
            "The model file does not match the SHA-256 in its card (it was changed or replaced); it was not loaded."
        )
    try:
        model = _RestrictedUnpickler(io.BytesIO(blob)).load()
    except ModelRefused:
        raise
    except (pickle.UnpicklingError, EOFError, ImportError, AttributeError, LookupError, TypeError, ValueError):
        # a verified file that other library versions wrote: unpickling and __setstate__ fail in these ways
        raise ModelRefused(
            "The stored model cannot be read by this version of the libraries; "
            "train again with 'deedbook valuation train'."
        ) from None
    return model, card
