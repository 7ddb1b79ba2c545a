"""S5-S10: hearing, family, guarantee, risk and the best-interests determination."""

from __future__ import annotations

from flask_babel import gettext as _

from caseapp.assessment.models import FamilyAssessmentOutcome, RiskLevel
from caseapp.cases.models import Outcome
from caseapp.determination.models import BidStatus, PanelRole
from caseapp.gate.safeguards.common import SEPARATED, missing_text, place, return_page


def s5_hearing(case, data, today, policy):
    """S5 (see ``TITLES`` for its wording and source)."""
    bid = data.bid
    if bid is None:
        return False, _("No determination has been opened yet."), [], place("assessment.page", case)
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
            place("assessment.page", case),
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
    return (
        False,
        _("Latest hearing: %(what)s.", what=missing_text(missing)),
        [],
        place("assessment.page", case),
    )


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
        return_page("home_study", case),
    )


def s7_guarantee(case, data, today, policy):
    """S7 (see ``TITLES`` for its wording and source)."""
    valid = [g for g in data.guarantees if g.written and g.withdrawn_on is None]
    if not valid:
        return (
            False,
            _("No written guarantee of care in force."),
            [],
            return_page("guarantee", case),
        )
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
        return (
            False,
            _("No completed best-interests assessment."),
            [],
            place("assessment.bia", case),
        )
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
        return (
            False,
            _("Assessment: %(what)s.", what=missing_text(missing)),
            [],
            place("assessment.bia", case),
        )
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
    child = case.child
    separated = child is not None and child.care_status in SEPARATED
    if separated and not any(p.role is PanelRole.GUARDIAN for p in bid.panel):
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
        [("BestInterestsDetermination", bid.id, bid.status.value)],
        None,
    )


def s10_bid_approved(case, data, today, policy):
    """S10 (see ``TITLES`` for its wording and source)."""
    bid = data.bid
    if bid is None or bid.status is not BidStatus.APPROVED or bid.approved_by_id is None:
        return False, _("The determination is not approved."), [], place("determination.page", case)
    if bid.approved_by_id == bid.author_id:
        return (
            False,
            _("The determination was approved by its author."),
            [],
            place("determination.page", case),
        )
    return (
        True,
        _("Approved by a supervisor other than the author."),
        [("BestInterestsDetermination", bid.id, bid.approved_at.date().isoformat())],
        None,
    )
