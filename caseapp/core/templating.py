"""Template globals and filters shared by every page."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from flask import Flask
from flask_babel import format_date, format_datetime, get_locale

from caseapp.core.i18n import language_choices


@lru_cache(maxsize=4096)
def _date_in(day: date, locale: str) -> str:
    """A calendar date in the locale's medium format (Flask-Babel's default), made once per
    date and locale: the due list shows a few hundred (issue 16)."""
    return babel_format_date(day, "medium", locale=locale)


def format_day(value) -> str:
    """The ``date`` filter: a date (or a datetime, in the user's time zone) in the user's
    language; nothing for None."""
    if not value:
        return ""
    if isinstance(value, datetime):  # a moment: Flask-Babel converts it to the time zone
        return format_date(value)
    return _date_in(value, str(get_locale()))


def init_app(app: Flask) -> None:
    """Register filters and globals."""
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["datetime"] = lambda d: format_datetime(d) if d else ""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["language_choices"] = language_choices
