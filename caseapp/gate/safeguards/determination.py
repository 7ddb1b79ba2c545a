"""S5-S10: hearing, family, guarantee, risk and the best-interests determination.

The latest record of each kind decides (DESIGN.md section 4.1, item 2), and it must be
complete (item 3): a later unfavourable record overrides an earlier favourable one.
"""

from __future__ import annotations

from caseapp.agencies.models import AgencyKind
from caseapp.assessment.models import RiskLevel
from caseapp.cases.models import Outcome
from caseapp.core import clock
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.crossborder.models import GuarantorKind, WithdrawalKind
from caseapp.determination.models import BidStatus, PanelRole
from caseapp.gate.safeguards.common import (
    _,
    agency_text,
    assessed_suitable,
    day,
    documents_text,
    evidence,
    label,
    latest,
    latest_family_assessments,
    missing_text,
    not_independent,
    place,
    return_page,
    separated,
    user_text,
    within,
)

# The elements of CRC General Comment 14 the BIA must address (DESIGN.md section 2).
GC14_ELEMENTS = {
    "views": _l("the child's views"),
    "identity": _l("identity"),
    "family_environment": _l("family environment"),
    "care_and_safety": _l("care and safety"),
    "vulnerability": _l("vulnerability"),
    "health": _l("health"),
    "education": _l("education"),
}


def s5_hearing(case, data, today, policy):
    """S5: the latest hearing since the determination opened decides (002, Rec 1; Rec 2;
    Moldova 2008 Regulation). In a language the child understands — with an independent
    interpreter whenever the child's record says one is needed — with child-friendly
    information, views recorded and weighed, options discussed."""
    where = place("assessment.page", case)
    bid = data.bid
    if bid is None:
        return False, _("No determination has been opened yet."), [], where
    opened = clock.local_date(bid.opened_at)
    since = [h for h in data.hearings if h.held_on >= opened]
    h = latest(since, lambda h: h.held_on)
    if h is None or (today - h.held_on).days > policy.hearing_max_age_days:
        return (
            False,
            _(
                "No hearing since the determination was opened within the last %(days)s days.",
                days=policy.hearing_max_age_days,
            ),
            [],
            where,
        )
    child = case.child
    missing = []
    needs_interpreter = child is not None and child.interpreter_needed
    has_interpreter = bool((h.interpreter or "").strip())
    if needs_interpreter and not has_interpreter:
        missing.append(_("no interpreter, although the child's record says one is needed"))
    elif not (has_interpreter or h.child_understands_language):
        missing.append(_("not in a language the child understands"))
    if has_interpreter:
        problems = not_independent(
            case, data, agency_id=h.interpreter_agency_id, user_id=h.interpreter_user_id
        )
        if problems:
            missing.append(
                _(
                    "the interpreter %(name)s is not independent: %(why)s",
                    name=h.interpreter,
                    why="; ".join(problems),
                )
            )
    if not h.child_friendly_information_given:
        missing.append(_("no child-friendly information was given"))
    if not (h.views_summary or "").strip():
        missing.append(_("the child's views are not recorded"))
    if not (h.weight_reasons or "").strip():
        missing.append(_("no reasons for the weight given"))
    if not h.options_discussed:
        missing.append(_("the options were not discussed with the child"))
    if missing:
        return (
            False,
            _(
                "Latest hearing (%(day)s): %(what)s.",
                day=day(h.held_on),
                what=missing_text(missing),
            ),
            [],
            where,
        )
    interpreter = (
        _(
            "interpreter %(name)s (%(org)s)",
            name=h.interpreter,
            org=agency_text(data, h.interpreter_agency_id)
            or user_text(data, h.interpreter_user_id),
        )
        if has_interpreter
        else ""
    )
    return (
        True,
        _("Child heard on %(day)s.", day=day(h.held_on)),
        [
            evidence(
                "hearing",
                h,
                _(
                    "heard on %(day)s by %(who)s in %(language)s",
                    day=day(h.held_on),
                    who=user_text(data, h.heard_by_id),
                    language=h.language,
                ),
                interpreter,
                _("child-friendly information given; options discussed"),
                _("weight: %(weight)s", weight=label(h.weight)),
            )
        ],
        where,
    )


