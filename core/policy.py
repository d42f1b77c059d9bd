"""Trust policies (c2sp.org/tlog-policy): which ledgers, which witnesses, and how many must cosign.

    # the Story County ledger, witnessed by a notary, a bank and the county
    log deedbook/ledger/<id>+<keyid>+<key>
    witness notary notary.example/w1+<keyid>+<key>
    witness bank bank.example/w1+<keyid>+<key>
    witness county county.example/w1+<keyid>+<key>
    group two-of-three 2 notary bank county
    quorum two-of-three

A checkpoint satisfies the policy when it is signed by one of the listed ledgers
and cosigned as the quorum asks: a witness counts when one of its cosignature
lines checks; a group when at least k of its members count (`any` is 1, `all`
is every member); `quorum none` asks for no cosignature.  Names are defined
before they are used and each is used once per group, so groups cannot loop.
Keys are verifier keys (core.notes); Deedbook verifies its own key types.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from core.checkpoint_note import Body, WitnessKey, check_cosignature, identity_of, origin, witness_of
from core.errors import DeedbookError
from core.identity import LedgerIdentity
from core.notes import MalformedNote, NoteSignature, parse_vkey
from core.userfiles import read_user_file

MAX_POLICY_BYTES = 256 * 1024
MAX_ENTRIES = 256  # logs, witnesses and groups each; the format asks for at least 32


class BadPolicy(DeedbookError):
    """A policy file that cannot be read as one."""


@dataclass(frozen=True)
class Group:
    threshold: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class Policy:
    logs: tuple[LedgerIdentity, ...]
    witnesses: dict[str, WitnessKey] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    quorum: str = "none"

    def names_ledger(self, identity: LedgerIdentity) -> bool:
        return identity in self.logs

    def counts(self, name: str, cosigned: set[str]) -> bool:
        """Whether witness or group `name` has witnessed, given the witnesses whose cosignatures checked."""
        if name == "none":
            return True
        if name in self.witnesses:
            return name in cosigned
        group = self.groups[name]
        return sum(self.counts(member, cosigned) for member in group.members) >= group.threshold

    def describe_quorum(self) -> str:
        """The quorum in words ("2 of notary, bank, county")."""
        return self._describe(self.quorum)

    def _describe(self, name: str) -> str:
        if name == "none":
            return "no cosignature"
        if name in self.witnesses:
            return f"witness {name}"
        group = self.groups[name]
        parts = [m if m in self.witnesses else f"({self._describe(m)})" for m in group.members]
        if len(parts) == 1:
            return parts[0].strip("()")
        what = "all" if group.threshold == len(parts) and len(parts) > 1 else str(group.threshold)
        return f"{what} of {', '.join(parts)}"


@dataclass(frozen=True)
class QuorumCheck:
    ok: bool
    cosigned: tuple[str, ...]  # the policy's witnesses whose cosignatures checked
    reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "witnesses": list(self.cosigned), "reason": self.reason}


def parse_policy(raw: bytes, label: str = "The policy") -> Policy:
    def bad(line_no: int, why: str) -> BadPolicy:
        return BadPolicy(f"{label} is not a policy file: line {line_no} {why}.")

    if any((b < 0x20 and b not in (0x09, 0x0A)) or b == 0x7F for b in raw):
        raise BadPolicy(f"{label} is not a policy file: it holds control characters.")
    text = raw.decode("utf-8", "surrogateescape")
    logs: list[LedgerIdentity] = []
    witnesses: dict[str, WitnessKey] = {}
    groups: dict[str, Group] = {}
    quorum: str | None = None
    seen_keys: set[bytes] = set()
    for number, line in enumerate(text.split("\n"), start=1):
        words = line.replace("\t", " ").split(" ")
        words = [w for w in words if w]
        if not words or words[0].startswith("#"):
            continue
        keyword, args = words[0], words[1:]
        try:
            if keyword == "log":
                if len(args) not in (1, 2):
                    raise bad(number, "should read 'log <key> [<url>]'")
                identity = identity_of(args[0])
                key = parse_vkey(args[0]).material
                if key in seen_keys:
                    raise bad(number, "lists a ledger already listed")
                seen_keys.add(key)
                logs.append(identity)
            elif keyword == "witness":
                if len(args) not in (2, 3):
                    raise bad(number, "should read 'witness <name> <key> [<url>]'")
                name, witness = args[0], witness_of(args[1])
                _new_name(name, witnesses, groups, bad, number)
                key = parse_vkey(args[1]).material
                if key in seen_keys:
                    raise bad(number, "lists a witness key already listed")
                seen_keys.add(key)
                witnesses[name] = witness
            elif keyword == "group":
                if len(args) < 3:
                    raise bad(number, "should read 'group <name> <k|all|any> <member>...'")
                name, amount, members = args[0], args[1], tuple(args[2:])
                _new_name(name, witnesses, groups, bad, number)
                for member in members:
                    if member not in witnesses and member not in groups:
                        raise bad(number, f"names {member[:40]!r}, which no earlier line defines")
                if len(set(members)) != len(members):
                    raise bad(number, "lists a member twice")
                groups[name] = Group(_threshold(amount, len(members), bad, number), members)
            elif keyword == "quorum":
                if len(args) != 1 or quorum is not None:
                    raise bad(number, "should be the one line 'quorum <name>'")
                if args[0] != "none" and args[0] not in witnesses and args[0] not in groups:
                    raise bad(number, f"names {args[0][:40]!r}, which no earlier line defines")
                quorum = args[0]
            else:
                raise bad(number, f"starts with {keyword[:20]!r} (log, witness, group or quorum)")
        except MalformedNote as error:
            raise bad(number, f"has a key that cannot be used ({str(error).rstrip('.')})") from None
        if max(len(logs), len(witnesses), len(groups)) > MAX_ENTRIES:
            raise BadPolicy(f"{label} lists more than {MAX_ENTRIES} ledgers, witnesses or groups.")
    if not logs and not witnesses and not groups and quorum is None:
        raise BadPolicy(
            f"{label} is empty: a policy file has a 'log' line for the ledger's key, a 'witness' line per witness "
            "and a 'quorum' line."
        )
    if quorum is None:
        raise BadPolicy(f"{label} has no quorum line.")
    if not logs:
        raise BadPolicy(f"{label} names no ledger (a 'log' line).")
    return Policy(tuple(logs), witnesses, groups, quorum)


def _new_name(name: str, witnesses: dict[str, WitnessKey], groups: dict[str, Group], bad: Any, number: int) -> None:
    if name == "none" or name in witnesses or name in groups:
        raise bad(number, f"defines {name[:40]!r}, a name already used")


def _threshold(amount: str, members: int, bad: Any, number: int) -> int:
    if amount == "all":
        return members
    if amount == "any":
        return 1
    if not amount.isascii() or not amount.isdigit() or not 1 <= int(amount) <= members:
        raise bad(number, f"asks for {amount[:20]!r} of {members} members (a number from 1 to {members}, all or any)")
    return int(amount)


def read_policy(path: str | os.PathLike[str]) -> Policy:
    raw = read_user_file(path, "a policy file", max_bytes=MAX_POLICY_BYTES, error=BadPolicy)
    return parse_policy(raw, f"The file {path}")


def check_quorum(
    policy: Policy, identity: LedgerIdentity, size: int, root: bytes, lines: list[NoteSignature]
) -> QuorumCheck:
    """Whether a checkpoint (already checked as signed by `identity`'s operator) meets the policy."""
    if not policy.names_ledger(identity):
        return QuorumCheck(
            False,
            (),
            f"The policy does not name the ledger \u201c{identity.name}\u201d "
            f"({identity.ledger_id_hex[:18]}\u2026, operator {identity.operator}).",
        )
    body = Body(origin(identity), size, root)
    cosigned = []
    for name, witness in policy.witnesses.items():
        key = witness.vkey
        for line in lines:
            if line.name == key.name and line.key_id == key.key_id:
                found = check_cosignature(body, line)
                if found is not None and found.address == witness.address:
                    cosigned.append(name)
                    break
    if policy.counts(policy.quorum, set(cosigned)):
        return QuorumCheck(True, tuple(cosigned))
    have = ", ".join(cosigned) if cosigned else "none of its witnesses"
    return QuorumCheck(
        False,
        tuple(cosigned),
        f"The checkpoint of {size:,} entries is cosigned by {have}; the "
        f"policy's quorum needs {policy.describe_quorum()}.",
    )


def format_policy(identity: LedgerIdentity, witnesses: list[tuple[str, WitnessKey]], quorum: int | None) -> str:
    """A policy naming this ledger and `witnesses` (policy name, key), with a k-of-n quorum."""
    from core.checkpoint_note import ledger_vkey

    lines = [
        f"# Deedbook policy for the ledger \u201c{identity.name}\u201d (operator {identity.operator})",
        f"log {ledger_vkey(identity).text()}",
    ]
    lines += [f"witness {name} {witness.vkey.text()}" for name, witness in witnesses]
    if not witnesses:
        lines.append("quorum none")
    elif len(witnesses) == 1:
        lines.append(f"quorum {witnesses[0][0]}")
    else:
        k = len(witnesses) if quorum is None else quorum
        lines.append(f"group required {k} {' '.join(name for name, _ in witnesses)}")
        lines.append("quorum required")
    return "\n".join(lines) + "\n"


def checkpoint_quorum(policy: Policy, identity: LedgerIdentity, checkpoint: Any) -> QuorumCheck:
    """The quorum of a checkpoint as a proof or a document's record carries it (its operator signature
    checked already), with its cosignature lines."""
    from core.checkpoint_note import carried_lines

    message = checkpoint["message"]
    root = bytes.fromhex(str(message["root"])[2:])
    return check_quorum(policy, identity, int(message["size"]), root, carried_lines(checkpoint))
