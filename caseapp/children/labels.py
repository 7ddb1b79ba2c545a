"""Country names from the CLDR (Babel), in the user's language.

Templates call ``country_name(code)`` (registered by the children blueprint as a template
global). Enum labels live on the enums themselves (``caseapp.core.enums``: ``case.stage.label``).
"""

from __future__ import annotations

from babel import Locale
from flask_babel import get_locale
from wtforms import SelectChoice

# Codes in the CLDR territory list that are not countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})


def _territories() -> dict[str, str]:
    try:
        locale = Locale.parse(str(get_locale()))
    except (ValueError, TypeError):
        locale = Locale("en")
    return dict(locale.territories)


def is_country(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 country code known to the CLDR."""
    return (
        len(code) == 2
        and code.isalpha()
        and code.isupper()
        and code not in _NOT_COUNTRIES
        and code in Locale("en").territories
    )


def country_name(code: str | None) -> str:
    """The country's name in the user's language."""
    if not code:
        return ""
    return _territories().get(code, code)


def country_choices() -> list[SelectChoice]:
    """Every country as a select option, sorted by name in the user's language."""
    names = _territories()
    pairs = sorted(((c, n) for c, n in names.items() if is_country(c)), key=lambda p: p[1])
    return [SelectChoice(code, name) for code, name in pairs]
