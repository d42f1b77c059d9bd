"""The catalogue for what people hand in, what is written for them, and what is shown to them.

- every command that reads a file a person names x {missing, folder, FIFO, /dev/zero,
  huge, binary garbage, not UTF-8, deep JSON}: exit 2, one sentence, ledger unchanged,
  and never a hang (FIFOs, devices and huge files run as their own process, with a time limit);
- every command that writes a named file x {exists without --force, symlink, missing
  folder, read-only folder}: exit 2, one sentence, nothing written anywhere;
- keys, parcels, attributes, searches and password files that the first release let through;
- listings show stored control characters escaped.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli
from tests.helpers import read_only_folder

ROOT = Path(__file__).resolve().parents[2]

# -- reading ------------------------------------------------------------------------------------


def _missing(folder: Path) -> Path:
    return folder / "absent.json"


def _folder(folder: Path) -> Path:
    (folder / "a-folder").mkdir()
    return folder / "a-folder"


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "fifo")
    return folder / "fifo"


def _dev_zero(folder: Path) -> Path:
    return Path("/dev/zero")


def _huge(folder: Path) -> Path:
    with open(folder / "huge.bin", "wb") as handle:  # sparse: 2 GB that cost nothing on disk
        handle.truncate(2 * 2**30)
    return folder / "huge.bin"


def _garbage(folder: Path) -> Path:
    (folder / "garbage.bin").write_bytes(bytes(range(256)) * 8 + b"\x00\xff" * 100)
    return folder / "garbage.bin"


def _not_utf8(folder: Path) -> Path:
    (folder / "latin1.txt").write_bytes("d\u00e9j\u00e0 vu, pass\u00e9 \u00a3\n".encode("latin-1"))
    return folder / "latin1.txt"


def _deep_json(folder: Path) -> Path:
    (folder / "deep.json").write_text("[" * 200_000 + "]" * 200_000)
    return folder / "deep.json"


BAD_FILES: dict[str, tuple[Callable[[Path], Path], bool]] = {  # name: (make it, run as its own process)
    "missing": (_missing, False),
    "folder": (_folder, False),
    "FIFO": (_fifo, True),
    "/dev/zero": (_dev_zero, True),
    "huge": (_huge, True),
    "binary garbage": (_garbage, False),
    "not UTF-8": (_not_utf8, False),
    "deep JSON": (_deep_json, True),  # a decoder that recurses can crash the whole process
}

# Every command that reads a file a person names; FILE is the bad file.
READERS: dict[str, list[str]] = {
    "sign": ["sign", "FILE", "--key", "alice", "--yes", "--password-file", "PASSWORD"],
    "transfer submit": ["transfer", "submit", "FILE"],
    "verify-proof": ["verify-proof", "FILE"],
    "verify-pdf": ["verify-pdf", "FILE"],
    "key import --keystore": ["key", "import", "newkey", "--keystore", "FILE", "--password-file", "PASSWORD"],
    "key import --private-key-file": [
        "key",
        "import",
        "newkey",
        "--private-key-file",
        "FILE",
        "--password-file",
        "PASSWORD",
    ],
    "--password-file": ["checkpoint", "--key", "registrar", "--password-file", "FILE"],
    "attest --id-number-file": [
        "attest",
        "1",
        "--key",
        "registrar",
        "--act",
        "acknowledgment",
        "--id-number-file",
        "FILE",
        "--password-file",
        "PASSWORD",
    ],
    "valuation evaluate --csv": ["valuation", "evaluate", "--csv", "FILE", "--target", "price"],
}


@pytest.mark.parametrize("bad", sorted(BAD_FILES))
@pytest.mark.parametrize("command", sorted(READERS))
def test_every_reader_refuses_every_bad_file(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, bad: str
) -> None:
    make, isolated = BAD_FILES[bad]
    path = make(tmp_path)
    argv = [str(path) if a == "FILE" else str(office.password_file) if a == "PASSWORD" else a for a in READERS[command]]
    before = office.fingerprint()
    outcome = run_cli(office.argv(*argv), None if isolated else capsys, isolated=isolated, timeout=60)
    assert_refused(outcome, 2)
    assert office.fingerprint() == before
    if bad in ("FIFO", "/dev/zero"):
        assert re.search(r"is a (pipe \(FIFO\)|device), not", outcome.err), outcome.err
    if bad == "huge":
        assert "too large" in outcome.err and "over 0 MB" not in outcome.err


# -- writing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Writer:
    argv: list[str]  # OUT is the output file
    forced: bool = True  # takes --force


def _request_file(office: Office, capsys: pytest.CaptureFixture[str], folder: Path) -> Path:
    outcome = run_cli(
        office.argv(
            "transfer", "prepare", "1", "--to", office.bob, "--price", "1000", "--out-dir", str(folder), "--json"
        ),
        capsys,
    )
    assert outcome.code == 0, outcome.err
    return Path(next(r["path"] for r in json.loads(outcome.out)["requests"] if r["role"] == "seller"))


WRITERS: dict[str, list[str]] = {
    "proof --out": ["proof", "1", "--out", "OUT"],
    "pdf title --out": ["pdf", "title", "1", "--out", "OUT"],
    "key export --out": ["key", "export", "alice", "--out", "OUT"],
    "sign --out": ["sign", "REQUEST", "--key", "alice", "--yes", "--password-file", "PASSWORD", "--out", "OUT"],
    "journal --csv": ["journal", "--csv", "OUT"],
    # records a checkpoint before it writes: a folder it cannot write in must be said before that
    "checkpoint --request-out": [
        "checkpoint",
        "--key",
        "registrar",
        "--password-file",
        "PASSWORD",
        "--request-out",
        "OUT",
    ],
}


def _writer_argv(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, out: Path
) -> list[str]:
    request = _request_file(office, capsys, tmp_path / "requests") if "REQUEST" in WRITERS[command] else None
    return [
        str(out)
        if a == "OUT"
        else str(request)
        if a == "REQUEST"
        else str(office.password_file)
        if a == "PASSWORD"
        else a
        for a in WRITERS[command]
    ]


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_an_existing_file_is_not_replaced_without_force(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    out = tmp_path / "taken.out"
    out.write_text("precious\n")
    argv = _writer_argv(office, capsys, tmp_path, command, out)
    before = office.fingerprint()
    assert_refused(run_cli(office.argv(*argv), capsys), 2, says="exists already; choose another name, or add --force")
    assert out.read_text() == "precious\n" and office.fingerprint() == before
    done = run_cli(office.argv(*argv, "--force"), capsys)
    assert done.code == 0, done.err
    assert out.read_bytes() != b"precious\n" and not out.is_symlink()


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_symlink_is_never_written_through(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = tmp_path / "link.out"
    link.symlink_to(victim)
    argv = _writer_argv(office, capsys, tmp_path, command, link)
    before = office.fingerprint()
    for force in ([], ["--force"]):
        assert_refused(run_cli(office.argv(*argv, *force), capsys), 2, says="symbolic link")
    assert victim.read_text() == "precious\n" and link.is_symlink() and office.fingerprint() == before


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_missing_or_read_only_folder_is_a_sentence(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    before = office.fingerprint()
    argv = _writer_argv(office, capsys, tmp_path, command, tmp_path / "no-such-folder" / "out.file")
    assert_refused(run_cli(office.argv(*argv), capsys), 2, says="does not exist")
    assert not (tmp_path / "no-such-folder").exists()
    with read_only_folder(tmp_path / "dvd") as folder:
        argv = _writer_argv(office, capsys, tmp_path, command, folder / "out.file")
        assert_refused(run_cli(office.argv(*argv), capsys), 2)
        assert list(folder.iterdir()) == []
    assert office.fingerprint() == before


def test_requests_into_a_read_only_folder(office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with read_only_folder(tmp_path / "dvd") as folder:
        outcome = run_cli(
            office.argv(
                "transfer", "prepare", "1", "--to", office.bob, "--price", "1000", "--out-dir", str(folder / "requests")
            ),
            capsys,
        )
        assert_refused(outcome, 2)
        assert list(folder.iterdir()) == []


# -- keys, parcels, attributes, searches --------------------------------------------------------


def _keystore_variant(office: Office, tmp_path: Path, change: Callable[[dict[str, object]], None]) -> Path:
    data = json.loads((office.home / "keys" / "alice.json").read_text())
    change(data)
    path = tmp_path / "variant.json"
    path.write_text(json.dumps(data))
    return path


KEYSTORE_CHANGES: dict[str, tuple[Callable[[dict[str, object]], None], str]] = {
    "scrypt p = 2**24": (lambda d: d["crypto"]["kdfparams"].update(p=2**24), "p = 16,777,216"),  # type: ignore[attr-defined,index]
    "scrypt r = 2**20": (lambda d: d["crypto"]["kdfparams"].update(r=2**20), "r = 1,048,576"),  # type: ignore[attr-defined,index]
    "dklen = 10**9": (lambda d: d["crypto"]["kdfparams"].update(dklen=10**9), "dklen = 1,000,000,000"),  # type: ignore[attr-defined,index]
    "pbkdf2 c = 2**31": (
        lambda d: d["crypto"].update(
            kdf="pbkdf2",
            kdfparams={  # type: ignore[attr-defined]
                "c": 2**31,
                "dklen": 32,
                "prf": "hmac-sha256",
                "salt": "00" * 16,
            },
        ),
        "c = 2,147,483,648",
    ),
    "another address": (lambda d: d.update(address="22" * 20), "says it holds the key of 0x2222"),
    "no address": (lambda d: d.pop("address"), "does not say which address"),
    "malformed address": (lambda d: d.update(address="0xnot-an-address"), "does not say which address"),
}


@pytest.mark.parametrize("change", sorted(KEYSTORE_CHANGES))
def test_keystores_are_checked_before_anything_is_written(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, change: str
) -> None:
    edit, says = KEYSTORE_CHANGES[change]
    path = _keystore_variant(office, tmp_path, edit)
    (office.home / "keys" / "alice.json").unlink()  # so the key is not refused as a duplicate first
    before = office.fingerprint()
    outcome = run_cli(
        office.argv("key", "import", "again", "--keystore", str(path), "--password-file", str(office.password_file)),
        isolated=True,
        timeout=20,
    )
    assert_refused(outcome, 2, says=says)
    assert office.fingerprint() == before and not (office.home / "keys" / "again.json").exists()


@pytest.mark.parametrize(
    "content, says",
    [
        ("0x" + "ff" * 32, "not hold a valid secp256k1 private key"),
        ("0x" + f"{2**256 - 2**32 - 978:064x}", "not hold a valid secp256k1 private key"),  # below p, above n
        ("0x" + "00" * 32, "not hold a valid secp256k1 private key"),
        ("0x1234", "64 hex digits"),
    ],
)
def test_private_keys_outside_the_curve_order(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, says: str
) -> None:
    key = tmp_path / "key.txt"
    key.write_text(content + "\n")
    before = office.fingerprint()
    outcome = run_cli(
        office.argv(
            "key", "import", "raw", "--private-key-file", str(key), "--password-file", str(office.password_file)
        ),
        capsys,
    )
    assert_refused(outcome, 2, says=says)
    assert office.fingerprint() == before


PARCELS = {
    "zero-width space": "05263\u200b01100",
    "Hangul filler": "0526301100\u3164",
    "Cyrillic O": "\u041e526301100",
    "full-width digits": "\uff10\uff15\uff12\uff16\uff13\uff10\uff11\uff11\uff10\uff10",  # NFKC: the same parcel
    "ANSI escape": "P-9\x1b[2K",
}


@pytest.mark.parametrize("what", sorted(PARCELS))
def test_look_alike_parcels_are_refused(office: Office, capsys: pytest.CaptureFixture[str], what: str) -> None:
    before = office.fingerprint()
    outcome = run_cli(
        office.keyed("deed", "register", "--parcel", PARCELS[what], "--address", "2 Main St", "--owner", office.bob),
        capsys,
    )
    assert_refused(outcome, 2, says="registered already" if what == "full-width digits" else "letters A-Z, digits")
    assert office.fingerprint() == before


@pytest.mark.parametrize(
    "attrs, says",
    [
        (["x=inf"], "not a finite number"),
        (["x=nan"], "not a finite number"),
        (["x=1e999"], "not a finite number"),
        (["x=-Infinity"], "not a finite number"),
        ([f"a{i}=1" for i in range(201)], "at most 200 attributes"),
        (["n" * 65 + "=1"], "1 to 64 characters"),
        (["long=" + "v" * 1001], "longer than 1,000 characters"),
    ],
)
def test_attributes_are_finite_and_bounded(
    office: Office, capsys: pytest.CaptureFixture[str], attrs: list[str], says: str
) -> None:
    before = office.fingerprint()
    argv = ["deed", "register", "--parcel", "P-2", "--address", "2 Main St", "--owner", office.bob]
    for attr in attrs:
        argv += ["--attr", attr]
    assert_refused(run_cli(office.keyed(*argv), capsys), 2, says=says)
    assert office.fingerprint() == before


def test_a_zero_share_transfer_is_refused_before_signing(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    before = office.fingerprint()
    outcome = run_cli(
        office.argv(
            "transfer",
            "prepare",
            "1",
            "--to",
            office.bob,
            "--price",
            "1",
            "--shares",
            "0",
            "--out-dir",
            str(tmp_path / "r"),
        ),
        capsys,
    )
    assert_refused(outcome, 2, says="at least 1")
    request = _request_file(office, capsys, tmp_path / "requests")
    data = json.loads(request.read_text())
    data["typedData"]["message"]["shares"] = 0
    data["typedData"]["message"]["totalShares"] = 0  # "0 of 0" once read as "the whole deed"
    request.write_text(json.dumps(data))
    outcome = run_cli(
        office.argv("sign", str(request), "--key", "alice", "--yes", "--password-file", str(office.password_file)),
        capsys,
    )
    assert_refused(outcome, 2, says="moves 0 of 0 shares")
    assert "whole deed" not in outcome.out and office.fingerprint() == before


@pytest.mark.parametrize("search", ["a" * 100_000, "%" * 60_000, "_" * 201])
def test_searches_longer_than_the_limit(office: Office, capsys: pytest.CaptureFixture[str], search: str) -> None:
    assert_refused(
        run_cli(office.argv("deed", "list", "--search", search), capsys), 2, says="A search is at most 200 characters"
    )


HUGE = "9" * 23  # beyond a 64-bit integer column: the driver's OverflowError was 'failed unexpectedly'
HUGE_NUMBERS: dict[str, tuple[list[str], str]] = {
    "deed show": (["deed", "show", HUGE], f"There is no deed '{HUGE}'"),
    "deed history": (["deed", "history", HUGE], f"There is no deed '{HUGE}'"),
    "can-transfer": (["can-transfer", HUGE, "--to", "0x" + "11" * 20], f"There is no deed '{HUGE}'"),
    "proof": (["proof", HUGE], f"There is no entry {HUGE}"),
    "screen": (["screen", HUGE], f"There is no entry {HUGE}"),
    "pdf transfer": (["pdf", "transfer", HUGE, "--out", "OUT"], f"There is no entry {HUGE}"),
    "deed register --shares": (
        ["deed", "register", "--parcel", "7", "--address", "7 Main", "--owner", "0x" + "11" * 20, "--shares", HUGE],
        "A deed has at most 9,223,372,036,854,775,807 shares",
    ),
}


@pytest.mark.parametrize("case", sorted(HUGE_NUMBERS))
def test_numbers_beyond_what_the_ledger_stores(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    argv, says = HUGE_NUMBERS[case]
    argv = [str(tmp_path / "out.pdf") if a == "OUT" else a for a in argv]
    if argv[0] == "deed" and argv[1] == "register":
        argv = office.keyed(*argv)[2:]
    before = office.fingerprint()
    assert_refused(run_cli(office.argv(*argv), capsys), 2, says=says)
    assert office.fingerprint() == before and not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize("content", [b"\xff\xfepassword\n", b"caf\xe9 au lait\n", b"\x80\x81\x82"])
def test_a_password_file_that_is_not_utf8(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "password.txt"
    path.write_bytes(content)
    before = office.fingerprint()
    assert_refused(
        run_cli(office.argv("checkpoint", "--key", "registrar", "--password-file", str(path)), capsys),
        2,
        says="is not UTF-8 text, so it cannot be a password file",
    )
    assert office.fingerprint() == before


# -- what is shown ------------------------------------------------------------------------------

HOSTILE = "1 Main St\x1b[2K\r\x1b[31mPAID IN FULL\x1b[0m\u202e\u2066 \u0430"


def test_listings_escape_stored_control_characters(office: Office, capsys: pytest.CaptureFixture[str]) -> None:
    registered = run_cli(
        office.keyed(
            "deed",
            "register",
            "--parcel",
            "P-2",
            "--address",
            HOSTILE,
            "--legal",
            "Lot 1\rLot 2",
            "--owner",
            office.bob,
            "--attr",
            "note=\x1b]0;title\x07",
            "--json",
        ),
        capsys,
    )
    assert registered.code == 0, registered.err
    index = str(json.loads(registered.out)["registered_index"])
    attested = run_cli(office.keyed("attest", index, "--act", "ack\x1b[8m", "--place", "Ames\r\x1b[1AIA"), capsys)
    assert attested.code == 0, attested.err
    for argv in (
        ["deed", "list"],
        ["deed", "show", "2"],
        ["deed", "history", "2"],
        ["journal"],
        ["deed", "list", "--json"],
        ["deed", "show", "2", "--json"],
        ["journal", "--json"],
    ):
        out = run_cli(office.argv(*argv), capsys)
        assert out.code == 0, out.err
        hidden = [ch for ch in out.out if ch in "\x1b\r\x07\u202e\u2066"]
        assert not hidden, (argv, hidden)
    shown = run_cli(office.argv("deed", "show", "2"), capsys).out
    assert "\\u001b[31mPAID IN FULL" in shown and "\\u000d" in shown
    assert "mixes Latin and Cyrillic letters" in shown  # the Cyrillic "а" at the end of the address  # noqa: RUF003 - the example
    data = json.loads(run_cli(office.argv("deed", "show", "2", "--json"), capsys).out)
    assert data["address"] == HOSTILE  # JSON keeps the stored value exactly, only escaped


def test_the_journal_csv_neutralises_formulas(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    attested = run_cli(
        office.keyed(
            "attest", "1", "--act", "=HYPERLINK(\"http://x\")", "--place", "+cmd|' /C calc'!A0", "--id-kind", "@SUM(1)"
        ),
        capsys,
    )
    assert attested.code == 0, attested.err
    out = tmp_path / "journal.csv"
    assert run_cli(office.argv("journal", "--csv", str(out)), capsys).code == 0
    import csv

    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert rows[0]["act"] == "'=HYPERLINK(\"http://x\")" and rows[0]["place"].startswith("'+")
    assert rows[0]["id_evidence"] == "'@SUM(1)"


def test_documented_commands_put_options_before_the_command() -> None:
    """`deedbook demo ... --data-dir D` is refused by argparse: every example must read `deedbook --data-dir D demo`."""
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for line in doc.read_text(encoding="utf-8").splitlines():
            words = line.strip().split()
            if words[:1] == ["deedbook"] and "--data-dir" in words:
                assert words[1] == "--data-dir", f"{doc.name}: {line}"
