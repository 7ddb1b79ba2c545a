"""The case list page: the search kept server-side, its filters, the keyset pager.

``cases.views.index`` reads the request and hands over here; nothing here commits (the
saved search is written in the request's short write at its end, ``core.web.later``).
"""

from __future__ import annotations

from functools import cache, partial
from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import Integer, Row, Select, bindparam, select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from caseapp.auth.models import User
from caseapp.cases import search
from caseapp.cases.forms import CaseFilterForm
from caseapp.cases.models import Case, Stage
from caseapp.cases.queries import CaseFilters, case_page, case_scope, filtered
from caseapp.core import web
from caseapp.core.clock import today
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission, Role
from caseapp.core.validators import id_arg

SEARCH_SESSION_KEY = "case_search"  # the key of the user's last search (not its content)

# Filters without personal data: the only ones a list URL may carry as they came.
PUBLIC_FILTER_ARGS = (
    "stage",
    "caseworker",
    "country_of_origin",
    "unaccompanied",
    "trafficking",
    "presumed_minor",
    "charged",
)

Cursor = tuple[int | None, int | None, int | None]


@cache
def _staff(everyone: bool, *, rows: bool) -> Select:
    """The caseworkers and supervisors of the agency ``:agency_id``, or of every agency
    (``everyone``): as ``(id, name)`` rows, or as users. Built once per process: the case list
    asks on every request, and building it cost more than running it (issue 16)."""
    query = select(User.id, User.name) if rows else select(User)
    query = query.where(User.role.in_((Role.CASEWORKER, Role.SUPERVISOR)))
    if not everyone:
        query = query.where(User.agency_id == bindparam("agency_id", type_=Integer))
    return query.order_by(User.name)


def _staff_of(user: User, *, rows: bool = False) -> tuple[Select, dict[str, Any]]:
    """The staff ``user`` may name, and the statement's values: their agency's caseworkers
    and supervisors, or everyone's for an ombudsperson."""
    everyone = user.role is Role.OMBUDSPERSON
    return _staff(everyone, rows=rows), {} if everyone else {"agency_id": user.agency_id}


def caseworkers_for(user: User) -> list[Row[tuple[int, str]]]:
    """The staff a user may filter by, as ``(id, name)`` rows: all the filter's options need
    (not a User object each, with its state: issue 16, the case list's fixed cost)."""
    query, values = _staff_of(user, rows=True)
    return list(db.session.execute(query, values))


def reassign_candidates(case: Case, user: User) -> list[User]:
    """Whom ``user`` may give ``case`` to: the active staff of the case's lead agency."""
    query, values = _staff_of(user)
    query = query.where(User.active, User.agency_id == case.lead_agency_id)
    return list(db.session.scalars(query, values))


def filters_from(form: CaseFilterForm) -> CaseFilters:
    """Turn the (validated) filter form into ``CaseFilters``."""
    caseworker = form.caseworker.data
    return CaseFilters(
        stage=Stage(form.stage.data) if form.stage.data else None,
        caseworker_id=int(caseworker) if caseworker and caseworker.isdigit() else None,
        country_of_origin=form.country_of_origin.data or None,
        unaccompanied=bool(form.unaccompanied.data),
        trafficking=bool(form.trafficking.data),
        presumed_minor=bool(form.presumed_minor.data),
        charged=bool(form.charged.data),
        name=(form.name.data or "").strip(),
        date_of_birth=form.date_of_birth.data,
    )


def post_search() -> Response | tuple[str, int]:
    """A posted search: stored, and the browser sent to ``?q=<key>``; invalid: the form, 400.

    The agency's staff are loaded only when a caseworker is chosen (to check the choice) or
    the form is shown again: a name search alone needs neither (issue 16)."""
    chosen = request.form.get("caseworker")
    form = CaseFilterForm(caseworkers=caseworkers_for(current_user) if chosen else ())
    if not form.validate():
        if not chosen:  # the form is shown again: with every choice, and its errors
            form = CaseFilterForm(caseworkers=caseworkers_for(current_user))
            form.validate()
        return render_list(form, key=None, valid=False), 400
    # Stored in the request's short write at its end (``web.later``): until then the search
    # only reads, and takes no write lock on SQLite (issue 16 item 4).
    key = search.new_key()
    web.later(partial(search.save_search, current_user.id, request.form.to_dict(), key))
    session[SEARCH_SESSION_KEY] = key
    page = form.page.data if form.page.data and form.page.data > 1 else None
    return redirect(url_for("cases.index", q=key, page=page))


def requested_search(caseworkers: list[Row[tuple[int, str]]]) -> tuple[CaseFilterForm, str | None]:
    """The filter form of a GET and its saved search's key: ``?q=``, else the user's last
    search (when the URL has no arguments), else the public filters of the query string."""
    key = request.args.get("q") or (None if request.args else session.get(SEARCH_SESSION_KEY))
    params = search.load_search(current_user, key) if key else None
    if key is None or params is None:
        form = CaseFilterForm(request.args, caseworkers=caseworkers, meta={"csrf": False})
        form.name.data = ""  # never a name from a URL
        form.date_of_birth.data = None
        return form, None
    if session.get(SEARCH_SESSION_KEY) != key:  # (setting it re-signs the cookie)
        session[SEARCH_SESSION_KEY] = key
    data = MultiDict(params)
    if request.args.get("page"):
        data["page"] = request.args["page"]
    return CaseFilterForm(data, caseworkers=caseworkers, meta={"csrf": False}), key


def page_cursor(page: int) -> Cursor:
    """Keyset: the pager's links carry the id the next (after=) or previous (before=) page
    starts from, so no page skips rows with OFFSET however far it is."""
    after, before = id_arg(request.args.get("after")), id_arg(request.args.get("before"))
    if after is not None and after > 0:
        return (page - 1, None, after)
    if before is not None and before > 0:
        return (page + 1, before, None)
    return (None, None, None)


def render_list(form: CaseFilterForm, *, key: str | None, valid: bool) -> str:
    """The list page: the cases the (valid) filters select, one page of them."""
    filters = filters_from(form) if valid else CaseFilters()
    page = form.page.data if valid and form.page.data else 1
    scope, counted = case_scope(current_user)
    query = filtered(scope, filters, today=today())
    per_page = current_app.config["CASES_PER_PAGE"]
    pagination = case_page(
        query,
        page=page,
        per_page=per_page,
        cursor=page_cursor(page),
        one_pass=bool(filters.name),  # the search's index ranges read once (issue 16)
        counted=counted if filters.empty else None,  # the number the database keeps
    )
    page_args: dict[str, Any]
    if key:
        page_args = {"q": key}
    else:  # filters without personal data, as they came
        page_args = {k: v for k, v in request.args.items() if k in PUBLIC_FILTER_ARGS}
    return render_template(
        "cases/index.html",
        form=form,
        pagination=pagination,
        cases=pagination.items,
        today=today(),
        search_key=key,
        page_args=page_args,
        can_create=current_user.can(Permission.CASE_CREATE),
    )
