"""The period the figures cover, read from the page's GET form."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _

from caseapp.core.errors import ValidationFailed
from caseapp.indicators.queries import Period

EARLIEST = date(2000, 1, 1)


def default_period(today: date) -> Period:
    """The last twelve months: from the first day of the month eleven months ago to today."""
    month = today.month - 11
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return Period(date(year, month, 1), today)


def _day(text: str | None, message: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(message) from None


def period_from(args, today: date) -> Period:
    """The period asked for; a reversed, empty or out-of-range one is refused with a message."""
    default = default_period(today)
    start = _day(args.get("from"), _("The first day is not a date (YYYY-MM-DD).")) or default.start
    end = _day(args.get("to"), _("The last day is not a date (YYYY-MM-DD).")) or default.end
    if end < start:
        raise ValidationFailed(_("The period ends before it begins: check the two dates."))
    if start < EARLIEST or end > today + timedelta(days=366):
        raise ValidationFailed(_("Choose dates between 2000 and next year."))
    return Period(start, end)
