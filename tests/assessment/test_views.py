"""Assessment pages: who sees them, forms, refusals shown and nothing committed."""

import pytest
from sqlalchemy import func, select

from caseapp.assessment import operations as ops
from caseapp.assessment.models import GuardianAppointment, Placement
from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Stage
from caseapp.core.permissions import Role
from tests.support import clock, lifecycle


@pytest.fixture
def people(factory):
    agency = factory.agency()
    return {
        "cw": factory.user(Role.CASEWORKER, agency=agency),
        "sup": factory.user(Role.SUPERVISOR, agency=agency),
        "omb": factory.user(Role.OMBUDSPERSON),
        "admin": factory.user(Role.ADMIN),
        "other": factory.user(Role.CASEWORKER),
    }


@pytest.fixture
def case(factory, people):
    return lifecycle.to_assessment(factory.case(caseworker=people["cw"]), people["cw"])


def guardian_data(version, **extra):
    return {
        "guardian-version": str(version),
        "guardian-guardian_name": "Maria Popescu",
        "guardian-appointing_authority": "Guardianship authority",
        "guardian-appointed_on": clock.today().isoformat(),
        "guardian-declared_independent": "y",
        **extra,
    }


@pytest.mark.parametrize(
    ("who", "status"), [("cw", 200), ("sup", 200), ("omb", 200), ("admin", 404), ("other", 404)]
)
@pytest.mark.parametrize("path", ["/assessment", "/assessment/bia"])
def test_pages_visible_to_the_right_people(client, login, case, people, who, status, path):
    login(people[who])
    response = client.get(f"/cases/{case.id}{path}")
    assert response.status_code == status
    if status == 200:
        page = response.get_data(as_text=True)
        assert case.number in page
        assert f"/cases/{case.id}/determination" in page


def test_ombudsperson_reads_but_cannot_post(client, login, case, people, db):
    login(people["omb"])
    page = client.get(f"/cases/{case.id}/assessment").get_data(as_text=True)
    assert "Appoint a guardian" not in page
    response = client.post(
        f"/cases/{case.id}/assessment/guardians", data=guardian_data(case.version)
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(GuardianAppointment)) == 0


@pytest.mark.parametrize("who", ["admin", "other"])
def test_post_outside_scope_is_404(client, login, case, people, who):
    login(people[who])
    response = client.post(
        f"/cases/{case.id}/assessment/guardians", data=guardian_data(case.version)
    )
    assert response.status_code == 404


def test_appoint_guardian_through_the_page(client, login, case, people, db):
    login(people["cw"])
    response = client.post(
        f"/cases/{case.id}/assessment/guardians", data=guardian_data(case.version)
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{case.id}/assessment").get_data(as_text=True)
    assert "Maria Popescu" in page


def test_stale_version_shows_message_and_saves_nothing(client, login, case, people, db):
    login(people["cw"])
    response = client.post(
        f"/cases/{case.id}/assessment/guardians", data=guardian_data(case.version - 1)
    )
    assert response.status_code == 409
    assert "Someone else changed this case" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(GuardianAppointment)) == 0


def test_invalid_form_shows_errors_next_to_fields(client, login, case, people, db):
    login(people["cw"])
    response = client.post(
        f"/cases/{case.id}/assessment/guardians",
        data=guardian_data(case.version, **{"guardian-guardian_name": ""}),
    )
    assert response.status_code == 400
    assert "field-error" in response.get_data(as_text=True)


def test_placement_shown_as_deprivation_of_liberty(client, login, case, people, db):
    login(people["cw"])
    response = client.post(
        f"/cases/{case.id}/assessment/placements",
        data={
            "placement-version": str(case.version),
            "placement-placement_type": "open_shelter",
            "placement-name": "Temporary stay centre",
            "placement-responsible_authority": "Migration service",
            "placement-started_on": clock.today().isoformat(),
        },  # "child can leave at will" left unticked
    )
    assert response.status_code == 302
    assert db.session.scalars(select(Placement)).one().deprives_of_liberty
    page = client.get(f"/cases/{case.id}/assessment").get_data(as_text=True)
    assert "Deprivation of liberty" in page


def test_end_guardian_row_form(client, login, case, people, db):
    g = lifecycle.with_guardian(case, people["cw"])
    login(people["cw"])
    prefix = f"end-guardians-{g.id}"
    response = client.post(
        f"/cases/{case.id}/assessment/guardians/{g.id}/end",
        data={
            f"{prefix}-version": str(case.version),
            f"{prefix}-ended_on": clock.today().isoformat(),
            f"{prefix}-reason": "Child moved region",
        },
    )
    assert response.status_code == 302
    db.session.refresh(g)
    assert g.ended_on == clock.today()


def test_start_assessment_button(client, login, factory, people, db):
    case = lifecycle.to_registered(factory.case(caseworker=people["cw"]), people["cw"])
    login(people["sup"])
    page = client.get(f"/cases/{case.id}/assessment").get_data(as_text=True)
    assert "Start the assessment" in page
    response = client.post(
        f"/cases/{case.id}/assessment/start", data={"start-version": str(case.version)}
    )
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.stage is Stage.ASSESSMENT


