"""S14-S18: the return itself — travel and handover, consent, notice and appeal, post-return
monitoring, suspension of returns.

The right party (DESIGN.md section 4.1, item 4): the child is received by child protection or
an assessed parent or guardian, never law enforcement; the monitor is independent.
"""

from __future__ import annotations

from caseapp.agencies.models import CHILD_PROTECTION_KINDS, AgencyKind
from caseapp.cases.models import Outcome
from caseapp.children.models import Relation
from caseapp.core import clock
from caseapp.crossborder.models import (
    EscortKind,
    ReceivingKind,
    WithdrawalKind,
)
from caseapp.decision.models import AppealStatus
from caseapp.determination.models import writers_of
from caseapp.gate.safeguards.common import (
    _,
    agency_text,
    assessed_suitable,
    day,
    evidence,
    label,
    missing_text,
    not_independent,
    party_user,
    place,
    recorded_by_caseworker,
    return_page,
    user_text,
)


def _receiver(case, data, plan) -> tuple[str | None, str]:
    """(what is wrong, or None; who receives) for the travel plan's receiving party."""
    kind = plan.receiving_kind
    if kind is ReceivingKind.CHILD_PROTECTION:
        agency = data.agency(plan.receiving_agency_id)
        if agency is None:
            return _("the receiving child-protection authority is not chosen from the register"), ""
        if agency.kind not in CHILD_PROTECTION_KINDS:
            return (
                _(
                    "%(name)s is not child protection (%(kind)s)",
                    name=agency.name,
                    kind=label(agency.kind),
                ),
                "",
            )
        return None, _(
            "%(person)s, %(agency)s",
            person=plan.receiving_official,
            agency=agency_text(data, agency.id),
        )
    if kind in (ReceivingKind.LEGAL_GUARDIAN, ReceivingKind.FAMILY_MEMBER):
        member = next(
            (m for m in data.family_members if m.id == plan.receiving_family_member_id), None
        )
        if member is None:
            return _("the receiving family member is not chosen from the family record"), ""
        who = _("%(name)s (%(relation)s)", name=member.name, relation=label(member.relation))
        legal_guardian = member.relation is Relation.LEGAL_GUARDIAN or member.legal_custodian
        if kind is ReceivingKind.LEGAL_GUARDIAN and not legal_guardian:
            return _("%(who)s is not recorded as legal guardian or custodian", who=who), ""
        if not assessed_suitable(data, member.id):
            return (
                _("%(who)s has no family assessment finding them suitable (S6)", who=who),
                "",
            )
        return None, who
    if kind is ReceivingKind.LAW_ENFORCEMENT:
        return _("the child would be received by law enforcement"), ""
    return _(
        "who receives the child is not child protection, a legal guardian or an "
        "assessed parent or relative"
    ), ""


def s14_travel(case, data, today, policy):
    """S14: escorted by child protection (or by the assessed parent or guardian who collects
    the child), never law enforcement; no handover at the border; received by child
    protection, a legal guardian, or a parent or relative assessed in S6; into a placement
    on arrival that is recorded and not custodial (002, fn 12 (i) and (v); Ukraine, Kolbasa;
    Kyrgyz practice: transit centres on return)."""
    where = return_page("travel", case)
    plan = data.travel_plan
    if plan is None:
        return False, _("No travel and handover plan."), [], where
    missing = []
    problem, receiver = _receiver(case, data, plan)
    if problem:
        missing.append(problem)
    escort_agency = data.agency(plan.escort_agency_id)
    family_collects = (
        plan.escort_kind is EscortKind.FAMILY
        and plan.receiving_kind in (ReceivingKind.LEGAL_GUARDIAN, ReceivingKind.FAMILY_MEMBER)
        and problem is None
    )
    if plan.escort_kind is EscortKind.LAW_ENFORCEMENT or (
        escort_agency is not None and escort_agency.kind is AgencyKind.LAW_ENFORCEMENT
    ):
        missing.append(_("escort by law enforcement: a child-protection official must escort"))
    elif plan.escort_kind is EscortKind.CHILD_PROTECTION:
        if escort_agency is None or escort_agency.kind not in CHILD_PROTECTION_KINDS:
            missing.append(
                _("the escort's child-protection agency is not chosen from the register")
            )
    elif not family_collects:
        missing.append(_("the escort is not a child-protection official"))
    if plan.handover_at_border:
        missing.append(_("a handover at the border is planned"))
    if plan.arrival_placement_type is None or plan.arrival_can_leave_at_will is None:
        missing.append(_("where the child will live on arrival is not recorded"))
    elif plan.arrival_deprives_of_liberty:
        missing.append(
            _(
                "the placement on arrival (%(what)s) is deprivation of liberty",
                what=label(plan.arrival_placement_type),
            )
        )
    if missing:
        return False, _("Travel and handover: %(what)s.", what=missing_text(missing)), [], where
    escort = (
        _(
            "escorted by %(name)s (%(agency)s)",
            name=plan.escort_name,
            agency=agency_text(data, plan.escort_agency_id),
        )
        if plan.escort_kind is EscortKind.CHILD_PROTECTION
        else _("collected by %(who)s", who=receiver)
    )
    return (
        True,
        _(
            "Escorted by child protection or collected by the assessed family; "
            "no handover at the border."
        ),
        [
            evidence(
                "travel",
                plan,
                _("travel on %(day)s, %(route)s", day=day(plan.travel_on), route=plan.route),
                escort,
                _("received by %(who)s at %(place)s", who=receiver, place=plan.handover_place),
                _(
                    "living on arrival: %(what)s %(name)s",
                    what=label(plan.arrival_placement_type),
                    name=plan.arrival_placement_name or "",
                ),
            )
        ],
        None,
    )


