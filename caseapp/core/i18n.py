"""Locale selection: the user's chosen language, else the browser's, else English."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Domain, get_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from werkzeug.wrappers import Response

from caseapp.core.extensions import babel

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


class RequestDomain(Domain):
    """Flask-Babel's message domain, with the request's catalogue looked up once.

    Flask-Babel finds the catalogue on every ``gettext`` call: its context namespace on ``g``
    (three proxy lookups), the domain, the locale, ``str(locale)`` and a cache lookup -- a
    page calls it hundreds of times (a list's labels, the gate's explanations). Here the
    catalogue is kept on that namespace beside the locale it was found for, and reused while
    the namespace holds the same locale object: ``force_locale`` (mails in the recipient's
    language) and ``refresh`` replace or remove the locale, so the catalogue is found again
    then, exactly as Flask-Babel would find it (issue 16: the fixed cost of a page).
    """

    def get_translations(self) -> Translations | NullTranslations:
        """The catalogue of the current locale (Flask-Babel's answer, memoised per locale)."""
        try:
            space = g._flask_babel
            cached = space.caseapp_translations
            if cached[0] is space.babel_locale:
                return cached[1]
        except (AttributeError, RuntimeError):  # first call, or outside an app context
            pass
        translations = super().get_translations()
        try:
            space = g._flask_babel
            space.caseapp_translations = (space.babel_locale, translations)
        except (AttributeError, RuntimeError):
            pass
        return translations


def _domain_gettext(string: str, **variables: Any) -> str:
    """``flask_babel.gettext`` without looking the domain up through ``g`` on every call:
    the app has one domain, ``babel.domain_instance`` (``RequestDomain`` once ``init_app``
    has run), which is what Flask-Babel finds."""
    return babel.domain_instance.gettext(string, **variables)


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """``flask_babel.lazy_gettext`` (same lazy string, translated when shown), through the
    app's domain directly: the enums' labels and the forms' labels are shown many times a
    page (a case list row: its stage and its care), each a catalogue look-up (issue 16: the
    fixed cost of a page). Imported as ``_l``, the keyword the catalogue extraction reads."""
    return LazyString(_domain_gettext, string, **variables)


def _template_gettext(domain: Domain):
    """The templates' ``_``/``gettext`` and ``ngettext``, as Jinja's "newstyle" callables
    behave (the translation is markup when the template autoescapes, then always formatted
    with ``%``, so ``%%`` is a percent sign), without their two context calls and name look-up
    per message: a page calls ``_`` fifty times and more (issue 16). A test compares them
    with Jinja's own on every kind of message."""

    @pass_eval_context
    def gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
        text = domain.get_translations().ugettext(string)
        rv = Markup(text) if eval_ctx.autoescape else text  # noqa: S704  # nosec B704 -- as Jinja: our catalogue
        # ``rv % {}`` is ``rv`` itself when it holds no "%": skip the formatting then.
        return rv % variables if variables or "%" in text else rv

    @pass_eval_context
    def ngettext(
        eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any
    ) -> str:
        # Positional only, as Jinja's: a template may pass ``num=`` to show the number
        # otherwise (``n|number``) while the plural form is chosen by ``num``.
        variables.setdefault("num", num)
        text = domain.get_translations().ungettext(singular, plural, num)
        rv = Markup(text) if eval_ctx.autoescape else text  # noqa: S704  # nosec B704 -- as Jinja: our catalogue
        return rv % variables

    return gettext, ngettext


@lru_cache(maxsize=16)
def _wtforms_catalogue(locale: str) -> Translations | NullTranslations:
    from wtforms.i18n import messages_path

    return Translations.load(messages_path(), [locale], domain="wtforms")


class WtformsTranslations:
    """WTForms' own messages ("Not a valid date value.") in the request's language, the
    catalogue read once per process and locale. Flask-WTF reads it from disk and parses it
    again in every request that builds a form (issue 16: the fixed cost of a page)."""

    def _catalogue(self) -> Translations | NullTranslations:
        return _wtforms_catalogue(str(get_locale() or "en"))

    def gettext(self, string: str) -> str:
        return self._catalogue().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue().ungettext(singular, plural, n)


WTFORMS_TRANSLATIONS = WtformsTranslations()


def init_app(app: Flask) -> None:
    """Use ``RequestDomain`` for the app's messages, in Python and in templates (after
    ``babel.init_app``)."""
    domain = babel.__dict__.get("domain_instance")
    if not isinstance(domain, RequestDomain):
        domain = RequestDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
        babel.domain_instance = domain  # Flask-Babel's cached property, set once
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: domain.get_translations().ugettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: domain.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: domain.get_translations().unpgettext(c, s, p, n),
    )
    gettext, ngettext = _template_gettext(domain)
    # ``_`` is the i18n extension's alias, which looks ``gettext`` up again on every call.
    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
