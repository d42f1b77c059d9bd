"""Files people hand in (one reader) and files written for them (one writer)."""

from __future__ import annotations

import os
import re
import stat
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import DeedbookError, Remedy
from core.outfiles import check_output, write_output
from core.userfiles import (
    check_user_file,
    check_user_folder,
    describe_size,
    read_first_line,
    read_user_file,
    read_user_text,
)
from tests.helpers import read_only_folder


# -- reading -------------------------------------------------------------------------------------


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result: list[BaseException] = []

    def read() -> None:
        try:
            read_user_file(fifo, "a request")
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            result.append(error)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "reading a FIFO blocked"
    assert isinstance(result[0], DeedbookError) and "pipe (FIFO)" in str(result[0])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused_before_anything_is_read(device: str) -> None:
    with pytest.raises(DeedbookError, match="is a device"):
        read_user_file(device, "a keystore file")


def test_a_symlink_to_a_device_is_a_device(tmp_path: Path) -> None:
    link = tmp_path / "innocent.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(DeedbookError, match="is a device"):
        read_user_file(link, "a signing request")


def test_sockets_folders_and_missing_files(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        with pytest.raises(DeedbookError, match="is a socket"):
            check_user_file(path, "a PDF")
    finally:
        server.close()
    with pytest.raises(DeedbookError, match="is a folder"):
        read_user_file(tmp_path, "a PDF")
    with pytest.raises(DeedbookError, match="There is no file"):
        read_user_file(tmp_path / "absent", "a PDF")
    with pytest.raises(DeedbookError, match="There is no file"):
        read_user_file(tmp_path / "absent" / "deeper", "a PDF")


def test_a_folder_chosen_must_be_a_folder_that_is_there(tmp_path: Path) -> None:
    """A file, a FIFO, a dangling link or a vanished folder chosen as a data folder: one sentence each
    (the GUI used to offer to create a ledger "in" each of them)."""
    (tmp_path / "file").write_text("x")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    (tmp_path / "folder").mkdir()
    cases = {"file": "is a file, not a data folder", "fifo": "is a pipe (FIFO), not a data folder"}
    for name, words in {**cases, "link": "There is no folder", "gone": "There is no folder"}.items():
        with pytest.raises(DeedbookError, match=re.escape(words)):
            check_user_folder(tmp_path / name, "a data folder")
    assert check_user_folder(tmp_path / "folder", "a data folder") == tmp_path / "folder"


def test_limits_count_the_bytes_read_not_what_stat_says() -> None:
    """/proc files are regular files whose st_size is 0: only counting what is read catches them."""
    maps = Path("/proc/self/maps")
    assert stat.S_ISREG(maps.stat().st_mode) and maps.stat().st_size == 0
    with pytest.raises(DeedbookError, match=r"too large to be a map \(over 16 bytes\)"):
        read_user_file(maps, "a map", max_bytes=16)
    assert len(read_user_file(maps, "a map")) > 16


def test_a_large_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"
    with open(big, "wb") as handle:  # sparse: a gigabyte that costs nothing on disk
        handle.truncate(2**30)
    started = time.monotonic()
    with pytest.raises(DeedbookError, match=r"too large to be a PDF \(over 64 MB\)"):
        read_user_file(big, "a PDF", max_bytes=64 * 2**20)
    assert time.monotonic() - started < 1


def test_text_and_first_lines(tmp_path: Path) -> None:
    path = tmp_path / "password.txt"
    path.write_bytes(b"\xef\xbb\xbfs3cret words\r\nsecond line\n")
    assert read_first_line(path, "a password file") == "s3cret words"
    path.write_bytes(b"\xff\xfe p\x00a\x00s\x00s\x00")
    with pytest.raises(DeedbookError, match="is not UTF-8 text, so it cannot be a password file"):
        read_first_line(path, "a password file")
    path.write_bytes(b"x" * (64 * 1024 + 1))
    with pytest.raises(DeedbookError, match=r"over 64 KB"):
        read_user_text(path, "a password file", max_bytes=64 * 1024)


@pytest.mark.parametrize(
    "count, shown",
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (1000, "1,000 bytes"),
        (1024, "1 KB"),
        (1_000_000, "977 KB"),
        (1536, "1.5 KB"),
        (2**20, "1 MB"),
        (64 * 2**20, "64 MB"),
        (512 * 2**20, "512 MB"),
        (2**30, "1 GB"),
    ],
)
def test_sizes_read_as_people_read_them(count: int, shown: str) -> None:
    assert describe_size(count) == shown


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**50))
def test_a_size_is_never_shown_as_zero_of_a_unit(count: int) -> None:
    shown = describe_size(count)
    number = float(shown.split()[0].replace(",", ""))
    assert number > 0 or count == 0
    assert shown.split()[1] in {"bytes", "byte", "KB", "MB", "GB"}