def s15_consent(case, data, today, policy):
    """S15: the child's and guardian's voluntary consent, not withdrawn since and without a
    later objection — or a non-voluntary return as a documented last resort approved by a
    second supervisor (002, fn 12 (v); PICUM). The latest word counts."""
    where = return_page("consent", case)
    c = data.consent
    if c is None:
        return False, _("No consent recorded."), [], where

    def after(kind, since):
        return [
            w
            for w in data.withdrawals
            if w.kind is kind and since is not None and w.on_date >= since
        ]

    if c.non_voluntary:
        approver = c.last_resort_approved_by_id
        if not (c.last_resort_justification or "").strip():
            return False, _("Last resort without justification."), [], where
        # A second supervisor: not the consent's recorder, nor anyone whose own work the
        # return is (its caseworker, a writer of the determination or of the preparation),
        # the rule the approval itself applies (``Consent.own_work_in_last_resort``).
        by = data.user(approver)
        if by is None or c.own_work_in_last_resort(by, writers_of(data.bid), data.preparers):
            return False, _("The last resort is not approved by a second supervisor."), [], where
        approved_on = (
            clock.local_date(c.last_resort_approved_at) if c.last_resort_approved_at else None
        )
        objections = after(WithdrawalKind.OBJECTION, approved_on)
        if objections:
            return (
                False,
                _(
                    "An objection to the return was recorded on %(day)s.",
                    day=day(objections[-1].on_date),
                ),
                [],
                where,
            )
        return (
            True,
            _("Non-voluntary return as a documented last resort, approved."),
            [
                evidence(
                    "consent",
                    c,
                    _(
                        "last resort approved on %(day)s by %(who)s",
                        day=day(approved_on),
                        who=by.name,
                    ),
                    c.last_resort_justification,
                )
            ],
            None,
        )
    missing = []
    if not (c.child_consents and c.child_consent_on):
        missing.append(_("the child's consent"))
    elif w := after(WithdrawalKind.CHILD_CONSENT, c.child_consent_on):
        missing.append(_("the child withdrew consent on %(day)s", day=day(w[-1].on_date)))
    if not (c.guardian_consents and c.guardian_consent_on):
        missing.append(_("the guardian's consent"))
    elif w := after(WithdrawalKind.GUARDIAN_CONSENT, c.guardian_consent_on):
        missing.append(_("the guardian withdrew consent on %(day)s", day=day(w[-1].on_date)))
    dates = [d for d in (c.child_consent_on, c.guardian_consent_on) if d is not None]
    if dates and (o := after(WithdrawalKind.OBJECTION, min(dates))):
        missing.append(
            _("an objection to the return was recorded on %(day)s", day=day(o[-1].on_date))
        )
    if missing:
        return False, _("Missing: %(what)s.", what=missing_text(missing)), [], where
    return (
        True,
        _("The child and the guardian consent."),
        [
            evidence(
                "consent",
                c,
                _(
                    "the child consented on %(day)s (%(how)s)",
                    day=day(c.child_consent_on),
                    how=c.child_consent_how or "",
                ),
                _("the guardian consented on %(day)s", day=day(c.guardian_consent_on)),
            )
        ],
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
        missing.append(_("the appeal period runs until %(day)s", day=day(n.appeal_deadline)))
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
        _("Notified; appeal period ended %(day)s.", day=day(n.appeal_deadline)),
        [
            evidence(
                "notice",
                n,
                _("decided on %(day)s", day=day(n.decided_on)),
                _("child notified on %(day)s", day=day(n.child_notified_on)),
                _("guardian notified on %(day)s", day=day(n.guardian_notified_on)),
                _("no appeal pending"),
            )
        ],
        None,
    )


