"""S11-S18: Central Authority, counterpart, plans, consent, notice, monitoring, suspension."""

from __future__ import annotations

from flask_babel import gettext as _

from caseapp.cases.models import Outcome
from caseapp.crossborder.models import EscortKind, MessageDirection, MessageKind
from caseapp.decision.models import AppealStatus
from caseapp.gate.safeguards.common import missing_text, place, return_page


def s11_central(case, data, today, policy):
    """S11 (see ``TITLES`` for its wording and source)."""
    ok = [a for a in data.central_approvals if (a.reference or "").strip()]
    if not ok:
        return (
            False,
            _("No Central Authority approval with a reference."),
            [],
            return_page("central_approval", case),
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
            return_page("messages", case),
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
        return False, _("No reintegration plan."), [], return_page("reintegration", case)
    if not (
        plan.resources_confirmed and plan.resources_confirmed_by and plan.resources_confirmed_on
    ):
        return (
            False,
            _("The plan's resources are not confirmed."),
            [],
            return_page("reintegration", case),
        )
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
        return False, _("No travel and handover plan."), [], return_page("travel", case)
    if plan.escort_kind is EscortKind.LAW_ENFORCEMENT:
        return (
            False,
            _("Escort by law enforcement: a child-protection official must escort."),
            [],
            return_page("travel", case),
        )
    if plan.escort_kind is not EscortKind.CHILD_PROTECTION:
        return (
            False,
            _("The escort is not a child-protection official."),
            [],
            return_page("travel", case),
        )
    if plan.handover_at_border:
        return False, _("Handover at the border is planned."), [], return_page("travel", case)
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
        return False, _("No consent recorded."), [], return_page("consent", case)
    if c.non_voluntary:
        bid_author = data.bid.author_id if data.bid is not None else None
        approver = c.last_resort_approved_by_id
        if not (c.last_resort_justification or "").strip():
            return False, _("Last resort without justification."), [], return_page("consent", case)
        if approver is None or approver in (c.recorded_by_id, bid_author):
            return (
                False,
                _("The last resort is not approved by a second supervisor."),
                [],
                return_page("consent", case),
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
        return (
            False,
            _("Missing: %(what)s.", what=missing_text(missing)),
            [],
            return_page("consent", case),
        )
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
        return False, _("No decision notice for return."), [], place("decision.page", case)
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
        return (
            False,
            _("Decision: %(what)s.", what=missing_text(missing)),
            [],
            place("decision.page", case),
        )
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
        return False, _("No post-return monitoring plan."), [], return_page("monitoring_plan", case)
    missing = []
    if not plan.independent or not (plan.monitor_name or "").strip():
        missing.append(_("no independent monitor"))
    if plan.first_visit_on is None:
        missing.append(_("no first visit date"))
    if missing:
        return (
            False,
            _("Monitoring: %(what)s.", what=missing_text(missing)),
            [],
            return_page("monitoring_plan", case),
        )
    return (
        True,
        _("Independent monitor; first visit %(day)s.", day=plan.first_visit_on.isoformat()),
        [("MonitoringPlan", plan.id, plan.monitor_name)],
        None,
    )


def s18_suspension(case, data, today, policy):
    """S18 (see ``TITLES`` for its wording and source): no suspension in force for the
    destination nor for a transit country on the return route (002, Day 1 plenary)."""
    country = data.destination_country
    if not country:
        return (
            False,
            _("The destination country is not recorded."),
            [],
            return_page("coordination", case),
        )
    transit = [c for c in data.transit_countries if c != country]
    for c in (country, *transit):
        active = [s for s in data.suspensions if s.country == c and s.in_force_on(today)]
        if not active:
            continue
        s = active[0]
        if c == country:
            reason = _(
                "Returns to %(country)s are suspended since %(day)s.",
                country=country,
                day=s.suspended_from.isoformat(),
            )
        else:
            reason = _(
                "The return route crosses %(country)s, where returns are suspended since %(day)s.",
                country=c,
                day=s.suspended_from.isoformat(),
            )
        return False, reason, [], None
    if transit:
        return (
            True,
            _(
                "No suspension of returns to %(country)s nor through %(transit)s.",
                country=country,
                transit=", ".join(transit),
            ),
            [],
            None,
        )
    return True, _("No suspension of returns to %(country)s.", country=country), [], None
