"""S1-S4: who the child is, who leads the case, guardian and lawyer (002, Rec 3)."""

from __future__ import annotations

from caseapp.agencies.models import AgencyKind
from caseapp.children.models import ADULT_AGE, CareStatus, IdentityVerification
from caseapp.gate.safeguards.common import (
    _,
    agency_text,
    day,
    evidence,
    label,
    missing_text,
    not_independent,
    place,
    separated,
    user_text,
)


def s1_identity(case, data, today, policy):
    """S1: identity, legal status and parents' identity verified (002, Moldova: Mihailas);
    a child is anyone under 18 (Judge Winter). The age advances with time: a range is
    anchored at its assessment date, and the presumption of minority takes its lowest age
    (DESIGN.md section 4.1, item 5)."""
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
    age = child.age_on(today)
    # One rule for the 18th birthday (issue 15): no return of someone who is 18 by the
    # records through the child procedure (``Child.is_minor_on``), and none while the age is
    # disputed: the assessment concludes and any challenge is decided first (002, Rec 1).
    if child.age_disputed:
        missing.append(
            _("the child's age is disputed: an age assessment or a challenge to it is pending")
        )
    elif not child.is_minor_on(today):
        missing.append(_("the child is %(age)s by the records: no longer a child", age=age))
    if missing:
        return False, missing_text(missing), [], place("children.edit_child", case)
    if age is None:
        age_text = _("age unknown: presumed a minor")
    elif child.presumed_minor_on(today):
        age_text = _(
            "presumed a minor: at least %(age)s today (lowest age of the assessed range)",
            age=age,
        )
    else:
        age_text = _("%(age)s today", age=age)
    reason = (
        _("Verified; presumed minor (benefit of the doubt).")
        if child.presumed_minor_on(today)
        else _("Verified; the child is under %(adult)s.", adult=ADULT_AGE)
    )
    ev = evidence(
        "child",
        child,
        _("identity: %(how)s", how=label(child.identity_verification)),
        _("parents' identity verified"),
        _("legal status: %(status)s", status=child.legal_status),
        age_text,
    )
    return True, reason, [ev], place("children.edit_child", case)


def s2_lead_agency(case, data, today, policy):
    """S2 (see ``TITLES`` for its wording and source)."""
    agency = case.lead_agency
    if agency.kind is AgencyKind.CHILD_PROTECTION:
        return (
            True,
            _("Led by a child-protection agency."),
            [evidence("agency", agency, agency_text(data, agency.id) or agency.name)],
            None,
        )
    return False, _("The lead agency is not a child-protection authority."), [], None


def s3_guardian(case, data, today, policy):
    """S3: an independent guardian for an unaccompanied or separated child (002, Rec 3).
    Accompanied means with a legal custodian recorded as such; independence is derived
    from the guardian's organisation and account, not declared (DESIGN.md section 4.1)."""
    child = case.child
    custodians = [m for m in data.family_members if m.accompanies_as_custodian]
    if not separated(case, data):
        m = custodians[-1]
        return (
            True,
            _("The child is with a legal custodian: no guardian appointment is needed."),
            [evidence("child", child, _("legal custodian with the child: %(name)s", name=m.name))],
            place("assessment.page", case),
        )
    where = place("assessment.page", case)
    active = [g for g in data.guardians if g.active]
    prefix = ""
    if child is not None and child.care_status is CareStatus.ACCOMPANIED:
        prefix = _(
            "Recorded as accompanied, but no legal custodian is recorded with the child, "
            "so the child is separated and needs a guardian."
        )
    if not active:
        return False, " ".join(p for p in (prefix, _("No guardian is appointed.")) if p), [], where
    g = active[-1]
    problems = not_independent(case, data, agency_id=g.organisation_id, user_id=g.guardian_user_id)
    if problems:
        what = _(
            "The guardian %(name)s is not independent: %(why)s. Record the guardian's "
            "organisation from the agency register, or appoint an independent guardian.",
            name=g.guardian_name,
            why="; ".join(problems),
        )
        return False, " ".join(p for p in (prefix, what) if p), [], where
    org = agency_text(data, g.organisation_id) or user_text(data, g.guardian_user_id)
    return (
        True,
        _("Independent guardian appointed."),
        [
            evidence(
                "guardian",
                g,
                _("%(name)s, %(org)s", name=g.guardian_name, org=org),
                _(
                    "appointed by %(authority)s on %(day)s",
                    authority=g.appointing_authority,
                    day=day(g.appointed_on),
                ),
                _("not staff of the lead agency nor a decision-maker on the case"),
            )
        ],
        where,
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
    return (
        True,
        _("Free legal assistance assigned."),
        [
            evidence(
                "legal_representative",
                r,
                r.name,
                r.organisation or "",
                _("assigned on %(day)s, free of charge", day=day(r.assigned_on)),
            )
        ],
        None,
    )
