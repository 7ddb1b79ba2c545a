"""Page contents of the participants' pages (issue 8: views stay short; issue 10: a
participant sees the case only as their part lets them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from caseapp.cases.models import Case
from caseapp.children.models import Child
from caseapp.core import clock
from caseapp.core.extensions import db
from caseapp.core.keyset import parse_cursor
from caseapp.core.permissions import Access, RecordType, participant_may
from caseapp.core.records import Records, load_records
from caseapp.core.validators import id_arg
from caseapp.crossborder.models import CentralAuthorityApproval, MonitoringPlan, ReintegrationPlan
from caseapp.documents.models import Document
from caseapp.monitoring.models import MonitoringVisit
from caseapp.participants import forms as f
from caseapp.participants import queries as q


def home_page(user, args) -> dict[str, Any]:
    """A participant's home page: their unread notices, the open requests to them (earliest
    due first) and the cases they are assigned to (newest first), each list a page at a time
    (``?requests=<due on>~<id>``, ``?cases=<id>``: keyset cursors)."""
    from caseapp.dashboard.home import unread_notifications

    notices, unread = unread_notifications(user)
    cursors = {"requests": args.get("requests"), "cases": args.get("cases")}
    n = q.HOME_PER_PAGE
    sections: dict[str, tuple[list[Any], Any]] = {
        "requests": q.open_requests_of(
            user, after=parse_cursor(cursors["requests"], date.fromisoformat), limit=n
        ),
        "cases": q.assignments_of(user, before=id_arg(cursors["cases"]), limit=n),
    }
    return {
        "notices": notices,
        "unread": unread,
        "requests": sections["requests"][0],
        "assignments": sections["cases"][0],
        "sections": sections,
        "cursors": cursors,
        "today": clock.today(),
    }


def hold_case(case_id: int) -> Case | None:
    """The case with what its header shows, in two queries, before the scope check (which
    finds it loaded; nothing of it is shown unless the check passes). The caller holds the
    result, so the identity map keeps it for ``web.load``."""
    return db.session.scalar(
        select(Case)
        .options(joinedload(Case.lead_agency), joinedload(Case.child).selectinload(Child.names))
        .where(Case.id == case_id)
    )


def _sections() -> dict[str, tuple[RecordType, Any, Any]]:
    """The record sections of a participant's case page: name -> (record, model, order)."""
    return {
        "approvals": (
            RecordType.CENTRAL_AUTHORITY,
            CentralAuthorityApproval,
            CentralAuthorityApproval.id,
        ),
        "plans": (RecordType.REINTEGRATION, ReintegrationPlan, ReintegrationPlan.id),
        "monitoring": (RecordType.MONITORING, MonitoringPlan, MonitoringPlan.id),
        "visits": (RecordType.MONITORING, MonitoringVisit, MonitoringVisit.due_on),
    }


def documents_for(user, documents: list[Document], shown: list) -> list[Document]:
    """Of the case's ``documents`` attached to records, those attached to a record ``shown``
    on the participant's page that ``user`` may read (``Document.can_view``: the records are
    loaded already, so asking each one's predicate reads nothing more)."""
    keys = {(row.__tablename__, row.id) for row in shown}
    return [d for d in documents if (d.record_type, d.record_id) in keys and d.can_view(user)]


def case_page(the_case: Case, user) -> dict[str, Any]:
    """The template values of ``participants/case.html`` for ``user`` (a participant)."""
    role = user.role
    reads = {rt for rt in RecordType if participant_may(role, rt)}
    sections = _sections()
    # The sections the role reads and the documents of the case attached to records, in one
    # statement (``load_records``); the documents shown are those attached to what the page
    # shows, that the participant may read (``documents_for``).
    shown = {name: spec for name, spec in sections.items() if spec[0] in reads}
    loaded = load_records(
        db.session,
        [
            *(
                Records(model, model.case_id == the_case.id, (order,))
                for _record, model, order in shown.values()
            ),
            Records(
                Document,
                (Document.case_id == the_case.id) & Document.record_type.is_not(None),
                (Document.uploaded_at, Document.id),
            ),
        ],
    )
    records: dict[str, list | None] = dict.fromkeys(sections)
    records.update(zip(shown, loaded[:-1], strict=True))
    show_guardians = RecordType.GUARDIAN in reads
    show_lawyers = RecordType.LEGAL_REPRESENTATIVE in reads
    parties = q.parties_on(the_case, guardians=show_guardians, lawyers=show_lawyers)
    requests = q.requests_on(the_case, user=user)
    # Asked once for the page, not per request: ``ParticipantRequest.can_answer`` is
    # ``Case.can_act(user, REQUEST)``, i.e. the matrix, an open case and the assignment in
    # force, which ``web.load`` has just checked.
    may_answer = participant_may(role, RecordType.REQUEST, Access.ACT) and the_case.is_open
    answerable = {
        r.id for r in requests if may_answer and r.is_open and r.assignment.user_id == user.id
    }
    return {
        "pcase": the_case,
        "reads": reads,
        "RecordType": RecordType,
        "records": records,
        "guardians": [p for p in parties if p.kind == "guardian"],
        "lawyers": [p for p in parties if p.kind == "lawyer"],
        "show_guardians": show_guardians,
        "show_lawyers": show_lawyers,
        "requests": requests,
        "documents": documents_for(
            user,
            loaded[-1],
            [*requests, *(r for rows in records.values() if rows is not None for r in rows)],
        ),
        "answerable": answerable,
        "answer_form": lambda r: f.AnswerRequestForm(prefix=f"r{r.id}", formdata=None).at(
            the_case.version
        ),
        "today": clock.today(),
    }
