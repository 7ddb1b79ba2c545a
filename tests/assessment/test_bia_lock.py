"""The BIA has its own lock (issue 12 item 2): a colleague's change elsewhere in the case
does not refuse a save of the BIA; a change to the BIA itself does, keeps the user's text,
shows what was saved in between, and a second save puts the user's text on top."""

import pytest
from sqlalchemy import select

from caseapp.assessment import operations as ops
from caseapp.assessment.models import BestInterestsAssessment
from caseapp.core.errors import StaleVersion
from caseapp.core.permissions import Role
from tests.support import lifecycle

LONG = ("Heard twice with an interpreter. " * 120).strip()  # about 4,000 characters


@pytest.fixture
def people(factory):
    agency = factory.agency()
    return {
        "cw": factory.user(Role.CASEWORKER, agency=agency),
        "colleague": factory.user(Role.CASEWORKER, agency=agency),
    }


@pytest.fixture
def case(factory, people):
    return lifecycle.to_assessment(factory.case(caseworker=people["cw"]), people["cw"])


def _stored(db, case):
    db.session.expire_all()
    return db.session.scalar(
        select(BestInterestsAssessment).where(BestInterestsAssessment.case_id == case.id)
    )


def test_a_hearing_recorded_meanwhile_does_not_refuse_the_bia(case, people, db):
    loaded_at = ops.bia_version(case)  # the caseworker opens the BIA form
    case_version = case.version
    lifecycle.with_hearing(case, people["colleague"])  # a colleague records a hearing
    db.session.commit()
    assert case.version > case_version
    ops.save_bia(people["cw"], case, expected_version=loaded_at, views=LONG)
    db.session.commit()
    assert _stored(db, case).views == LONG


def test_a_change_to_the_bia_meanwhile_refuses_and_saves_nothing(case, people, db):
    ops.save_bia(people["colleague"], case, expected_version=0, views="Theirs.")
    db.session.commit()
    with pytest.raises(StaleVersion):
        ops.save_bia(people["cw"], case, expected_version=0, views=LONG)
    db.session.rollback()
    assert _stored(db, case).views == "Theirs."


def test_the_page_keeps_the_text_shows_theirs_and_saves_on_top(client, login, case, people, db):
    url = f"/cases/{case.id}/assessment/bia"
    ops.save_bia(people["colleague"], case, expected_version=0, health="Theirs: asthma.")
    db.session.commit()
    login(people["cw"])
    refused = client.post(url, data={"version": "0", "views": LONG, "health": "Mine: healthy."})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert LONG.strip() in page  # the user's text is still in the form
    assert "Saved in the meantime by someone else" in page and "Theirs: asthma." in page
    current = _stored(db, case).version
    assert f'name="version" type="hidden" value="{current}"' in page
    assert _stored(db, case).views is None  # nothing saved

    # "Save again" with the version the page now carries, to the BIA the form now names
    # (the one saved meanwhile): the user's text goes on top
    named = f"{url}/{_stored(db, case).id}"
    assert f'action="{named}"' in page
    again = client.post(
        named, data={"version": str(current), "views": LONG, "health": "Mine: healthy."}
    )
    assert again.status_code == 302
    stored = _stored(db, case)
    assert stored.views == LONG and stored.health == "Mine: healthy."
