"""What the audit log and a case's timeline show: the filters, the page of entries, the names
on it (read for ``audit.views``; the views record the read and render)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import request
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from caseapp.audit import keys
from caseapp.audit.models import AuditEntry
from caseapp.core.extensions import db
from caseapp.core.validators import bounded_int, clean_text, date_problem

# Entries per page of the log and of a case's timeline: each is drawn with its whole diff
# (a gate evaluation is a table of 19 rows), so drawing them is most of the page's cost
# (issue 16: 50 per page made the log ~26x the bare route at 2.8 million entries).
PER_PAGE = 30


def parse_date(text: str | None) -> date | None:
    """A filter date; ignored when not a date or out of bounds (9999-12-31 would overflow)."""
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return None if day is None or date_problem(day, may_be_future=True) else day


def request_filters() -> dict:
    """The log's filters from the query string, each cleaned and bounded."""
    args = request.args
    return {
        "case": clean_text(args.get("case"))[:40],
        "actor": clean_text(args.get("actor"))[:200],
        "agency": bounded_int(args.get("agency")),
        "action": clean_text(args.get("action"))[:80],
        "from": parse_date(args.get("from")),
        "to": parse_date(args.get("to")),
    }


def filtered(query, f: dict):
    """``query`` narrowed to the entries the filters ``f`` select."""
    from caseapp.auth.models import User
    from caseapp.cases.models import Case

    if f["case"]:
        query = query.where(AuditEntry.case_id.in_(select(Case.id).where(Case.number == f["case"])))
    if f["actor"]:
        pattern = f"%{f['actor'].lower()}%"
        ids = select(User.id).where(
            or_(func.lower(User.email).like(pattern), func.lower(User.name).like(pattern))
        )
        query = query.where(AuditEntry.actor_id.in_(ids))
    if f["agency"]:
        query = query.where(AuditEntry.actor_agency_id == f["agency"])
    if f["action"]:
        query = query.where(AuditEntry.action.startswith(f["action"], autoescape=True))
    if f["from"]:
        query = query.where(AuditEntry.occurred_at >= datetime.combine(f["from"], time(), UTC))
    if f["to"]:
        end = datetime.combine(f["to"] + timedelta(days=1), time(), UTC)
        query = query.where(AuditEntry.occurred_at < end)
    return query


def labels(entries) -> dict:
    """Names of the actors, agencies and cases on a page (one query each, no N+1)."""
    from caseapp.agencies.models import Agency
    from caseapp.auth.models import User
    from caseapp.cases.models import Case

    def lookup(model, column, ids):
        ids = {i for i in ids if i is not None}
        if not ids:
            return {}
        return dict(db.session.execute(select(model.id, column).where(model.id.in_(ids))).all())

    return {
        "actors": lookup(User, User.name, (e.actor_id for e in entries)),
        "agencies": lookup(Agency, Agency.code, (e.actor_agency_id for e in entries)),
        "cases": lookup(Case, Case.number, (e.case_id for e in entries)),
    }


def group_by_request(entries) -> list[list]:
    """Consecutive entries recorded by one web request (the same ``request_id``) together.

    Entries without a request id (the command line, background jobs, entries made before
    request ids existed) stand alone: nothing is guessed from times or actors.
    """
    groups: list[list] = []
    for entry in entries:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and entry.request_id is not None
            and last.request_id == entry.request_id
        ):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    return groups


def key_context() -> dict:
    """The signing key's fingerprint, shown under the log (to compare with a bundle's)."""
    fp = keys.key_id()
    return {"fingerprint": fp, "fingerprint_grouped": keys.grouped(fp)}


def plain(f: dict) -> dict:
    """The filters as JSON values (dates as ISO text), for the audit entry and the form."""
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in f.items()}


def log_context(f: dict, page: int) -> dict[str, Any]:
    """The log page: entries matching ``f`` (page ``page``, newest first), or none and a
    message when the range ends before it begins."""
    from caseapp.agencies.models import Agency

    message = None
    if f["from"] and f["to"] and f["to"] < f["from"]:
        message = _("The range ends before it begins: check the two dates.")
    query = filtered(select(AuditEntry), f).order_by(AuditEntry.seq.desc())
    rows = (
        []
        if message
        else db.session.scalars(query.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).all()
    )
    entries = rows[:PER_PAGE]
    return {
        "entries": entries,
        "groups": group_by_request(entries),
        "labels": labels(entries),
        "filters": plain(f),
        "agencies": db.session.execute(select(Agency.id, Agency.code).order_by(Agency.code)).all(),
        "page": page,
        "has_next": len(rows) > PER_PAGE,
        "args": {k: v for k, v in request.args.items() if k != "page"},
        "message": message,
        **key_context(),
    }


def timeline_context(case_id: int, number: str, page: int) -> dict[str, Any]:
    """The timeline page: the case's entries in order, page ``page``."""
    rows = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.case_id == case_id)
        .order_by(AuditEntry.seq)
        .limit(PER_PAGE + 1)
        .offset((page - 1) * PER_PAGE)
    ).all()
    entries = rows[:PER_PAGE]
    return {
        "case_id": case_id,
        "number": number,
        "entries": entries,
        "groups": group_by_request(entries),
        "labels": labels(entries),
        "page": page,
        "has_next": len(rows) > PER_PAGE,
        **key_context(),
    }
