"""The instance's calendar (caseapp/core/clock.py): today and stored moments read in the
instance's zone, so that the dates a caseworker enters are checked against the day where the
authority works, not the day in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import format_datetime

from caseapp import create_app
from caseapp.cases.models import Outcome
from caseapp.core import clock
from caseapp.core.config import ConfigError
from caseapp.core.db import utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.core.validators import date_problem
from caseapp.crossborder.models import Withdrawal, WithdrawalKind
from caseapp.decision import operations as decision
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.operations import approve_return
from caseapp.gate.policy import current_policy
from caseapp.monitoring.operations import record_return_execution
from tests.support import lifecycle
from tests.support.gate_builder import ready_case


def zone_on_another_day() -> tuple[str, int]:
    """A zone whose date differs from UTC's at this moment, and by how many days: 14 hours
    ahead from 10:00 UTC on, 12 hours behind before (the test reads the real clock)."""
    return ("Etc/GMT-14", 1) if utcnow().hour >= 10 else ("Etc/GMT+12", -1)


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "   ", "../../etc/passwd", 5])
def test_an_unknown_zone_stops_the_start(app_config, name):
    with pytest.raises(ConfigError, match="TIMEZONE"):
        create_app({**app_config, "TIMEZONE": name})


@pytest.mark.parametrize(("setting", "warned"), [({}, True), ({"TIMEZONE": "UTC"}, False)])
def test_a_zone_left_unset_is_utc_with_a_warning(app_config, caplog, setting, warned):
    """An instance installed without its zone says so at start-up (the README: set it)."""
    app_config = {key: value for key, value in app_config.items() if key != "TIMEZONE"}
    app = create_app({**app_config, **setting})
    assert app.config["TIMEZONE"] == "UTC"
    assert ("TIMEZONE is not set" in caplog.text) is warned


def test_pages_show_times_in_the_instance_zone(make_app):
    with make_app(TIMEZONE="Asia/Bishkek") as other, other.test_request_context():
        assert other.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Bishkek"
        moment = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
        assert format_datetime(moment, "yyyy-MM-dd HH:mm") == "2026-12-02 02:00"
        assert clock.local_date(moment).isoformat() == "2026-12-02"
        assert clock.local_date(moment.replace(tzinfo=None)).isoformat() == "2026-12-02"


def test_today_is_the_day_in_the_instance_zone(app):
    utc_today = utcnow().date()
    assert clock.today() == utc_today  # the default zone is UTC
    name, days = zone_on_another_day()
    app.config["TIMEZONE"] = name
    assert clock.today() == utc_today + timedelta(days=days)


def test_a_date_is_in_the_future_by_the_instance_zone(app):
    """Both ways: the local today is accepted where it is UTC's tomorrow, and UTC's today is
    refused where it is the local tomorrow (one day of slack used to pass both)."""
    name, days = zone_on_another_day()
    app.config["TIMEZONE"] = name
    local_today = clock.today()
    assert local_today == utcnow().date() + timedelta(days=days)
    assert date_problem(local_today) is None
    assert date_problem(local_today + timedelta(days=1)) == "The date cannot be in the future."


def test_a_decision_is_dated_by_the_local_day_of_the_bid_approval(app, factory):
    """The BID is approved now; its local day is the earliest the decision may bear (002,
    Rec 2), whichever side of UTC's date it falls."""
    cw = factory.user(Role.CASEWORKER)
    sup = factory.user(Role.SUPERVISOR, agency=cw.agency)
    case = factory.case(caseworker=cw)
    bid = lifecycle.approved_bid(case, cw, sup)
    name, _days = zone_on_another_day()
    app.config["TIMEZONE"] = name
    approved_on = clock.local_date(bid.approved_at)
    assert approved_on != bid.approved_at.date()
    with pytest.raises(ValidationFailed, match="before the BID was approved"):
        decision.record_decision(
            cw,
            case,
            outcome=Outcome.RETURN,
            decided_on=approved_on - timedelta(days=1),
            expected_version=case.version,
        )
    db.session.rollback()
    notice = decision.record_decision(
        cw, case, outcome=Outcome.RETURN, decided_on=approved_on, expected_version=case.version
    )
    assert notice.decided_on == approved_on


