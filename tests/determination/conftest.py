"""The people of a determination: a caseworker and two supervisors of one agency (four eyes
needs a second), an ombudsperson, and a supervisor of another agency. A test module may
name its own ``people``."""

import pytest

from caseapp.core.permissions import Role


@pytest.fixture
def people(factory):
    agency = factory.agency()
    return {
        "cw": factory.user(Role.CASEWORKER, agency=agency),
        "sup": factory.user(Role.SUPERVISOR, agency=agency),
        "sup2": factory.user(Role.SUPERVISOR, agency=agency),
        "omb": factory.user(Role.OMBUDSPERSON),
        "other_sup": factory.user(Role.SUPERVISOR),
    }
