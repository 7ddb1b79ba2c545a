"""Where the child lives and the services received while the case is pending (002, Rec 4;
fn 12 (i), (iii), (vi)). One plain function per change; they only flush, each writing one audit
entry."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from caseapp.assessment.guards import RECORD_STAGES, check_record_editable, require_stage
from caseapp.assessment.models import Placement, PlacementType, ServiceKind, ServiceRecord
from caseapp.assessment.recording import (
    add_record,
    change_record,
    check_end_date,
    clean_text,
    required_text,
)
from caseapp.audit.actions import AuditAction
from caseapp.cases.models import Case
from caseapp.core.errors import ValidationFailed

if TYPE_CHECKING:
    from caseapp.auth.models import User


def record_placement(
    actor: User,
    case: Case,
    *,
    placement_type: PlacementType,
    responsible_authority: str,
    started_on: date,
    child_can_leave_at_will: bool,
    run_by_law_enforcement: bool = False,
    separated_from_family: bool = False,
    name: str | None = None,
    expected_version: int | None,
) -> Placement:
    """Record a placement. Whatever it is called, one the child cannot leave at will, run by
    law enforcement or of a custodial type is shown as deprivation of liberty (002, Rec 4;
    Global Study definition)."""
    check_record_editable(actor, case, expected_version)
    require_stage(case, RECORD_STAGES)
    placement = Placement(
        case_id=case.id,
        placement_type=PlacementType(placement_type),
        name=clean_text(name),
        responsible_authority=required_text(
            responsible_authority, _("Enter the responsible authority.")
        ),
        started_on=started_on,
        child_can_leave_at_will=bool(child_can_leave_at_will),
        run_by_law_enforcement=bool(run_by_law_enforcement),
        separated_from_family=bool(separated_from_family),
    )
    add_record(actor, AuditAction.PLACEMENT_RECORD, placement, case)
    # One that deprives the child of liberty opens a detention record (issue 15).
    from caseapp.detention.operations import open_for_placement

    open_for_placement(actor, placement)
    return placement


def end_placement(
    actor: User, placement: Placement, *, ended_on: date, expected_version: int | None
) -> Placement:
    """End a placement (kept in the history)."""
    check_record_editable(actor, placement.case, expected_version)
    if not placement.active:
        raise ValidationFailed(_("This placement has already ended."))
    check_end_date(placement.started_on, ended_on)
    placement.ended_on = ended_on
    change_record(actor, AuditAction.PLACEMENT_END, placement, placement.case)
    from caseapp.detention.operations import release_with_placement

    release_with_placement(actor, placement)  # its detention record ends with it (issue 15)
    return placement


def record_service(
    actor: User,
    case: Case,
    *,
    kind: ServiceKind,
    provider: str,
    started_on: date,
    mainstream: bool = True,
    notes: str | None = None,
    expected_version: int | None,
) -> ServiceRecord:
    """Record school, healthcare or psychosocial support while return is pending (002, fn 12
    (vi): "Every child must be provided with an education and medical care while return is
    pending", preferably in mainstream schools)."""
    check_record_editable(actor, case, expected_version)
    require_stage(case, RECORD_STAGES)
    service = ServiceRecord(
        case_id=case.id,
        kind=ServiceKind(kind),
        provider=required_text(provider, _("Enter the provider.")),
        mainstream=bool(mainstream),
        started_on=started_on,
        notes=clean_text(notes),
    )
    add_record(actor, AuditAction.SERVICE_RECORD, service, case)
    return service


def end_service(
    actor: User, service: ServiceRecord, *, ended_on: date, expected_version: int | None
) -> ServiceRecord:
    """End a service (kept in the history)."""
    check_record_editable(actor, service.case, expected_version)
    if not service.active:
        raise ValidationFailed(_("This service has already ended."))
    check_end_date(service.started_on, ended_on)
    service.ended_on = ended_on
    change_record(actor, AuditAction.SERVICE_END, service, service.case)
    return service