def s17_monitoring(case, data, today, policy):
    """S17: independent post-return monitoring (002, Rec 2; Chișcă; Prof. Strik): the
    monitor is an organisation from the register that is not the lead (returning) agency
    nor law enforcement; the first visit falls within the policy's window after the planned
    return.

    Who confirmed it (issue 10, item 4): the monitor accepting the plan in caseapp, or the
    caseworker recording it. When the policy requires the party's own confirmation
    (``monitoring_by_party``), only the monitor's acceptance counts (a partner's signed
    document still counts: ``caseapp.gate.safeguards.received``)."""
    where = return_page("monitoring_plan", case)
    plan = data.monitoring_plan
    if plan is None:
        return False, _("No post-return monitoring plan."), [], where
    missing = []
    problems = not_independent(case, data, agency_id=plan.monitor_agency_id, user_id=None)
    if problems:
        missing.append(_("the monitor is not independent: %(why)s", why="; ".join(problems)))
    travel = data.travel_plan
    if plan.first_visit_on is None:
        missing.append(_("no first visit date"))
    elif travel is None:
        missing.append(_("the planned return date is not recorded (travel plan)"))
    else:
        lag = (plan.first_visit_on - travel.travel_on).days
        if lag < 0 or lag > policy.first_visit_within_days:
            missing.append(
                _(
                    "the first visit (%(visit)s) must fall within %(days)s days after the "
                    "planned return (%(travel)s)",
                    visit=day(plan.first_visit_on),
                    days=policy.first_visit_within_days,
                    travel=day(travel.travel_on),
                )
            )
    monitor = party_user(data, plan, plan.accepted_by_id, plan.monitor_agency_id)
    if monitor is None and policy.monitoring_by_party:
        missing.append(
            _(
                "the policy requires the monitor's own acceptance of the plan in caseapp: "
                "a plan recorded by the caseworker alone does not count"
            )
        )
    if missing:
        return False, _("Monitoring: %(what)s.", what=missing_text(missing)), [], where
    who = (
        _(
            "accepted by the monitor: %(who)s on %(day)s",
            who=user_text(data, monitor.id),
            day=day(plan.accepted_on),
        )
        if monitor is not None
        else recorded_by_caseworker(data, plan)
    )
    return (
        True,
        _("Independent monitor; first visit %(day)s.", day=day(plan.first_visit_on)),
        [
            evidence(
                "monitoring",
                plan,
                _(
                    "%(who)s (%(person)s)",
                    who=agency_text(data, plan.monitor_agency_id),
                    person=plan.monitor_name,
                ),
                _("first visit on %(day)s", day=day(plan.first_visit_on)),
                who,
            )
        ],
        None,
    )


def s18_suspension(case, data, today, policy):
    """S18 (see ``TITLES`` for its wording and source): no suspension in force for the
    destination nor for a transit country on the return route (002, Day 1 plenary)."""
    from caseapp.children.labels import country_name

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
                country=country_name(country),
                day=day(s.suspended_from),
            )
        else:
            reason = _(
                "The return route crosses %(country)s, where returns are suspended since %(day)s.",
                country=country_name(c),
                day=day(s.suspended_from),
            )
        return False, reason, [], return_page("coordination", case)
    if transit:
        return (
            True,
            _(
                "No suspension of returns to %(country)s nor through %(transit)s.",
                country=country_name(country),
                transit=", ".join(country_name(c) for c in transit),
            ),
            [],
            None,
        )
    return (
        True,
        _("No suspension of returns to %(country)s.", country=country_name(country)),
        [],
        None,
    )
