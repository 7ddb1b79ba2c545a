"""The checklist of a durable solution other than return, like the return safeguards
(002, Rec 2: "comprehensive, secure and sustainable solutions"; "options for children and
families to regularize their status"; Moldova practice: tolerated stay when return is not
possible; Rec 3: a guardian for every unaccompanied child).

``evaluate(plan, today=..., guardians=..., family_members=...)`` is pure: it reads the plan
and the case's guardian appointments and family members (for "guardian until 18": a child
without a legal custodian with them keeps a guardian) and returns one ``Item`` per check,
met or with what is missing. ``operations.record_implemented`` refuses while any is unmet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from caseapp.cases.models import Outcome
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.gate.safeguards.common import day
from caseapp.solutions.models import SolutionPlan

TITLES = {
    "residence": (_l("Residence status applied for and granted, in force"), "002, Rec 2"),
    "renewal": (
        _l("Renewal of the tolerated stay planned before it expires"),
        "002, Rec 2; Moldova practice",
    ),
    "school": (_l("School enrolment"), "002, fn 12 (vi)"),
    "health": (_l("Access to healthcare"), "002, fn 12 (vi)"),
    "language": (_l("Language support"), "001; 002, Rec 2"),
    "care": (_l("Care arrangement"), "002, Rec 3"),
    "guardian": (_l("A guardian until the child is 18"), "002, Rec 3"),
    "agreement": (_l("The receiving state's agreement"), "002, Rec 2"),
    "family": (_l("Evidence of the family link or the resettlement basis"), "002, fn 12 (iii)"),
    "travel": (_l("Travel arranged"), "002, Rec 2"),
}

STAY_ITEMS = ("residence", "school", "health", "language", "care", "guardian")
ITEMS: dict[Outcome, tuple[str, ...]] = {
    Outcome.LOCAL_INTEGRATION: STAY_ITEMS,
    Outcome.TOLERATED_STAY: (*STAY_ITEMS[:1], "renewal", *STAY_ITEMS[1:]),
    Outcome.THIRD_COUNTRY: ("agreement", "family", "travel", "guardian"),
}


@dataclass(frozen=True)
class Item:
    """One checklist item's verdict."""

    id: str
    title: str
    met: bool
    reason: str
    source: str


def _filled(value: str | None) -> bool:
    return bool((value or "").strip())


def _residence(plan: SolutionPlan, today: date) -> tuple[bool, str]:
    if plan.residence_kind is None or plan.residence_applied_on is None:
        return False, _("No application for a residence status recorded.")
    if plan.residence_granted_on is None:
        return False, _(
            "Applied for on %(day)s; not granted yet.", day=day(plan.residence_applied_on)
        )
    expires = plan.residence_expires_on
    if plan.needs_renewal and expires is None:
        return False, _("A tolerated stay needs its expiry date.")
    if expires is not None and expires <= today:
        return False, _("The residence status expired on %(day)s.", day=day(expires))
    return True, _(
        "%(kind)s granted on %(day)s%(until)s.",
        kind=plan.residence_kind.label,
        day=day(plan.residence_granted_on),
        until=_(", until %(day)s", day=day(expires)) if expires else "",
    )


def _renewal(plan: SolutionPlan, today: date) -> tuple[bool, str]:
    due, expires = plan.renewal_due_on, plan.residence_expires_on
    if due is None:
        return False, _("No renewal date recorded.")
    if expires is not None and due > expires:
        return False, _("The renewal is due after the stay expires.")
    if due < today:
        return False, _("The renewal was due on %(day)s.", day=day(due))
    return True, _("Renewal due on %(day)s.", day=day(due))


def _text_item(value: str | None, missing: str) -> tuple[bool, str]:
    return (True, (value or "").strip()) if _filled(value) else (False, missing)


def _guardian(guardians: Iterable, family_members: Iterable) -> tuple[bool, str]:
    if any(m.accompanies_as_custodian for m in family_members):
        return True, _("A parent or legal custodian is with the child.")
    active = [g for g in guardians if g.active]
    if not active:
        return False, _("No guardian in office: the child has no legal custodian with them.")
    return True, _("Guardian: %(name)s.", name=active[-1].guardian_name)


def evaluate(
    plan: SolutionPlan, *, today: date, guardians: Iterable = (), family_members: Iterable = ()
) -> list[Item]:
    """Every item of the plan's checklist on ``today``."""
    guardians, family_members = list(guardians), list(family_members)
    checks = {
        "residence": lambda: _residence(plan, today),
        "renewal": lambda: _renewal(plan, today),
        "school": lambda: _text_item(plan.school, _("No school recorded.")),
        "health": lambda: _text_item(plan.health, _("No healthcare recorded.")),
        "language": lambda: _text_item(plan.language_support, _("No language support recorded.")),
        "care": lambda: _text_item(plan.care_arrangement, _("No care arrangement recorded.")),
        "guardian": lambda: _guardian(guardians, family_members),
        "agreement": lambda: (
            (
                True,
                _(
                    "Agreed on %(day)s by %(who)s.",
                    day=day(plan.receiving_agreement_on),
                    who=plan.receiving_agreement_by,
                ),
            )
            if plan.receiving_state
            and plan.receiving_agreement_on
            and _filled(plan.receiving_agreement_by)
            else (False, _("No agreement of the receiving state recorded."))
        ),
        "family": lambda: _text_item(plan.family_evidence, _("No evidence recorded.")),
        "travel": lambda: (
            (True, _("Travel on %(day)s.", day=day(plan.travel_on)))
            if plan.travel_on and _filled(plan.travel_arrangements)
            else (False, _("No travel date and arrangements recorded."))
        ),
    }
    items = []
    for item_id in ITEMS[plan.solution]:
        title, source = TITLES[item_id]
        met, reason = checks[item_id]()
        items.append(Item(item_id, str(title), met, str(reason), source))
    return items


def all_met(items: list[Item]) -> bool:
    """Whether the solution may be recorded as implemented."""
    return all(i.met for i in items)