def test_hearing_page(client, login, case, people, db):
    login(people["cw"])
    assert client.get(f"/cases/{case.id}/assessment/hearings/new").status_code == 200
    response = client.post(
        f"/cases/{case.id}/assessment/hearings/new",
        data={
            "version": str(case.version),
            "held_on": clock.today().isoformat(),
            "language": "Ukrainian",
            "child_understands_language": "y",
            "child_friendly_information_given": "y",
            "options_discussed": "y",
            "view_return": "Wants to see mother.",
            "views_summary": "Wants to go home.",
            "weight": "significant",
            "weight_reasons": "Aged 13.",
        },
    )
    assert response.status_code == 302


def test_bia_save_and_complete(client, login, case, people, db):
    login(people["cw"])
    url = f"/cases/{case.id}/assessment/bia"
    data = {
        "version": "0",  # the BIA's own version: none yet
        "views": "Heard.",
        "return_country": "UA",
        "non_refoulement_risk": "low",
        "armed_conflict": "no",
        "human_rights_impact": "Assessed.",
        "return_safe": "",
    }
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(case)
    refused = client.post(f"{url}/complete", data={"complete-version": str(case.version)})
    assert refused.status_code == 400
    assert "conclusion whether return would be safe" in refused.get_data(as_text=True)
    data = {**data, "version": str(ops.bia_version(case)), "return_safe": "yes"}
    assert client.post(f"{url}/{ops.current_bia(case).id}", data=data).status_code == 302
    db.session.refresh(case)
    assert (
        client.post(f"{url}/complete", data={"complete-version": str(case.version)}).status_code
        == 302
    )
    entries = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.like("assessment:bia:%"))
        .order_by(AuditEntry.id)
    ).all()
    assert entries == ["assessment:bia:save", "assessment:bia:save", "assessment:bia:complete"]


BIA_TEXT = {"views": "Heard in Romanian.", "return_country": "UA"}


def test_the_bia_form_names_the_bia_it_edits(client, login, case, people, db):
    """The page's form posts to the BIA it was loaded with; saving it writes on that BIA."""
    login(people["cw"])
    url = f"/cases/{case.id}/assessment/bia"
    assert client.post(url, data={"version": "0", **BIA_TEXT}).status_code == 302
    bia = ops.current_bia(case)
    page = client.get(url).get_data(as_text=True)
    assert f'action="{url}/{bia.id}"' in page
    data = {"version": str(bia.version), **BIA_TEXT, "views": "Heard again."}
    assert client.post(f"{url}/{bia.id}", data=data).status_code == 302
    db.session.refresh(bia)
    assert bia.views == "Heard again."


def test_a_post_for_a_superseded_bia_is_refused_and_changes_nothing(
    client, login, case, people, db
):
    """A completed BIA is replaced by the new draft started from it; a post naming the
    completed one (an old tab) is refused with a message, never written to the new draft."""
    cw = people["cw"]
    ops.save_bia(
        cw,
        case,
        expected_version=0,
        bia=None,
        views="First.",
        return_country="UA",
        non_refoulement_risk="low",
        armed_conflict=False,
        human_rights_impact="Assessed.",
        return_safe=True,
    )
    ops.complete_bia(cw, case, expected_version=case.version)
    old = ops.current_bia(case)
    new = ops.save_bia(cw, case, expected_version=old.version, bia=old, views="Second.")
    db.session.commit()
    assert new is not old
    versions = (old.version, new.version, case.version)
    login(cw)
    count = db.session.scalar(select(func.count()).select_from(AuditEntry))
    url = f"/cases/{case.id}/assessment/bia/{old.id}"
    response = client.post(url, data={"version": str(old.version), "views": "From an old tab."})
    assert response.status_code == 400
    assert "replaced by a newer one" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (old.views, new.views) == ("First.", "Second.")
    assert (old.version, new.version, case.version) == versions
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == count


def test_another_cases_bia_is_not_found_through_this_case(client, login, factory, case, people):
    """``/cases/<id>/assessment/bia/<bia of another case>``: 404, nothing saved."""
    other = lifecycle.to_assessment(factory.case(caseworker=people["cw"]), people["cw"])
    theirs = ops.save_bia(people["cw"], other, expected_version=0, bia=None, views="Theirs.")
    login(people["cw"])
    url = f"/cases/{case.id}/assessment/bia/{theirs.id}"
    response = client.post(url, data={"version": str(theirs.version), "views": "Mine."})
    assert response.status_code == 404
    assert theirs.views == "Theirs." and ops.current_bia(case) is None


def test_a_first_bia_started_meanwhile_is_not_overwritten(client, login, case, people, db):
    """Two people open the page before any BIA exists; the second first save is refused as
    stale (the first one's text is shown under the fields), not written on top."""
    ops.save_bia(people["sup"], case, expected_version=0, bia=None, views="Theirs.")
    db.session.commit()
    login(people["cw"])
    url = f"/cases/{case.id}/assessment/bia"
    response = client.post(url, data={"version": "0", "views": "Mine."})
    assert response.status_code == 409
    db.session.expire_all()
    assert ops.current_bia(case).views == "Theirs."