def s6_family(case, data, today, policy):
    """S6: family traced and assessed (002, Moldova practice; fn 12 (iii)). Each family
    member's latest assessment counts, and the latest home study; an unfavourable later
    home study overrides the earlier favourable word."""
    where = return_page("home_study", case)
    hs = latest(data.home_studies, lambda h: h.received_on)
    if hs is not None and not hs.favourable:
        return (
            False,
            _(
                "The latest home study (%(day)s, %(who)s) is unfavourable.",
                day=day(hs.received_on),
                who=hs.conducted_by,
            ),
            [],
            where,
        )
    members = {m.id: m for m in data.family_members}
    suitable = [
        a for mid, a in latest_family_assessments(data).items() if assessed_suitable(data, mid)
    ]
    ev = [
        evidence(
            "family_assessment",
            a,
            _(
                "%(name)s (%(relation)s) assessed as suitable on %(day)s by %(who)s",
                name=members[a.family_member_id].name if a.family_member_id in members else "",
                relation=label(members[a.family_member_id].relation)
                if a.family_member_id in members
                else "",
                day=day(a.assessed_on),
                who=a.assessed_by,
            ),
        )
        for a in suitable
    ]
    if hs is not None:
        ev.append(
            evidence(
                "home_study",
                hs,
                _(
                    "favourable home study received on %(day)s from %(who)s",
                    day=day(hs.received_on),
                    who=agency_text(data, hs.agency_id) or hs.conducted_by,
                ),
            )
        )
    if not ev:
        return (
            False,
            _(
                "No family member's latest assessment finds them suitable, and no "
                "favourable home study."
            ),
            [],
            where,
        )
    reason = _("Family assessed as suitable.") if suitable else _("Favourable home study.")
    return True, reason, ev, None


def _withdrawn(data, g) -> object | None:
    return next(
        (
            w
            for w in data.withdrawals
            if w.kind is WithdrawalKind.GUARANTEE and w.guarantee_id == g.id
        ),
        None,
    )


def _guarantee_gaps(data, g, today, policy) -> list[str]:
    """What a guarantee lacks: in writing, the signed document, recent, the right party."""
    missing = []
    if not g.written:
        missing.append(_("it is not in writing"))
    if not data.documents_of(g):
        missing.append(_("the signed document is not attached"))
    if not within(g.given_on, today, policy.guarantee_valid_days):
        missing.append(
            _(
                "given on %(day)s, more than %(days)s days ago",
                day=day(g.given_on),
                days=policy.guarantee_valid_days,
            )
        )
    agency = data.agency(g.guarantor_agency_id)
    if g.guarantor_kind is GuarantorKind.FOREIGN_AUTHORITY and (
        agency is None or agency.kind is AgencyKind.LAW_ENFORCEMENT
    ):
        missing.append(_("the foreign authority is not chosen from the agency register"))
    return missing


def s7_guarantee(case, data, today, policy):
    """S7: a written guarantee of care, with the document attached, in force and recent
    (002, Moldova: "only ... if the family or foreign authority guarantee to care")."""
    where = return_page("guarantee", case)
    in_force = [g for g in data.guarantees if _withdrawn(data, g) is None]
    if not in_force:
        withdrawn = [w for w in data.withdrawals if w.kind is WithdrawalKind.GUARANTEE]
        if withdrawn:
            w = withdrawn[-1]
            return (
                False,
                _("The guarantee of care was withdrawn on %(day)s.", day=day(w.on_date)),
                [],
                where,
            )
        return False, _("No written guarantee of care in force."), [], where
    # The latest word counts (DESIGN.md 4.1, item 2): the latest guarantee in force is the
    # one read, and it must be complete; a guarantor's word is taken back by a withdrawal.
    g = latest(in_force, lambda g: g.given_on)
    gaps = _guarantee_gaps(data, g, today, policy)
    if gaps:
        return (
            False,
            _("Guarantee by %(who)s: %(what)s.", who=g.guarantor_name, what=missing_text(gaps)),
            [],
            where,
        )
    return (
        True,
        _("Written guarantee of care given."),
        [
            evidence(
                "guarantee",
                g,
                _(
                    "by %(who)s (%(kind)s) on %(day)s",
                    who=agency_text(data, g.guarantor_agency_id) or g.guarantor_name,
                    kind=label(g.guarantor_kind),
                    day=day(g.given_on),
                ),
                documents_text(data, g),
            )
        ],
        None,
    )


