"""The small dialogs of the "Witness & replicas" pane: become a witness, follow a ledger, sync a replica,
send a checkpoint to witnesses, write a policy.  Each collects plain values; the pane runs the work."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.display import short_address
from desktop.gui import a11y, prompts
from desktop.gui.widgets.basics import button, label


class _Dialog(QDialog):
    def __init__(self, title: str, text: str, parent: QWidget | None, ok: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(label(text, wrap=True))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok)
        self.ok.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish(self) -> None:
        self.layout_.addWidget(self.buttons)
        a11y.prepare(self)


class BecomeWitnessDialog(_Dialog):
    """A witness's name (as its signatures carry it) and the local key it cosigns with."""

    def __init__(self, keys: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(
            "Become a witness",
            "Other offices' ledgers can ask this folder to cosign their checkpoints. "
            "A witness has a name, written in every cosignature (an address-like name such as "
            "notary.example/w1), and its own key.",
            parent,
            "Become a witness",
        )
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText("notary.example/w1")
        self.key = QComboBox()
        for name, address in keys:
            self.key.addItem(f"{name} ({short_address(address)})", name)
        form.addRow("Name", self.name)
        form.addRow("Key", self.key)
        self.layout_.addLayout(form)
        if not keys:
            self.layout_.addWidget(
                label("There is no key on this machine yet: make one in Keys & contacts first.", "muted", wrap=True)
            )
        self.name.textChanged.connect(self._update)
        self.finish()

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.name.text().strip()) and self.key.currentData() is not None)

    def values(self) -> tuple[str, str]:
        return self.name.text().strip(), str(self.key.currentData())


class FollowDialog(_Dialog):
    """A ledger to witness: its key, or a checkpoint request or bundle from its office."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Follow a ledger",
            "Paste the ledger's key (deedbook/ledger/…+…+…) or choose a checkpoint "
            "request or export bundle its office sent. Check the operator's address it shows with the "
            "office before you cosign anything.",
            parent,
            "Follow",
        )
        row = QHBoxLayout()
        self.source = a11y.name(QLineEdit(), "Ledger key or file")
        self.source.setPlaceholderText("deedbook/ledger/…  or a file")
        self.browse = button("Choose file\u2026", "folder")
        row.addWidget(self.source, 1)
        row.addWidget(self.browse)
        self.layout_.addLayout(row)
        self.browse.clicked.connect(self._choose)
        self.source.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        self.finish()

    def _choose(self) -> None:
        path = prompts.open_file(
            self, "A checkpoint request or export bundle", "Deedbook files (*.json);;All files (*)"
        )
        if path is not None:
            self.source.setText(str(path))

    def value(self) -> str:
        return self.source.text().strip()


class SyncDialog(_Dialog):
    """Where a replica syncs from: an export bundle, another data folder, or a `serve` address."""

    KINDS = (
        ("bundle", "An export bundle file (deedbook export)"),
        ("folder", "Another data folder"),
        ("url", "A server address (deedbook serve), e.g. http://127.0.0.1:8080"),
    )

    def __init__(self, parent: QWidget | None = None, current: str = "") -> None:
        super().__init__(
            "Sync the replica",
            "Every new entry is checked (signatures, rules, and its consistency with "
            "what this replica holds) before it is appended. A source that rewrote its history is "
            "refused, and the entry that differs is named.",
            parent,
            "Sync",
        )
        self.group = QButtonGroup(self)
        for number, (_key, text) in enumerate(self.KINDS):
            radio = QRadioButton(text)
            self.group.addButton(radio, number)
            self.layout_.addWidget(radio)
        row = QHBoxLayout()
        self.source = a11y.name(QLineEdit(current), "Replica source")
        self.browse = button("Choose\u2026", "folder")
        row.addWidget(self.source, 1)
        row.addWidget(self.browse)
        self.layout_.addLayout(row)
        kind = 2 if current.startswith(("http://", "https://")) else 0
        self.group.button(kind).setChecked(True)
        self.browse.clicked.connect(self._choose)
        self.source.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        self.group.idToggled.connect(lambda _i, _on: self.browse.setEnabled(self.kind() != "url"))
        self.ok.setEnabled(bool(current))
        self.finish()

    def kind(self) -> str:
        return self.KINDS[max(0, self.group.checkedId())][0]

    def _choose(self) -> None:
        path = (
            prompts.choose_folder(self, "The source's data folder")
            if self.kind() == "folder"
            else prompts.open_file(self, "An export bundle", "Export bundles (*.jsonl *.json);;All files (*)")
        )
        if path is not None:
            self.source.setText(str(path))

    def value(self) -> str:
        return self.source.text().strip()


class SendDialog(_Dialog):
    """Witnesses' server addresses (`deedbook serve --witness`), one a line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Send the checkpoint to witnesses",
            "Each witness's server is asked to cosign the latest "
            "checkpoint, with a consistency proof from the size it last cosigned. The cosignatures it "
            "returns are checked and kept.",
            parent,
            "Send",
        )
        self.urls = a11y.name(QPlainTextEdit(), "Witness servers", "One address a line")
        self.urls.setPlaceholderText("http://witness.example:8080")
        self.urls.setFixedHeight(90)
        self.layout_.addWidget(self.urls)
        self.urls.textChanged.connect(lambda: self.ok.setEnabled(bool(self.values())))
        self.finish()

    def values(self) -> list[str]:
        return [line.strip() for line in self.urls.toPlainText().split() if line.strip()]


class PolicyDialog(_Dialog):
    """A policy from the witnesses this ledger knows: which of them, and how many must cosign."""

    def __init__(self, witnesses: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(
            "Write a policy",
            "A policy names this ledger's key, the witnesses' keys and how many of "
            "them must cosign a checkpoint. Verifiers use it with verify-proof --policy and "
            "verify-pdf --policy; documents can be issued only under it.",
            parent,
            "Save policy\u2026",
        )
        self.boxes: list[tuple[QCheckBox, str]] = []
        for name, address, key in witnesses:
            box = QCheckBox(f"{name} ({address})")
            box.setChecked(True)
            box.toggled.connect(self._update)
            self.boxes.append((box, key))
            self.layout_.addWidget(box)
        if not witnesses:
            self.layout_.addWidget(
                label(
                    "No witness has cosigned a checkpoint of this ledger yet: the policy will "
                    "ask for no cosignature (quorum none).",
                    "muted",
                    wrap=True,
                )
            )
        row = QHBoxLayout()
        self.quorum = QSpinBox()
        row.addWidget(a11y.buddy(label("Cosignatures required"), self.quorum))
        self.quorum.setRange(1, max(1, len(witnesses)))
        self.quorum.setValue(max(1, len(witnesses)))
        row.addWidget(self.quorum)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.ok.setEnabled(True)
        self.finish()

    def _update(self) -> None:
        chosen = len(self.keys())
        self.quorum.setRange(1, max(1, chosen))
        self.quorum.setEnabled(chosen > 0)

    def keys(self) -> list[str]:
        return [key for box, key in self.boxes if box.isChecked()]
