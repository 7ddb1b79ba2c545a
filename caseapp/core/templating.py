"""Template globals and filters shared by every page."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_date as babel_format_date
from flask import Flask, get_template_attribute
from flask_babel import format_date, format_datetime, format_number, get_locale
from markupsafe import Markup

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


# The ``field`` macro's HTML of fields without personal data (the case list's filters), by
# everything it is made of; bounded (cleared when full).
_FIELD_HTML: dict[tuple, Markup] = {}
_FIELD_HTML_MAX = 2048


def _choices_key(choices: Any) -> Any:
    if choices is None:
        return None
    shared = getattr(choices, "key", None)  # ``countries.CountryChoices``: one per locale
    if shared is not None:
        return shared
    return tuple(
        (str(c.value), str(c.label)) if hasattr(c, "label") else (str(c[0]), str(c[1]))
        for c in choices
    )


def cached_field(f: Any, help: Any = None) -> Markup:
    """``{{ field(f, help) }}`` (``macros.html``) made once per locale, field, value,
    choices and errors, and reused: the case list's seven filter selects and boxes cost a
    sixth of its rendering, the same on every page (issue 16). Only for fields that carry
    no personal data: the HTML is kept in memory. A field that may hold a name or a date of
    birth goes through ``blank_field``, which keeps it only while it is blank."""
    key = (
        str(get_locale()),
        type(f).__name__,
        f.id,
        f.name,
        repr(f.data),
        tuple(f.raw_data or ()),
        tuple(str(e) for e in f.errors),
        _choices_key(getattr(f, "choices", None)),
        str(f.label.text),
        None if help is None else str(help),
    )
    html = _FIELD_HTML.get(key)
    if html is None:
        if len(_FIELD_HTML) >= _FIELD_HTML_MAX:
            _FIELD_HTML.clear()
        # A macro of an autoescaping environment returns Markup already.
        html = _FIELD_HTML[key] = _field_macro()(f, help)
    return html


def _field_macro() -> Any:
    """The ``field`` macro of ``macros.html``."""
    return get_template_attribute("macros.html", "field")


def blank_field(f: Any, help: Any = None) -> Markup:
    """``{{ field(f, help) }}`` for a field that may hold personal data (a name, a date of
    birth): kept as ``cached_field`` keeps it only while the field is blank (no value,
    nothing typed, no error), when it shows nothing of anyone; otherwise made afresh and not
    kept. The case list's search box and birth date are blank on every page but a search
    (issue 16: the fixed cost of a list page)."""
    if f.data or f.raw_data or f.errors or getattr(f, "meanwhile", None):
        return _field_macro()(f, help)
    return cached_field(f, help)


def init_app(app: Flask) -> None:
    """Register filters and globals."""
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["datetime"] = lambda d: format_datetime(d) if d else ""
    # A count in the reader's language: "69,228" in English, "69 228" in Russian.
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["language_choices"] = language_choices
    app.jinja_env.globals["cached_field"] = cached_field
    app.jinja_env.globals["blank_field"] = blank_field
