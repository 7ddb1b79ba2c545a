"""The scenario builder: one case driven through its lifecycle by the real operations.

    from caseapp.demo.scenario import Register, Scenario
    story = Scenario(case, caseworker=cw, supervisor=sv, register=Register(...), today=today)
    story.run("ready")            # registration ... return preparation, every safeguard met
    story.r["guarantee"]          # the records made on the way, by name

Used by the demo (``caseapp.demo.loader``, ``flask demo``) and by the tests
(``tests/support/lifecycle.py``, ``tests/support/gate_builder.py``): there is no other way to
build a case at a later stage. Every step calls the operation a user's request would
(``caseapp/<area>/operations.py``) as ``caseworker`` (the author of the BIA and the BID),
``supervisor`` (approves the BID and the return: four eyes, 002 Rec 2; UNHCR BIP) or a
participant of the case (issue 10); none sets ``case.stage`` or writes a row itself. Nothing
here commits: the caller owns the transaction. Dates are set back with the operations'
optional date parameters, from ``decision_day`` (``d(n)``) and ``approval_day`` (``a(n)``).

Each record's values are the demo's unless ``texts[<record>]`` (or the step's keyword
arguments) say otherwise, e.g. ``texts={"central": {"reference": "CA-42"}}``.

``blocks`` leaves exactly one safeguard unmet, the way it happens in practice: S3 a guardian
from the lead agency's own staff; S7 no written guarantee yet; S11 the Central Authority's
paper approval only (policy version 2 wants its own); S14 a law-enforcement escort (002,
fn 12 (v)); S15 the child has not consented; S16 an appeal pending (002, Rec 1); S17 the
monitor has not accepted the plan. (S18 and S19 come from outside the case: a suspension,
a sibling's case.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from caseapp.agencies.models import Agency
from caseapp.assessment import operations as assessment
from caseapp.assessment.models import (
    FamilyAssessmentOutcome,
    GuardianAppointment,
    LegalRepresentative,
    PlacementType,
    RiskLevel,
    ServiceKind,
    Weight,
)
from caseapp.auth.models import User
from caseapp.cases.models import Case, Outcome, Stage
from caseapp.children.models import FamilyMember
from caseapp.core import clock
from caseapp.core.db import utcnow
from caseapp.core.extensions import db
from caseapp.crossborder import operations as prep
from caseapp.crossborder.models import (
    Consent,
    Coordination,
    EscortKind,
    GuarantorKind,
    LegalBasis,
    MessageDirection,
    MessageKind,
    MonitoringPlan,
    ReceivingKind,
    ReintegrationPlan,
    TravelPlan,
)
from caseapp.decision import operations as decision
from caseapp.determination import operations as determination
from caseapp.determination.models import BestInterestsDetermination, PanelRole

# How far ``run`` takes a case, in lifecycle order (``caseapp.demo.lifecycle_data``).
TARGETS = (
    "registered",
    "assessment",  # guardian, lawyer, placement; the BIA a draft
    "bid_draft",
    "bid_submitted",
    "decided",
    "implementation",  # a decision other than return, proceeded (the solution planned)
    "return_preparation",  # proceeded, nothing prepared yet
    "ready",  # return preparation, S1-S19 met
    "blocked",  # return preparation, exactly ``blocks`` unmet
    "approved",
    "withdrawn",  # approved, then an appeal: the gate's hold withdraws the approval
    "returned",
    "monitoring",
    "closed",
)

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

# A minimal valid PDF: the "signed document" (the gate wants it attached: S7, S11, S12).
SIGNED_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def at(day: date) -> datetime:
    """Mid-morning UTC on ``day`` (never later than now)."""
    return min(datetime.combine(day, time(9, 30), tzinfo=UTC), utcnow())


def attach(actor: User, case: Case, obj: Any, name: str) -> Any:
    """Attach a signed document to the record ``obj`` through the upload's operation."""
    from caseapp.documents.operations import store_document
    from caseapp.documents.views import max_bytes, upload_folder

    if obj.id is None:
        db.session.flush()
    return store_document(
        actor,
        case,
        filename=name,
        data=SIGNED_PDF,
        folder=upload_folder(),
        max_bytes=max_bytes(),
        record_type=obj.__tablename__,
        record_id=obj.id,
    )


@dataclass
class Register:
    """The register entries the records point to (DESIGN.md section 4.1, item 1)."""

    guardian_org: Agency | None = None  # the guardian's organisation (S3)
    interpreter: Agency | None = None  # the hearing's interpreter (S5)
    central_authority: Agency | None = None  # S11
    counterpart: Agency | None = None  # the child-protection counterpart abroad (S12, S13)
    escort: Agency | None = None  # default: the lead agency (S14)
    monitor: Agency | None = None  # the independent monitor (S17)
    law_enforcement: Agency | None = None  # the escort of a blocked S14


