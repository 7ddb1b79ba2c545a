"""Countries come from the CLDR in the user's language; unknown codes are refused (issue 12)."""

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from caseapp.core.countries import CountryField, country_choices, require_country
from caseapp.core.errors import ValidationFailed
from caseapp.core.permissions import Role
from caseapp.gate import operations as gate_operations
from caseapp.gate.models import ReturnSuspension


def test_require_country_accepts_iso_codes_only(app):
    with app.test_request_context():
        assert require_country("ua") == "UA"
        assert require_country(" MD ") == "MD"
        assert require_country("", optional=True) is None
        for bad in ("XX", "Uk ", "UKR", "ZZ", "EU", "", "1A"):  # "UK" is not ISO (GB is)
            with pytest.raises(ValidationFailed):
                require_country(bad)


@pytest.mark.parametrize(
    ("locale", "ukraine"),
    [("en", "Ukraine"), ("ro", "Ucraina"), ("ru", "Украина"), ("uk", "Україна")],
)
def test_country_names_in_the_users_language(app, locale, ukraine):
    with app.test_request_context(), force_locale(locale):
        names = dict((c.value, c.label) for c in country_choices())
    assert names["UA"] == ukraine
    assert "XX" not in names and "ZZ" not in names and "EU" not in names
    assert len(names) > 240  # every country of the CLDR, no hand-written list


def test_country_field_refuses_a_code_not_in_the_list(app):
    from flask_wtf import FlaskForm
    from werkzeug.datastructures import MultiDict

    class Form(FlaskForm):
        country = CountryField("Country", blank="")

    with app.test_request_context():
        assert Form(MultiDict({"country": "UA"}), meta={"csrf": False}).validate()
        assert not Form(MultiDict({"country": "XX"}), meta={"csrf": False}).validate()
        assert not Form(MultiDict({"country": "Uk"}), meta={"csrf": False}).validate()


def test_suspension_of_an_unknown_country_is_refused(factory, client, login, db):
    admin = factory.user(Role.ADMIN)
    with pytest.raises(ValidationFailed):
        gate_operations.add_suspension(admin, country="XX", reason="r", suspended_from=None)
    db.session.rollback()
    login(admin)
    page = client.post(
        "/admin/suspensions",
        data={"country": "XX", "reason": "Pandemic", "suspended_from": "2026-01-01"},
    )
    assert page.status_code in (200, 400)
    assert db.session.scalar(select(func.count()).select_from(ReturnSuspension)) == 0
    page = client.get("/admin/suspensions").get_data(as_text=True)
    assert '<option value="UA">Ukraine</option>' in page
