"""Keyset pagination, the one way the app's long lists come a page at a time (issue 16).

A list is read with one row more than its page (``LIMIT limit + 1``) in the order of an
index, after (or before) the cursor of the last page: each page costs the same however far
it is and however many rows the list has, and no row is skipped or shown twice when rows are
added meanwhile (as OFFSET would). The cursor travels in the query string: an id
(``?before=<id>``), or a sort key with the id (``?after=<due on>~<id>``); anything else there
is no cursor, and the list starts at its first page (never a server error; issue 14 item 1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from caseapp.core.validators import id_arg

Row = TypeVar("Row")
Cursor = TypeVar("Cursor")


def split_page(
    rows: list[Row], limit: int, cursor_of: Callable[[Row], Cursor]
) -> tuple[list[Row], Cursor | None]:
    """``rows`` read with one more than ``limit``: the page, and the cursor of its last row
    when more follow (``None`` on the last page)."""
    if len(rows) > limit:
        return rows[:limit], cursor_of(rows[limit - 1])
    return rows, None


def key_cursor(key: Any, ident: int) -> str:
    """The cursor ``"<key>~<id>"`` of a row sorted by ``key`` then id (dates as ISO text)."""
    return f"{key.isoformat() if hasattr(key, 'isoformat') else key}~{ident}"


def parse_cursor(after: str | None, parse: Callable[[str], Any]) -> tuple[Any, int] | None:
    """A cursor ``"<key>~<id>"`` from the query string as ``(key, id)``, or None when it is
    not one (a key ``parse`` refuses, an id no id column can hold)."""
    if not after or "~" not in after:
        return None
    key, _, ident = after.rpartition("~")
    number = id_arg(ident)
    if number is None:
        return None
    try:
        return parse(key), number
    except (TypeError, ValueError, OverflowError):
        return None
