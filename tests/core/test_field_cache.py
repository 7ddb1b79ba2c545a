"""``core.templating.cached_field`` gives exactly what the ``field`` macro gives, for every
value, choice list, language and error, and never another field's or another value's HTML."""

from __future__ import annotations

from flask import get_template_attribute
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from caseapp.cases.forms import CaseFilterForm
from caseapp.cases.listing import PUBLIC_FILTER_ARGS
from caseapp.core import templating
from caseapp.core.permissions import Role

# The filters without personal data: the fields the list caches (never a name or a birth date).
CACHED = PUBLIC_FILTER_ARGS
DATA = [
    {},
    {"stage": "registered", "unaccompanied": "y"},
    {"stage": "closed", "country_of_origin": "UA", "charged": "y"},
    {"stage": " ", "country_of_origin": "ZZ"},  # invalid: errors shown under the fields
]


def _forms(app, caseworkers, locale):
    for data in DATA:
        with app.test_request_context("/cases/"), force_locale(locale):
            form = CaseFilterForm(MultiDict(data), caseworkers=caseworkers, meta={"csrf": False})
            form.validate()
            macro = get_template_attribute("macros.html", "field")
            yield (
                data,
                {n: (str(templating.cached_field(form[n])), str(macro(form[n]))) for n in CACHED},
            )


def test_cached_fields_are_the_macros_html(app, factory):
    agency = factory.agency()
    caseworkers = [factory.user(Role.CASEWORKER, agency=agency, name=n) for n in ("Ana", "Ion")]
    seen: dict[str, set[str]] = {n: set() for n in CACHED}
    for locale in ("en", "ru", "en"):  # the second "en" round is answered from the cache
        for _data, fields in _forms(app, caseworkers, locale):
            for name, (cached, made) in fields.items():
                assert cached == made, name
                seen[name].add(cached)
    # Different values gave different HTML (the cache is not answering one for all).
    assert all(len(htmls) >= 2 for htmls in seen.values())  # at least the two languages
    assert len(seen["stage"]) >= 5 and len(seen["country_of_origin"]) >= 5
    assert any("selected" in h and 'value="registered"' in h for h in seen["stage"])
    assert any("field-error" in h for h in seen["stage"])


def test_the_search_box_and_birth_date_are_kept_only_while_blank(app):
    """``core.templating.blank_field``: the macro's HTML always; kept in memory only while the
    field shows nothing of anyone (the case list's name and date of birth)."""
    macro_of = "macros.html"
    for data in ({}, {"name": "Ivanov", "date_of_birth": "2011-02-03"}, {"date_of_birth": "x"}):
        with app.test_request_context("/cases/"):
            form = CaseFilterForm(MultiDict(data), caseworkers=(), meta={"csrf": False})
            form.validate()
            macro = get_template_attribute(macro_of, "field")
            for name in ("name", "date_of_birth"):
                shown = str(templating.blank_field(form[name], help="Help"))
                assert shown == str(macro(form[name], "Help")), (data, name)
                kept = [str(h) for h in templating._FIELD_HTML.values()]
                blank = not (data.get(name))
                assert (shown in kept) is blank, (data, name)
    # (As values: the list's own help text names "Ivanov" as an example, and a list page
    # rendered earlier in the same process keeps that blank box.)
    kept = "".join(str(h) for h in templating._FIELD_HTML.values())
    assert 'value="Ivanov"' not in kept and 'value="2011-02-03"' not in kept
    assert 'value="x"' not in kept
