"""``cases.queries.window_page``: a name search's page taken from the newest matching ids
gives the ids the page query would choose (issue 16), or None when it cannot tell."""

from __future__ import annotations

from caseapp.cases.queries import window_page

IDS = list(range(100, 0, -1))  # every match, newest first


def _page_query(page: int, per_page: int, cursor: tuple) -> list[int]:
    """What ``page_ids`` selects, on the full list."""
    shown, first, last = cursor
    if shown is not None and page == shown + 1 and last is not None:
        return [i for i in IDS if i < last][:per_page]
    if shown is not None and page == shown - 1 and first is not None:
        return sorted([i for i in IDS if i > first])[:per_page][::-1]
    return IDS[(page - 1) * per_page : page * per_page]


def test_every_page_and_cursor_from_the_window_is_the_page_querys():
    cursors = [(None, None, None)] + [
        (shown, first, last) for shown in (1, 2, 3, 5) for first, last in ((90, 70), (50, 45))
    ]
    for size in (10, 30, 100):  # the window: the newest `size` ids
        window, complete = IDS[:size], size == len(IDS)
        for page in range(1, 7):
            for cursor in cursors:
                got = window_page(window, page, 10, cursor, complete=complete)
                if got is not None:
                    assert got == _page_query(page, 10, cursor), (size, page, cursor)
                elif complete:
                    raise AssertionError("a complete window answers every page")


def test_a_page_past_a_capped_window_is_left_to_the_query():
    assert window_page(IDS[:30], 4, 10, (None, None, None), complete=False) is None
    assert window_page(IDS[:30], 3, 10, (None, None, None), complete=False) == IDS[20:30]
    assert window_page(None, 1, 10, (None, None, None), complete=True) is None
