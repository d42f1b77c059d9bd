"""SealCertificate: only the operator binds a document-sealing certificate, with a sane name and validity;
the binding is found by the certificate's fingerprint and replays in verify."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from core.errors import RuleViolation
from core.seals import SealStore, bind_seal, binding, fingerprint, seal_info
from tests.helpers import make_world


def test_the_operator_binds_a_certificate_and_it_is_found(tmp_path: Path) -> None:
    world = make_world(tmp_path / "home")
    store = SealStore(world.home.root / "seals")
    cert = store.create(
        "office", "seal password", office="Test County", operator=world.operator.address, now=int(time.time())
    )
    index = bind_seal(world.ledger, world.operator, "office", cert)
    found = binding(world.ledger, cert)
    assert found is not None and found.index == index and found.kind == "SealCertificate"
    assert found.message["certSha256"] == fingerprint(cert)
    info = seal_info(store, world.ledger, "office")
    assert info.bound_at == index and info.not_after - info.not_before > 3000 * 86_400
    other = SealStore(tmp_path / "other").create(
        "x", "seal password", office="X", operator=world.operator.address, now=int(time.time())
    )
    assert binding(world.ledger, other) is None


def test_only_the_operator_and_only_a_sane_binding(tmp_path: Path) -> None:
    world = make_world(tmp_path / "home")
    ledger, intruder = world.ledger, world.key("intruder")
    good = {"name": "office", "certSha256": "0x" + "ab" * 32, "notBefore": 1, "notAfter": 2}
    with pytest.raises(RuleViolation, match="Only the ledger's operator"):
        ledger.append([ledger.sign("SealCertificate", good, intruder, "operator")])
    for bad, says in (
        ({**good, "name": " office"}, "seal's name"),
        ({**good, "name": ""}, "seal's name"),
        ({**good, "notAfter": 1}, "must end after it begins"),
    ):
        with pytest.raises(RuleViolation, match=says):
            ledger.append([ledger.sign("SealCertificate", bad, world.operator, "operator")])
    assert ledger.size() == 1  # the genesis only: nothing refused was written
