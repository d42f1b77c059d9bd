"""Opening every window, pane and dialog the GUI has, and asking each what a screen reader would hear.

`unnamed(root)` lists the controls a keyboard reaches (focusable, visible) whose accessible name, as Qt's
accessibility bridge gives it to a screen reader, is empty; `TOUR` opens each window on a small ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtGui import QAccessible
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget

from tests.helpers import PASSWORD, World
from tests.gui.conftest import loaded


def accessible_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def accessible_description(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Description).strip() if interface is not None else ""


def controls(root: QWidget) -> list[QWidget]:
    """The controls of `root` a Tab can reach: visible, taking focus from the keyboard (the line edit inside a
    spin or combo box is that box's own: the box is what is named). Said here again, not taken from the
    product's own helper, so that a mistake there cannot hide a control from this check."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        inner = isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox)) or widget.focusProxy() is not None
        if widget.isVisible() and not inner and widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value:
            found.append(widget)
    return found


def _labelled(combo: QComboBox) -> bool:
    """A combo box's Qt name on Linux is its current item ("USD", "alice"), whatever its accessible name: a
    screen reader takes what it is for from its Label relation (a label whose buddy it is), which it must have;
    its accessible name (what Windows and macOS read) must be set too, or come from that label."""
    interface = QAccessible.queryAccessibleInterface(combo)
    labels = [
        target.text(QAccessible.Text.Name).strip() for target, _ in interface.relations(QAccessible.RelationFlag.Label)
    ]
    return any(labels)


def unnamed(root: QWidget) -> list[str]:
    """Each reachable control with no name a screen reader reads, described for a failure message."""
    missing = []
    for widget in controls(root):
        if not accessible_name(widget) or (isinstance(widget, QComboBox) and not _labelled(widget)):
            text = getattr(widget, "text", lambda: "")()
            hint = widget.objectName() or widget.toolTip() or (text if isinstance(text, str) else "")
            missing.append(f"{type(widget).__name__}({hint!r})")
    return missing


# -- the tour: each opens one window on the test's ledger and returns it, shown ---------------------------------


def _shown(widget: Any, qtbot: Any) -> Any:
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _pane(key: str) -> Callable[..., Any]:
    def open_(window: Any, world: World, qtbot: Any, tmp_path: Path) -> Any:
        window.show_pane(key)
        qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=10_000)
        return window

    return open_


def _deeds(window: Any, world: World, qtbot: Any, tmp_path: Path) -> Any:
    deed = world.register("A-1", world.key("alice").address)
    window.show_deed(deed)
    qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=10_000)
    return window


def _dialog(factory: Callable[[Any, World, Path], QWidget]) -> Callable[..., Any]:
    def open_(window: Any, world: World, qtbot: Any, tmp_path: Path) -> Any:
        dialog = factory(window, world, tmp_path)
        _shown(dialog, qtbot)
        qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=10_000)
        return dialog

    return open_


def _transfer(page: str) -> Callable[..., Any]:
    def open_(window: Any, world: World, qtbot: Any, tmp_path: Path) -> Any:
        deed = world.register("T-1", world.key("alice").address)
        wizard = window.open_transfer(deed)
        qtbot.addWidget(wizard)
        qtbot.waitUntil(lambda: wizard.terms.seller.currentData() is not None, timeout=10_000)
        if page == "signatures":
            wizard.terms.buyer.set_address(world.key("bob").address)
            qtbot.waitUntil(lambda: wizard.button(wizard.WizardButton.NextButton).isEnabled(), timeout=10_000)
            wizard.next()
            qtbot.waitUntil(lambda: wizard.currentPage() is wizard.signatures, timeout=10_000)
        qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=10_000)
        return wizard

    return open_


def _transfer_review(page: str) -> Callable[..., Any]:
    def open_(window: Any, world: World, qtbot: Any, tmp_path: Path) -> Any:
        from PySide6.QtWidgets import QWizard

        from tests.gui.test_polish2 import _wizard_at_review

        wizard, _deed = _wizard_at_review(window, world, qtbot)  # every party signed, checked against the ledger
        if page == "record":
            wizard.button(QWizard.WizardButton.NextButton).click()
            qtbot.waitUntil(lambda: wizard.currentPage() is wizard.record_page, timeout=10_000)
        return wizard

    return open_


def _signer(window: Any, world: World, qtbot: Any, tmp_path: Path) -> Any:
    from core.transactions import prepare_transfer
    from desktop.gui.signer import SignerWindow

    deed = world.register("S-1", world.key("alice").address)
    prepared = prepare_transfer(world.ledger, deed, world.key("bob").address, "1000", out_dir=tmp_path / "req")
    signer = SignerWindow(world.home, world.ledger.identity, world.keys)
    _shown(signer, qtbot)
    assert loaded(qtbot, signer, prepared.paths[0])
    return signer


def _notary_desk(window: Any, world: World, qtbot: Any, tmp_path: Path) -> Any:
    from desktop.gui.notary_desk import NotaryDeskWindow
    from tests.gui.test_notary_desk import _attestation_file, _notary_machine

    home, keys, notary = _notary_machine(tmp_path)
    desk = _shown(NotaryDeskWindow(home, keys), qtbot)
    desk.load(_attestation_file(world, tmp_path / "requests", notary))  # the form shows once a request is read
    qtbot.waitUntil(lambda: desk.report is not None, timeout=10_000)
    return desk


def _first_run(choice: str) -> Callable[..., Any]:
    def open_(window: Any, world: World, qtbot: Any, tmp_path: Path) -> Any:
        from desktop.gui.dialogs.first_run import FirstRunDialog

        dialog = _shown(FirstRunDialog(window.ctx), qtbot)
        dialog.choice_buttons[choice].click()  # each choice shows its own form
        return dialog

    return open_


