"""Alert rules: pure functions over ``AlertData``, each with its source in 002.

Alerts do not block anything; they are shown on the case and the dashboards. Each rule has a
twin SQL filter in ``caseapp.alerts.queries`` so the case list can filter by alert; the
tests check the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from caseapp.cases.models import Stage
from caseapp.cases.workflow import OPEN_STAGES
from caseapp.children.models import Relation, TracingStatus
from caseapp.core import clock
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.determination.models import BidStatus

# The child is still in the country, waiting for a solution.
PENDING_STAGES = OPEN_STAGES - {Stage.RETURNED, Stage.MONITORING}
PRE_DECISION_STAGES = frozenset(
    {Stage.IDENTIFIED, Stage.REGISTERED, Stage.ASSESSMENT, Stage.DETERMINATION}
)
# Return is still the path being prepared or decided.
RETURN_PATH_STAGES = frozenset(
    {
        Stage.ASSESSMENT,
        Stage.DETERMINATION,
        Stage.DECIDED,
        Stage.RETURN_PREPARATION,
        Stage.RETURN_APPROVED,
    }
)
PARENTS = (Relation.MOTHER, Relation.FATHER)
NOT_FOUND = (TracingStatus.NOT_FOUND, TracingStatus.DECEASED)

KINDS = {
    "deprived_of_liberty": (_l("Child deprived of liberty"), "002, Rec 4; Nowak (Global Study)"),
    "separated_by_placement": (_l("Child separated from family by placement"), "002, Rec 4"),
    "no_school_or_healthcare": (_l("No school or healthcare while pending"), "002, fn 12 (vi)"),
    "bid_overdue": (
        _l("No determination within the time limit"),
        "002, Andreyuk: children wait \u201cfor months, or even years\u201d",
    ),
    "visit_overdue": (_l("Monitoring visit overdue"), "002, Rec 2 (independent monitoring)"),
    "charged_irregular_entry": (
        _l("Child charged for irregular entry or stay"),
        "002, Day 1 plenary; Rec 4",
    ),
    "return_impossible": (
        _l("Return impossible: consider regularisation or tolerated stay"),
        "002, Moldova practice; Rec 2",
    ),
    "approval_withdrawn": (
        _l("Return approval withdrawn: a safeguard is no longer met"),
        "002, Rec 1; Day 1 plenary; fn 12 (v) (the gate holds until the handover)",
    ),
    # Issue 15.
    "turning_18": (
        _l("Turns 18 soon: plan the transition"),
        "002, Judge Winter (a child is anyone under 18); issue 15",
    ),
    "adult_by_records": (
        _l("18 or over by the records: out of the child procedure"),
        "002, Judge Winter; Rec 1; issue 15",
    ),
    "detention_open": (
        _l("Child in detention"),
        "002, Rec 4; Nowak (prompt legal assistance, immediate release); fn 12 (i)",
    ),
    "victim_not_referred": (
        _l("Victim indicators without a referral"),
        "002, Rec 3 and Rec 4 (identification and referral); 004 (hate crime)",
    ),
}

# The detention alert escalates with the days the child has been held (issue 15).
ESCALATE_TO_SUPERVISOR_DAY = 2
ESCALATE_TO_HEAD_DAY = 7


@dataclass(frozen=True)
class Alert:
    """One alert on a case."""

    kind: str
    title: str
    detail: str
    source: str


def _alert(kind: str, detail: str) -> Alert:
    title, source = KINDS[kind]
    return Alert(kind, str(title), str(detail), source)


def deprived_of_liberty(data, today: date, policy) -> Alert | None:
    """An active placement the child cannot leave at will (002, Rec 4)."""
    if data.case.stage not in PENDING_STAGES:
        return None
    if any(p.active and p.deprives_of_liberty for p in data.placements):
        return _alert(
            "deprived_of_liberty",
            _("A placement the child cannot leave at will is deprivation of liberty."),
        )
    return None


def separated_by_placement(data, today: date, policy) -> Alert | None:
    """An active placement separates the child from family (002, Rec 4)."""
    if data.case.stage not in PENDING_STAGES:
        return None
    if any(p.active and p.separated_from_family for p in data.placements):
        return _alert(
            "separated_by_placement", _("States should not separate children from their families.")
        )
    return None


def no_school_or_healthcare(data, today: date, policy) -> Alert | None:
    """No active school or healthcare while the case is pending (002, fn 12 (vi))."""
    if data.case.stage not in PENDING_STAGES:
        return None
    kinds = {s.kind.value for s in data.services if s.active}
    missing = [k for k in ("school", "healthcare") if k not in kinds]
    if not missing:
        return None
    labels = {"school": _("school"), "healthcare": _("healthcare")}
    return _alert(
        "no_school_or_healthcare",
        _("Missing: %(what)s.", what=", ".join(labels[k] for k in missing)),
    )


def bid_overdue(data, today: date, policy) -> Alert | None:
    """Open past the policy's time limit without an approved determination (Andreyuk)."""
    case = data.case
    if case.stage not in PRE_DECISION_STAGES:
        return None
    if any(b.status is BidStatus.APPROVED for b in data.bids):
        return None
    days = (today - case.opened_at.date()).days
    if days > policy.bid_time_limit_days:
        return _alert(
            "bid_overdue",
            _(
                "Open for %(days)s days (limit %(limit)s).",
                days=days,
                limit=policy.bid_time_limit_days,
            ),
        )
    return None


