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