@pytest.mark.parametrize(("held", "met"), [(-1, False), (0, True)])
def test_s5_counts_hearings_from_the_local_day_the_determination_opened(app, factory, held, met):
    """S5 (002, Rec 1): the hearing must be held since the determination opened. Opened at
    20:00 UTC is 02:00 the next day in Bishkek: a hearing on the UTC date is the day before."""
    ready = ready_case(factory)
    opened = datetime.combine(ready.today - timedelta(days=5), datetime.min.time(), UTC)
    ready.r["bid"].opened_at = opened + timedelta(hours=20)
    ready.r["hearing"].held_on = opened.date() + timedelta(days=1 + held)
    db.session.commit()
    policy = current_policy()
    assert evaluate_return_gate(ready.case, today=ready.today, policy=policy).all_met
    app.config["TIMEZONE"] = "Asia/Bishkek"
    result = evaluate_return_gate(ready.case, today=ready.today, policy=policy)
    assert result.get("S5").met is met
    assert result.unmet_ids == ([] if met else ["S5"])


@pytest.mark.parametrize(("objected", "met"), [(-1, True), (0, False)])
def test_s15_counts_objections_from_the_local_day_of_the_last_resort_approval(
    app, factory, objected, met
):
    """S15 (002, fn 12 (v); PICUM): an objection since the second supervisor approved a
    non-voluntary return stops it. Approved at 20:00 UTC is 02:00 the next day in Bishkek:
    an objection on the UTC date came the day before, and the approver had it."""
    ready = ready_case(factory)
    consent = ready.r["consent"]
    consent.child_consents = False
    consent.non_voluntary = True
    consent.last_resort_justification = "Family tracing shows care; no alternative."
    consent.last_resort_approved_by_id = ready.approver.id
    approved = datetime.combine(ready.today - timedelta(days=3), datetime.min.time(), UTC)
    consent.last_resort_approved_at = approved + timedelta(hours=20)
    db.session.add(
        Withdrawal(
            case_id=ready.case.id,
            kind=WithdrawalKind.OBJECTION,
            on_date=approved.date() + timedelta(days=1 + objected),
            made_by="The child",
            recorded_by_id=ready.caseworker.id,
        )
    )
    db.session.commit()
    policy = current_policy()
    assert evaluate_return_gate(ready.case, today=ready.today, policy=policy).unmet_ids == ["S15"]
    app.config["TIMEZONE"] = "Asia/Bishkek"
    result = evaluate_return_gate(ready.case, today=ready.today, policy=policy)
    assert result.unmet_ids == ([] if met else ["S15"])


@pytest.mark.parametrize(("travelled", "refused"), [(-1, True), (0, False)])
def test_a_return_travels_no_earlier_than_the_local_day_of_its_approval(
    app, factory, travelled, refused
):
    """The child cannot travel before the return was approved (the gate, DESIGN.md section 4).
    Approved at 20:00 UTC is 02:00 the next day in Bishkek: travel on the UTC date is the day
    before the approval there."""
    day = utcnow().date() - timedelta(days=3)
    ready = ready_case(factory, today=day)
    approved_at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=20)
    approve_return(
        ready.approver,
        ready.case,
        expected_version=ready.case.version,
        today=day,
        approved_at=approved_at,
    )
    db.session.commit()
    app.config["TIMEZONE"] = "Asia/Bishkek"
    on = day + timedelta(days=1 + travelled)

    def execute():
        return record_return_execution(
            ready.caseworker,
            ready.case,
            travelled_on=on,
            received_on=day + timedelta(days=1),
            received_by="Odesa child protection",
            expected_version=ready.case.version,
        )

    if refused:
        with pytest.raises(ValidationFailed, match="travelled before the return was approved"):
            execute()
    else:
        assert execute().travelled_on == on