def _qr_show(window: Any, world: World, tmp_path: Path) -> Any:
    from core.requests import load_request
    from core.transactions import prepare_transfer
    from desktop.gui.dialogs.qr_show import QrShowDialog

    deed = world.register("Q-1", world.key("alice").address)
    path = prepare_transfer(world.ledger, deed, world.key("bob").address, "1000", out_dir=tmp_path / "q").paths[0]
    return QrShowDialog(load_request(path), path.read_bytes(), window)


def _chart_figures(window: Any, world: World, tmp_path: Path) -> Any:
    from core.money import Money
    from desktop.gui.widgets.charts import RangeChart

    chart = RangeChart(window.show_pane("valuation"))
    chart.set_range(Money(21_500_000, "USD"), Money(19_000_000, "USD"), Money(24_100_000, "USD"))
    return chart.figures_dialog()  # what the chart's "Show as table" opens


def _dialogs() -> dict[str, Callable[..., Any]]:
    from desktop.gui.dialogs import about, compliance, holds, keys, notary_certificate, party_requests, qr_read
    from desktop.gui.dialogs import servicing, settings, train, witness
    from desktop.gui.panes.ledger import KeyDialog
    from desktop.gui.panes.review import ReviewDialog
    from desktop.gui.seal_dialogs import SealDialog

    def ctx(w: Any) -> Any:
        return w.ctx

    return {
        "settings": _dialog(lambda w, _world, _t: settings.SettingsDialog(ctx(w), w)),
        "about": _dialog(lambda w, _world, _t: about.AboutDialog(w)),
        "train": _dialog(lambda w, _world, _t: train.TrainDialog(ctx(w), w)),
        "new key": _dialog(lambda w, _world, _t: keys.NewKeyDialog(w)),
        "import keystore": _dialog(lambda w, _world, _t: keys.ImportKeyDialog(w)),
        "import private key": _dialog(lambda w, _world, _t: keys.ImportKeyDialog(w, raw=True)),
        "contact": _dialog(lambda w, _world, _t: keys.ContactDialog(w)),
        "notary certificate": _dialog(
            lambda w, _world, _t: notary_certificate.NotaryCertificateDialog(ctx(w).settings, w)
        ),
        "seal": _dialog(lambda w, _world, _t: SealDialog(["operator", "alice"], w)),
        "key": _dialog(lambda w, _world, _t: KeyDialog(ctx(w), "Sign a checkpoint", "The operator signs.", w)),
        "review": _dialog(lambda w, _world, _t: ReviewDialog(ctx(w), 1, "clear", w)),
        "lien request": _dialog(lambda w, _world, _t: party_requests.PartyRequestDialog(ctx(w), "lien", w)),
        "release request": _dialog(lambda w, _world, _t: party_requests.PartyRequestDialog(ctx(w), "release", w)),
        "notarise request": _dialog(lambda w, _world, _t: party_requests.PartyRequestDialog(ctx(w), "notarise", w)),
        "rules": _dialog(lambda w, _world, _t: compliance.RulesDialog(ctx(w), w)),
        "issuer": _dialog(lambda w, _world, _t: compliance.IssuerDialog(ctx(w), w)),
        "claim": _dialog(lambda w, _world, _t: compliance.ClaimDialog(ctx(w), w)),
        "hold": _dialog(lambda w, _world, _t: holds.HoldDialog(ctx(w), w)),
        "distribution": _dialog(lambda w, _world, _t: servicing.DistributionDialog(ctx(w), w)),
        "proposal": _dialog(lambda w, _world, _t: servicing.ProposalDialog(ctx(w), w)),
        "become witness": _dialog(
            lambda w, _world, _t: witness.BecomeWitnessDialog([("operator", "0x" + "1" * 40)], w)
        ),
        "follow": _dialog(lambda w, _world, _t: witness.FollowDialog(w)),
        "sync": _dialog(lambda w, _world, _t: witness.SyncDialog(w, "")),
        "send": _dialog(lambda w, _world, _t: witness.SendDialog(w)),
        "policy": _dialog(lambda w, _world, _t: witness.PolicyDialog([("bank", "0x" + "2" * 40, "")], w)),
        "qr read": _dialog(lambda w, _world, _t: qr_read.QrReadDialog(ctx(w).ops, "Read QR codes", "Read them.", w)),
        "qr show": _dialog(_qr_show),
        "chart figures": _dialog(_chart_figures),
    }


def _recovery(window: Any, world: World, qtbot: Any, tmp_path: Path) -> Any:
    from desktop.gui.recovery_wizard import RecoveryWizard

    wizard = _shown(RecoveryWizard(window.ctx, None, window), qtbot)
    qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=10_000)
    return wizard


def tour() -> dict[str, Callable[..., Any]]:
    from desktop.gui.main_window import PANES

    windows: dict[str, Callable[..., Any]] = {"pane deeds": _deeds}
    windows.update({f"pane {spec.key}": _pane(spec.key) for spec in PANES if spec.key != "deeds"})
    windows.update(
        {
            "transfer terms": _transfer("terms"),
            "transfer signatures": _transfer("signatures"),
            "transfer review": _transfer_review("review"),
            "transfer record": _transfer_review("record"),
            "recovery wizard": _recovery,
            "offline signer": _signer,
            "notary desk window": _notary_desk,
            "first run create": _first_run("create"),
            "first run demo": _first_run("demo"),
        }
    )
    windows.update({f"dialog {name}": open_ for name, open_ in _dialogs().items()})
    return windows


__all__ = ["PASSWORD", "accessible_description", "accessible_name", "controls", "tour", "unnamed"]
