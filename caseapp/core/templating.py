"""Template globals and filters shared by every page."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale

from caseapp.core.i18n import language_choices


def init_app(app: Flask) -> None:
    """Register filters and globals."""
    app.jinja_env.filters["date"] = lambda d: format_date(d) if d else ""
    app.jinja_env.filters["datetime"] = lambda d: format_datetime(d) if d else ""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["language_choices"] = language_choices
