"""WTForms' own messages come in the user's language, from a catalogue read once per process
(``caseapp.core.i18n.WtformsTranslations``; Flask-WTF read it from disk in every request)."""

from __future__ import annotations

from caseapp.core import i18n
from caseapp.core.permissions import Role


def test_wtforms_messages_in_the_users_language_read_once(client, factory, login):
    agency = factory.agency()
    english = factory.user(Role.CASEWORKER, agency=agency, locale="en")
    russian = factory.user(Role.CASEWORKER, agency=agency, locale="ru")

    login(english)
    page = client.get("/cases/?stage=+").get_data(as_text=True)
    assert "Not a valid choice" in page and "Неверный вариант" not in page

    login(russian)
    page = client.get("/cases/?stage=+").get_data(as_text=True)
    assert "Неверный вариант" in page and "Not a valid choice" not in page
    read = i18n._wtforms_catalogue.cache_info().misses
    assert read >= 1  # the forms ask our catalogue, not Flask-WTF's per-request one
    client.get("/cases/?stage=+")
    client.get("/cases/?stage=+")
    assert i18n._wtforms_catalogue.cache_info().misses == read
