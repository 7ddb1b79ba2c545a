"""S1-S4: who the child is, who leads the case, guardian and lawyer (002, Rec 3)."""

from __future__ import annotations

from flask_babel import gettext as _

from caseapp.agencies.models import AgencyKind
from caseapp.children.models import IdentityVerification
from caseapp.gate.safeguards.common import SEPARATED, missing_text, place


def s1_identity(case, data, today, policy):
    """S1 (see ``TITLES`` for its wording and source)."""
    child = case.child
    if child is None:
        return False, _("No child record."), [], place("children.edit_child", case)
    missing = []
    if child.identity_verification is IdentityVerification.NOT_VERIFIED:
        missing.append(_("the child's identity is not verified"))
    if not child.parents_identity_verified:
        missing.append(_("the parents' identity is not verified"))
    if not (child.legal_status or "").strip():
        missing.append(_("the legal status is not recorded"))
    if not child.is_minor_on(today):
        missing.append(_("the child is 18 or over"))
    if missing:
        return False, missing_text(missing), [], place("children.edit_child", case)
    reason = (
        _("Verified; presumed minor (benefit of the doubt).")
        if child.presumed_minor_on(today)
        else _("Verified; the child is under 18.")
    )
    desc = child.identity_verification.value
    return True, reason, [("Child", child.id, desc)], place("children.edit_child", case)


def s2_lead_agency(case, data, today, policy):
    """S2 (see ``TITLES`` for its wording and source)."""
    agency = case.lead_agency
    if agency.kind is AgencyKind.CHILD_PROTECTION:
        return (
            True,
            _("Led by a child-protection agency."),
            [("Agency", agency.id, agency.name)],
            None,
        )
    return False, _("The lead agency is not a child-protection authority."), [], None


def s3_guardian(case, data, today, policy):
    """S3 (see ``TITLES`` for its wording and source)."""
    child = case.child
    if child is not None and child.care_status not in SEPARATED:
        return True, _("The child is accompanied: no guardian appointment is needed."), [], None
    active = [g for g in data.guardians if g.active]
    if not active:
        return False, _("No guardian is appointed."), [], place("assessment.page", case)
    independent = [g for g in active if g.declared_independent]
    if not independent:
        return (
            False,
            _("The guardian has not declared independence."),
            [],
            place("assessment.page", case),
        )
    g = independent[-1]
    return (
        True,
        _("Independent guardian appointed."),
        [("GuardianAppointment", g.id, f"{g.appointing_authority}, {g.appointed_on.isoformat()}")],
        place("assessment.page", case),
    )


def s4_legal(case, data, today, policy):
    """S4 (see ``TITLES`` for its wording and source)."""
    free = [r for r in data.legal_representatives if r.active and r.free_of_charge]
    if not free:
        return (
            False,
            _("No free legal representative is assigned."),
            [],
            place("assessment.page", case),
        )
    r = free[-1]
    desc = f"{r.organisation or ''} {r.assigned_on.isoformat()}".strip()
    return True, _("Free legal assistance assigned."), [("LegalRepresentative", r.id, desc)], None
