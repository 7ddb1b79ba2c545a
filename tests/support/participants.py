"""Participants for tests: an account of the right agency, assigned to a case through the
real operation (``caseapp.participants.operations.assign_participant``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.assessment.models import GuardianAppointment, LegalRepresentative
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.crossborder.models import MonitoringPlan
from caseapp.participants.operations import assign_participant


def basis_records(case, role):
    """The record an assignment of ``role`` rests on, made directly on ``case``.

    Raw rows on purpose: the assignment's tests put participants on cases at any stage (an
    identified case, a case before return preparation), where no operation records a guardian,
    a lawyer or a monitoring plan; a case at a later stage is built by the scenario builder
    (``tests/support/gate_builder.py``), whose records an assignment can rest on instead."""
    kwargs = {}
    if role is Role.GUARDIAN:
        row = GuardianAppointment(
            case_id=case.id,
            guardian_name="Guardian",
            appointing_authority="Court",
            appointed_on=date(2026, 1, 5),
        )
        db.session.add(row)
        kwargs["guardian_appointment"] = row
    elif role is Role.LEGAL_REPRESENTATIVE:
        row = LegalRepresentative(
            case_id=case.id, name="Lawyer", organisation="Legal aid", assigned_on=date(2026, 1, 5)
        )
        db.session.add(row)
        kwargs["legal_representative"] = row
    elif role is Role.MONITOR:
        plan = db.session.scalar(select(MonitoringPlan).where(MonitoringPlan.case_id == case.id))
        if plan is None:
            db.session.add(MonitoringPlan(case_id=case.id, monitor_name="Monitor"))
    db.session.flush()
    return kwargs


def assign(factory, user, case, *, supervisor=None):
    """Assign ``user`` (a participant) to ``case`` as the case's supervisor would."""
    from caseapp.agencies.models import Agency

    if supervisor is None:
        supervisor = factory.user(
            Role.SUPERVISOR, agency=db.session.get(Agency, case.lead_agency_id)
        )
    assignment = assign_participant(supervisor, case, user, **basis_records(case, user.role))
    db.session.commit()
    return assignment
