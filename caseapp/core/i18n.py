"""Locale selection: the user's chosen language, else the browser's, else English."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_login import current_user
from werkzeug.wrappers import Response

# Each language named in itself, for the language switch (base.html) and the preferences form.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "ro": "Română",
    "ru": "Русский",
    "uk": "Українська",
}

LANGUAGE_COOKIE = "lang"


def supported_locales() -> tuple[str, ...]:
    """The languages this instance offers, in configuration order."""
    return tuple(current_app.config["SUPPORTED_LOCALES"])


def language_choices() -> list[tuple[str, str]]:
    """(code, name) for every language this instance offers, in configuration order."""
    return [(code, LANGUAGE_NAMES[code]) for code in supported_locales()]


def remember_language(response: Response, locale: str) -> Response:
    """Keep the language chosen before login in a cookie (a year) on ``response``."""
    response.set_cookie(
        LANGUAGE_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response


def select_locale() -> str:
    """Pick the locale for this request (the default one outside a request, e.g. in the CLI)."""
    supported = supported_locales()
    if not has_request_context():  # CLI commands: messages in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in supported:
        return str(current_user.locale)
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen is not None and chosen in supported:
        return chosen
    return request.accept_languages.best_match(supported) or "en"
