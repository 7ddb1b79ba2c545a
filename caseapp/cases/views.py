"""Case pages: the list (filters, name search, pagination), opening a case, the case page."""

from __future__ import annotations

from functools import partial

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from caseapp.agencies.models import Agency
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import pending
from caseapp.auth.models import User
from caseapp.cases import operations, search
from caseapp.cases.forms import CaseFilterForm, OpenCaseForm, ReassignForm
from caseapp.cases.models import Case, Stage
from caseapp.cases.pages import load_case
from caseapp.cases.queries import CaseFilters, case_page, filtered, visible_cases
from caseapp.children.operations import today
from caseapp.core import web
from caseapp.core.extensions import db
from caseapp.core.forms import VersionForm, with_message
from caseapp.core.permissions import Permission, Role
from caseapp.core.views import permission_required

bp = Blueprint("cases", __name__, url_prefix="/cases")

__all__ = ["bp", "visible_cases"]


def _caseworkers_for(user) -> list[User]:
    """The staff a user may filter by: their agency's, or everyone's for an ombudsperson."""
    query = select(User).where(User.role.in_((Role.CASEWORKER, Role.SUPERVISOR)))
    if user.role is not Role.OMBUDSPERSON:
        query = query.where(User.agency_id == user.agency_id)
    return list(db.session.scalars(query.order_by(User.name)))


def _filters_from(form: CaseFilterForm) -> CaseFilters:
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


SEARCH_SESSION_KEY = "case_search"  # the key of the user's last search (not its content)


@bp.route("/", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_VIEW)
def index():
    """The case list, post/redirect/get (issue 12 item 1).

    The search form is posted; the search is stored server-side and the browser sent to
    ``?q=<key>``, so Back from an opened case and reload show the list as it was, without
    "confirm form resubmission", and no name or date of birth ever appears in a URL. Coming
    back to the list later shows the last search again ("All cases" clears it). Filters
    without personal data (stage, country, flags) may also come in the query string.
    """
    caseworkers = _caseworkers_for(current_user)
    if request.method == "POST":
        form = CaseFilterForm(caseworkers=caseworkers)
        if form.validate():
            key = search.save_search(current_user, request.form.to_dict())  # layer commits
            session[SEARCH_SESSION_KEY] = key
            page = form.page.data if form.page.data and form.page.data > 1 else None
            return redirect(url_for("cases.index", q=key, page=page))
        return _render_list(form, caseworkers, key=None, valid=False), 400
    if request.args.get("all"):
        session.pop(SEARCH_SESSION_KEY, None)
        return redirect(url_for("cases.index"))
    key = request.args.get("q") or (None if request.args else session.get(SEARCH_SESSION_KEY))
    params = search.load_search(current_user, key) if key else None
    if params is not None:
        session[SEARCH_SESSION_KEY] = key
        data = MultiDict(params)
        if request.args.get("page"):
            data["page"] = request.args["page"]
        form = CaseFilterForm(data, caseworkers=caseworkers, meta={"csrf": False})
    else:
        key = None
        form = CaseFilterForm(request.args, caseworkers=caseworkers, meta={"csrf": False})
        form.name.data = ""  # never a name from a URL
        form.date_of_birth.data = None
    return _render_list(form, caseworkers, key=key, valid=form.validate())


def _render_list(form: CaseFilterForm, caseworkers, *, key: str | None, valid: bool) -> str:
    filters = _filters_from(form) if valid else CaseFilters()
    page = form.page.data if valid and form.page.data else 1
    query = filtered(visible_cases(current_user), filters, today=today())
    # Keyset: the pager's links carry the id the next (after=) or previous (before=) page
    # starts from, so no page skips rows with OFFSET however far it is.
    after, before = request.args.get("after", type=int), request.args.get("before", type=int)
    if after is not None and after > 0:
        cursor = (page - 1, None, after)
    elif before is not None and before > 0:
        cursor = (page + 1, before, None)
    else:
        cursor = (None, None, None)
    pagination = case_page(
        query, page=page, per_page=current_app.config["CASES_PER_PAGE"], cursor=cursor
    )
    if key:
        page_args: dict = {"q": key}
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


PUBLIC_FILTER_ARGS = (
    "stage",
    "caseworker",
    "country_of_origin",
    "unaccompanied",
    "trafficking",
    "presumed_minor",
    "charged",
)


def _matches(form: OpenCaseForm) -> list[Case]:
    """Likely existing cases, shown once before a new case is opened anyway."""
    if not form.validate_on_submit() or form.confirmed.data == "1":
        return []
    form.confirmed.data = "1"
    return operations.likely_matches(
        current_user,
        given_name=form.given_name.data,
        family_name=form.family_name.data,
        date_of_birth=form.date_of_birth.data,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_CREATE)
def new():
    """Open a case, after showing the likely existing matches in the user's agency."""
    agency = db.session.get(Agency, current_user.agency_id) if current_user.agency_id else None
    web.require(agency is not None)
    assert agency is not None  # (for the type checker: require answered 403)
    form = OpenCaseForm()
    matches = _matches(form)
    render = partial(_render_new, form, matches, agency)
    if matches:
        return render(None)
    return web.submit(
        form,
        partial(operations.open_case, agency=agency),
        current_user,
        success=lambda case: _("Case %(number)s opened.", number=case.number),
        next_url=lambda case: url_for("cases.show", case_id=case.id),
        render=render,
    )


def _render_new(form, matches, agency, error):
    return render_template(
        "cases/new.html",
        form=with_message(form, error),
        matches=matches,
        today=today(),
        agency=agency,
    )


@bp.route("/<int:case_id>")
@login_required
@permission_required(Permission.CASE_VIEW)
def show(case_id: int):
    """The case page: the child's record, names and aliases, family members.

    Every view of a child's record is audited (DESIGN.md section 6), at the end of the request.
    """
    from caseapp.alerts.rules import alerts_for
    from caseapp.gate.views import panel_context

    case = web.load(Case, case_id)
    web.audit_read(pending(current_user, AuditAction.CASE_VIEW, case, diff={}))
    return render_template(
        "cases/show.html",
        alerts=alerts_for(case),
        **panel_context(case, current_user),
        child=case.child,
        can_edit=case.can_edit(current_user),
        today=today(),
        gaps=operations.registration_gaps(case) if case.awaits_registration else [],
        version_form=VersionForm(formdata=None).at(case.version),
    )


@bp.route("/<int:case_id>/register", methods=["POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def register(case_id: int):
    """Register an identified case once its core identity record is complete."""
    case = load_case(case_id, edit=True)
    return web.submit(
        VersionForm(),
        operations.register_case,
        current_user,
        case,
        success=_("The case is registered."),
        next_url=url_for("cases.show", case_id=case_id),
    )


@bp.route("/<int:case_id>/reassign", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_REASSIGN)
def reassign(case_id: int):
    """A supervisor gives the case to another member of the team (audited)."""
    case = web.load(Case, case_id)
    web.require(case.can_reassign(current_user))
    staff = [
        u for u in _caseworkers_for(current_user) if u.active and u.agency_id == case.lead_agency_id
    ]
    form = ReassignForm(staff=staff).loaded_at(case.version)
    return web.submit(
        form,
        operations.reassign_case,
        current_user,
        case,
        success=_("The case is reassigned."),
        next_url=url_for("cases.show", case_id=case_id),
        render=lambda error: render_template(
            "cases/reassign.html", case=case, form=with_message(form, error)
        ),
    )
