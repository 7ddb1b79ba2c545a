"""The date-of-birth search field refuses dates that make no sense (issue 12 item 5): in the
future or before 1900, with a message and a 400; a real date of birth searches."""

from datetime import date, timedelta

import pytest

from caseapp.core.permissions import Role
from tests.support import clock


@pytest.mark.parametrize("day", [timedelta(days=3), date(1850, 1, 1)])
def test_absurd_date_of_birth_is_refused(client, factory, login, day):
    if isinstance(day, timedelta):  # that far after today, read when the test runs
        day = clock.today() + day
    user = factory.user(Role.CASEWORKER)
    login(user)
    response = client.post("/cases/", data={"date_of_birth": day.isoformat()})
    assert response.status_code == 400
    assert day.isoformat() not in response.headers.get("Location", "")


def test_a_real_date_of_birth_searches(client, factory, login):
    user = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=user, dob=date(2011, 3, 4))
    other = factory.case(caseworker=user, dob=date(2012, 5, 1))
    login(user)
    response = client.post("/cases/", data={"date_of_birth": "2011-03-04"})
    assert response.status_code == 302 and "2011" not in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/cases/{case.id}" in page and f"/cases/{other.id}" not in page
