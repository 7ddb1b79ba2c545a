"""Issue 14, finding 1: each input that gave a 500 (or was stored as is) is now refused with
a message and changes nothing — on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from caseapp.assessment.models import BestInterestsAssessment, Placement
from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Stage
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.core.validators import date_problem, parse_schedule, text_problem
from caseapp.crossborder import operations as crossborder
from caseapp.crossborder.models import MonitoringPlan, TravelPlan
from caseapp.crossborder.operations import single_version
from caseapp.gate.policy import current_policy
from tests.support import clock, lifecycle
from tests.support.gate_builder import ready_case


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.fixture
def people(factory):
    agency = factory.agency()
    return {
        "cw": factory.user(Role.CASEWORKER, agency=agency),
        "sup": factory.user(Role.SUPERVISOR, agency=agency),
        "omb": factory.user(Role.OMBUDSPERSON),
        "admin": factory.user(Role.ADMIN),
    }


@pytest.fixture
def case(factory, people):
    return factory.case(caseworker=people["cw"])


# -- URL: integer segments and pages ---------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["9223372036854775808", "2147483648", "99999999999999999999999999999"]
)
def test_integer_path_segment_beyond_the_database_is_404(client, login, people, number):
    login(people["cw"])
    assert client.get(f"/cases/{number}").status_code == 404
    assert client.get(f"/cases/{number}/assessment").status_code == 404


def test_largest_int_segment_is_an_ordinary_404(client, login, people):
    login(people["cw"])
    assert client.get("/cases/2147483647").status_code == 404


def test_case_list_page_beyond_bounds_is_refused_not_500(client, login, people, case):
    login(people["cw"])
    for page in ("922337203685477580", "99999999999999999999", "100001", "-5"):
        response = client.get(f"/cases/?page={page}")
        assert response.status_code == 200
    assert case.number in client.get("/cases/?page=1").get_data(as_text=True)


def test_audit_log_page_and_filters_beyond_bounds(client, login, people):
    login(people["omb"])
    for query in (
        "page=922337203685477580",
        "agency=9223372036854775808",
        "to=9999-12-31",
        "from=0001-01-01",
    ):
        assert client.get(f"/audit/?{query}").status_code == 200, query


@pytest.mark.parametrize(
    "value", ["9223372036854775808", "99999999999999999999999999999", "-9223372036854775809", "x'"]
)
def test_list_cursors_beyond_any_id_are_ignored_not_500(client, login, people, case, value):
    """The keyset cursors of the paginated lists (``?after=``, ``?before=`` and the incoming
    lists' ``?requests=``, ``?returns=``): a number no id column can hold is no cursor, and
    the list's first page is shown (a 500 before, from the database driver's overflow)."""
    sup = people["sup"]
    login(sup)
    for url in (
        f"/notifications?before={value}",
        f"/queue?after={value}",
        f"/cases/?page=2&after={value}",
        f"/cases/?page=2&before={value}",
        f"/exchange/incoming?requests={value}",
        f"/exchange/incoming?returns={value}",
        f"/due?visits=2026-01-01~{value}",
        f"/queue?bids=2026-01-01T00:00:00~{value}",
        f"/audit/cases/{case.id}?page={value}",
    ):
        status = client.get(url).status_code
        assert status in (200, 403), (url, status)  # the supervisor reads no audit timeline
    login(people["omb"])
    assert client.get(f"/audit/cases/{case.id}?page={value}").status_code == 200


@pytest.mark.parametrize("query", ["stage=%00", "name=a%00b", "page=1%00", "x%01=1"])
def test_control_characters_in_the_query_string_are_refused(client, login, people, query):
    login(people["cw"])
    response = client.get(f"/cases/?{query}")
    assert response.status_code == 400
    assert "characters that are not allowed" in response.get_data(as_text=True)


# -- whitespace in optional choice fields ----------------------------------------------------


def test_whitespace_stage_filter_is_not_a_500(client, login, people):
    login(people["cw"])
    response = client.get("/cases/?stage=+")
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)


@pytest.mark.parametrize("field", ["non_refoulement_risk", "violence_risk", "trafficking_risk"])
def test_whitespace_risk_on_the_bia_is_refused(client, login, people, case, field):
    lifecycle.to_assessment(case, people["cw"])
    login(people["cw"])
    before = audit_count()
    response = client.post(
        f"/cases/{case.id}/assessment/bia",
        data={"version": str(case.version), "views": "Heard.", field: " "},
    )
    assert response.status_code in (200, 400)
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(BestInterestsAssessment)) == 0
    assert audit_count() == before


# -- dates -----------------------------------------------------------------------------------


def test_decision_dated_9999_is_refused(client, login, people, case):
    lifecycle.approved_bid(case, people["cw"], people["sup"])
    login(people["cw"])
    before = audit_count()
    response = client.post(
        f"/cases/{case.id}/decision/record",
        data={
            "decision-version": str(case.version),
            "decision-outcome": "return",
            "decision-decided_on": "9999-12-30",
        },
    )
    assert response.status_code in (200, 400)
    assert "cannot be in the future" in response.get_data(as_text=True)
    db.session.refresh(case)
    assert case.stage is Stage.DETERMINATION
    assert audit_count() == before


def test_notice_in_the_future_is_refused(client, login, people, case):
    notice = lifecycle.to_decided(case, people["cw"], people["sup"])
    login(people["cw"])
    before = audit_count()
    response = client.post(
        f"/cases/{case.id}/decision/notices/{notice.id}/notify-child",
        data={
            "notify_child-version": str(notice.version),
            "notify_child-notified_on": (clock.today() + timedelta(days=3)).isoformat(),
            "notify_child-language": "Ukrainian",
        },
    )
    assert "cannot be in the future" in response.get_data(as_text=True)
    assert audit_count() == before


def test_placement_from_year_one_is_refused(client, login, people, case):
    lifecycle.to_assessment(case, people["cw"])
    login(people["cw"])
    response = client.post(
        f"/cases/{case.id}/assessment/placements",
        data={
            "placement-version": str(case.version),
            "placement-placement_type": "open_shelter",
            "placement-responsible_authority": "Migration service",
            "placement-started_on": "0001-01-01",
        },
    )
    assert "Enter a date after 1900-01-01" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 0


def test_date_rule_both_ways():
    today = date(2026, 11, 29)
    assert date_problem(date(1900, 1, 1), today=today) is None
    assert date_problem(date(1899, 12, 31), today=today)
    # Today is the instance's day (caseapp/core/clock.py): tomorrow is in the future.
    assert date_problem(today, today=today) is None
    assert date_problem(today + timedelta(days=1), today=today)
    assert date_problem(today + timedelta(days=400), may_be_future=True, today=today) is None
    assert date_problem(date(9999, 12, 30), may_be_future=True, today=today)


def test_travel_plan_may_be_ahead_but_not_in_year_9999(client, login, factory):
    ready = ready_case(factory)
    db.session.commit()
    login(ready.caseworker)
    form = {
        "version": single_version(ready.case, TravelPlan),
        "route": "Chisinau - Kyiv by train",
        "escort_name": "Escort",
        "escort_kind": "child_protection",
        "receiving_official": "Official",
        "receiving_is_child_protection": "y",
        "handover_place": "Office",
    }
    url = f"/cases/{ready.case.id}/return/travel"
    refused = client.post(url, data={**form, "travel_on": "9999-12-30"})
    assert "within the next five years" in refused.get_data(as_text=True)
    ok = client.post(
        url, data={**form, "travel_on": (clock.today() + timedelta(days=20)).isoformat()}
    )
    assert ok.status_code in (200, 302)
    assert "within the next five years" not in ok.get_data(as_text=True)


# -- monitoring schedule ---------------------------------------------------------------------


@pytest.mark.parametrize("schedule", ["1, 99999999999999999999", "0, 3", "1 2", "\t", "a"])
def test_monitoring_plan_schedule_out_of_bounds_is_refused(client, login, factory, schedule):
    ready = ready_case(factory)
    db.session.commit()
    login(ready.caseworker)
    plans = db.session.scalar(select(func.count()).select_from(MonitoringPlan))
    response = client.post(
        f"/cases/{ready.case.id}/return/monitoring-plan",
        data={
            "version": single_version(ready.case, MonitoringPlan),
            "monitor_name": "Independent NGO",
            "independent": "y",
            "schedule": schedule,
        },
    )
    assert response.status_code in (200, 400)
    assert db.session.scalar(select(func.count()).select_from(MonitoringPlan)) == plans


def test_monitoring_plan_operation_refuses_a_huge_month(factory):
    ready = ready_case(factory)
    with pytest.raises(ValidationFailed):
        crossborder.save_monitoring_plan(
            ready.caseworker,
            ready.case,
            monitor_name="NGO",
            independent=True,
            first_visit_on=None,
            schedule_months=[1, 10**20],
            expected_version=single_version(ready.case, MonitoringPlan),
        )


@pytest.mark.parametrize("schedule", ["1, 99999999999999999999", "   ", "121", "1,,\t3"])
def test_policy_schedule_out_of_bounds_is_refused(client, login, people, schedule):
    login(people["admin"])
    response = client.post(
        "/admin/policy",
        data={
            "appeal_period_days": 15,
            "hearing_max_age_days": 60,
            "monitoring_schedule": schedule,
            "bid_time_limit_days": 120,
        },
    )
    assert response.status_code in (200, 400)
    db.session.expire_all()
    assert current_policy().version == 1


def test_schedule_parser_both_ways():
    assert parse_schedule(" 12, 1,3 ,3") == [1, 3, 12]
    assert parse_schedule("   ") == []
    for bad in ("0", "121", "1 2", "99999999999999999999", "-1", "1.5"):
        with pytest.raises(ValueError, match="between 1 and 120"):
            parse_schedule(bad)


# -- control characters ----------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["Ivan\x00ov", "Ivan\x07", "Ivan\x1b[31m", "Iv\u2028an"])
def test_control_characters_in_a_name_are_refused(client, login, people, bad):
    login(people["cw"])
    before = audit_count()
    response = client.post(
        "/cases/new",
        data={"given_name": bad, "care_status": "unaccompanied", "identified_by": "police"},
    )
    assert "control characters" in response.get_data(as_text=True)
    assert audit_count() == before


def test_line_breaks_allowed_in_text_areas_only():
    assert text_problem("line one\nline two\ttab\r\n", multiline=True) is None
    assert text_problem("line one\nline two")
    assert text_problem("nul\x00", multiline=True)
    assert text_problem("Каримов Ivanov — ok") is None


def test_nul_in_a_text_area_is_refused_and_nothing_stored(client, login, people, case):
    lifecycle.to_assessment(case, people["cw"])
    login(people["cw"])
    before = audit_count()
    response = client.post(
        f"/cases/{case.id}/assessment/bia",
        data={"version": str(case.version), "views": "Heard\x00 the child."},
    )
    assert "control characters" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(BestInterestsAssessment)) == 0
    assert audit_count() == before
    ok = client.post(
        f"/cases/{case.id}/assessment/bia",
        data={"version": str(case.version), "views": "Heard\nthe child."},
    )
    assert "control characters" not in ok.get_data(as_text=True)  # line breaks are text


# -- found by the property test (tests/security/test_fuzz_forms.py) --------------------------


def test_an_assessed_family_member_cannot_be_removed(client, login, people, case, db):
    from caseapp.assessment import operations as assessment
    from caseapp.assessment.models import FamilyAssessmentOutcome
    from caseapp.children import operations as children
    from caseapp.children.models import FamilyMember, Relation

    lifecycle.to_assessment(case, people["cw"])
    member = children.add_family_member(
        people["cw"], case, expected_version=case.version, name="Mother", relation=Relation.MOTHER
    )
    db.session.commit()
    assessment.record_family_assessment(
        people["cw"],
        case,
        family_member=member,
        assessed_on=clock.today(),
        assessed_by="Social worker",
        outcome=FamilyAssessmentOutcome.SUITABLE,
        summary="Able to care.",
        expected_version=case.version,
    )
    db.session.commit()
    login(people["cw"])
    response = client.post(
        f"/cases/{case.id}/family/{member.id}/remove",
        data={"version": str(case.version)},
    )
    assert response.status_code in (302, 303)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "has been assessed" in page
    assert db.session.get(FamilyMember, member.id) is not None


@pytest.mark.parametrize("version", ["²", "١", "1" * 10, "-1", " 1"])
def test_a_version_that_is_not_plain_digits_is_refused(client, login, people, case, version):
    login(people["cw"])
    before = audit_count()
    response = client.post(
        f"/cases/{case.id}/names/new",
        data={"version": version, "given_name": "Ivan"},
    )
    assert response.status_code in (200, 400, 409)
    assert audit_count() == before


def test_proxy_fix_only_when_configured(make_app, factory):
    """Behind the proxy the client address comes from X-Forwarded-For; without, it cannot be
    forged by a client (the throttling counts the address)."""
    from caseapp.auth.models import LoginAttempt

    user = factory.user(Role.CASEWORKER)
    for hops, expected in ((0, "192.0.2.1"), (1, "203.0.113.9")):
        with make_app(PROXY_FIX_HOPS=hops) as other:
            other.test_client().post(
                "/login",
                data={"email": user.email, "password": "wrong password here"},
                environ_base={"REMOTE_ADDR": "192.0.2.1"},
                headers={"X-Forwarded-For": "203.0.113.9"},
            )
        ips = db.session.scalars(select(LoginAttempt.ip).order_by(LoginAttempt.id)).all()
        db.session.commit()
        assert ips[-1] == expected


def test_a_schedule_stored_before_the_bounds_refuses_the_execution_cleanly(factory):
    """Finding 1: a plan saved with 99999999999999999999 months made every later attempt to
    record the return a 500 (date overflow); now it is a refusal naming what to correct."""
    from caseapp.gate.operations import approve_return
    from caseapp.monitoring import operations as monitoring

    ready = ready_case(factory)
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    ready.r["monitoring"].schedule_months = [1, 99999999999999999999]
    db.session.commit()
    with pytest.raises(ValidationFailed, match="out of bounds"):
        monitoring.record_return_execution(
            ready.caseworker,
            ready.case,
            travelled_on=clock.today(),
            received_on=clock.today(),
            received_by="Odesa child protection",
            expected_version=ready.case.version,
        )


# -- An id chosen from an unchecked list (validate_choice=False) ------------------------------


@pytest.mark.parametrize("posted", ["9223372036854775808", "2147483648", "-2147483649"])
def test_an_agency_id_beyond_the_database_is_a_form_error(app, posted):
    """Found by the form fuzzer: a huge agency id on the travel plan reached
    ``db.session.get`` and raised OverflowError (a 500)."""
    from werkzeug.datastructures import MultiDict

    from caseapp.core.fields import CheckedForm
    from caseapp.crossborder.forms import AgencySelect

    class Form(CheckedForm):
        agency_id = AgencySelect("Agency")

    with app.test_request_context(method="POST"):
        form = Form(formdata=MultiDict({"agency_id": posted}), meta={"csrf": False})
        assert not form.validate()
        assert form.agency_id.errors
        ordinary = Form(formdata=MultiDict({"agency_id": "7"}), meta={"csrf": False})
        assert ordinary.validate(), ordinary.errors
        assert ordinary.agency_id.data == 7
