"""A small known data set for the indicators, with every figure counted by hand.

Period: 2026-01-01 .. 2026-03-31, "today" 2026-04-15. Agencies AGA (cases 1, 2, 4) and
AGB (cases 3, 5). Records are inserted directly with the dates the figures depend on:
the operations (and ``caseapp.demo.scenario``, which drives them) stamp records with the
time they are made, while every figure here is counted by hand from chosen past dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from caseapp.agencies.models import Agency
from caseapp.assessment.models import Placement, PlacementType
from caseapp.cases.models import Case, Outcome
from caseapp.children.models import CareStatus, Sex
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.crossborder.models import Consent
from caseapp.decision.models import (
    Appeal,
    AppealStatus,
    ComplainantKind,
    Complaint,
    ComplaintStatus,
    DecisionNotice,
)
from caseapp.determination.models import BestInterestsDetermination, BidStatus
from caseapp.gate.models import ReturnApproval
from caseapp.indicators.queries import Period
from caseapp.monitoring.models import MonitoringVisit, ReturnExecution

PERIOD = Period(date(2026, 1, 1), date(2026, 3, 31))
TODAY = date(2026, 4, 15)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


@dataclass
class DataSet:
    cases: dict[int, Case]
    agency_a: Agency
    agency_b: Agency
    caseworker_a: object
    supervisor_a: object
    supervisor_b: object
    ombudsperson: object

    def numbers(self, *which: int) -> set[str]:
        return {self.cases[n].number for n in which}

    def ids(self, *which: int) -> set[int]:
        return {self.cases[n].id for n in which}


def build(factory) -> DataSet:
    a = factory.agency(code="AGA", country="MD")
    b = factory.agency(code="AGB", country="MD")
    cw_a = factory.user(Role.CASEWORKER, agency=a)
    cw_b = factory.user(Role.CASEWORKER, agency=b)
    sup_a = factory.user(Role.SUPERVISOR, agency=a)
    sup_b = factory.user(Role.SUPERVISOR, agency=b)
    omb = factory.user(Role.OMBUDSPERSON)

    def make(cw, *, opened, identified, sex, dob, age_min=None, country, care):
        case = factory.case(
            caseworker=cw, dob=dob, country_of_origin=country, sex=sex, care_status=care
        )
        case.child.identified_on = identified
        case.child.age_min = age_min
        case.opened_at = at(opened)
        db.session.commit()
        return case

    c1 = make(
        cw_a,
        opened=date(2026, 1, 12),
        identified=date(2026, 1, 10),
        sex=Sex.FEMALE,
        dob=date(2010, 2, 1),
        country="UA",
        care=CareStatus.UNACCOMPANIED,
    )
    c2 = make(
        cw_a,
        opened=date(2026, 2, 15),
        identified=date(2026, 2, 15),
        sex=Sex.MALE,
        dob=date(2020, 6, 1),
        country="KG",
        care=CareStatus.SEPARATED,
    )
    c3 = make(
        cw_b,
        opened=date(2026, 3, 10),
        identified=None,
        sex=Sex.FEMALE,
        dob=None,
        age_min=13,
        country="UA",
        care=CareStatus.UNACCOMPANIED,
    )
    c4 = make(
        cw_a,
        opened=date(2025, 12, 5),
        identified=date(2025, 12, 1),
        sex=Sex.MALE,
        dob=date(2012, 1, 1),
        country=None,
        care=CareStatus.ACCOMPANIED,
    )
    c5 = make(
        cw_b,
        opened=date(2026, 4, 10),
        identified=date(2026, 4, 10),
        sex=Sex.FEMALE,
        dob=date(2011, 1, 1),
        country="UA",
        care=CareStatus.UNACCOMPANIED,
    )

    def placement(case, kind, start, end=None, *, can_leave=True, police=False):
        db.session.add(
            Placement(
                case_id=case.id,
                placement_type=kind,
                responsible_authority="Authority",
                child_can_leave_at_will=can_leave,
                run_by_law_enforcement=police,
                started_on=start,
                ended_on=end,
            )
        )

    # Deprivation of liberty: c1 detention (10 days in the period), c2 an "open" shelter the
    # child cannot leave (31 days, still open), c3 a foster family run by the police (5 days
    # in the period); c4's foster family is not deprivation of liberty.
    placement(c1, PlacementType.DETENTION, date(2026, 1, 10), date(2026, 1, 19))
    placement(c1, PlacementType.FOSTER_FAMILY, date(2026, 1, 19))
    placement(c2, PlacementType.OPEN_SHELTER, date(2026, 3, 1), can_leave=False)
    placement(c3, PlacementType.FOSTER_FAMILY, date(2025, 12, 20), date(2026, 1, 5), police=True)
    placement(c4, PlacementType.FOSTER_FAMILY, date(2025, 12, 5))

    db.session.add(
        BestInterestsDetermination(
            case_id=c1.id,
            author_id=cw_a.id,
            status=BidStatus.APPROVED,
            recommended=Outcome.RETURN,
            submitted_at=at(date(2026, 2, 5)),
            approved_by_id=sup_a.id,
            approved_at=at(date(2026, 2, 10)),
        )
    )

    def decision(case, outcome, day, by):
        db.session.add(
            DecisionNotice(
                case_id=case.id,
                outcome=outcome,
                decided_on=day,
                decided_by_id=by.id,
                appeal_deadline=day,
            )
        )

    decision(c1, Outcome.RETURN, date(2026, 2, 20), sup_a)
    decision(c3, Outcome.LOCAL_INTEGRATION, date(2026, 3, 20), sup_b)

    db.session.add(Consent(case_id=c1.id, child_consents=True, recorded_by_id=cw_a.id))
    db.session.add(
        Consent(
            case_id=c4.id,
            non_voluntary=True,
            recorded_by_id=cw_a.id,
            last_resort_justification="Last resort.",
        )
    )
    for case, day in ((c1, date(2026, 3, 5)), (c4, date(2026, 1, 20))):
        db.session.add(
            ReturnExecution(case_id=case.id, travelled_on=day, received_on=day, received_by="X")
        )
    db.session.add(
        ReturnApproval(
            case_id=c4.id,
            approved_by_id=sup_a.id,
            approved_at=at(date(2026, 1, 2)),
            case_version=1,
            policy_version=1,
            gate_evaluation={},
            withdrawn_at=at(date(2026, 2, 1)),
            withdrawn_reason="Consent withdrawn.",
        )
    )
    db.session.add_all(
        [
            Appeal(
                case_id=c2.id,
                lodged_on=date(2026, 3, 1),
                lodged_by="Guardian",
                body="Court",
                status=AppealStatus.UPHELD,
                decided_on=date(2026, 3, 15),
            ),
            Appeal(
                case_id=c4.id,
                lodged_on=date(2026, 1, 15),
                lodged_by="Lawyer",
                body="Court",
                status=AppealStatus.REJECTED,
                decided_on=date(2026, 2, 1),
            ),
            Complaint(
                case_id=c2.id,
                lodged_by=ComplainantKind.CHILD,
                lodged_on=date(2026, 2, 20),
                subject="Food",
                status=ComplaintStatus.ANSWERED,
                response="Changed.",
                responded_on=date(2026, 3, 2),
            ),
            Complaint(
                case_id=c3.id,
                lodged_by=ComplainantKind.GUARDIAN,
                lodged_on=date(2026, 3, 25),
                subject="School",
            ),
            MonitoringVisit(case_id=c1.id, months_after_return=1, due_on=date(2026, 2, 1)),
            MonitoringVisit(
                case_id=c1.id,
                months_after_return=3,
                due_on=date(2026, 3, 20),
                visited_on=date(2026, 3, 25),
                visited_by="Monitor",
                wellbeing="Well.",
            ),
        ]
    )
    db.session.commit()
    return DataSet(
        cases={1: c1, 2: c2, 3: c3, 4: c4, 5: c5},
        agency_a=a,
        agency_b=b,
        caseworker_a=cw_a,
        supervisor_a=sup_a,
        supervisor_b=sup_b,
        ombudsperson=omb,
    )
