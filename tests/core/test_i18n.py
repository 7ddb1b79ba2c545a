"""Every user-facing string is translated into every language; the pages switch language.

caseapp speaks English, Romanian, Russian and Ukrainian (issue 12 item 8): the test below
extracts the strings afresh from the code and fails on any one a catalogue lacks, so
``make test`` fails when a new string is not translated into all four.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from caseapp.core.config import SUPPORTED_LOCALES

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import i18n as i18n_script  # noqa: E402  (scripts/i18n.py: the same rules as `missing`)


@pytest.fixture(scope="module")
def wanted(tmp_path_factory) -> set[str]:
    """Every message key in the code (msgid, with its context when it has one)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "ngettext:1,2",
            "-k",
            "pgettext:1c,2",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        return {i18n_script.key(m) for m in read_po(fh) if m.id}


def test_the_four_languages_are_offered():
    assert SUPPORTED_LOCALES == ("en", "ro", "ru", "uk") == i18n_script.LOCALES


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_catalogue_is_complete(wanted, locale):
    """The catalogue translates each string of the code, every plural form included."""
    po = ROOT / f"caseapp/translations/{locale}/LC_MESSAGES/messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    present = {i18n_script.key(m) for m in catalog if m.id}
    untranslated = set(i18n_script.untranslated(catalog))
    missing = sorted((wanted - present) | (wanted & untranslated))
    assert missing == [], f"untranslated in {locale}: {missing[:20]} (run make i18n-update)"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_plural_forms_are_the_languages_own(locale):
    """The header's plural rule is gettext's for the language (3 forms in ro, ru, uk)."""
    po = ROOT / f"caseapp/translations/{locale}/LC_MESSAGES/messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    expected = get_plural(locale)
    assert (catalog.num_plurals, catalog.plural_expr) == (
        expected.num_plurals,
        expected.plural_expr,
    )
    assert catalog.num_plurals == (2 if locale == "en" else 3)
    for message in catalog:
        if isinstance(message.id, tuple):
            assert len(message.string) == catalog.num_plurals, message.id


def test_untranslated_detects_a_gap():
    """The rule the test relies on finds an empty string and a missing plural form."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="uk")
    catalog.add("Save", "")
    catalog.add(("%(n)d case", "%(n)d cases"), ("a", "b"))
    catalog.add("Record", "Картка", context="case tab")
    assert sorted(i18n_script.untranslated(catalog)) == ["%(n)d case", "Save"]


def test_login_page_in_each_language(client):
    """A browser asking for a language gets the login page in it."""
    expected = {"en": "Log in", "ro": "Autentificare", "ru": "Войти", "uk": "Увійти"}
    for locale, text in expected.items():
        page = client.get("/login", headers={"Accept-Language": locale}).get_data(as_text=True)
        assert text in page, locale
        assert f'<html lang="{locale}"' in page


def test_ngettext_uses_each_languages_plural_forms(app):
    """1, 3 and 5 cases take three different forms in Ukrainian, as the CLDR rule says."""
    from flask_babel import force_locale, ngettext

    with app.test_request_context(), force_locale("uk"):
        texts = [ngettext("%(num)s case found.", "%(num)s cases found.", n) for n in (1, 3, 5)]
    assert texts == ["Знайдено 1 справу.", "Знайдено 3 справи.", "Знайдено 5 справ."]


def test_the_case_count_is_written_as_the_language_writes_numbers(app):
    """The case list's number (exact, up to the whole register) with the language's group
    separator, in the form its plural rule picks for the number itself."""
    from flask import render_template_string
    from flask_babel import force_locale

    line = (
        '{{ ngettext("%(num)s case found.", "%(num)s cases found.", n, num=n|number) }} '
        '{{ _("More than %(num)s cases found.", num=1000|number) }}'
    )
    texts = {}
    for locale in ("en", "ru", "uk"):
        with app.test_request_context(), force_locale(locale):
            texts[locale] = [render_template_string(line, n=n) for n in (69228, 1)]
    assert texts["en"] == [
        "69,228 cases found. More than 1,000 cases found.",
        "1 case found. More than 1,000 cases found.",
    ]
    assert texts["ru"][0].startswith("Найдено дел: 69\xa0228.")
    assert texts["uk"][0].startswith("Знайдено 69\xa0228 справ.")
    assert texts["uk"][1].startswith("Знайдено 1 справу.")
