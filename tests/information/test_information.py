"""Child-friendly information given at each step is recorded: what, in which language, how
(issue 15 part 2; 002, Rec 1; Rec 2)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caseapp.core.errors import PermissionDenied, ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.information.models import Means, Step
from caseapp.information.operations import record_information
from tests.support import clock


def given(**change):
    """Information given today, with ``change`` applied."""
    return {
        "step": Step.DECISION,
        "given_on": clock.today(),
        "what": "The decision, and how to appeal it within 14 days.",
        "language": "Ukrainian",
        "means": Means.LEAFLET,
        "given_by": "Caseworker with the interpreter",
        "interpreter": True,
        "understood": True,
        **change,
    }


def test_information_given_is_recorded(factory):
    cw = factory.user(Role.CASEWORKER)
    case = factory.case(agency=cw.agency, caseworker=cw)
    item = record_information(cw, case, expected_version=case.version, **given())
    db.session.commit()
    assert (item.step, item.language, item.means) == (Step.DECISION, "Ukrainian", Means.LEAFLET)


@pytest.mark.parametrize(
    "change", [{"language": " "}, {"what": ""}, {"given_on": timedelta(days=3)}]
)
def test_incomplete_or_future_information_is_refused(factory, change):
    # A day given as a timedelta is that far from today, read when the test runs.
    change = {k: clock.today() + v if isinstance(v, timedelta) else v for k, v in change.items()}
    cw = factory.user(Role.CASEWORKER)
    case = factory.case(agency=cw.agency, caseworker=cw)
    with pytest.raises(ValidationFailed):
        record_information(cw, case, expected_version=case.version, **given(**change))


def test_the_ombudsperson_reads_but_does_not_record(factory, client, login):
    cw = factory.user(Role.CASEWORKER)
    case = factory.case(agency=cw.agency, caseworker=cw)
    record_information(cw, case, expected_version=case.version, **given())
    db.session.commit()
    ombudsperson = factory.user(Role.OMBUDSPERSON)
    with pytest.raises(PermissionDenied):
        record_information(ombudsperson, case, expected_version=case.version, **given())
    login(ombudsperson)
    html = client.get(f"/cases/{case.id}/information").get_data(as_text=True)
    assert "how to appeal it within 14 days" in html
