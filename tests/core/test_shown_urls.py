"""core.shown_urls: the one place an address's user:password is left out before it is shown or stored."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import pytest

from core.errors import DeedbookError
from core.shown_urls import shown_if_plain, shown_url
from core.store import make_engine

# RFC 3986: a user part is unreserved, percent-encoded and sub-delims characters and ":" (the password's
# "@" is taken too: the last "@" before the host ends the user part)
USER = st.from_regex(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-F]{2})*", fullmatch=True)
PASSWORD = st.from_regex(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-F]{2})+", fullmatch=True)
SCHEME = st.sampled_from(["http", "https", "postgresql+psycopg", "ftp"])
HOST = st.one_of(
    st.from_regex(r"[a-z0-9]([a-z0-9.\-]{0,30}[a-z0-9])?", fullmatch=True),
    st.just("[::1]"),
    st.just("127.0.0.1"),
)
PORT = st.one_of(st.just(""), st.integers(1, 65535).map(lambda p: f":{p}"))
# a path, query or fragment may hold "@" and ":": they are not a user part
REST = st.from_regex(r"(?:[/?#][A-Za-z0-9@:/?#=&.%\-]*)?", fullmatch=True)


@given(SCHEME, USER, PASSWORD, HOST, PORT, REST)
def test_a_urls_user_and_password_are_left_out_and_the_rest_kept(
    scheme: str, user: str, password: str, host: str, port: str, rest: str
) -> None:
    shown = shown_url(f"{scheme}://{user}:{password}@{host}{port}{rest}")
    assert shown == f"{scheme}://{host}{port}{rest}"


@given(SCHEME, USER, HOST, PORT, REST)
def test_a_user_without_a_password_is_left_out_too(scheme: str, user: str, host: str, port: str, rest: str) -> None:
    assert shown_url(f"{scheme}://{user}@{host}{port}{rest}") == f"{scheme}://{host}{port}{rest}"


@given(SCHEME, HOST, PORT, REST)
def test_a_url_without_a_user_part_is_as_it_was(scheme: str, host: str, port: str, rest: str) -> None:
    url = f"{scheme}://{host}{port}{rest}"
    assert shown_url(url) == url


@given(st.text())
def test_text_holding_no_url_is_as_it_was(text: str) -> None:
    if "://" not in text:
        assert shown_url(text) == text


def test_urls_inside_a_sentence_lose_their_passwords() -> None:
    sentence = "Cannot reach http://alice:s3cret@127.0.0.1:8080 (refused); try https://bob:pw@host/x@y."
    assert shown_url(sentence) == "Cannot reach http://127.0.0.1:8080 (refused); try https://host/x@y."
    assert shown_url("http://a:b@c@host/x") == "http://host/x"  # the last @ before the host ends the user part
    assert shown_url("/home/a@b/folder") == "/home/a@b/folder"  # not a URL: as it is


def test_a_text_whose_user_part_cannot_be_told_is_not_repeated() -> None:
    assert shown_if_plain("http://alice:s3cret@host:8080") == "http://host:8080"
    assert shown_if_plain("sqlite:///ledger.sqlite") == "sqlite:///ledger.sqlite"
    assert shown_if_plain("http://alice:s3/cret@host") is None  # "/" ends the host early: "s3" its port
    assert shown_if_plain("alice:s3cret@host/db") is None  # no scheme: no URL to take the user part from


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("postgresql://alice:s3cret@host:port/db", "'postgresql://host:port/db'"),  # a port that is no number
        ("postgresql+nodriver://alice:s3cret@host/db", "'postgresql+nodriver://host/db'"),  # no such driver
        ("alice:s3cret@host/db", "given"),  # not a URL at all
    ],
)
def test_a_database_url_refused_is_said_without_its_password(url: str, named: str) -> None:
    with pytest.raises(DeedbookError) as refused:
        make_engine(url)
    assert str(refused.value).startswith(f"Cannot use the database URL {named}: ")
    assert "s3cret" not in str(refused.value)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("garbage", "it is not a database URL (one reads like postgresql+psycopg://host/ledger, or sqlite:///"),
        ("mysql://bob:s3cret@host/db", "a ledger is kept in SQLite or PostgreSQL, not 'mysql'"),
        ("postgresql+psycopg://bob:s3cret@host:port/db", "its port is not a number."),
        ("postgresql+psycopg2://bob:s3cret@host/db", "its driver is not installed"),
        ("postgresql+nodriver://bob:s3cret@host/db", "SQLAlchemy knows no such driver"),
    ],
)
def test_a_database_url_refused_says_what_is_wrong_with_it(url: str, says: str) -> None:
    """SQLAlchemy's own words ('Could not parse SQLAlchemy URL from given URL string', 'No module named
    MySQLdb', 'Can't load plugin') said what failed inside it, not what to write instead (fails on the old code)."""
    with pytest.raises(DeedbookError) as refused:
        make_engine(url)
    assert says in str(refused.value) and str(refused.value).endswith(".")
    assert "s3cret" not in str(refused.value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80) | st.from_regex(r"(sqlite|postgresql(\+\w+)?|\w+)://[^\s]{0,40}", fullmatch=True))
def test_any_database_url_is_an_engine_or_one_sentence(url: str) -> None:
    """Parsed before anything connects: a text is an engine or a DeedbookError, never another exception."""
    try:
        engine = make_engine(url)
    except DeedbookError as refused:
        assert "\n" not in str(refused) and str(refused).startswith("Cannot use the database URL ")
    else:
        engine.dispose()