@dataclass
class Scenario:
    """One case and its people; ``run(target)`` takes it as far as ``target`` (``TARGETS``);
    the steps may also be called one by one. ``r`` holds the records made, by name."""

    case: Case
    caseworker: User
    supervisor: User | None = None
    register: Register = field(default_factory=Register)
    today: date = field(default_factory=lambda: clock.today())
    approval_day: date | None = None  # default: today
    decision_day: date | None = None  # default: DECISION_BEFORE_APPROVAL days before approval
    outcome: Outcome = Outcome.RETURN
    destination: str | None = None  # default: the child's country of origin
    counterpart: str = "Child protection authority (demo)"
    consulate: str = "Consulate (demo)"
    language: str = "Russian"
    blocks: str | None = None
    handover_to_parent: bool = False
    care: bool = True  # a placement and services while the return is pending
    request_home_study: bool = True  # the message asking the counterpart (S6)
    # The case's participants by part (issue 10): "central_authority", "guardian", "lawyer",
    # "monitor"; each acts for themselves once assigned.
    participants: dict[str, User] = field(default_factory=dict)
    solution_plan: dict | None = None  # ``caseapp.solutions`` plan (days from today)
    implemented_days_ago: int | None = None
    texts: dict[str, dict[str, Any]] = field(default_factory=dict)
    r: dict[str, Any] = field(default_factory=dict)
    target: str = "ready"

    def __post_init__(self) -> None:
        from caseapp.demo.lifecycle_data import DECISION_BEFORE_APPROVAL

        self.approval_day = self.approval_day or self.today
        if self.decision_day is None:
            self.decision_day = self.approval_day - timedelta(days=DECISION_BEFORE_APPROVAL)
        self.destination = self.destination or self.case.child.country_of_origin

    # -- helpers ---------------------------------------------------------------------------

    @property
    def cw(self) -> User:
        return self.caseworker

    @property
    def sv(self) -> User:
        if self.supervisor is None:
            raise ValueError("this step needs the supervisor (four eyes)")
        return self.supervisor

    @property
    def v(self) -> int:
        """The case's current version (after a flush)."""
        db.session.flush()
        return self.case.version

    def d(self, days: int) -> date:
        """The decision day plus ``days`` (negative: before it)."""
        assert self.decision_day is not None
        return self.decision_day + timedelta(days=days)

    def a(self, days: int) -> date:
        """The approval day plus ``days``."""
        assert self.approval_day is not None
        return self.approval_day + timedelta(days=days)

    def values(self, key: str, defaults: dict[str, Any], given: dict[str, Any]) -> dict:
        """The demo's ``defaults``, then ``texts[key]``, then the step's arguments; with
        ``texts[key]["as_given"]`` (or ``as_given=True``) no default at all."""
        texts = dict(self.texts.get(key, {}))
        given = dict(given)
        if texts.pop("as_given", False) | given.pop("as_given", False):
            defaults = {}
        return {**defaults, **texts, **given}

    def _agency_id(self, agency: Agency | None) -> int | None:
        return agency.id if agency is not None else None

    def participant(self, part: str) -> User | None:
        """The participant for ``part`` when assigned to this case (issue 10), else None."""
        user = self.participants.get(part)
        if user is None or self.case.assignment_of(user) is None:
            return None
        return user

    def assign(self, part: str, **basis: Any) -> None:
        """The supervisor assigns the participant for ``part`` to this case."""
        from caseapp.participants.operations import assign_participant

        assign_participant(self.sv, self.case, self.participants[part], **basis)

    def bid(self) -> BestInterestsDetermination:
        bid = determination.current_bid(self.case)
        if bid is None:
            raise ValueError(f"{self.case.number}: no determination opened")
        return bid

    # -- the whole story -------------------------------------------------------------------

    def run(self, target: str = "ready") -> Case:
        """Drive the case from where it is (identified or registered) to ``target``."""
        if target not in TARGETS:
            raise ValueError(f"unknown target {target!r}")
        self.target = target
        self.register_case()
        if target == "registered":
            return self.case
        self.assess(complete=target != "assessment")
        if target == "assessment":
            return self.case
        self.determine(submit=target != "bid_draft")
        if target in ("bid_draft", "bid_submitted"):
            return self.case
        self.approve_bid()
        self.decide()
        self.notify()
        if target == "decided":
            return self.case
        self.proceed()
        if target == "implementation":
            self.plan_solution()
            return self.case
        if target == "return_preparation":
            return self.case
        self.prepare()
        if target in ("ready", "blocked"):
            return self.case
        self.approve_return()
        if target == "approved":
            return self.case
        if target == "withdrawn":
            self.late_appeal()
            return self.case
        self.travel()
        if target == "returned":
            return self.case
        self.start_monitoring()
        self.visits(all_done=target == "closed")
        if target == "closed":
            self.close()
        return self.case

    # -- registration and assessment -------------------------------------------------------

    def register_case(self) -> None:
        """identified -> registered (skipped when already registered or later)."""
        from caseapp.cases.operations import register_case

        if self.case.stage is Stage.IDENTIFIED:
            register_case(self.cw, self.case, expected_version=self.v)

    def start_assessment(self) -> None:
        """registered -> assessment (skipped when already there or later)."""
        self.register_case()
        if self.case.stage is Stage.REGISTERED:
            assessment.start_assessment(self.cw, self.case, expected_version=self.v)

    def appoint_guardian(self, **given: Any) -> GuardianAppointment:
        """An independent guardian (S3; 002, Rec 3); under ``blocks="S3"`` one from the lead
        agency's own staff, ticked "independent" (the gate derives it and says no)."""
        organisation = (
            self.case.lead_agency_id
            if self.blocks == "S3"
            else self._agency_id(self.register.guardian_org)
        )
        fields = self.values(
            "guardian",
            {
                "guardian_name": "Elena Munteanu (demo guardian)",
                "appointing_authority": "Guardianship authority of the district (demo)",
                "appointed_on": self.d(-38),
                "declared_independent": True,
                "independence_statement": "Not employed by the migration or border authorities.",
                "organisation_id": organisation,
            },
            given,
        )
        self.r["guardian"] = assessment.appoint_guardian(
            self.cw, self.case, expected_version=self.v, **fields
        )
        return self.r["guardian"]

    def assign_lawyer(self, **given: Any) -> LegalRepresentative:
        """Free legal assistance (S4; 002, Rec 3)."""
        fields = self.values(
            "lawyer",
            {
                "name": "Victor Lungu (demo lawyer)",
                "organisation": "State-guaranteed legal aid (demo)",
                "assigned_on": self.d(-36),
            },
            given,
        )
        self.r["lawyer"] = assessment.assign_legal_representative(
            self.cw, self.case, expected_version=self.v, **fields
        )
        return self.r["lawyer"]

    def record_care(self) -> None:
        """A foster placement, school and healthcare while the return is pending (002,
        Rec 4; fn 12 (vi))."""
        self.r["placement"] = assessment.record_placement(
            self.cw,
            self.case,
            placement_type=PlacementType.FOSTER_FAMILY,
            responsible_authority="Child protection directorate (demo)",
            started_on=self.d(-37),
            child_can_leave_at_will=True,
            separated_from_family=False,
            expected_version=self.v,
        )
        self.r["services"] = [
            assessment.record_service(
                self.cw,
                self.case,
                kind=kind,
                provider=provider,
                started_on=self.d(-35),
                expected_version=self.v,
            )
            for kind, provider in (
                (ServiceKind.SCHOOL, "Local public school (demo)"),
                (ServiceKind.HEALTHCARE, "Family doctor's practice (demo)"),
            )
        ]

    def family_member(self) -> FamilyMember | None:
        """The first family member recorded (the one traced and assessed)."""
        return db.session.scalars(
            select(FamilyMember)
            .where(FamilyMember.case_id == self.case.id)
            .order_by(FamilyMember.id)
        ).first()

    def assess_family(self, member: FamilyMember, **given: Any) -> Any:
        """The family member assessed as able and willing to care (S6; fn 12 (iii))."""
        fields = self.values(
            "family_assessment",
            {
                "assessed_on": self.d(-20),
                "assessed_by": self.counterpart,
                "outcome": FamilyAssessmentOutcome.SUITABLE,
                "summary": "Able and willing to care; stable home and income; in regular contact.",
            },
            given,
        )
        self.r["family_assessment"] = assessment.record_family_assessment(
            self.cw, self.case, family_member=member, expected_version=self.v, **fields
        )
        return self.r["family_assessment"]

    def draft_bia(self) -> Any:
        """A first draft of the BIA (the child heard once)."""
        return assessment.save_bia(
            self.cw,
            self.case,
            expected_version=assessment.bia_version(self.case),
            views="Heard once; wants to speak to the mother before deciding.",
            family_environment="Mother being traced through the counterpart.",
        )

    def complete_bia(self, **given: Any) -> Any:
        """The BIA with its risk section filled, completed (S8; 002, Rec 1)."""
        safe = self.outcome is Outcome.RETURN
        fields = self.values(
            "bia",
            {
                "views": "Heard with an interpreter; see the hearing record.",
                "identity": "Nationality confirmed by the consulate; speaks the home language.",
                "family_environment": "Family traced and assessed; see the family assessment."
                if safe
                else "No family able to care has been found.",
                "care_and_safety": "Safe foster placement now; care at home assessed as adequate.",
                "vulnerability": "No trafficking indicators; no disability.",
                "health": "Healthy; vaccinations up to date.",
                "education": "Attends school here; school place confirmed at home.",
                "return_country": self.destination,
                "non_refoulement_risk": RiskLevel.LOW if safe else RiskLevel.HIGH,
                "armed_conflict": not safe,
                "violence_risk": RiskLevel.LOW if safe else RiskLevel.HIGH,
                "trafficking_risk": RiskLevel.LOW,
                "family_capacity": "Parent able and willing to care."
                if safe
                else "No family able to care.",
                "human_rights_impact": "No serious risk identified for this child."
                if safe
                else "Armed conflict; serious risk of harm on return.",
                "return_safe": safe,
            },
            given,
        )
        completed_at = fields.pop("completed_at", at(self.d(-10)))
        assessment.save_bia(
            self.cw, self.case, expected_version=assessment.bia_version(self.case), **fields
        )
        self.r["bia"] = assessment.complete_bia(
            self.cw, self.case, expected_version=self.v, completed_at=completed_at
        )
        return self.r["bia"]

    def assess(self, *, complete: bool = True) -> None:
        """registered -> assessment: guardian, lawyer, placement, family assessment, BIA
        (completed unless ``complete`` is false)."""
        self.start_assessment()
        self.appoint_guardian()
        self.assign_lawyer()
        if self.care:
            self.record_care()
        if not complete:
            self.draft_bia()
            return
        member = self.family_member()
        if member is not None and self.outcome is Outcome.RETURN:
            self.assess_family(member)
        self.complete_bia()

    # -- determination and decision --------------------------------------------------------

    def open_determination(self, **given: Any) -> BestInterestsDetermination:
        """assessment -> determination with a draft BID (author: the caseworker)."""
        fields = self.values("determination", {"opened_at": at(self.d(-9))}, given)
        self.r["bid"] = determination.open_determination(
            self.cw, self.case, expected_version=self.v, **fields
        )
        return self.r["bid"]

    def hear(self, **given: Any) -> Any:
        """A hearing that meets S5 (002, Rec 1): language understood, child-friendly
        information, views on each option, weight with reasons."""
        wants = {
            Outcome.RETURN: "Wants to go home if the family is ready.",
            Outcome.LOCAL_INTEGRATION: "Likes school here.",
        }
        fields = self.values(
            "hearing",
            {
                "held_on": self.d(-8),
                "language": self.language,
                "child_understands_language": True,
                "interpreter": "Court-certified interpreter (demo)",
                "interpreter_agency_id": self._agency_id(self.register.interpreter),
                "child_friendly_information_given": True,
                "seen_alone": True,
                "options_discussed": True,
                "views_by_option": {k.value: v for k, v in wants.items()},
                "views_summary": wants.get(
                    self.outcome, "Wants to stay until the family is found."
                ),
                "weight": Weight.SIGNIFICANT,
                "weight_reasons": "Mature for the age; views clear and consistent over two "
                "meetings.",
            },
            given,
        )
        self.r["hearing"] = assessment.record_hearing(
            self.cw, self.case, expected_version=self.v, **fields
        )
        return self.r["hearing"]

    def add_panel(self, *, guardian: bool = True) -> None:
        """The panel: chaired by child protection, with the guardian (002, Rec 2; Rec 3)."""
        bid = self.bid()
        roles = {m.role for m in bid.panel}
        members = [
            (PanelRole.CHAIR, "Head of the child-protection directorate (demo)", True),
            (PanelRole.GUARDIAN, "Elena Munteanu (demo guardian)", False),
        ]
        names = self.texts.get("panel", {})
        for role, name, child_protection in members if guardian else members[:1]:
            if role in roles:
                continue
            determination.add_panel_member(
                self.cw,
                bid,
                name=names.get(role.value, name),
                role=role,
                organisation="Child protection" if child_protection else None,
                child_protection=child_protection,
                expected_version=bid.version,
            )

    def assess_options(self, options: tuple[Outcome, ...] | None = None) -> None:
        """The panel's assessment of each solution (all four unless ``options`` says)."""
        bid = self.bid()
        texts: dict[Any, str] = OPTIONS if self.outcome is Outcome.RETURN else STAY_OPTIONS
        texts = {**texts, **self.texts.get("options", {})}
        for option in options or tuple(texts):
            determination.set_option(
                self.cw, bid, option=option, assessment=texts[option], expected_version=bid.version
            )

    def recommend(self, **given: Any) -> None:
        """The recommendation with its reasons."""
        bid = self.bid()
        fields = self.values(
            "recommendation",
            {
                "recommended": self.outcome,
                "reasons": "Weighing the child's views, safety and family ties, this solution "
                "is in the child's best interests.",
            },
            given,
        )
        determination.update_bid(self.cw, bid, expected_version=bid.version, **fields)

    def submit_bid(self, **given: Any) -> BestInterestsDetermination:
        """Submitted for the supervisor's approval."""
        bid = self.bid()
        fields = self.values("submission", {"submitted_at": at(self.d(-4))}, given)
        return determination.submit_bid(self.cw, bid, expected_version=bid.version, **fields)

    def determine(self, *, submit: bool = True) -> BestInterestsDetermination:
        """assessment -> determination; the hearing; the panel's BID (a draft with two
        options assessed, or complete and submitted)."""
        self.open_determination()
        self.hear()
        if not submit:
            self.add_panel(guardian=False)
            self.assess_options((Outcome.RETURN, Outcome.LOCAL_INTEGRATION))
            return self.bid()
        self.add_panel()
        self.assess_options()
        self.recommend()
        return self.submit_bid()

    def approve_bid(self, **given: Any) -> BestInterestsDetermination:
        """The supervisor, not the author, approves the BID (four eyes)."""
        bid = self.bid()
        if self.sv.id in bid.writer_ids:
            raise ValueError("the approver must not be the BID's author")
        fields = self.values("approval", {"approved_at": at(self.d(-3))}, given)
        return determination.approve_bid(self.sv, bid, expected_version=bid.version, **fields)

    def decide(self, **given: Any) -> Any:
        """determination -> decided, on the approved BID."""
        fields = self.values("decision", {"outcome": self.outcome, "decided_on": self.d(0)}, given)
        self.r["notice"] = decision.record_decision(
            self.cw, self.case, expected_version=self.v, **fields
        )
        return self.r["notice"]

    def notify(self, **given: Any) -> Any:
        """The decision notified to the child (in a language understood) and the guardian
        (S16; 002, Rec 1; Rec 3)."""
        notice = self.r.get("notice") or decision.current_notice(self.case)
        if notice is None:
            raise ValueError(f"{self.case.number}: no decision to notify")
        fields = self.values(
            "notification",
            {
                "notified_on": self.d(2),
                "language": self.language,
                "child_understands_language": True,
            },
            given,
        )
        on = fields.pop("notified_on")
        decision.notify_child(
            self.cw, notice, notified_on=on, expected_version=notice.version, **fields
        )
        decision.notify_guardian(self.cw, notice, notified_on=on, expected_version=notice.version)
        self.r["notice"] = notice
        return notice

    def proceed(self) -> None:
        """decided -> return preparation (or implementation of the solution)."""
        decision.proceed_after_decision(self.cw, self.case, expected_version=self.v)

    def plan_solution(self) -> None:
        """The plan of the solution (dates in days from today) and, when asked, the solution
        recorded as implemented (only possible with the checklist met)."""
        from caseapp.information.models import Means, Step
        from caseapp.information.operations import record_information
        from caseapp.solutions.models import ResidenceKind
        from caseapp.solutions.operations import record_implemented, save_plan

        spec = self.solution_plan
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
        if self.implemented_days_ago is not None:
            record_implemented(
                self.cw,
                self.case,
                implemented_on=self.today - timedelta(days=self.implemented_days_ago),
                expected_version=self.v,
            )

    # -- return preparation ----------------------------------------------------------------

    def prepare(self) -> None:
        """Everything S6-S17 look at (less the one ``blocks`` names), each record through its
        operation in ``caseapp.crossborder.operations`` (002, Rec 2; Rec 6; Moldova)."""
        self.coordinate()
        self.home_study()
        if self.blocks != "S7":
            self.guarantee()
        self.assign_parties()
        self.central_approval()
        self.readiness()
        self.reintegration_plan()
        self.travel_plan()
        self.consent()
        self.monitoring_plan()
        self.guardian_consent()
        if self.blocks == "S16":
            self.appeal()

    def coordinate(self, **given: Any) -> Any:
        """The coordination with the counterpart, and the request for a home study."""
        counterpart_id = self._agency_id(self.register.counterpart)
        fields = self.values(
            "coordination",
            {
                "destination_country": self.destination,
                "counterpart_name": self.counterpart,
                "counterpart_agency_id": counterpart_id,
                "legal_basis": LegalBasis.BILATERAL_AGREEMENT,
                "consulate_contact": self.consulate,
                "legal_basis_reference": "Bilateral agreement on child protection (demo reference)",
            },
            given,
        )
        self.r["coordination"] = prep.save_coordination(
            self.cw,
            self.case,
            expected_version=prep.single_version(self.case, Coordination),
            **fields,
        )
        if self.request_home_study:
            self.r["request"] = prep.log_message(
                self.cw,
                self.case,
                expected_version=self.v,
                direction=MessageDirection.SENT,
                kind=MessageKind.REQUEST,
                counterpart=self.counterpart,
                counterpart_is_child_protection=True,
                agency_id=counterpart_id,
                subject="Request for a home study and a guarantee of care",
                on_date=self.d(4),
            )
        return self.r["coordination"]

    def home_study(self, **given: Any) -> Any:
        """The counterpart's home study (S6)."""
        fields = self.values(
            "home_study",
            {
                "received_on": self.d(20),
                "conducted_by": self.counterpart,
                "agency_id": self._agency_id(self.register.counterpart),
                "favourable": True,
                "summary": "Home visited; the family is ready; school and doctor arranged nearby.",
            },
            given,
        )
        self.r["home_study"] = prep.record_home_study(
            self.cw, self.case, expected_version=self.v, **fields
        )
        return self.r["home_study"]

    def guarantee(self, **given: Any) -> Any:
        """A written guarantee of care, its signed document attached (S7)."""
        fields = self.values(
            "guarantee",
            {
                "guarantor_kind": GuarantorKind.FAMILY,
                "guarantor_name": "The parent assessed (see the family assessment)",
                "given_on": self.d(26),
                "written": True,
                "document_reference": f"DEMO-G-{self.case.id:04d}",
                "document": "guarantee-of-care.pdf",
            },
            given,
        )
        document = fields.pop("document", "guarantee-of-care.pdf")
        self.r["guarantee"] = prep.record_guarantee(
            self.cw, self.case, expected_version=self.v, **fields
        )
        attach(self.cw, self.case, self.r["guarantee"], document)
        return self.r["guarantee"]

    def assign_parties(self) -> None:
        """The participants on the case (issue 10): the Central Authority's officer, the
        guardian and the lawyer on their appointments (the guardian declares their
        independence for themselves). The monitor comes with the monitoring plan."""
        if "central_authority" in self.participants:
            self.assign("central_authority")
        if "guardian" in self.participants and self.blocks != "S3":
            # S3's guardian is the lead agency's own staff: no account here.
            self.assign("guardian", guardian_appointment=assessment.active_guardian(self.case))
            assessment.declare_guardian_independence(
                self.participants["guardian"],
                self.case,
                statement="I am employed by the Independent Guardianship Network, not by any "
                "authority deciding on the child.",
                expected_version=self.v,
            )
        if "lawyer" in self.participants:
            lawyer = db.session.scalar(
                select(LegalRepresentative).where(
                    LegalRepresentative.case_id == self.case.id,
                    LegalRepresentative.ended_on.is_(None),
                )
            )
            self.assign("lawyer", legal_representative=lawyer)

    def central_approval(self, **given: Any) -> Any:
        """The Central Authority's approval (S11): its own officer's when assigned (and the
        caseworker asked for it), else the caseworker records its paper approval with the
        signed document (policy version 2 then still wants the Authority's own)."""
        from caseapp.participants.models import RequestKind

        officer = self.participant("central_authority")
        self.request(officer, RequestKind.APPROVE, "Please approve the return.", -14, -7)
        fields = self.values(
            "central",
            {"reference": f"DEMO-CA-{self.case.id:04d}", "approved_on": self.a(-10)},
            given,
        )
        if self.blocks == "S11" or officer is None:
            authority = self.register.central_authority
            fields.setdefault("authority_name", authority.name if authority else None)
            fields.setdefault("authority_agency_id", self._agency_id(authority))
            document = fields.pop("document", "central-authority-approval.pdf")
            approval = prep.record_central_approval(
                self.cw, self.case, expected_version=self.v, **fields
            )
            attach(self.cw, self.case, approval, document)
        else:
            fields.pop("document", None)
            approval = prep.record_central_approval(
                officer, self.case, expected_version=self.v, **fields
            )
        self.r["central"] = approval
        return approval

    def readiness(self, **given: Any) -> Any:
        """The counterpart's confirmation of readiness, its document attached (S12)."""
        fields = self.values(
            "readiness",
            {
                "direction": MessageDirection.RECEIVED,
                "kind": MessageKind.CONFIRMATION_OF_READINESS,
                "counterpart": self.counterpart,
                "counterpart_is_child_protection": True,
                "agency_id": self._agency_id(self.register.counterpart),
                "subject": "Ready to receive the child; caseworker assigned",
                "on_date": self.a(-20),
                "document": "confirmation-of-readiness.pdf",
            },
            given,
        )
        document = fields.pop("document", "confirmation-of-readiness.pdf")
        self.r["readiness"] = prep.log_message(
            self.cw, self.case, expected_version=self.v, **fields
        )
        attach(self.cw, self.case, self.r["readiness"], document)
        return self.r["readiness"]

    def reintegration_plan(self, **given: Any) -> Any:
        """The reintegration plan, resourced and confirmed (S13; 002, Rec 2)."""
        counterpart_id = self._agency_id(self.register.counterpart)
        fields = self.values(
            "reintegration",
            {
                "education": "Place in the local school from the next term; catch-up lessons.",
                "health": "Registered with the family doctor.",
                "psychosocial": "Weekly sessions with a psychologist for three months.",
                "family_support": "Monthly family allowance and a social worker's visits.",
                "education_agency_id": counterpart_id,
                "health_agency_id": counterpart_id,
                "psychosocial_agency_id": counterpart_id,
                "family_support_agency_id": counterpart_id,
                "responsible_agency": self.counterpart,
                "responsible_agency_id": counterpart_id,
                "resources_confirmed": True,
                "resources_confirmed_by": self.counterpart,
                "resources_confirmed_by_agency_id": counterpart_id,
                "resources_confirmed_on": self.a(-12),
                "starts_on": self.a(10),
            },
            given,
        )
        self.r["reintegration"] = prep.save_reintegration_plan(
            self.cw,
            self.case,
            expected_version=prep.single_version(self.case, ReintegrationPlan),
            **fields,
        )
        return self.r["reintegration"]

    def _receiving(self) -> dict[str, Any]:
        """Who receives the child: the counterpart's caseworker, or the parent traced and
        assessed in S6, at home (002, fn 12 (v): never law enforcement)."""
        if self.handover_to_parent:
            parent = self.family_member()
            if parent is None:
                raise ValueError(f"{self.case.number}: the parent is traced before handover")
            return {
                "receiving_official": parent.name,
                "receiving_is_child_protection": False,
                "receiving_kind": ReceivingKind.FAMILY_MEMBER,
                "receiving_family_member_id": parent.id,
                "handover_place": "The family home, with the counterpart's caseworker present",
            }
        return {
            "receiving_official": f"Caseworker of {self.counterpart}",
            "receiving_is_child_protection": True,
            "receiving_kind": ReceivingKind.CHILD_PROTECTION,
            "receiving_agency_id": self._agency_id(self.register.counterpart),
            "handover_place": f"Office of {self.counterpart}",
        }

    def travel_plan(self, **given: Any) -> Any:
        """The travel and handover plan (S14): a child-protection escort, unless ``blocks``
        is S14 (a law-enforcement escort, recorded as it is)."""
        law_enforcement = self.blocks == "S14"
        fields = self.values(
            "travel",
            {
                "travel_on": self.a(14) if self.target == "ready" else self.a(10),
                "route": "By air from Chișinău with the escort; met at arrivals by the "
                "counterpart.",
                "escort_name": "Border Police escort unit (demo)"
                if law_enforcement
                else "Child-protection specialist of the lead agency (demo)",
                "escort_kind": EscortKind.LAW_ENFORCEMENT
                if law_enforcement
                else EscortKind.CHILD_PROTECTION,
                "escort_agency_id": self._agency_id(self.register.law_enforcement)
                if law_enforcement
                else self._agency_id(self.register.escort) or self.case.lead_agency_id,
                **self._receiving(),
                "handover_at_border": False,
                "arrival_placement_type": PlacementType.FAMILY_COMMUNITY,
                "arrival_placement_name": "At home with the parent assessed",
                "arrival_can_leave_at_will": True,
            },
            given,
        )
        self.r["travel"] = prep.save_travel_plan(
            self.cw,
            self.case,
            expected_version=prep.single_version(self.case, TravelPlan),
            **fields,
        )
        return self.r["travel"]

    def consent(self, **given: Any) -> Any:
        """The child's and the guardian's consent (S15; 002, fn 12 (v)); under ``blocks="S15"``
        the child has not consented."""
        child_consents = self.blocks != "S15"
        fields = self.values(
            "consent",
            {
                "child_consents": child_consents,
                "child_consent_on": self.a(-8) if child_consents else None,
                "child_consent_how": "Private interview with the guardian and an interpreter"
                if child_consents
                else None,
                "guardian_consents": True,
                "guardian_consent_on": self.a(-8),
            },
            given,
        )
        self.r["consent"] = prep.record_consent(
            self.cw,
            self.case,
            expected_version=prep.single_version(self.case, Consent),
            **fields,
        )
        return self.r["consent"]

    def guardian_consent(self) -> None:
        """The guardian assigned to a ready case gives their consent for themselves."""
        guardian = self.participant("guardian")
        if guardian is not None and self.target == "ready":
            prep.give_guardian_consent(
                guardian,
                self.case,
                consent_on=self.a(-7),
                expected_version=prep.single_version(self.case, Consent),
            )

    def monitoring_plan(self, **given: Any) -> Any:
        """The independent post-return monitoring plan (S17; 002, Rec 2); the monitor,
        assigned, accepts it unless ``blocks`` is S17."""
        fields = self.values(
            "monitoring",
            {
                "monitor_name": f"Independent child-rights NGO, country {self.destination} (demo)",
                "monitor_agency_id": self._agency_id(self.register.monitor),
                "independent": True,
                "first_visit_on": self.a(10) + timedelta(days=30),
            },
            given,
        )
        plan = prep.save_monitoring_plan(
            self.cw,
            self.case,
            expected_version=prep.single_version(self.case, MonitoringPlan),
            **fields,
        )
        self.r["monitoring"] = plan
        if "monitor" in self.participants:
            self.assign("monitor")
        monitor = self.participant("monitor")
        if self.blocks != "S17" and monitor is not None:
            prep.accept_monitoring_plan(
                monitor, plan, accepted_on=self.a(-9), expected_version=self.case.version
            )
        return plan

    def appeal(self, **given: Any) -> Any:
        """An appeal, pending (S16): the child's lawyer lodges it for themselves when
        assigned (issue 10), else the caseworker records the guardian's."""
        lawyer = self.participant("lawyer")
        fields = self.values(
            "appeal",
            {
                "lodged_on": self.d(20),
                "lodged_by": lawyer.name if lawyer else "The child's guardian",
                "body": "District court (demo)",
                "grounds": "The child asks to be heard again by the court before the return.",
            },
            given,
        )
        self.r["appeal"] = decision.lodge_appeal(
            lawyer or self.cw, self.case, expected_version=self.v, **fields
        )
        return self.r["appeal"]

    def request(self, user: User | None, kind: Any, details: str, sent: int, due: int) -> None:
        """The caseworker's request to an assigned participant (answered by their act);
        ``sent`` and ``due`` in days from the approval day."""
        from caseapp.participants.operations import send_request

        if user is None:
            return
        send_request(
            self.cw,
            self.case,
            assignment=self.case.assignment_of(user),
            kind=kind,
            details=details,
            due_on=self.a(due),
            today=self.a(sent),
            expected_version=self.v,
        )

    # -- the return and after --------------------------------------------------------------

    def approve_return(self, *, actor: User | None = None) -> Any:
        """return_preparation -> return_approved through the gate, by the supervisor."""
        from caseapp.gate.operations import approve_return

        self.r["approval"] = approve_return(
            actor or self.sv,
            self.case,
            expected_version=self.v,
            today=self.approval_day,
            approved_at=at(self.a(0)),
        )
        return self.r["approval"]

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

    def travel(self) -> None:
        """return_approved -> returned, on the planned travel day; the placement and the
        services here end that day."""
        from caseapp.monitoring import operations as monitoring

        for service in self.r.get("services", []):
            assessment.end_service(self.cw, service, ended_on=self.a(10), expected_version=self.v)
        if "placement" in self.r:
            assessment.end_placement(
                self.cw, self.r["placement"], ended_on=self.a(10), expected_version=self.v
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

    def start_monitoring(self) -> None:
        """returned -> monitoring."""
        from caseapp.monitoring import operations as monitoring

        monitoring.start_monitoring(self.cw, self.case, expected_version=self.v)

    def visits(self, *, all_done: bool) -> None:
        """Report the visits due so far: the first only (the next then overdue), or all. The
        independent monitor reports for themselves when assigned (issue 10)."""
        from caseapp.monitoring import operations as monitoring
        from caseapp.monitoring.models import MonitoringVisit

        visits = db.session.scalars(
            select(MonitoringVisit)
            .where(MonitoringVisit.case_id == self.case.id)
            .order_by(MonitoringVisit.due_on)
        ).all()
        monitor = self.participant("monitor")
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

    def close(self) -> None:
        """Closed when monitoring is completed."""
        from caseapp.closure.operations import ClosureReason, close_case

        close_case(
            self.cw,
            self.case,
            reason=ClosureReason.MONITORING_COMPLETED,
            note="All visits done; the child is settled at home.",
            expected_version=self.v,
            today=self.today,
        )