def s8_risk(case, data, today, policy):
    """S8: the latest completed BIA is complete — every General Comment 14 element and the
    risk section (non-refoulement, conflict, violence, trafficking, family capacity, human
    rights impact) — and finds return safe; any high risk, or trafficking indicators without
    a trafficking risk assessment, leaves it unmet (002, Rec 1; Prof. Strik; fn 12)."""
    where = place("assessment.bia", case)
    done = [a for a in data.assessments if a.completed]
    bia = latest(done, lambda a: a.completed_at)
    if bia is None:
        return False, _("No completed best-interests assessment."), [], where
    missing = []
    empty = [
        str(name) for key, name in GC14_ELEMENTS.items() if not (getattr(bia, key) or "").strip()
    ]
    if empty:
        missing.append(_("General Comment 14 elements missing: %(what)s", what=", ".join(empty)))
    if bia.return_safe is not True:
        missing.append(_("it does not find return safe"))
    if bia.armed_conflict is not False:
        missing.append(_("armed conflict is not ruled out"))
    if bia.non_refoulement_risk is not RiskLevel.LOW:
        missing.append(_("the non-refoulement risk is not low"))
    if bia.violence_risk is None:
        missing.append(_("the risk of violence is not assessed"))
    child = case.child
    if bia.trafficking_risk is None and child is not None and child.trafficking_indicators:
        missing.append(_("trafficking indicators, but no trafficking risk assessment"))
    high = [
        str(name)
        for name, level in (
            (_("violence"), bia.violence_risk),
            (_("trafficking"), bia.trafficking_risk),
        )
        if level is RiskLevel.HIGH
    ]
    if high:
        missing.append(_("high risk: %(what)s", what=", ".join(high)))
    if not (bia.family_capacity or "").strip():
        missing.append(_("the family's capacity is not assessed"))
    if not (bia.human_rights_impact or "").strip():
        missing.append(_("no human-rights impact assessment"))
    destination = data.destination_country
    if bia.return_country and destination and bia.return_country != destination:
        missing.append(_("it assesses another country than the destination"))
    if missing:
        return (
            False,
            _("Assessment: %(what)s.", what=missing_text(missing)),
            [],
            where,
        )
    return (
        True,
        _("The assessment finds return safe."),
        [
            evidence(
                "bia",
                bia,
                _(
                    "completed on %(day)s by %(who)s",
                    day=day(clock.local_date(bia.completed_at)),
                    who=user_text(data, bia.author_id),
                ),
                _(
                    "non-refoulement risk %(nr)s, violence %(v)s, trafficking %(t)s",
                    nr=label(bia.non_refoulement_risk),
                    v=label(bia.violence_risk),
                    t=label(bia.trafficking_risk) if bia.trafficking_risk else _("no indicators"),
                ),
            )
        ],
        None,
    )


def s9_bid(case, data, today, policy):
    """S9 (see ``TITLES`` for its wording and source)."""
    bid = data.bid
    if bid is None:
        return False, _("No determination."), [], place("determination.page", case)
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
    if separated(case, data) and not any(p.role is PanelRole.GUARDIAN for p in bid.panel):
        missing.append(_("the guardian was not on the panel"))
    if missing:
        return (
            False,
            _("Determination: %(what)s.", what=missing_text(missing)),
            [],
            place("determination.page", case),
        )
    return (
        True,
        _("The determination recommends return, with reasons."),
        [
            evidence(
                "bid",
                bid,
                _("opened on %(day)s", day=day(clock.local_date(bid.opened_at))),
                _("by %(who)s", who=user_text(data, bid.author_id)),
                _("every option considered; chaired by child protection"),
            )
        ],
        None,
    )


def s10_bid_approved(case, data, today, policy):
    """S10 (see ``TITLES`` for its wording and source): approved by a supervisor who wrote
    none of it -- not who opened it, nor anyone who changed or submitted it (``writer_ids``;
    four eyes, UNHCR BIP; 002, Rec 2). A return approval in force given by one of them, by
    the case's caseworker or by someone who recorded part of the return's preparation (given
    before they were refused, or before the writers were recorded), leaves it unmet too: the
    hold withdraws it and the handover refuses."""
    bid = data.bid
    if bid is None or bid.status is not BidStatus.APPROVED or bid.approved_by_id is None:
        return False, _("The determination is not approved."), [], place("determination.page", case)
    if bid.approved_by_id in bid.writer_ids:
        return (
            False,
            _("The determination was approved by someone who wrote it."),
            [],
            place("determination.page", case),
        )
    own_work = {*bid.writer_ids, case.caseworker_id, *data.preparers}
    if any(a.withdrawn_at is None and a.approved_by_id in own_work for a in data.approvals):
        return (
            False,
            _(
                "The return was approved by the case's caseworker, by someone who recorded "
                "part of its preparation or by a writer of the determination: another "
                "supervisor must approve it."
            ),
            [],
            place("gate.safeguards", case),
        )
    return (
        True,
        _("Approved by a supervisor who did not write it."),
        [
            evidence(
                "bid",
                bid,
                _(
                    "approved on %(day)s by %(who)s",
                    day=day(clock.local_date(bid.approved_at)),
                    who=user_text(data, bid.approved_by_id),
                ),
            )
        ],
        None,
    )
