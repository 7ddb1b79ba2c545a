"""Family tracing and the family assessment (002, Moldova practice; fn 12 (iii)). One plain
function per change; they only flush, each writing one audit entry."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from caseapp.assessment.guards import (
    RECORD_STAGES,
    check_editable,
    check_record_editable,
    require_stage,
)
from caseapp.assessment.models import FamilyAssessment, FamilyAssessmentOutcome
from caseapp.assessment.recording import add_record, change_record, clean_text, required_text
from caseapp.audit.actions import AuditAction
from caseapp.cases.models import Case
from caseapp.children.models import ContactStatus, FamilyMember, TracingStatus
from caseapp.core.countries import require_country
from caseapp.core.errors import ValidationFailed

if TYPE_CHECKING:
    from caseapp.auth.models import User


def update_tracing(
    actor: User,
    member: FamilyMember,
    *,
    tracing_status: TracingStatus,
    contact_status: ContactStatus,
    whereabouts: str | None = None,
    country: str | None = None,
    expected_version: int | None,
) -> FamilyMember:
    """Update the tracing and contact status of a family member or significant person
    (002, Moldova practice: "efforts will be made to reunite the child with their family")."""
    case = member.case
    check_editable(actor, case, expected_version)
    require_stage(case, RECORD_STAGES)
    member.tracing_status = TracingStatus(tracing_status)
    member.contact_status = ContactStatus(contact_status)
    if whereabouts is not None:
        member.whereabouts = clean_text(whereabouts)
    if country is not None:
        member.country = require_country(clean_text(country), optional=True)
    change_record(actor, AuditAction.TRACING_UPDATE, member, case)
    return member


def record_family_assessment(
    actor: User,
    case: Case,
    *,
    family_member: FamilyMember,
    assessed_on: date,
    assessed_by: str,
    outcome: FamilyAssessmentOutcome,
    summary: str,
    expected_version: int | None,
) -> FamilyAssessment:
    """Record the assessment of a family member's capacity and willingness to care (002,
    Moldova practice; fn 12 (iii): family understood broadly)."""
    check_record_editable(actor, case, expected_version)
    require_stage(case, RECORD_STAGES)
    if family_member.case_id != case.id:
        raise ValidationFailed(_("This person is not part of this case."))
    assessment = FamilyAssessment(
        case_id=case.id,
        family_member_id=family_member.id,
        assessed_on=assessed_on,
        assessed_by=required_text(assessed_by, _("Enter who assessed the family.")),
        outcome=FamilyAssessmentOutcome(outcome),
        summary=required_text(summary, _("Summarise the assessment.")),
    )
    add_record(actor, AuditAction.FAMILY_ASSESSMENT_RECORD, assessment, case)
    return assessment
