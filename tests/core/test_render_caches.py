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
