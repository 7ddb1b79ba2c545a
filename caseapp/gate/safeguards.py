"""The eighteen safeguard checks of the return gate (DESIGN.md section 4, sources in 002).

Each check is ``check(case, data, today, policy) -> (met, reason, evidence, record_at)`` and
does no I/O. ``evidence`` is a list of ``(record type, id, short description)``.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from caseapp.agencies.models import AgencyKind
from caseapp.assessment.models import FamilyAssessmentOutcome, RiskLevel
from caseapp.cases.models import Outcome
from caseapp.children.models import CareStatus, IdentityVerification
from caseapp.crossborder.models import EscortKind, MessageDirection, MessageKind
from caseapp.decision.models import AppealStatus
from caseapp.determination.models import BidStatus, PanelRole

TITLES = {
    "S1": (
        _l("Identity, legal status and parents' identity verified; the child is under 18"),
        "002, Moldova (Mihailas); Judge Winter",
    ),
    "S2": (_l("Case led by a child-protection authority"), "002, Rec 3"),
    "S3": (_l("Independent guardian appointed"), "002, Rec 3; Moldova practice"),
    "S4": (_l("Free legal assistance assigned"), "002, Rec 3; Day 2 Q&A"),
    "S5": (
        _l("Child heard in a language they understand, views given weight, options discussed"),
        "002, Rec 1; Rec 2; Moldova 2008 Regulation",
    ),
    "S6": (_l("Family traced and assessed"), "002, Moldova practice; fn 12 (iii)"),
    "S7": (_l("Written guarantee of care"), "002, Moldova (Mihailas)"),
    "S8": (
        _l("Risk, non-refoulement and human-rights impact assessment finds return safe"),
        "002, Rec 1; Prof. Strik; fn 12 (ADC Memorial)",
    ),
    "S9": (_l("Best-interests determination recommends return"), "002, Rec 2"),
    "S10": (_l("Determination approved by a second person"), "four eyes (UNHCR BIP)"),
    "S11": (_l("Central Authority approval"), "002, Moldova (Mihailas)"),
    "S12": (
        _l("Counterpart child-protection authority confirmed readiness"),
        "002, Rec 2; Rec 6",
    ),
    "S13": (_l("Reintegration plan prepared and resourced"), "002, Rec 2; PICUM"),
    "S14": (
        _l("Escorted by child protection, no handover at the border"),
        "002, fn 12 (v); Ukraine (Kolbasa)",
    ),
    "S15": (
        _l("Consent of the child and guardian, or documented last resort"),
        "002, fn 12 (v); PICUM",
    ),
    "S16": (_l("Decision notified; appeal period over, no appeal pending"), "002, Rec 1"),
    "S17": (_l("Independent post-return monitoring planned"), "002, Rec 2; Chișcă; Prof. Strik"),
    "S18": (_l("Returns to the country not suspended"), "002, Day 1 plenary (crisis provisions)"),
}

SEPARATED = (CareStatus.UNACCOMPANIED, CareStatus.SEPARATED)


def _place(endpoint, case):
    """Where on the case the evidence for a safeguard is recorded."""
    return (endpoint, {"case_id": case.id})


def _rb(endpoint, case):
    return (f"crossborder.{endpoint}", {"case_id": case.id})


def _missing(items):
    """Join the reasons of what is missing into one sentence."""
    return "; ".join(str(i) for i in items)


def s1_identity(case, data, today, policy):
    """S1 (see ``TITLES`` for its wording and source)."""
    child = case.child
    if child is None:
        return False, _("No child record."), [], _place("children.edit_child", case)
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
        return False, _missing(missing), [], _place("children.edit_child", case)
    reason = (
        _("Verified; presumed minor (benefit of the doubt).")
        if child.presumed_minor_on(today)
        else _("Verified; the child is under 18.")
    )
    desc = child.identity_verification.value
    return True, reason, [("Child", child.id, desc)], _place("children.edit_child", case)


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
        return False, _("No guardian is appointed."), [], _place("assessment.page", case)
    independent = [g for g in active if g.declared_independent]
    if not independent:
        return False, _("The guardian has not declared independence."), [], _place("assessment.page", case)
    g = independent[-1]
    return (
        True,
        _("Independent guardian appointed."),
        [("GuardianAppointment", g.id, f"{g.appointing_authority}, {g.appointed_on.isoformat()}")],
        _place("assessment.page", case),
    )


def s4_legal(case, data, today, policy):
    """S4 (see ``TITLES`` for its wording and source)."""
    free = [r for r in data.legal_representatives if r.active and r.free_of_charge]
    if not free:
        return False, _("No free legal representative is assigned."), [], _place("assessment.page", case)
    r = free[-1]
    desc = f"{r.organisation or ''} {r.assigned_on.isoformat()}".strip()
    return True, _("Free legal assistance assigned."), [("LegalRepresentative", r.id, desc)], None


def s5_hearing(case, data, today, policy):
    """S5 (see ``TITLES`` for its wording and source)."""
    bid = data.bid
    if bid is None:
        return False, _("No determination has been opened yet."), [], _place("assessment.page", case)
    opened = bid.opened_at.date()
    recent = [
        h
        for h in data.hearings
        if h.held_on >= opened and (today - h.held_on).days <= policy.hearing_max_age_days
    ]
    if not recent:
        return (
            False,
            _(
                "No hearing since the determination was opened within the last %(days)s days.",
                days=policy.hearing_max_age_days,
            ),
            [],
            _place("assessment.page", case),
        )
    for h in reversed(recent):
        missing = []
        if not h.child_understands_language:
            missing.append(_("not in a language the child understands"))
        if not (h.views_summary or "").strip():
            missing.append(_("the child's views are not recorded"))
        if not (h.weight_reasons or "").strip():
            missing.append(_("no reasons for the weight given"))
        if not h.options_discussed:
            missing.append(_("the options were not discussed with the child"))
        if not missing:
            return (
                True,
                _("Child heard on %(day)s.", day=h.held_on.isoformat()),
                [("Hearing", h.id, f"{h.held_on.isoformat()}, {h.language}")],
                None,
            )
    return False, _("Latest hearing: %(what)s.", what=_missing(missing)), [], _place("assessment.page", case)


def s6_family(case, data, today, policy):
    """S6 (see ``TITLES`` for its wording and source)."""
    suitable = [a for a in data.family_assessments if a.outcome is FamilyAssessmentOutcome.SUITABLE]
    if suitable:
        a = suitable[-1]
        return (
            True,
            _("Family assessed as suitable."),
            [("FamilyAssessment", a.id, f"{a.assessed_by}, {a.assessed_on.isoformat()}")],
            None,
        )
    good = [h for h in data.home_studies if h.favourable]
    if good:
        h = good[-1]
        return (
            True,
            _("Favourable home study by the counterpart."),
            [("HomeStudy", h.id, f"{h.conducted_by}, {h.received_on.isoformat()}")],
            None,
        )
    return (
        False,
        _("No family assessment found the family suitable and no favourable home study."),
        [],
        _rb("home_study", case),
    )


def s7_guarantee(case, data, today, policy):
    """S7 (see ``TITLES`` for its wording and source)."""
    valid = [g for g in data.guarantees if g.written and g.withdrawn_on is None]
    if not valid:
        return False, _("No written guarantee of care in force."), [], _rb("guarantee", case)
    g = valid[-1]
    return (
        True,
        _("Written guarantee of care given."),
        [("CareGuarantee", g.id, f"{g.guarantor_kind.value}, {g.given_on.isoformat()}")],
        None,
    )


def s8_risk(case, data, today, policy):
    """S8 (see ``TITLES`` for its wording and source)."""
    done = [a for a in data.assessments if a.completed]
    if not done:
        return False, _("No completed best-interests assessment."), [], _place("assessment.bia", case)
    bia = done[-1]
    missing = []
    if bia.return_safe is not True:
        missing.append(_("it does not find return safe"))
    if bia.armed_conflict is not False:
        missing.append(_("armed conflict is not ruled out"))
    if bia.non_refoulement_risk is not RiskLevel.LOW:
        missing.append(_("the non-refoulement risk is not low"))
    if not (bia.human_rights_impact or "").strip():
        missing.append(_("no human-rights impact assessment"))
    if missing:
        return False, _("Assessment: %(what)s.", what=_missing(missing)), [], _place("assessment.bia", case)
    return (
        True,
        _("The assessment finds return safe."),
        [("BestInterestsAssessment", bia.id, bia.completed_at.date().isoformat())],
        None,
    )


def s9_bid(case, data, today, policy):
    """S9 (see ``TITLES`` for its wording and source)."""
    bid = data.bid
    if bid is None:
        return False, _("No determination."), [], _place("determination.page", case)
    missing = []
    if bid.recommended is not Outcome.RETURN:
        missing.append(_("it does not recommend return"))
    considered = {o.option for o in bid.options if (o.assessment or "").strip()}
    if considered != set(Outcome):
        missing.append(_("not every option was considered"))
    if not (bid.reasons or "").strip():
        missing.append(_("no reasons"))
    if not any(p.role is PanelRole.CHAIR and p.child_protection for p in bid.panel):
        missing.append(_("not chaired by child protection"))
    child = case.child
    separated = child is not None and child.care_status in SEPARATED
    if separated and not any(p.role is PanelRole.GUARDIAN for p in bid.panel):
        missing.append(_("the guardian was not on the panel"))
    if missing:
        return False, _("Determination: %(what)s.", what=_missing(missing)), [], _place("determination.page", case)
    return (
        True,
        _("The determination recommends return, with reasons."),
        [("BestInterestsDetermination", bid.id, bid.status.value)],
        None,
    )


def s10_bid_approved(case, data, today, policy):
    """S10 (see ``TITLES`` for its wording and source)."""
    bid = data.bid
    if bid is None or bid.status is not BidStatus.APPROVED or bid.approved_by_id is None:
        return False, _("The determination is not approved."), [], _place("determination.page", case)
    if bid.approved_by_id == bid.author_id:
        return False, _("The determination was approved by its author."), [], _place("determination.page", case)
    return (
        True,
        _("Approved by a supervisor other than the author."),
        [("BestInterestsDetermination", bid.id, bid.approved_at.date().isoformat())],
        None,
    )


def s11_central(case, data, today, policy):
    """S11 (see ``TITLES`` for its wording and source)."""
    ok = [a for a in data.central_approvals if (a.reference or "").strip()]
    if not ok:
        return (
            False,
            _("No Central Authority approval with a reference."),
            [],
            _rb("central_approval", case),
        )
    a = ok[-1]
    return (
        True,
        _("Approved by the Central Authority."),
        [("CentralAuthorityApproval", a.id, f"{a.reference}, {a.approved_on.isoformat()}")],
        None,
    )


def s12_readiness(case, data, today, policy):
    """S12 (see ``TITLES`` for its wording and source)."""
    ok = [
        m
        for m in data.messages
        if m.direction is MessageDirection.RECEIVED
        and m.kind is MessageKind.CONFIRMATION_OF_READINESS
        and m.counterpart_is_child_protection
    ]
    if not ok:
        return (
            False,
            _(
                "No confirmation of readiness received from the counterpart "
                "child-protection authority."
            ),
            [],
            _rb("messages", case),
        )
    m = ok[-1]
    return (
        True,
        _("Readiness confirmed by the counterpart."),
        [("CoordinationMessage", m.id, m.on_date.isoformat())],
        None,
    )


def s13_reintegration(case, data, today, policy):
    """S13 (see ``TITLES`` for its wording and source)."""
    plan = data.reintegration_plan
    if plan is None:
        return False, _("No reintegration plan."), [], _rb("reintegration", case)
    if not (
        plan.resources_confirmed and plan.resources_confirmed_by and plan.resources_confirmed_on
    ):
        return False, _("The plan's resources are not confirmed."), [], _rb("reintegration", case)
    return (
        True,
        _("Plan resourced, confirmed by %(who)s.", who=plan.resources_confirmed_by),
        [("ReintegrationPlan", plan.id, plan.resources_confirmed_on.isoformat())],
        None,
    )


def s14_travel(case, data, today, policy):
    """S14 (see ``TITLES`` for its wording and source)."""
    plan = data.travel_plan
    if plan is None:
        return False, _("No travel and handover plan."), [], _rb("travel", case)
    if plan.escort_kind is EscortKind.LAW_ENFORCEMENT:
        return (
            False,
            _("Escort by law enforcement: a child-protection official must escort."),
            [],
            _rb("travel", case),
        )
    if plan.escort_kind is not EscortKind.CHILD_PROTECTION:
        return False, _("The escort is not a child-protection official."), [], _rb("travel", case)
    if plan.handover_at_border:
        return False, _("Handover at the border is planned."), [], _rb("travel", case)
    return (
        True,
        _("Escorted by child protection; handover at %(place)s.", place=plan.handover_place),
        [("TravelPlan", plan.id, plan.travel_on.isoformat())],
        None,
    )


def s15_consent(case, data, today, policy):
    """S15 (see ``TITLES`` for its wording and source)."""
    c = data.consent
    if c is None:
        return False, _("No consent recorded."), [], _rb("consent", case)
    if c.non_voluntary:
        bid_author = data.bid.author_id if data.bid is not None else None
        approver = c.last_resort_approved_by_id
        if not (c.last_resort_justification or "").strip():
            return False, _("Last resort without justification."), [], _rb("consent", case)
        if approver is None or approver in (c.recorded_by_id, bid_author):
            return (
                False,
                _("The last resort is not approved by a second supervisor."),
                [],
                _rb("consent", case),
            )
        return (
            True,
            _("Non-voluntary return as a documented last resort, approved."),
            [("Consent", c.id, _("last resort"))],
            None,
        )
    missing = []
    if not (c.child_consents and c.child_consent_on):
        missing.append(_("the child's consent"))
    if not (c.guardian_consents and c.guardian_consent_on):
        missing.append(_("the guardian's consent"))
    if missing:
        return False, _("Missing: %(what)s.", what=_missing(missing)), [], _rb("consent", case)
    return (
        True,
        _("The child and the guardian consent."),
        [("Consent", c.id, c.child_consent_on.isoformat())],
        None,
    )


def s16_notice(case, data, today, policy):
    """S16 (see ``TITLES`` for its wording and source)."""
    n = data.notice
    if n is None or n.outcome is not Outcome.RETURN:
        return False, _("No decision notice for return."), [], _place("decision.page", case)
    missing = []
    if n.child_notified_on is None or not n.child_understands_language:
        missing.append(_("the child is not notified in a language they understand"))
    if n.guardian_notified_on is None:
        missing.append(_("the guardian is not notified"))
    if not today > n.appeal_deadline:
        missing.append(_("the appeal period runs until %(day)s", day=n.appeal_deadline.isoformat()))
    if any(a.status is AppealStatus.PENDING for a in data.appeals):
        missing.append(_("an appeal is pending"))
    if missing:
        return False, _("Decision: %(what)s.", what=_missing(missing)), [], _place("decision.page", case)
    return (
        True,
        _("Notified; appeal period ended %(day)s.", day=n.appeal_deadline.isoformat()),
        [("DecisionNotice", n.id, n.decided_on.isoformat())],
        None,
    )


def s17_monitoring(case, data, today, policy):
    """S17 (see ``TITLES`` for its wording and source)."""
    plan = data.monitoring_plan
    if plan is None:
        return False, _("No post-return monitoring plan."), [], _rb("monitoring_plan", case)
    missing = []
    if not plan.independent or not (plan.monitor_name or "").strip():
        missing.append(_("no independent monitor"))
    if plan.first_visit_on is None:
        missing.append(_("no first visit date"))
    if missing:
        return (
            False,
            _("Monitoring: %(what)s.", what=_missing(missing)),
            [],
            _rb("monitoring_plan", case),
        )
    return (
        True,
        _("Independent monitor; first visit %(day)s.", day=plan.first_visit_on.isoformat()),
        [("MonitoringPlan", plan.id, plan.monitor_name)],
        None,
    )


def s18_suspension(case, data, today, policy):
    """S18 (see ``TITLES`` for its wording and source)."""
    country = data.destination_country
    if not country:
        return False, _("The destination country is not recorded."), [], _rb("coordination", case)
    active = [s for s in data.suspensions if s.country == country and s.in_force_on(today)]
    if active:
        s = active[0]
        return (
            False,
            _(
                "Returns to %(country)s are suspended since %(day)s.",
                country=country,
                day=s.suspended_from.isoformat(),
            ),
            [],
            None,
        )
    return True, _("No suspension of returns to %(country)s.", country=country), [], None


CHECKS = [
    ("S1", s1_identity),
    ("S2", s2_lead_agency),
    ("S3", s3_guardian),
    ("S4", s4_legal),
    ("S5", s5_hearing),
    ("S6", s6_family),
    ("S7", s7_guarantee),
    ("S8", s8_risk),
    ("S9", s9_bid),
    ("S10", s10_bid_approved),
    ("S11", s11_central),
    ("S12", s12_readiness),
    ("S13", s13_reintegration),
    ("S14", s14_travel),
    ("S15", s15_consent),
    ("S16", s16_notice),
    ("S17", s17_monitoring),
    ("S18", s18_suspension),
]
