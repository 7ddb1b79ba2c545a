"""S11-S13: what the other side agrees to — the Central Authority's approval, the counterpart's
readiness, the resourced reintegration plan.

The right party (DESIGN.md section 4.1, item 4): approvals and confirmations come from the
agency of the right kind chosen from the register, with the document attached, within the
policy's validity window (item 5).
"""

from __future__ import annotations

from caseapp.agencies.models import CHILD_PROTECTION_KINDS, AgencyKind
from caseapp.crossborder.models import (
    ComponentKind,
    MessageDirection,
    MessageKind,
    Provenance,
    WithdrawalKind,
)
from caseapp.gate.safeguards.common import (
    _,
    agency_text,
    day,
    documents_text,
    evidence,
    label,
    latest,
    missing_text,
    party_user,
    recorded_by_caseworker,
    return_page,
    user_text,
    within,
)


def s11_central(case, data, today, policy):
    """S11: approved by the Central Authority (002, Moldova: "must be approved by the
    Central Authority"): the latest decision, from an agency of kind central_authority, with
    its reference, within the policy's validity window; a refusal is its latest word.

    Who confirmed it (issue 10, item 4): the Central Authority's own officer deciding in
    caseapp, or the caseworker recording the authority's paper document (attached). When the
    policy requires the party's own confirmation (``central_approval_by_party``), only the
    former counts."""
    where = return_page("central_approval", case)
    a = latest(data.central_approvals, lambda a: a.approved_on)
    if a is None:
        return False, _("No Central Authority approval."), [], where
    if a.refused:
        return (
            False,
            _(
                "The Central Authority refused the return on %(day)s (reference %(ref)s).",
                day=day(a.approved_on),
                ref=a.reference,
            ),
            [],
            where,
        )
    missing = []
    agency = data.agency(a.authority_agency_id)
    if agency is None:
        missing.append(
            _(
                "the approving authority (“%(name)s”) is not chosen from the agency register",
                name=a.authority_name,
            )
        )
    elif agency.kind is not AgencyKind.CENTRAL_AUTHORITY:
        missing.append(
            _(
                "%(name)s is not a Central Authority (%(kind)s)",
                name=agency.name,
                kind=label(agency.kind),
            )
        )
    if not (a.reference or "").strip():
        missing.append(_("no reference"))
    officer = party_user(data, a, a.confirmed_by_id, a.authority_agency_id)
    if officer is None:
        if a.provenance is Provenance.CONFIRMED_BY_PARTICIPANT:
            missing.append(_("confirmed by someone who is not staff of that Central Authority"))
        elif policy.central_approval_by_party:
            missing.append(
                _(
                    "the policy requires the Central Authority's own approval in caseapp: "
                    "a paper document recorded by the caseworker does not count"
                )
            )
        elif not data.documents_of(a):
            missing.append(_("the approval document is not attached"))
    if not within(a.approved_on, today, policy.central_approval_valid_days):
        missing.append(
            _(
                "given on %(day)s: valid for %(days)s days",
                day=day(a.approved_on),
                days=policy.central_approval_valid_days,
            )
        )
    if missing:
        return (
            False,
            _("Central Authority approval: %(what)s.", what=missing_text(missing)),
            [],
            where,
        )
    who = (
        _("confirmed by the Central Authority: %(who)s", who=user_text(data, officer.id))
        if officer is not None
        else recorded_by_caseworker(data, a)
    )
    return (
        True,
        _("Approved by the Central Authority."),
        [
            evidence(
                "central_approval",
                a,
                _(
                    "%(who)s, reference %(ref)s, on %(day)s",
                    who=agency_text(data, a.authority_agency_id),
                    ref=a.reference,
                    day=day(a.approved_on),
                ),
                who,
            )
        ],
        None,
    )