def visit_overdue(data, today: date, policy) -> Alert | None:
    """A post-return monitoring visit is due and not done (002, Rec 2)."""
    if data.case.stage is Stage.CLOSED:
        return None
    late = [v for v in data.visits if v.overdue_on(today)]
    if late:
        return _alert(
            "visit_overdue",
            _("Visit due on %(day)s not done.", day=min(v.due_on for v in late).isoformat()),
        )
    return None


def charged_irregular_entry(data, today: date, policy) -> Alert | None:
    """Criminalisation of irregular entry or stay (002, Day 1 plenary; Rec 4: decriminalise)."""
    if data.case.stage is Stage.CLOSED or data.child is None:
        return None
    if data.child.charged_irregular_entry:
        return _alert(
            "charged_irregular_entry", _("Irregular entry and stay should be decriminalised.")
        )
    return None


def return_impossible_reasons(data) -> list[str]:
    """Why return appears impossible: parents not identified, no guarantee, risk found or an
    unfavourable home study (002, Moldovan practice: then regularisation or tolerated stay)."""
    if data.case.stage not in RETURN_PATH_STAGES:
        return []
    reasons = []
    parents = [m for m in data.family_members if m.relation in PARENTS]
    child = data.child
    if (
        parents
        and child is not None
        and not child.parents_identity_verified
        and all(m.tracing_status in NOT_FOUND for m in parents)
    ):
        reasons.append(_("The parents could not be identified or traced."))
    if any(g.withdrawn_on is not None for g in data.guarantees) and not any(
        g.withdrawn_on is None and g.written for g in data.guarantees
    ):
        reasons.append(_("The guarantee of care was withdrawn and none is in force."))
    done = [a for a in data.assessments if a.completed_at is not None]
    if any(a.return_safe is False for a in done) and not any(a.return_safe is True for a in done):
        reasons.append(_("The assessment found a risk on return."))
    if data.home_studies and not any(h.favourable for h in data.home_studies):
        reasons.append(_("The home study was unfavourable."))
    return reasons


def return_impossible(data, today: date, policy) -> Alert | None:
    """Return impossible: propose regularisation or tolerated stay (002, Moldova practice)."""
    reasons = return_impossible_reasons(data)
    if reasons:
        return _alert("return_impossible", " ".join(reasons))
    return None


def approval_withdrawn(data, today: date, policy) -> Alert | None:
    """The latest return approval was withdrawn by the gate's hold because something recorded
    after it left a safeguard unmet (issue 9, principle 6); shown while the case is back in
    return preparation, until a supervisor approves again."""
    from caseapp.gate.safeguards.common import TITLES

    if data.case.stage is not Stage.RETURN_PREPARATION or not data.approvals:
        return None
    last = max(data.approvals, key=lambda a: a.id)
    if last.withdrawn_at is None or not last.withdrawn_unmet:
        return None
    what = "; ".join(
        f"{sid} {TITLES[sid][0]}" if sid in TITLES else sid for sid in last.withdrawn_unmet
    )
    return _alert(
        "approval_withdrawn",
        _(
            "The return approved on %(approved)s was withdrawn on %(withdrawn)s; no longer "
            "met: %(what)s. Record what is missing; a supervisor may then approve again.",
            approved=clock.local_date(last.approved_at).isoformat(),
            withdrawn=clock.local_date(last.withdrawn_at).isoformat(),
            what=what,
        ),
    )


def turning_18(data, today: date, policy) -> Alert | None:
    """The 18th birthday by the records falls within the policy's notice and no transition
    plan is recorded (issue 15: transition planning)."""
    from caseapp.age.models import eighteenth_birthday

    if data.case.stage is Stage.CLOSED or data.child is None or data.transition_plans:
        return None
    birthday = eighteenth_birthday(data.child)
    if birthday is None or not today < birthday <= today + timedelta(policy.transition_notice_days):
        return None
    return _alert(
        "turning_18",
        _(
            "Turns 18 on %(day)s, in %(days)s days: plan the transition out of the child "
            "procedure with the young person and record the plan.",
            day=birthday.isoformat(),
            days=(birthday - today).days,
        ),
    )