# -- writing -------------------------------------------------------------------------------------


def test_writes_atomically_and_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "proof.json"
    write_output(out, "first\n")
    assert out.read_text() == "first\n"
    with pytest.raises(DeedbookError, match=r"exists already; choose another name\.$") as refused:
        write_output(out, "second\n")
    assert refused.value.remedy is Remedy.OVERWRITE  # the command line words it as --force (desktop/cli/hints.py)
    assert out.read_text() == "first\n"
    write_output(out, b"second\n", force=True)
    assert out.read_bytes() == b"second\n"
    assert [p.name for p in tmp_path.iterdir()] == ["proof.json"]  # no temporary file left behind


def test_never_writes_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "victim.txt"
    target.write_text("precious")
    link = tmp_path / "out.json"
    link.symlink_to(target)
    for force in (False, True):
        with pytest.raises(DeedbookError, match="symbolic link"):
            write_output(link, "overwritten", force=force)
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(DeedbookError, match="symbolic link"):
        write_output(dangling, "x", force=True)
    assert target.read_text() == "precious" and not (tmp_path / "nowhere").exists()


def test_folder_problems_are_sentences(tmp_path: Path) -> None:
    with pytest.raises(DeedbookError, match=r"The folder .* does not exist"):
        write_output(tmp_path / "missing" / "out.pdf", b"%PDF")
    with pytest.raises(DeedbookError, match="is a folder: give a file name"):
        write_output(tmp_path, b"%PDF")
    with pytest.raises(DeedbookError, match="not a regular file"):
        check_output("/dev/null", force=True)
    made = write_output(tmp_path / "keys" / "k.json", "{}", private=True, make_folder=True)
    assert oct(made.stat().st_mode & 0o777) == "0o600"


def test_a_read_only_folder_is_a_sentence(tmp_path: Path) -> None:
    with read_only_folder(tmp_path / "dvd") as folder:
        with pytest.raises(DeedbookError, match=r"read-only|permission denied"):
            write_output(folder / "out.pdf", b"%PDF")
        assert list(folder.iterdir()) == []


def test_a_folder_to_write_in_says_what_is_in_the_way(tmp_path: Path) -> None:
    """Request files go to a folder (transfer, party and compliance requests, ballots): a FIFO there was
    called 'a file', and a link to nothing gave 'Cannot write in the folder ... (File exists)'. Fails on
    the old code (the FIFO and link sentences)."""
    from core.outfiles import output_folder
    from core.transactions import write_requests

    (tmp_path / "file").write_text("x")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    for name, words in {
        "file": "is a file, not a folder",
        "fifo": "is a pipe (FIFO), not a folder",
        "link": "is a link to a folder that is not there",
    }.items():
        with pytest.raises(DeedbookError, match=re.escape(words)):
            write_requests([], tmp_path / name)  # the folder is looked at before any request
    assert not (tmp_path / "nowhere").exists()
    assert (
        output_folder(tmp_path / "new" / "deep") == tmp_path / "new" / "deep" and (tmp_path / "new" / "deep").is_dir()
    )


def test_a_file_written_into_a_folder_that_is_a_fifo_says_so(tmp_path: Path) -> None:
    """write_output(make_folder=True) (a holder's statement, a data folder's own files) into a FIFO or a
    dangling link: 'Cannot write in the folder ... (File exists)' on the old code."""
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    with pytest.raises(DeedbookError, match=re.escape("is a pipe (FIFO), not a folder")):
        write_output(tmp_path / "fifo" / "statement.pdf", b"%PDF", make_folder=True)
    with pytest.raises(DeedbookError, match="is a link to a folder that is not there"):
        write_output(tmp_path / "link" / "statement.pdf", b"%PDF", make_folder=True)
    assert not (tmp_path / "nowhere").exists()