def s12_readiness(case, data, today, policy):
    """S12: the counterpart named on the coordination record — a child-protection authority
    from the register — confirmed readiness in a received message with the document, recently,
    and has not withdrawn it since (002, Rec 2; Rec 6)."""
    where = return_page("messages", case)
    coordination = data.coordination
    counterpart = data.agency(coordination.counterpart_agency_id) if coordination else None
    if counterpart is None:
        return (
            False,
            _(
                "The counterpart child-protection authority is not chosen from the agency "
                "register on the coordination record."
            ),
            [],
            return_page("coordination", case),
        )
    if counterpart.kind not in CHILD_PROTECTION_KINDS:
        return (
            False,
            _(
                "The counterpart %(name)s is not a child-protection authority (%(kind)s).",
                name=counterpart.name,
                kind=label(counterpart.kind),
            ),
            [],
            return_page("coordination", case),
        )
    confirmations = [
        m
        for m in data.messages
        if m.direction is MessageDirection.RECEIVED
        and m.kind is MessageKind.CONFIRMATION_OF_READINESS
        and m.agency_id == counterpart.id
    ]
    m = latest(confirmations, lambda m: m.on_date)
    if m is None:
        return (
            False,
            _("No confirmation of readiness received from %(name)s.", name=counterpart.name),
            [],
            where,
        )
    # Withdrawn since: a later day, or the same day but recorded after the confirmation.
    withdrawn = [
        w
        for w in data.withdrawals
        if w.kind is WithdrawalKind.READINESS
        and (w.on_date, w.created_at) >= (m.on_date, m.created_at)
    ]
    missing = []
    if withdrawn:
        missing.append(_("readiness withdrawn on %(day)s", day=day(withdrawn[-1].on_date)))
    if not data.documents_of(m):
        missing.append(_("the confirmation document is not attached"))
    if not within(m.on_date, today, policy.confirmation_valid_days):
        missing.append(
            _(
                "confirmed on %(day)s: valid for %(days)s days",
                day=day(m.on_date),
                days=policy.confirmation_valid_days,
            )
        )
    if missing:
        return False, _("Readiness: %(what)s.", what=missing_text(missing)), [], where
    return (
        True,
        _("Readiness confirmed by the counterpart."),
        [
            evidence(
                "readiness",
                m,
                _(
                    "received from %(who)s on %(day)s: %(subject)s",
                    who=agency_text(data, m.agency_id),
                    day=day(m.on_date),
                    subject=m.subject,
                ),
                documents_text(data, m),
                label(m.provenance),
            )
        ],
        None,
    )


def s13_reintegration(case, data, today, policy):
    """S13: an individual plan "prepared and resourced" (002, Rec 2): education, health,
    psychosocial support and family support each planned with the agency responsible (from
    the register) or marked not needed with a reason; resources confirmed by an agency,
    recently."""
    where = return_page("reintegration", case)
    plan = data.reintegration_plan
    if plan is None:
        return False, _("No reintegration plan."), [], where
    missing = []
    parts = []
    for kind in ComponentKind:
        c = plan.component(kind)
        if c.planned:
            parts.append(
                _(
                    "%(what)s: %(plan)s (%(who)s)",
                    what=label(kind),
                    plan=c.description,
                    who=agency_text(data, c.agency_id),
                )
            )
        elif c.not_needed:
            parts.append(
                _("%(what)s: not needed (%(why)s)", what=label(kind), why=c.not_needed_reason)
            )
        elif (c.description or "").strip():
            missing.append(_("%(what)s has no responsible agency", what=label(kind)))
        else:
            missing.append(_("%(what)s is neither planned nor marked not needed", what=label(kind)))
    confirmer = data.agency(plan.resources_confirmed_by_agency_id)
    if not plan.resources_confirmed or confirmer is None or plan.resources_confirmed_on is None:
        missing.append(_("the resources are not confirmed by an agency from the register"))
    elif not within(plan.resources_confirmed_on, today, policy.confirmation_valid_days):
        missing.append(
            _(
                "resources confirmed on %(day)s: valid for %(days)s days",
                day=day(plan.resources_confirmed_on),
                days=policy.confirmation_valid_days,
            )
        )
    if missing:
        return False, _("Reintegration plan: %(what)s.", what=missing_text(missing)), [], where
    return (
        True,
        _("Plan complete and resourced."),
        [
            evidence(
                "reintegration",
                plan,
                *parts,
                _(
                    "resources confirmed by %(who)s on %(day)s",
                    who=agency_text(data, plan.resources_confirmed_by_agency_id),
                    day=day(plan.resources_confirmed_on),
                ),
            )
        ],
        None,
    )
