"""The URL as input: bounded integer segments, no control characters (issue 14, item 1).

An ``<int:...>`` segment the database cannot hold is a 404, not a 500.

Werkzeug's ``int`` converter accepts any number of digits; ``9223372036854775808`` then
overflows SQLite's 64-bit integers and PostgreSQL's ``INTEGER`` ids (issue 14, item 1).
``BoundedIntConverter`` replaces it for every route (registered as ``int`` before the
blueprints), so no view needs to change and a new route is covered.

A path or query-string value with a NUL or another control character (``%00``) is refused
with a 400 and a message before any view runs: PostgreSQL cannot compare with such a value.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter, ValidationError

from caseapp.core.errors import ValidationFailed
from caseapp.core.validators import INT_MAX, text_problem


class BoundedIntConverter(IntegerConverter):
    """``int`` bounded to a 32-bit ``INTEGER`` column (ids start at 1; 0 is allowed)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False) -> None:
        upper = INT_MAX if max is None or max > INT_MAX else max
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=upper, signed=signed)

    def to_python(self, value: str):
        """Refuse (404) a number too long to parse cheaply or beyond the bound."""
        if len(value.lstrip("-")) > len(str(INT_MAX)):
            raise ValidationError()
        return super().to_python(value)


def refuse_control_characters() -> None:
    """Refuse a request whose path or query string holds control characters."""
    values = [request.path]
    for key, given in request.args.lists():
        values += [key, *given]
    if any(text_problem(value) for value in values):
        raise ValidationFailed(_("The address contains characters that are not allowed."))


def init_app(app: Flask) -> None:
    """Register the bounded converter (before any blueprint) and the URL check.

    Behind ``PROXY_FIX_HOPS`` trusted reverse proxies (``CASEAPP_PROXY_FIX_HOPS=1`` behind the
    nginx of ``deploy/nginx.conf``), the client address and scheme come from their
    ``X-Forwarded-*`` headers (Werkzeug's ``ProxyFix``), so sign-in throttling counts the real
    client, not the proxy. Never set it without a proxy: clients could then forge it.
    """
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_control_characters)
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
