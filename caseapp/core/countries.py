"""Countries: ISO 3166-1 alpha-2 codes with names from the CLDR (Babel), never a hand-written list.

Forms offer a list of countries named in the user's language (``CountryField``); operations
check every code they store (``require_country``), so "XX" or a typed "Uk" meant as Ukraine
is refused with a clear message whatever page, script or API sends it (issue 12 item 5).
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms import SelectField
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.widgets import Select, html_params

from caseapp.core.errors import ValidationFailed

# CLDR territories with two letters that are not countries (the EU, the UN, "unknown", ...).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})


@lru_cache(maxsize=32)
def _territories_of(locale_name: str) -> dict[str, str]:
    """The CLDR territory names of one locale (read once per locale and process: building
    the dictionary was a fifth of the case list's time, issue 16)."""
    try:
        locale = Locale.parse(locale_name)
    except (ValueError, TypeError):
        locale = Locale("en")
    return dict(locale.territories)


def _territories() -> dict[str, str]:
    return _territories_of(str(get_locale()))


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    codes = (code for code in Locale("en").territories if isinstance(code, str))
    return frozenset(
        code
        for code in codes
        if len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_COUNTRIES
    )


def is_country(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 country code known to the CLDR."""
    return code in _country_codes()


def country_name(code: str | None) -> str:
    """The country's name in the user's language."""
    if not code:
        return ""
    return _territories().get(code, code)


@lru_cache(maxsize=32)
def _choices_of(locale_name: str) -> tuple[SelectChoice, ...]:
    names = _territories_of(locale_name)
    pairs = sorted(((c, n) for c, n in names.items() if is_country(c)), key=lambda p: p[1])
    return tuple(SelectChoice(code, name) for code, name in pairs)


def country_choices() -> list[SelectChoice]:
    """Every country as a select option, sorted by name in the user's language (sorted once
    per locale and process)."""
    return list(_choices_of(str(get_locale())))


class CountryChoices(list):
    """The options of a country select in one language, with a first blank option or not:
    built once per (locale, blank label) and process and shared by every form (never
    changed). ``values`` is the set of their values, for validating a chosen one."""

    key: tuple[str, str | None]
    values: frozenset[str]


@lru_cache(maxsize=64)
def _options_of(locale_name: str, blank: str | None) -> CountryChoices:
    first = [] if blank is None else [SelectChoice("", blank)]
    options = CountryChoices([*first, *_choices_of(locale_name)])
    options.key = (locale_name, blank)
    options.values = frozenset(str(choice.value) for choice in options)
    return options


def country_options(blank=None) -> CountryChoices:
    """Every country in the user's language, after a first empty option labelled ``blank``
    (None: no empty option); the same list object for every form of the same language."""
    return _options_of(str(get_locale()), None if blank is None else str(blank))


# Rendered ``<option>``s of the country selects, by (value, label, selected): ~250 options
# per select were a third of the case list's rendering (issue 16). Bounded: a few locales.
_OPTION_HTML: dict[tuple[str, str, bool], Markup] = {}
# Every option of a ``CountryChoices``, none selected, joined: by its key (a few locales).
_OPTIONS_HTML: dict[tuple[str, str | None], str] = {}


class CountrySelect(Select):
    """``Select``, with each plain option rendered once per process, and the options of a
    shared ``CountryChoices`` joined once per process: a page's select is that text with
    the chosen option marked (issue 16: the case list's filter form)."""

    def __call__(self, field, **kwargs) -> Markup:
        """The select's HTML; from the joined options when its choices are shared."""
        choices = field.choices
        if self.multiple or not isinstance(choices, CountryChoices):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        options = _OPTIONS_HTML.get(choices.key)
        if options is None:
            options = _OPTIONS_HTML[choices.key] = "".join(
                self.render_option(Choice(c.value, c.label, False, c.render_kw)) for c in choices
            )
        chosen = None if field.data is None else field.coerce(field.data)
        if chosen is not None and chosen in choices.values:
            label = next(c.label for c in choices if str(c.value) == chosen)
            plain = self.render_option(Choice(chosen, label, False, None))
            options = options.replace(
                plain, self.render_option(Choice(chosen, label, True, None)), 1
            )
        # html_params escapes the attributes; the options are wtforms' escaped HTML.
        params = html_params(name=field.name, **kwargs)
        return Markup(f"<select {params}>{options}</select>")  # noqa: S704  # nosec B704

    @classmethod
    def render_option(cls, choice, **kwargs):
        """The option's HTML, from the cache when it has no extra attributes."""
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        key = (str(choice.value), str(choice.label), bool(choice.selected))
        html = _OPTION_HTML.get(key)
        if html is None:
            if len(_OPTION_HTML) > 10_000:
                _OPTION_HTML.clear()
            html = _OPTION_HTML[key] = super().render_option(choice)
        return html


def require_country(code: str | None, *, optional: bool = False) -> str | None:
    """The code, upper-cased, if it names a country; refuse anything else.

    With ``optional``, an empty value means "not known" and gives None.
    """
    cleaned = (code or "").strip().upper()
    if not cleaned and optional:
        return None
    if not is_country(cleaned):
        raise ValidationFailed(_("Choose a country from the list."))
    return cleaned


def _code(value) -> str:
    """Country codes as strings; no country is the empty string (not "None")."""
    return "" if value is None else str(value)


class CountryField(SelectField):
    """A select of every country, named in the user's language; unknown codes are refused.

    The choices are built when the form is created (per request, so in the user's language);
    ``blank`` is the label of a first empty option ("not known"), or None for no empty option.
    A value that is not in the list fails validation ("Not a valid choice").
    """

    def __init__(self, label=None, validators=None, *, blank=None, **kwargs) -> None:
        kwargs.setdefault("default", "")

        def options() -> CountryChoices:
            return country_options(blank)

        kwargs.setdefault("widget", CountrySelect())
        super().__init__(label, validators, coerce=_code, choices=options, **kwargs)

    def pre_validate(self, form) -> None:
        """The chosen value is one of the options: a set lookup when the choices are a
        shared ``CountryChoices`` (wtforms compares it with each of the ~250); anything else,
        and a refusal, through wtforms as before."""
        choices = self.choices
        if (
            isinstance(choices, CountryChoices)
            and not self.process_errors
            and self.coerce(self.data) in choices.values
        ):
            return
        super().pre_validate(form)
