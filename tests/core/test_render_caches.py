"""What is cached per locale for speed (issue 16) still answers in the user's language: country
names and choices, the country select's options, and dates."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from flask_babel import format_date as babel_format_date
from wtforms import Form

from caseapp.core.countries import CountryField, country_choices, country_name
from caseapp.core.templating import format_day


def test_country_names_and_choices_follow_the_locale_after_caching(app):
    with app.test_request_context():
        seen = {}
        for _ in range(2):  # the second round comes from the caches
            for lang in ("en", "ro", "ru", "uk"):
                with force_locale(lang):
                    seen.setdefault(lang, set()).add(
                        (country_name("DE"), tuple(c.label for c in country_choices()[:3]))
                    )
        assert all(len(v) == 1 for v in seen.values())
        names = {lang: next(iter(v))[0] for lang, v in seen.items()}
        assert names["en"] == "Germany" and names["ro"] == "Germania"
        assert names["ru"] == "Германия" and names["uk"] == "Німеччина"
        with force_locale("en"):
            labels = [c.label for c in country_choices()]
            assert labels == sorted(labels) and "European Union" not in labels


def test_the_country_select_marks_only_the_chosen_country(app):
    class F(Form):
        country = CountryField("Country", blank="not known")

    with app.test_request_context(), force_locale("en"):
        for chosen, other in (("MD", "UA"), ("UA", "MD"), ("MD", "UA")):
            form = F(data={"country": chosen})
            html = str(form.country())
            assert f'<option selected value="{chosen}">' in html
            assert f'<option value="{other}">' in html
            assert html.count("selected") == 1


def test_dates_are_formatted_as_flask_babel_formats_them(app):
    day = date(2026, 3, 9)
    with app.test_request_context():
        for lang in ("en", "ro", "ru", "uk", "en"):
            with force_locale(lang):
                assert format_day(day) == babel_format_date(day)
        assert format_day(None) == ""


def test_the_shared_country_select_is_wtforms_own_html(app):
    """The joined options of a language, with the chosen one marked, are exactly what
    wtforms' ``Select`` renders option by option, for every language and choice."""
    from wtforms.widgets import Select

    class F(Form):
        country = CountryField("Country", blank="not known")

    with app.test_request_context():
        for lang in ("en", "ru", "en", "uk"):
            with force_locale(lang):
                for chosen in ("", "MD", "UA", "XX", None):
                    field = F(data={"country": chosen}).country
                    assert str(field()) == str(Select.__call__(field.widget, field))


def test_the_shared_country_choices_accept_a_country_and_refuse_anything_else(app):
    from flask_wtf import FlaskForm
    from werkzeug.datastructures import MultiDict

    from caseapp.core.countries import CountryChoices

    class G(FlaskForm):
        country = CountryField("Country", blank="")
        strict = CountryField("Strict")  # no empty option

    with app.test_request_context(), force_locale("ro"):
        form = G(MultiDict({"country": "UA", "strict": "MD"}), meta={"csrf": False})
        assert isinstance(form.country.choices, CountryChoices)
        assert form.validate()
        for bad in ({"country": "XX", "strict": "MD"}, {"country": "UA", "strict": ""}):
            form = G(MultiDict(bad), meta={"csrf": False})
            assert not form.validate()
            wrong = "country" if bad["country"] == "XX" else "strict"
            assert form.errors[wrong] == ["Selecție invalidă."]  # wtforms' own message
        assert G(MultiDict({"country": "", "strict": "UA"}), meta={"csrf": False}).validate()


def test_the_request_catalogue_follows_force_locale_and_refresh(app):
    """The catalogue kept for the request (``core/i18n.py:RequestDomain``) is found again
    when the locale is forced for a mail or refreshed after a change of language."""
    from flask_babel import gettext, refresh

    from caseapp.core.extensions import babel
    from caseapp.core.i18n import RequestDomain

    assert isinstance(babel.domain_instance, RequestDomain)
    # Each request in its own application context, as under gunicorn (``g`` is the app
    # context's: Flask-Babel keeps the request's locale there too).
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "ro"}):
        page = app.jinja_env.from_string("{{ _('Cases') }}")
        assert gettext("Cases") == page.render() == "Cazuri"
        with force_locale("ru"):
            assert gettext("Cases") == page.render() == "Дела"
        assert gettext("Cases") == page.render() == "Cazuri"
        with force_locale("uk"):
            assert gettext("Cases") == "Справи"
        refresh()
        assert gettext("Cases") == "Cazuri"
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        assert gettext("Cases") == "Cases"


