"""Safeguards page, approve button, admin policy and suspension pages, the cases CLI."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from caseapp.cases.models import Case, Stage
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.gate.models import PolicySettings, ReturnSuspension
from caseapp.gate.operations import approve_return
from caseapp.gate.policy import current_policy
from tests.support.audit_entries import entries
from tests.support.gate_builder import ready_case


def post_then_get(client, url, data):
    """POST, then load the page redirected to (the flash is shown there)."""
    r = client.post(url, data=data)
    assert r.status_code == 302, r.status_code
    return client.get(r.headers["Location"])


def test_safeguards_page_lists_all_with_sources(factory, client, login):
    ready = ready_case(factory, breaks=("S14",))
    login(ready.caseworker)
    html = client.get(f"/cases/{ready.case.id}/safeguards").get_data(as_text=True)
    for i in range(1, 20):
        assert f'id="safeguard-S{i}"' in html
    assert "fn 12 (v)" in html
    assert f"/cases/{ready.case.id}/return/travel" in html  # where to record S14
    assert "Approve the return" not in html  # caseworkers get no button


def test_supervisor_sees_disabled_button_with_explanation(factory, client, login):
    ready = ready_case(factory, breaks=("S7",))
    login(ready.approver)
    html = client.get(f"/cases/{ready.case.id}/safeguards").get_data(as_text=True)
    assert "disabled" in html and "S7" in html


def test_bid_author_sees_four_eyes_explanation(factory, client, login):
    ready = ready_case(factory)
    ready.r["bid"].author_id = ready.approver.id
    db.session.commit()
    login(ready.approver)
    html = client.get(f"/cases/{ready.case.id}/safeguards").get_data(as_text=True)
    assert "disabled" in html and "four eyes" in html


@pytest.mark.parametrize(
    ("who", "status"), [("ombudsperson", 200), ("admin", 404), ("other_agency", 404)]
)
def test_safeguards_page_scope(factory, client, login, who, status):
    ready = ready_case(factory)
    user = {
        "ombudsperson": lambda: factory.user(Role.OMBUDSPERSON),
        "admin": lambda: factory.user(Role.ADMIN),
        "other_agency": lambda: factory.user(Role.CASEWORKER),
    }[who]()
    login(user)
    assert client.get(f"/cases/{ready.case.id}/safeguards").status_code == status


def test_approve_through_the_page(factory, client, login):
    ready = ready_case(factory)
    login(ready.approver)
    r = post_then_get(
        client,
        f"/cases/{ready.case.id}/return/approve",
        {"version": ready.case.version, "confirmed": "1"},
    )
    assert "The return is approved." in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, ready.case.id).stage is Stage.RETURN_APPROVED


def test_refusal_through_the_page_is_audited(factory, client, login):
    ready = ready_case(factory, breaks=("S11",))
    login(ready.approver)
    r = post_then_get(
        client,
        f"/cases/{ready.case.id}/return/approve",
        {"version": ready.case.version, "confirmed": "1"},
    )
    assert "S11" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, ready.case.id).stage is Stage.RETURN_PREPARATION
    assert len(entries("gate:refuse", ready.case.id)) == 1


def test_second_supervisor_gets_a_clear_message(factory, client, login):
    ready = ready_case(factory)
    version = ready.case.version
    approve_return(ready.supervisor, ready.case, expected_version=version)
    db.session.commit()
    login(ready.approver)
    r = post_then_get(
        client, f"/cases/{ready.case.id}/return/approve", {"version": version, "confirmed": "1"}
    )
    assert "Someone else changed this case" in r.get_data(as_text=True)


def test_caseworker_cannot_post_approval(factory, client, login):
    ready = ready_case(factory)
    login(ready.caseworker)
    r = client.post(
        f"/cases/{ready.case.id}/return/approve",
        data={"version": ready.case.version, "confirmed": "1"},
    )
    assert r.status_code == 403


@pytest.mark.parametrize("path", ["/admin/policy", "/admin/suspensions"])
@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.ADMIN, 200), (Role.CASEWORKER, 403), (Role.SUPERVISOR, 403), (Role.OMBUDSPERSON, 403)],
)
def test_admin_pages_are_admin_only(factory, client, login, path, role, status):
    login(factory.user(role))
    assert client.get(path).status_code == status


def test_policy_page_shows_the_schedule_as_typed(factory, client, login):
    """The months in force fill the field as "1, 3, 6" (a list in the form, text on the page)."""
    login(factory.user(Role.ADMIN))
    months = current_policy().monitoring_schedule_months
    assert len(months) > 1
    html = client.get("/admin/policy").get_data(as_text=True)
    assert f'value="{", ".join(map(str, months))}"' in html


def test_policy_change_inserts_a_version(factory, client, login):
    admin = factory.user(Role.ADMIN)
    login(admin)
    r = post_then_get(
        client,
        "/admin/policy",
        {
            "appeal_period_days": 15,
            "hearing_max_age_days": 60,
            "monitoring_schedule": "1, 6, 12",
            "bid_time_limit_days": 120,
            **VALIDITY,
        },
    )
    assert r.status_code == 200
    db.session.expire_all()
    policy = current_policy()
    assert policy.version == 2
    assert policy.monitoring_schedule_months == [1, 6, 12]
    assert db.session.get(PolicySettings, 1).hearing_max_age_days == 90  # kept
    [entry] = entries("policy:settings:change")
    assert entry.diff["hearing_max_age_days"] == [90, 60]


VALIDITY = {
    "central_approval_valid_days": 180,
    "confirmation_valid_days": 90,
    "guarantee_valid_days": 365,
    "first_visit_within_days": 45,
}


def test_policy_minimums_through_the_page(factory, client, login):
    """An appeal period of 0 days is refused with a message; nothing changes (4.1, item 5)."""
    login(factory.user(Role.ADMIN))
    r = client.post(
        "/admin/policy",
        data={
            "appeal_period_days": 0,
            "hearing_max_age_days": 60,
            "monitoring_schedule": "1",
            "bid_time_limit_days": 120,
            **VALIDITY,
        },
    )
    assert r.status_code in (200, 400)
    assert "Number must be between 7 and 3650" in r.get_data(as_text=True)
    db.session.expire_all()
    assert current_policy().version == 1


def test_suspension_add_and_lift(factory, client, login):
    login(factory.user(Role.ADMIN))
    client.post(
        "/admin/suspensions",
        data={"country": "UA", "reason": "Pandemic", "suspended_from": "2026-01-01"},
    )
    suspension = db.session.scalar(select(ReturnSuspension))
    assert suspension.country == "UA"
    client.post(
        f"/admin/suspensions/{suspension.id}/lift",
        data={"lifted_on": "2026-02-01", "confirmed": "1"},
    )
    db.session.expire_all()
    assert db.session.get(ReturnSuspension, suspension.id).lifted_on == date(2026, 2, 1)
    assert len(entries("suspension:add")) == 1
    assert len(entries("suspension:lift")) == 1


def test_cli_list(factory, runner):
    ready = ready_case(factory)
    other = factory.case()
    r = runner.invoke(args=["cases", "list"])
    assert r.exit_code == 0
    assert f"{ready.case.number}\treturn_preparation" in r.output
    r = runner.invoke(args=["cases", "list", "--stage", "identified", "--json"])
    assert json.loads(r.output) == [{"number": other.number, "stage": "identified"}]


def test_cli_gate_exit_codes(factory, runner):
    ready = ready_case(factory)
    r = runner.invoke(args=["cases", "gate", ready.case.number])
    assert r.exit_code == 0, r.output
    assert "S18\tmet" in r.output
    broken = ready_case(factory, breaks=("S12",))
    r = runner.invoke(args=["cases", "gate", broken.case.number, "--json"])
    assert r.exit_code == 1
    data = json.loads(r.output)
    assert [s["id"] for s in data["safeguards"] if not s["met"]] == ["S12"]
    assert {"id", "met", "reason", "source"} <= set(data["safeguards"][0])
    assert runner.invoke(args=["cases", "gate", "XX-0000-000000"]).exit_code == 2


def test_cli_approve_refusal_is_audited(factory, runner):
    ready = ready_case(factory, breaks=("S2",))
    r = runner.invoke(
        args=[
            "cases",
            "approve",
            ready.case.number,
            "--actor",
            ready.approver.email,
            "--version",
            str(ready.case.version),
        ]
    )
    assert r.exit_code == 1
    assert len(entries("gate:refuse", ready.case.id)) == 1
    ok = ready_case(factory)
    r = runner.invoke(
        args=[
            "cases",
            "approve",
            ok.case.number,
            "--actor",
            ok.approver.email,
            "--version",
            str(ok.case.version),
        ]
    )
    assert r.exit_code == 0, r.output
    db.session.expire_all()
    assert db.session.get(Case, ok.case.id).stage is Stage.RETURN_APPROVED
