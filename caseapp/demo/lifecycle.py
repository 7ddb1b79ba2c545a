"""Driving the demo cases of ``caseapp.demo.lifecycle_data`` through the lifecycle with the
real operations (never by setting the stage), so every record, check and audit entry is the
one real use would leave. Dates are set back with the operations' optional date parameters.

The caseworker (``by``) authors every BIA and BID; the agency's supervisor (``sv``) approves
the BID and the return (four eyes: 002, Rec 2; UNHCR BIP).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from caseapp.assessment import operations as assessment
from caseapp.assessment.models import (
    FamilyAssessmentOutcome,
    PlacementType,
    RiskLevel,
    ServiceKind,
    Weight,
)
from caseapp.cases.models import Case, Outcome
from caseapp.children.models import FamilyMember
from caseapp.closure.operations import ClosureReason, close_case
from caseapp.core.db import utcnow
from caseapp.core.extensions import db
from caseapp.decision import operations as decision
from caseapp.demo.lifecycle_data import (
    COUNTERPARTS,
    DECISION_BEFORE_APPROVAL,
    SUSPENDED_COUNTRY,
    SUSPENSION_REASON,
)
from caseapp.determination import operations as determination
from caseapp.determination.models import PanelRole
from caseapp.gate.operations import add_suspension, approve_return
from caseapp.monitoring import operations as monitoring
from caseapp.monitoring.models import MonitoringVisit

# The panel's assessment of each solution (002, Rec 2: every option considered).
OPTIONS = {
    Outcome.RETURN: "Parent traced and assessed as able and willing to care; school place and "
    "support confirmed by the counterpart.",
    Outcome.LOCAL_INTEGRATION: "No family here; foster placement is temporary. Considered, but "
    "it would keep the child apart from a caring parent.",
    Outcome.TOLERATED_STAY: "Possible while tracing continues; no durable solution on its own.",
    Outcome.THIRD_COUNTRY: "No relatives or links in a third country.",
}
STAY_OPTIONS = {
    **OPTIONS,
    Outcome.RETURN: "Return is not safe: armed conflict and a high risk of serious harm "
    "(002, Rec 1; fn 12).",
    Outcome.LOCAL_INTEGRATION: "School place, foster family and psychosocial support in place; "
    "the child wishes to stay.",
}


def add_demo_suspension(admin, *, today: date):
    """Suspend returns to ``SUSPENDED_COUNTRY`` (S18), as an administrator would."""
    return add_suspension(
        admin,
        country=SUSPENDED_COUNTRY,
        reason=SUSPENSION_REASON,
        suspended_from=today - timedelta(days=15),
    )


def require_parties(admin):
    """Policy version 2: S11 and S17 need the party's own confirmation (issue 10, item 4).
    Version 1 (the default, accepting the caseworker's record too) stays in the history, so
    the demo shows both; the two cases prepared with the caseworker's record alone are then
    blocked, every other one was confirmed by the Central Authority and the monitor."""
    from caseapp.gate.operations import change_policy
    from caseapp.gate.policy import current_policy

    old = current_policy()
    return change_policy(
        admin,
        appeal_period_days=old.appeal_period_days,
        hearing_max_age_days=old.hearing_max_age_days,
        monitoring_schedule_months=old.monitoring_schedule_months,
        bid_time_limit_days=old.bid_time_limit_days,
        central_approval_by_party=True,
        monitoring_by_party=True,
    )


def at(day: date) -> datetime:
    """Mid-morning UTC on ``day`` (never later than now)."""
    return min(datetime.combine(day, time(9, 30), tzinfo=UTC), utcnow())


class Story:
    """One demo case and its people; ``run`` takes it as far as its scenario says."""

    def __init__(self, case: Case, spec: dict, users: dict, agencies: dict, *, today: date):
        self.case, self.spec, self.agencies, self.today = case, spec, agencies, today
        self.cw, self.sv = users[spec["by"]], users[spec["sv"]]
        self.users = users
        self.outcome = Outcome(spec.get("outcome", "return"))
        country = spec.get("destination") or case.child.country_of_origin
        self.country = country
        self.counterpart, self.consulate, self.language = COUNTERPARTS.get(
            country or "", ("Child protection authority (demo)", "Consulate (demo)", "Russian")
        )
        self.counterpart_agency = agencies.get(f"{country}-CP")
        # A: the day the return was (or would be) approved; D: the day of the decision.
        self.approval_day = today - timedelta(days=spec.get("days_ago", 0))
        decided_ago = spec.get("decided_days_ago")
        if decided_ago is None:
            self.decision_day = self.approval_day - timedelta(days=DECISION_BEFORE_APPROVAL)
            if spec["scenario"] in ("assessment", "bid_draft", "bid_submitted"):
                self.decision_day = today
        else:
            self.decision_day = today - timedelta(days=decided_ago)

    def participant(self, key: str):
        """The demo participant ``key`` when assigned to this case (issue 10), else None."""
        user = self.users.get(key)
        if user is None or self.case.assignment_of(user) is None:
            return None
        return user

    def assign(self, key: str, **basis) -> None:
        """The supervisor assigns the demo participant ``key`` to this case."""
        from caseapp.participants.operations import assign_participant

        assign_participant(self.sv, self.case, self.users[key], **basis)

    def d(self, days: int) -> date:
        """The decision day plus ``days`` (negative: before it)."""
        return self.decision_day + timedelta(days=days)

    def a(self, days: int) -> date:
        """The approval day plus ``days``."""
        return self.approval_day + timedelta(days=days)

    @property
    def v(self) -> int:
        """The case's current version (after a flush)."""
        db.session.flush()
        return self.case.version

    # -- the scenarios ---------------------------------------------------------------------

    def run(self) -> Case:
        """Drive the case to its scenario's stage."""
        scenario = self.spec["scenario"]
        self.assess(complete=scenario != "assessment")
        if scenario == "assessment":
            return self.case
        bid = self.determine(submit=scenario != "bid_draft")
        if scenario in ("bid_draft", "bid_submitted"):
            return self.case
        determination.approve_bid(
            self.sv, bid, expected_version=bid.version, approved_at=at(self.d(-3))
        )
        self.decide()
        if scenario == "decided":
            return self.case
        decision.proceed_after_decision(self.cw, self.case, expected_version=self.v)
        if scenario == "implementation":
            self.plan_solution()
            return self.case
        self.prepare(blocks=self.spec.get("blocks"))
        if scenario in ("ready", "blocked"):
            return self.case
        approve_return(
            self.sv,
            self.case,
            expected_version=self.v,
            today=self.approval_day,
            approved_at=at(self.approval_day),
        )
        if scenario == "approved":
            return self.case
        if scenario == "withdrawn":
            self.late_appeal()
            return self.case
        self.travel()
        if scenario == "returned":
            return self.case
        monitoring.start_monitoring(self.cw, self.case, expected_version=self.v)
        self.visits(all_done=scenario == "closed")
        if scenario == "closed":
            close_case(
                self.cw,
                self.case,
                reason=ClosureReason.MONITORING_COMPLETED,
                note="All visits done; the child is settled at home.",
                expected_version=self.v,
                today=self.today,
            )
        return self.case

    # -- the stages ------------------------------------------------------------------------

    def assess(self, *, complete: bool) -> None:
        """registered -> assessment: guardian, lawyer, placement, family, hearing-ready BIA."""
        cw, case = self.cw, self.case
        from caseapp.cases.operations import register_case

        register_case(cw, case, expected_version=self.v)
        assessment.start_assessment(cw, case, expected_version=self.v)
        assessment.appoint_guardian(
            cw,
            case,
            guardian_name="Elena Munteanu (demo guardian)",
            appointing_authority="Guardianship authority of the district (demo)",
            appointed_on=self.d(-38),
            declared_independent=True,
            independence_statement="Not employed by the migration or border authorities.",
            # S3's demo: a guardian from the lead agency's own staff, ticked "independent"
            # (the gate derives it and says no: issue 9, principle 1).
            organisation_id=case.lead_agency_id
            if self.spec.get("blocks") == "S3"
            else self.agencies["MD-GUARD"].id,
            expected_version=self.v,
        )
        assessment.assign_legal_representative(
            cw,
            case,
            name="Victor Lungu (demo lawyer)",
            organisation="State-guaranteed legal aid (demo)",
            assigned_on=self.d(-36),
            expected_version=self.v,
        )
        self.placement = assessment.record_placement(
            cw,
            case,
            placement_type=PlacementType.FOSTER_FAMILY,
            responsible_authority="Child protection directorate (demo)",
            started_on=self.d(-37),
            child_can_leave_at_will=True,
            separated_from_family=False,
            expected_version=self.v,
        )
        self.services = [
            assessment.record_service(
                cw,
                case,
                kind=kind,
                provider=provider,
                started_on=self.d(-35),
                expected_version=self.v,
            )  # 002, fn 12 (vi): education and medical care while return is pending
            for kind, provider in (
                (ServiceKind.SCHOOL, "Local public school (demo)"),
                (ServiceKind.HEALTHCARE, "Family doctor's practice (demo)"),
            )
        ]
        if not complete:
            assessment.save_bia(
                cw,
                case,
                expected_version=assessment.bia_version(case),
                views="Heard once; wants to speak to the mother before deciding.",
                family_environment="Mother being traced through the counterpart.",
            )
            return
        member = db.session.scalars(
            db.select(FamilyMember).where(FamilyMember.case_id == case.id)
        ).first()
        return_wanted = self.outcome is Outcome.RETURN
        if member is not None and return_wanted:
            assessment.record_family_assessment(
                cw,
                case,
                family_member=member,
                assessed_on=self.d(-20),
                assessed_by=self.counterpart,
                outcome=FamilyAssessmentOutcome.SUITABLE,
                summary="Able and willing to care; stable home and income; in regular contact.",
                expected_version=self.v,
            )
        assessment.save_bia(
            cw,
            case,
            expected_version=assessment.bia_version(case),
            views="Heard with an interpreter; see the hearing record.",
            identity="Nationality confirmed by the consulate; speaks the home language.",
            family_environment="Family traced and assessed; see the family assessment."
            if return_wanted
            else "No family able to care has been found.",
            care_and_safety="Safe foster placement now; care at home assessed as adequate.",
            vulnerability="No trafficking indicators; no disability.",
            health="Healthy; vaccinations up to date.",
            education="Attends school here; school place confirmed at home.",
            return_country=self.country,
            non_refoulement_risk=RiskLevel.LOW if return_wanted else RiskLevel.HIGH,
            armed_conflict=not return_wanted,
            violence_risk=RiskLevel.LOW if return_wanted else RiskLevel.HIGH,
            trafficking_risk=RiskLevel.LOW,
            family_capacity="Parent able and willing to care."
            if return_wanted
            else "No family able to care.",
            human_rights_impact="No serious risk identified for this child."
            if return_wanted
            else "Armed conflict; serious risk of harm on return.",
            return_safe=return_wanted,
        )
        assessment.complete_bia(cw, case, expected_version=self.v, completed_at=at(self.d(-10)))

    def determine(self, *, submit: bool):
        """assessment -> determination; hearing; the panel's BID (submitted if asked)."""
        cw, case = self.cw, self.case
        determination.open_determination(
            cw, case, expected_version=self.v, opened_at=at(self.d(-9))
        )
        wants = {
            Outcome.RETURN: "Wants to go home if the family is ready.",
            Outcome.LOCAL_INTEGRATION: "Likes school here.",
        }
        assessment.record_hearing(
            cw,
            case,
            held_on=self.d(-8),
            language=self.language,
            child_understands_language=True,
            interpreter="Court-certified interpreter (demo)",
            interpreter_agency_id=self.agencies["MD-INT"].id,
            child_friendly_information_given=True,
            seen_alone=True,
            options_discussed=True,
            views_by_option={k.value: v for k, v in wants.items()},
            views_summary=wants.get(self.outcome, "Wants to stay until the family is found."),
            weight=Weight.SIGNIFICANT,
            weight_reasons="Mature for the age; views clear and consistent over two meetings.",
            expected_version=self.v,
        )
        bid = determination.current_bid(case)
        assert bid is not None  # just opened above
        determination.add_panel_member(
            cw,
            bid,
            name="Head of the child-protection directorate (demo)",
            role=PanelRole.CHAIR,
            organisation="Child protection",
            child_protection=True,
            expected_version=bid.version,
        )
        options = OPTIONS if self.outcome is Outcome.RETURN else STAY_OPTIONS
        if not submit:  # a draft: two options assessed so far
            for option in (Outcome.RETURN, Outcome.LOCAL_INTEGRATION):
                determination.set_option(
                    cw, bid, option=option, assessment=options[option], expected_version=bid.version
                )
            return bid
        determination.add_panel_member(
            cw,
            bid,
            name="Elena Munteanu (demo guardian)",
            role=PanelRole.GUARDIAN,
            organisation=None,
            child_protection=False,
            expected_version=bid.version,
        )
        for option, text in options.items():
            determination.set_option(
                cw, bid, option=option, assessment=text, expected_version=bid.version
            )
        determination.update_bid(
            cw,
            bid,
            recommended=self.outcome,
            reasons="Weighing the child's views, safety and family ties, this solution is in "
            "the child's best interests.",
            expected_version=bid.version,
        )
        determination.submit_bid(cw, bid, expected_version=bid.version, submitted_at=at(self.d(-4)))
        return bid

    def decide(self) -> None:
        """determination -> decided; notified to the child and the guardian two days later."""
        cw, case = self.cw, self.case
        notice = decision.record_decision(
            cw, case, outcome=self.outcome, decided_on=self.d(0), expected_version=self.v
        )
        decision.notify_child(
            cw,
            notice,
            notified_on=self.d(2),
            language=self.language,
            child_understands_language=True,
            expected_version=notice.version,  # the notice's own lock (issue 12 item 2)
        )
        decision.notify_guardian(cw, notice, notified_on=self.d(2), expected_version=notice.version)

    def plan_solution(self) -> None:
        """The plan of the solution (dates in days from today) and, when the spec says so,
        the solution recorded as implemented (only possible with the checklist met)."""
        from caseapp.information.models import Means, Step
        from caseapp.information.operations import record_information
        from caseapp.solutions.models import ResidenceKind
        from caseapp.solutions.operations import record_implemented, save_plan

        spec = self.spec.get("plan")
        if not spec:
            return
        values: dict = {
            k: self.today + timedelta(days=v) if k.endswith("_on") else v for k, v in spec.items()
        }
        values["residence_kind"] = ResidenceKind(spec["residence_kind"])
        save_plan(self.cw, self.case, expected_version=self.v, **values)
        record_information(
            self.cw,
            self.case,
            step=Step.SOLUTION,
            given_on=self.today - timedelta(days=8),
            what="What the residence permit means, the school and the foster family, and whom "
            "to call if something goes wrong.",
            language=self.case.child.languages[0] if self.case.child.languages else "Russian",
            means=Means.ORALLY,
            given_by="Caseworker, with the interpreter (demo)",
            interpreter=True,
            understood=True,
            expected_version=self.v,
        )
        days = self.spec.get("implemented_days_ago")
        if days is not None:
            record_implemented(
                self.cw,
                self.case,
                implemented_on=self.today - timedelta(days=days),
                expected_version=self.v,
            )

    def prepare(self, *, blocks: str | None) -> None:
        """Return preparation: every record S6-S17 look at (less the one ``blocks`` names)."""
        from caseapp.demo.lifecycle_prep import prepare_return

        prepare_return(self, blocks=blocks)

    def travel(self) -> None:
        """return_approved -> returned, on the planned travel day; the placement and the
        services here end that day."""
        for service in self.services:
            assessment.end_service(self.cw, service, ended_on=self.a(10), expected_version=self.v)
        assessment.end_placement(
            self.cw, self.placement, ended_on=self.a(10), expected_version=self.v
        )
        monitoring.record_return_execution(
            self.cw,
            self.case,
            travelled_on=self.a(10),
            received_on=self.a(10),
            received_by=f"Duty officer, {self.counterpart}",
            notes="Handed over at the counterpart's office with the guardian present.",
            expected_version=self.v,
        )

    def late_appeal(self) -> None:
        """After the approval, the guardian appeals: the gate's hold withdraws the approval in
        the same transaction and the case goes back to return preparation (002, Rec 1;
        issue 9, principle 6)."""
        decision.lodge_appeal(
            self.cw,
            self.case,
            lodged_on=self.a(1),
            lodged_by="The child's guardian",
            body="District court (demo)",
            grounds="The child asks to be heard by the court before the return.",
            expected_version=self.v,
        )

    def visits(self, *, all_done: bool) -> None:
        """Report the visits due so far: the first only (the next then overdue), or all."""
        visits = db.session.scalars(
            db.select(MonitoringVisit)
            .where(MonitoringVisit.case_id == self.case.id)
            .order_by(MonitoringVisit.due_on)
        ).all()
        # The independent monitor reports for themselves when assigned (issue 10).
        monitor = self.participant("monitor_md")
        for visit in visits if all_done else visits[:1]:
            monitoring.record_visit_report(
                monitor or self.cw,
                visit,
                expected_version=visit.version,
                visited_on=visit.due_on + timedelta(days=2),
                visited_by=f"Independent monitor for {self.counterpart}",
                wellbeing="Settled; healthy; talks about friends and plans.",
                family="Lives with the family; relations good.",
                school="Attends school regularly.",
            )