def _reference_env(app, autoescape: bool):
    """A Jinja environment with the i18n extension's own "newstyle" callables, on the app's
    catalogue: what the app's faster ``_``, ``gettext`` and ``ngettext`` must equal."""
    from jinja2 import Environment

    from caseapp.core.extensions import babel

    domain = babel.domain_instance
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)  # noqa: S701
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: domain.get_translations().ugettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ungettext(s, p, n),
        newstyle=True,
    )
    return env


TEMPLATES = (
    "{{ _('Cases') }}",
    "{{ gettext('Cases') }}",
    "{{ _('Not in the catalogue: 100%% sure') }}",
    "{{ _('Not in the catalogue: <%(who)s> & %(n)d', who='<b>Ion</b>', n=3) }}",
    "{{ _('Cases') }} {{ _('a <b>tag</b> %(x)s', x='&') }}",
    "{{ ngettext('%(num)d case found.', '%(num)d cases found.', 1) }}",
    "{{ ngettext('%(num)d case found.', '%(num)d cases found.', 5) }}",
    "{{ ngettext('%(num)d <i>x</i> %(who)s', '%(num)d <i>xs</i> %(who)s', 2, who='<s>') }}",
    "{% trans %}Cases{% endtrans %}",
    "{% trans n=3 %}{{ n }} of 100%{% endtrans %}",
    "{% trans count=4 %}{{ count }} case found.{% pluralize %}{{ count }} cases found."
    "{% endtrans %}",
)


def test_the_templates_gettext_is_jinjas_newstyle_gettext(app):
    """``core/i18n.py:_template_gettext`` answers as Jinja's newstyle callables do, in every
    language, escaping or not (HTML pages and plain-text mails)."""
    # Each request in its own application context, as under gunicorn (the locale is kept on
    # the application context's ``g``).
    for locale in ("en", "ro", "ru", "uk"):
        with app.app_context(), app.test_request_context(headers={"Accept-Language": locale}):
            for autoescape in (True, False):
                ours = app.jinja_env.overlay(autoescape=autoescape)
                reference = _reference_env(app, autoescape)
                for source in TEMPLATES:
                    expected = reference.from_string(source).render()
                    assert ours.from_string(source).render() == expected, (locale, source)
        with app.app_context(), app.test_request_context(headers={"Accept-Language": "ro"}):
            assert app.jinja_env.from_string("{{ _('Cases') }}").render() == "Cazuri"


def test_lazy_labels_are_flask_babels_lazy_strings_in_each_language(app):
    """``core/i18n.py:lazy_gettext`` (the enums' and forms' ``_l``) translates when shown, in
    the language of the request showing it, as ``flask_babel.lazy_gettext`` does."""
    from flask_babel import lazy_gettext as babel_lazy
    from markupsafe import escape

    from caseapp.cases.models import Stage
    from caseapp.core.i18n import lazy_gettext

    ours, theirs = lazy_gettext("Cases"), babel_lazy("Cases")
    with_vars = lazy_gettext("%(n)s x", n=2), babel_lazy("%(n)s x", n=2)
    shown = {}
    for locale in ("en", "ro", "ru", "uk"):
        with app.app_context(), app.test_request_context(headers={"Accept-Language": locale}):
            assert str(ours) == str(theirs)
            assert escape(ours) == escape(theirs)
            assert str(with_vars[0]) == str(with_vars[1]) == "2 x"
            shown[locale] = str(Stage.RETURN_PREPARATION.label)
    assert len(set(shown.values())) == 4, shown
    assert str(ours) == "Cases"  # outside a request: the message itself
