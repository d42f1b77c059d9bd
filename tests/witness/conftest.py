"""An operator's ledger and witnesses in data folders of their own, each with its own key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from core.checkpoints import make_checkpoint
from core.cosignatures import add_cosignatures
from core.keys import KeyStore, UnlockedKey
from core.ledger import RecordedEntry
from core.paths import DataDir
from core.witness_requests import build_request, read_request
from core.witnessing import CosignResult, add_checkpoint, follow, init_role
from tests.helpers import PASSWORD, World, make_world

DAY = 86_400
MONDAY = 1_760_313_600  # 2025-10-13 00:00 UTC: the simulated week starts here


@dataclass
class Witness:
    home: DataDir
    name: str
    key: UnlockedKey

    def cosign(self, request: Path, now: int) -> CosignResult:
        """Cosign a request file as `deedbook witness cosign` does, at `now`."""
        parsed = read_request(request)
        return add_checkpoint(self.home, parsed.note, parsed.candidates, lambda: self.key, now=now, any_candidate=True)


def new_witness(root: Path, name: str, world: World) -> Witness:
    """A witness in its own data folder, following the world's ledger."""
    home = DataDir.resolve(root).ensure()
    keys = KeyStore(home.keys)
    keys.create("witness", PASSWORD)
    key = keys.unlock("witness", PASSWORD)
    init_role(home, name, "witness", key.address)
    follow(home, world.ledger.identity)
    return Witness(home, name, key)


def checkpoint_and_request(world: World, folder: Path, now: int) -> tuple[RecordedEntry, Path]:
    """The operator signs a checkpoint at `now` and writes the request file witnesses cosign."""
    recorded = make_checkpoint(world.ledger, world.operator, now=now)
    path = folder / f"request-{recorded.index}.json"
    path.write_text(build_request(world.ledger, recorded).to_text(), encoding="utf-8")
    return recorded, path


def keep(world: World, result: CosignResult, now: int) -> None:
    assert result.cosigned and result.note is not None, result.sentence
    add_cosignatures(world.ledger, [("cosignature", result.note)], now=now)


@pytest.fixture
def operator(tmp_path: Path) -> World:
    return make_world(tmp_path / "operator", "Story County")


@pytest.fixture
def witnesses(tmp_path: Path, operator: World) -> Callable[..., list[Witness]]:
    def make(*names: str) -> list[Witness]:
        return [new_witness(tmp_path / f"witness-{i}", name, operator) for i, name in enumerate(names)]

    return make


def count_alive_entries(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The most bundle entries alive at once from now on, in a one-item list (set it to 0 to count afresh):
    every entry a bundle reader makes (a file's, a server's answer's) is counted until it is freed."""
    import weakref

    from core import bundle_lines, bundles

    alive, most = [0], [0]
    real = bundles.bundle_entry

    def counted(item: object, index: int) -> object:
        made = real(item, index)  # type: ignore[arg-type]
        alive[0] += 1
        most[0] = max(most[0], alive[0])
        weakref.finalize(made, lambda: alive.__setitem__(0, alive[0] - 1))
        return made

    monkeypatch.setattr(bundles, "bundle_entry", counted)
    monkeypatch.setattr(bundle_lines, "bundle_entry", counted)
    return most
