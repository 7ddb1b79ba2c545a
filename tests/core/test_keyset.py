"""Keyset pagination's two helpers (``caseapp.core.keyset``): a page and the cursor after
it, and a cursor from the query string that is either a cursor or none at all."""

from __future__ import annotations

from datetime import date

import pytest

from caseapp.core.keyset import key_cursor, parse_cursor, split_page


def test_split_page_gives_the_cursor_of_the_last_row_only_when_more_follow():
    assert split_page([1, 2, 3], 2, str) == ([1, 2], "2")
    assert split_page([1, 2], 2, str) == ([1, 2], None)
    assert split_page([], 2, str) == ([], None)


def test_key_cursor_round_trips_through_parse_cursor():
    cursor = key_cursor(date(2026, 12, 1), 42)
    assert cursor == "2026-12-01~42"
    assert parse_cursor(cursor, date.fromisoformat) == (date(2026, 12, 1), 42)
    assert parse_cursor(key_cursor(7, 8), int) == (7, 8)


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "2026-12-01",
        "2026-12-01~",
        "2026-12-01~x",
        "2026-13-01~1",
        "2026-12-01~9223372036854775808",
        "2026-12-01~-1",
        "~1",
    ],
)
def test_anything_else_is_no_cursor(text):
    assert parse_cursor(text, date.fromisoformat) is None
