"""Demo cases of issue 15 part 1, recorded through the real operations: a child in
detention with a pending legal challenge and a referral to an alternative, a trafficking
referral to the national referral mechanism, an age-disputed case (born 1990 by a bought
passport, presumed a minor while assessed) and a child turning 18 within the notice."""

from __future__ import annotations

from datetime import date, timedelta

from caseapp.age import operations as age_ops
from caseapp.agencies.models import Agency, AgencyKind
from caseapp.agencies.operations import create_agency
from caseapp.assessment import operations as assessment
from caseapp.assessment.models import PlacementType
from caseapp.cases.models import Case
from caseapp.cases.operations import open_case, register_case
from caseapp.children.models import CareStatus, IdentifiedBy, Sex
from caseapp.core.extensions import db
from caseapp.detention import operations as detention_ops
from caseapp.detention.models import ReviewOutcome
from caseapp.referrals import operations as referral_ops
from caseapp.referrals.models import ReferralKind

CASES_ADDED = 4  # the cases ``load`` adds to the demo's guide

AGENCIES = [  # (code, name, country, kind)
    (
        "MD-NRM",
        "National Referral System for victims of trafficking (coordination unit)",
        "MD",
        AgencyKind.CENTRAL_AUTHORITY,
    ),
    ("MD-ATD", "Community Case Management Programme (NGO)", "MD", AgencyKind.NGO),
]


def _open(actor, agency, today: date, *, given, family, years_old=None, **fields) -> Case:
    dob = today - timedelta(days=round(years_old * 365.25)) if years_old else None
    case = open_case(
        actor,
        agency=agency,
        given_name=given,
        family_name=family,
        date_of_birth=fields.pop("date_of_birth", dob),
        sex=fields.pop("sex", Sex.MALE),
        country_of_origin=fields.pop("country_of_origin", "AF"),
        care_status=CareStatus.UNACCOMPANIED,
        identified_by=IdentifiedBy.BORDER_GUARD,
        identified_on=today - timedelta(days=14),
        **fields,
    )
    db.session.flush()
    return case


def load(users: dict, agencies: dict, *, today: date) -> list[tuple[Case, str]]:
    """Create the cases; returns (case, what it shows) for the guide."""
    for code, name, country, kind in AGENCIES:
        agencies[code] = create_agency(None, code=code, name=name, country=country, kind=kind)
    actor = users["cw_md"]
    lead = db.session.get_one(Agency, actor.agency_id)
    nrm, atd = agencies["MD-NRM"], agencies["MD-ATD"]
    guide = []

    # A child in detention: a transit centre run by the border police, a legal challenge
    # pending with the lawyer, a referral to a community alternative (002, Rec 4; 000).
    case = _open(actor, lead, today, given="Farid", family="Ahmadi", years_old=16.2)
    register_case(actor, case, expected_version=case.version)
    lawyer = assessment.assign_legal_representative(
        actor,
        case,
        name="Victoria Munteanu",
        organisation="Law Centre of Advocates",
        assigned_on=today - timedelta(days=11),
        expected_version=case.version,
    )
    placement = assessment.record_placement(
        actor,
        case,
        placement_type=PlacementType.TRANSIT_CENTRE,
        name="Temporary placement centre for foreigners",
        responsible_authority="Border Police",
        started_on=today - timedelta(days=12),
        child_can_leave_at_will=False,
        run_by_law_enforcement=True,
        expected_version=case.version,
    )
    detention = detention_ops.detention_of(placement)
    assert detention is not None
    detention_ops.record_legal_basis(
        actor,
        detention,
        legal_basis="Placement pending identification (law on foreigners)",
        ordered_by="Border Police",
        expected_version=case.version,
    )
    detention_ops.record_review(
        actor,
        detention,
        reviewed_on=today - timedelta(days=9),
        reviewed_by="Border Police",
        outcome=ReviewOutcome.CONTINUED,
        expected_version=case.version,
    )
    detention_ops.lodge_challenge(
        actor,
        detention,
        lawyer_id=lawyer.id,
        lodged_on=today - timedelta(days=3),
        body="Chișinău District Court",
        grounds="Immigration detention of a child is never in the child's best interests.",
        expected_version=case.version,
    )
    detention_ops.refer_to_alternative(
        actor,
        case,
        programme="Community case management with a foster family",
        provider_id=atd.id,
        conditions="Lives with a foster family; meets the case manager weekly",
        case_manager="Elena Popa",
        referred_on=today - timedelta(days=2),
        expected_version=case.version,
    )
    guide.append((case, "detention: day 12, legal challenge pending, alternative referred"))

    # Trafficking indicators and the referral to the national referral mechanism (002,
    # Rec 3 and Rec 4); its outcome is pending.
    case = _open(
        actor,
        lead,
        today,
        given="Maria",
        family="Cojocaru",
        years_old=15.5,
        sex=Sex.FEMALE,
        country_of_origin="UA",
        trafficking_indicators=True,
    )
    register_case(actor, case, expected_version=case.version)
    referral_ops.refer_victim(
        actor,
        case,
        kind=ReferralKind.TRAFFICKING,
        referred_on=today - timedelta(days=1),
        agency_id=nrm.id,
        reference="NRS-2026-114",
        expected_version=case.version,
    )
    guide.append((case, "trafficking indicators referred to the national referral mechanism"))

    # Age disputed: the passport says 1990, the young person says he is 16. Opened on the
    # age-disputed path; the assessment is under way (documents and interview).
    case = _open(
        actor,
        lead,
        today,
        given="Hamid",
        family="Noori",
        date_of_birth=date(1990, 3, 1),
        age_disputed=True,
        age_dispute_reason="Says he is 16; the passport was bought for the journey.",
    )
    [assessment_row] = [a for a in _assessments(case)]
    age_ops.record_age_methods(
        actor,
        assessment_row,
        assessor_name="Dr. Natalia Rusu",
        assessor_agency_id=lead.id,
        documents_examined=True,
        documents_note="Passport (1990) doubtful; school certificate from Herat (2010)",
        interview_on=today,
        interview_note="Consistent account of school years; psychosocial maturity of a minor",
        expected_version=case.version,
    )
    guide.append((case, "age disputed (born 1990 by the passport): presumed a minor"))

    # Turning 18 in seven weeks: the transition reminder.
    case = _open(actor, lead, today, given="Omid", family="Rahimi", years_old=17.87)
    register_case(actor, case, expected_version=case.version)
    guide.append((case, "turns 18 within the notice: transition planning"))
    return guide


def _assessments(case: Case):
    from sqlalchemy import select

    from caseapp.age.models import AgeAssessment

    return db.session.scalars(select(AgeAssessment).where(AgeAssessment.case_id == case.id))
