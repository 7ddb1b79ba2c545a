"""Lists of the participants' pages and the caseworker's due list (fixed query counts)."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import literal, select, tuple_, union_all
from sqlalchemy.orm import contains_eager, joinedload, lazyload

from caseapp.assessment.models import GuardianAppointment, LegalRepresentative
from caseapp.cases.models import Case, Stage
from caseapp.core.extensions import db
from caseapp.core.keyset import key_cursor, split_page
from caseapp.participants.models import Assignment, ParticipantRequest

HOME_LIMIT = 200


# Rows per page of a participant's home lists (their cases, the requests to them): each a
# page at a time, read in index order (issue 16: a Central Authority officer on ~40,000 cases
# waited 140 ms for a page that drew 200 of each, sorted from all of them, and hid the rest).
HOME_PER_PAGE = 25


def assignments_of(
    user: Any, *, before: int | None, limit: int
) -> tuple[list[Assignment], int | None]:
    """One page of the participant's assignments in force, the newest first, with their
    cases (one query): ``(rows, next_before)``, the id the next page starts before."""
    query = (
        select(Assignment)
        .join(Case, Case.id == Assignment.case_id)
        .options(contains_eager(Assignment.case), lazyload(Assignment.user))
        .where(
            Assignment.user_id == user.id,
            Assignment.role == user.role,
            Assignment.in_force_sql(),
        )
    )
    if before is not None:
        query = query.where(Assignment.id < before)
    rows = list(db.session.scalars(query.order_by(Assignment.id.desc()).limit(limit + 1)))
    return split_page(rows, limit, lambda row: row.id)


def open_requests_of(
    user: Any, *, after: tuple[date, int] | None, limit: int
) -> tuple[list[ParticipantRequest], str | None]:
    """One page of the open requests addressed to the participant on cases they are still
    assigned to, the earliest due first (one query): ``(rows, next_after)``, the cursor
    ``"<due on>~<id>"`` the next page starts after.

    The open requests are read in due order from their partial index, each checked against
    its assignment (``EXISTS``): the cost is in the page and the open requests before it, not
    in the participant's assignments, which a Central Authority may hold by the ten thousand.
    """
    r, a = ParticipantRequest, Assignment
    mine = (
        select(a.id)
        .where(a.id == r.assignment_id, a.user_id == user.id, a.role == user.role)
        .where(a.in_force_sql())
        .exists()
    )
    query = (
        select(r)
        .join(Case, Case.id == r.case_id)
        .options(contains_eager(r.case), lazyload(r.assignment))
        .where(r.answered_at.is_(None), mine)
    )
    if after is not None:
        query = query.where(tuple_(r.due_on, r.id) > tuple_(literal(after[0]), literal(after[1])))
    rows = list(db.session.scalars(query.order_by(r.due_on, r.id).limit(limit + 1)))
    return split_page(rows, limit, lambda row: key_cursor(row.due_on, row.id))


def requests_on(case: Case, *, user: Any = None) -> list[ParticipantRequest]:
    """The requests on a case, newest first; only the participant's own when ``user`` is a
    participant (one query)."""
    query = select(ParticipantRequest).where(ParticipantRequest.case_id == case.id)
    if user is not None and user.is_participant:
        query = query.join(Assignment, Assignment.id == ParticipantRequest.assignment_id).where(
            Assignment.user_id == user.id
        )
    return list(
        db.session.scalars(query.order_by(ParticipantRequest.id.desc()).limit(HOME_LIMIT)).unique()
    )


def assignments_on(case: Case) -> list[Assignment]:
    """Every assignment on a case (history kept), the newest first (one query)."""
    return list(
        db.session.scalars(
            select(Assignment)
            .options(
                joinedload(Assignment.guardian_appointment),
                joinedload(Assignment.legal_representative),
                joinedload(Assignment.monitoring_plan),
            )
            .where(Assignment.case_id == case.id)
            .order_by(Assignment.id.desc())
            .limit(HOME_LIMIT)
        ).unique()
    )


def overdue_requests(user: Any, today: date, *, after: str | None = None, limit: int = 50):
    """Open requests past their due date to participants still assigned, on open cases the
    user sees, the most overdue first: one page of ``(request, case number, child's name)``
    (the due list's section; issue 10 item 3; the name: issue 12 item 3)."""
    from caseapp.dashboard.queries import TODAY, keyset_page, scope_sql

    r = ParticipantRequest

    def build(kind: str, _cursor: bool):
        return (
            select(r, Case.number)
            .join(Case, Case.id == r.case_id)
            .join(Assignment, Assignment.id == r.assignment_id)
            # The section shows the request's own columns: without the model's eager joins
            # (its case, its assignment with their own) PostgreSQL plans the statement in
            # ~1 ms instead of ~9 on every run (issue 16, the 100,000-case run).
            .options(lazyload("*"))
            .where(
                scope_sql(kind, joined=True),
                Case.stage != Stage.CLOSED,
                r.answered_at.is_(None),
                r.due_on < TODAY,
                Assignment.in_force_sql(),
            )
        )

    return keyset_page(
        "overdue_requests",
        user,
        build,
        lambda: (r.due_on, r.id),
        after=after,
        parse=date.fromisoformat,
        limit=limit,
        key_of=lambda row: (row[0].due_on, row[0].id),
        params={"today": today},
    )


class Party(NamedTuple):
    """A guardian appointment or a legal representative, as one list shows them."""

    kind: str  # "guardian" or "lawyer"
    id: int
    name: str
    since: date
    ended_on: date | None


def parties_on(case: Case, *, guardians: bool, lawyers: bool, in_force_only: bool = False):
    """The guardian appointments and legal representatives of a case, in one query (the
    participants' pages show them together; either may be left out)."""
    ga, lr = GuardianAppointment, LegalRepresentative
    parts = []
    if guardians:
        query = select(
            literal("guardian").label("kind"),
            ga.id,
            ga.guardian_name.label("name"),
            ga.appointed_on.label("since"),
            ga.ended_on,
        ).where(ga.case_id == case.id)
        parts.append(query.where(ga.ended_on.is_(None)) if in_force_only else query)
    if lawyers:
        query = select(
            literal("lawyer").label("kind"),
            lr.id,
            lr.name.label("name"),
            lr.assigned_on.label("since"),
            lr.ended_on,
        ).where(lr.case_id == case.id)
        parts.append(query.where(lr.ended_on.is_(None)) if in_force_only else query)
    if not parts:
        return []
    statement = union_all(*parts) if len(parts) > 1 else parts[0]
    rows = db.session.execute(statement.limit(HOME_LIMIT)).all()
    return sorted((Party(*row) for row in rows), key=lambda p: (p.kind, p.since, p.id))