def adult_by_records(data, today: date, policy) -> Alert | None:
    """18 or over by the records (``Child.is_minor_on``, the rule S1 reads): no return
    through the child procedure; the case leaves it with a transition plan (issue 15)."""
    if data.case.stage is Stage.CLOSED or data.child is None or data.child.is_minor_on(today):
        return None
    return _alert(
        "adult_by_records",
        _(
            "No return through the child procedure (S1). Record the transition plan and "
            "close the case as \u201cthe child turned 18\u201d."
        ),
    )


def detention_open(data, today: date, policy) -> Alert | None:
    """A detention record is open: escalates every day it stays open — what is missing
    (legal basis, a review within the week, a legal challenge), a release ordered but not
    carried out, and whom to escalate to (002, Rec 4; Nowak)."""
    from caseapp.detention.models import REVIEW_EVERY_DAYS, ChallengeOutcome, ReviewOutcome

    if data.case.stage is Stage.CLOSED:
        return None
    held = [d for d in data.detentions if d.is_open]
    if not held:
        return None
    detention = min(held, key=lambda d: d.started_on)
    days = detention.days_on(today)
    parts = [
        _(
            "Day %(days)s in detention since %(day)s.",
            days=days,
            day=detention.started_on.isoformat(),
        )
    ]
    if not detention.legal_basis:
        parts.append(_("No legal basis recorded."))
    last_review = max((r.reviewed_on for r in detention.reviews), default=None)
    if (last_review or detention.started_on) < today - timedelta(REVIEW_EVERY_DAYS):
        parts.append(_("No review in the last %(n)s days.", n=REVIEW_EVERY_DAYS))
    if not detention.challenges:
        parts.append(_("No legal challenge lodged: the child's lawyer can challenge it."))
    ordered = [
        r.reviewed_on for r in detention.reviews if r.outcome is ReviewOutcome.RELEASE_ORDERED
    ]
    ordered += [
        c.decided_on
        for c in detention.challenges
        if c.outcome is ChallengeOutcome.UNLAWFUL and c.decided_on
    ]
    if ordered:
        parts.append(
            _("Release ordered on %(day)s and not carried out.", day=min(ordered).isoformat())
        )
    if days >= ESCALATE_TO_HEAD_DAY or ordered:
        parts.append(_("Escalate to the head of the agency and inform the ombudsperson."))
    elif days >= ESCALATE_TO_SUPERVISOR_DAY:
        parts.append(_("Escalate to the supervisor."))
    return _alert("detention_open", " ".join(str(p) for p in parts))


def missing_victim_referrals(data, today: date, policy) -> list[str]:
    """The indicators recorded longer than the policy's days ago without the referral they
    need (trafficking: the national referral mechanism; hate crime: a report and support)."""
    from caseapp.referrals.models import NEEDED_FOR

    child = data.child
    if child is None:
        return []
    made = {r.kind for r in data.victim_referrals}
    missing = []
    for flag, since in (
        ("trafficking_indicators", child.trafficking_indicators_on),
        ("hate_crime_victim", child.hate_crime_victim_on),
    ):
        if not getattr(child, flag) or since is None:
            continue
        if (today - since).days <= policy.victim_referral_days:
            continue
        missing += [str(kind.label) for kind in NEEDED_FOR[flag] if kind not in made]
    return missing


def victim_not_referred(data, today: date, policy) -> Alert | None:
    """Indicators on the child's record and no referral within the policy's days."""
    if data.case.stage is Stage.CLOSED:
        return None
    missing = missing_victim_referrals(data, today, policy)
    if not missing:
        return None
    return _alert(
        "victim_not_referred",
        _(
            "Not referred within %(days)s days: %(what)s.",
            days=policy.victim_referral_days,
            what="; ".join(missing),
        ),
    )


RULES = [
    deprived_of_liberty,
    separated_by_placement,
    no_school_or_healthcare,
    bid_overdue,
    visit_overdue,
    charged_irregular_entry,
    return_impossible,
    approval_withdrawn,
    turning_18,
    adult_by_records,
    detention_open,
    victim_not_referred,
]


def evaluate_alerts(data, today: date, policy) -> list[Alert]:
    """Every alert that applies (pure)."""
    return [a for rule in RULES if (a := rule(data, today, policy)) is not None]


def alerts_for(case, today: date | None = None, records=None) -> list[Alert]:
    """The case's alerts on ``today``, from ``records`` (``load_case_records``) when the page
    has loaded them already, else loaded here."""
    from caseapp.alerts.data import load_case_records

    records = records or load_case_records(case)
    return evaluate_alerts(records.alerts, today or clock.today(), records.policy)
