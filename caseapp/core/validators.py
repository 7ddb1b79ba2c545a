"""Shared input checks: text without control characters, dates within sensible bounds,
integers the database can hold, monitoring schedules (issue 14, item 1).

Plain functions that return an error message (translated) or ``None``, so forms
(``caseapp.core.fields.CheckedForm``), query-string readers and operations use the same rule.
No input may reach the database that it cannot store: a NUL byte is refused by PostgreSQL,
an integer over 2^31 - 1 overflows an ``INTEGER`` column, a year 9999 overflows date arithmetic.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from flask_babel import gettext as _

from caseapp.core import clock

# Integer columns are 32-bit on PostgreSQL (``INTEGER``); ids, versions, counts fit in it.
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
# Pages of a list: far more than any list holds, far less than an overflowing offset.
MAX_PAGE = 100_000

# No record of a child's case predates 1900 (an older date is a typing error, e.g. 0001-01-01).
EARLIEST_DATE = date(1900, 1, 1)
# Planned dates (travel, first visit, a plan's start) may lie ahead, but not beyond this.
FUTURE_LIMIT = timedelta(days=5 * 366)

# Monitoring visits, months after the return (002, Rec 2): at most ten years, at most 24 visits.
SCHEDULE_MAX_MONTH = 120
SCHEDULE_MAX_VISITS = 24

# The case (or BID) version a form was loaded at: plain ASCII digits that fit an INTEGER.
VERSION_TEXT = re.compile(r"[0-9]{1,9}")

# Line breaks and tabs are text in a multi-line box; nowhere else.
MULTILINE_ALLOWED = frozenset("\t\n\r")


def _forbidden(ch: str, allowed: frozenset[str]) -> bool:
    """Control (Cc) and surrogate (Cs) characters, line and paragraph separators (Zl, Zp)."""
    if ch in allowed:
        return False
    return unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be stored as text, or None.

    NUL and other control characters (and lone surrogates) are refused everywhere: PostgreSQL
    cannot store NUL, and invisible characters in a name defeat search and duplicate checks.
    Tabs and line breaks are allowed in multi-line text only.
    """
    allowed = MULTILINE_ALLOWED if multiline else frozenset()
    if any(_forbidden(ch, allowed) for ch in value):
        if multiline:
            return _("The text contains control characters; remove them and try again.")
        return _("The text contains control characters or line breaks; remove them and try again.")
    return None


def clean_text(value: str | None) -> str:
    """A query-string value as text: control characters removed, surrounding blanks stripped."""
    if not value:
        return ""
    return "".join(ch for ch in value if not _forbidden(ch, frozenset())).strip()


def int_problem(value: int, *, minimum: int = INT_MIN, maximum: int = INT_MAX) -> str | None:
    """Why ``value`` cannot be stored as an integer, or None."""
    if value < minimum or value > maximum:
        return _("Enter a number between %(low)d and %(high)d.", low=minimum, high=maximum)
    return None


def bounded_int(value: str | None, *, minimum: int = INT_MIN, maximum: int = INT_MAX) -> int | None:
    """A query-string integer, or None when it is not a number the database can hold."""
    text = (value or "").strip()
    if not text or len(text) > 12 or not text.lstrip("-").isdigit():
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def id_arg(value: str | None) -> int | None:
    """A record id from the query string (a list's keyset cursor: ``?after=``, ``?before=``),
    or None when it is not one: a number no id column can hold is no cursor, not a server
    error (issue 14 item 1)."""
    return bounded_int(value, minimum=0)


def page_number(value: str | None) -> int:
    """A list page from the query string: 1 to ``MAX_PAGE``, 1 when absent or not a number."""
    return bounded_int(value, minimum=1, maximum=MAX_PAGE) or 1


def date_problem(value: date, *, may_be_future: bool = False, today: date | None = None):
    """Why ``value`` is not a sensible date for a case record, or None (one rule everywhere).

    Never before 1900. In the future only where a plan is entered (``may_be_future``), and
    then at most ``FUTURE_LIMIT`` ahead; a decision, hearing or visit has already happened.
    """
    today = today or clock.today()
    if value < EARLIEST_DATE:
        return _("Enter a date after %(day)s.", day=EARLIEST_DATE.isoformat())
    if may_be_future:
        if value > today + FUTURE_LIMIT:
            return _("Enter a date within the next five years.")
    elif value > today:  # today where the authority works (caseapp/core/clock.py)
        return _("The date cannot be in the future.")
    return None


def parse_schedule(text: str | None) -> list[int]:
    """Monitoring months typed as "1, 3, 6, 12": sorted, distinct, each 1 to 120.

    Raises ``ValueError`` with a translated message (an empty text gives an empty list).
    """
    parts = [part.strip() for part in (text or "").split(",")]
    if all(not part for part in parts):
        return []
    months = set()
    for part in parts:
        if not part:
            continue
        if not part.isdigit() or len(part) > 3 or not 1 <= int(part) <= SCHEDULE_MAX_MONTH:
            raise ValueError(
                _(
                    "Enter months between 1 and %(n)d, separated by commas.",
                    n=SCHEDULE_MAX_MONTH,
                )
            )
        months.add(int(part))
    if len(months) > SCHEDULE_MAX_VISITS:
        raise ValueError(_("At most %(n)d visits.", n=SCHEDULE_MAX_VISITS))
    return sorted(months)


def schedule_problem(months: list[int]) -> str | None:
    """Why a list of monitoring months cannot be a schedule, or None (used by operations)."""
    if any(not isinstance(m, int) or not 1 <= m <= SCHEDULE_MAX_MONTH for m in months):
        return _(
            "Enter months between 1 and %(n)d, separated by commas.",
            n=SCHEDULE_MAX_MONTH,
        )
    if len(set(months)) > SCHEDULE_MAX_VISITS:
        return _("At most %(n)d visits.", n=SCHEDULE_MAX_VISITS)
    return None
