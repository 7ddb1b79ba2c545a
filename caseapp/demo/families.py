"""Demo: siblings' cases linked in one family record, their mother a party notified of each
decision (issue 15 part 2; 002, Rec 2; Rec 4; fn 12 (iii)); through the operations."""

from __future__ import annotations

from datetime import timedelta

from caseapp.cases.models import Case
from caseapp.children.models import Relation
from caseapp.core.extensions import db
from caseapp.decision.queries import current_notice
from caseapp.families import operations as families
from caseapp.families.models import PartyActKind


def _v(case: Case) -> int:
    db.session.flush()
    return case.version


def link_family(actor, cases: list[Case], *, mother: str, language: str) -> None:
    """One family record for ``cases`` (the first opens it), the mother as a party, notified
    of each child's decision two days after it."""
    first, *others = cases
    families.create_family(
        actor, first, notes="Siblings identified together (demo).", expected_version=_v(first)
    )
    for other in others:
        families.link_sibling(actor, first, case_number=other.number, expected_version=_v(first))
    party = families.add_party(
        actor,
        first,
        name=mother,
        relation=Relation.MOTHER,
        legal_custodian=True,
        with_the_children=False,
        expected_version=_v(first),
    )
    for case in cases:
        notice = current_notice(case)
        if notice is not None:
            families.record_party_act(
                actor,
                party,
                case,
                kind=PartyActKind.NOTIFIED,
                on_date=notice.decided_on + timedelta(days=2),
                language=language,
                notes="By video call with the counterpart's social worker (demo).",
                expected_version=_v(case),
            )
