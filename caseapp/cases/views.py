"""Case pages: the list (filters, name search, pagination), opening a case, the case page."""

from __future__ import annotations

from functools import partial

from flask import (
    Blueprint,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.agencies.models import Agency
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import pending
from caseapp.cases import listing, operations
from caseapp.cases.forms import OpenCaseForm, ReassignForm
from caseapp.cases.models import Case
from caseapp.cases.pages import load_case, show_page
from caseapp.cases.queries import visible_cases
from caseapp.core import web
from caseapp.core.clock import today
from caseapp.core.extensions import db
from caseapp.core.forms import VersionForm, with_message
from caseapp.core.permissions import Permission
from caseapp.core.views import permission_required

bp = Blueprint("cases", __name__, url_prefix="/cases")

__all__ = ["bp", "visible_cases"]


@bp.route("/", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_VIEW)
@web.writes_at_end
def index():
    """The case list, post/redirect/get (issue 12 item 1).

    The search form is posted; the search is stored server-side and the browser sent to
    ``?q=<key>``, so Back from an opened case and reload show the list as it was, without
    "confirm form resubmission", and no name or date of birth ever appears in a URL. Coming
    back to the list later shows the last search again ("All cases" clears it). Filters
    without personal data (stage, country, flags) may also come in the query string.
    """
    if request.method == "POST":
        return listing.post_search()
    if request.args.get("all"):
        session.pop(listing.SEARCH_SESSION_KEY, None)
        return redirect(url_for("cases.index"))
    form, key = listing.requested_search(listing.caseworkers_for(current_user))
    return listing.render_list(form, key=key, valid=form.validate())


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


def _own_agency() -> Agency:
    """The signed-in user's agency, where a new case is opened (403 without one)."""
    agency = db.session.get(Agency, current_user.agency_id) if current_user.agency_id else None
    web.require(agency is not None)
    assert agency is not None  # (for the type checker: require answered 403)
    return agency


@bp.route("/new", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_CREATE)
def new():
    """Open a case, after showing the likely existing matches in the user's agency."""
    agency = _own_agency()
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
    case = web.load(Case, case_id)
    web.audit_read(pending(current_user, AuditAction.CASE_VIEW, case, diff={}))
    return render_template("cases/show.html", **show_page(case, current_user))


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
def reassign(case_id: int):
    """A supervisor gives the case to another member of the team (audited). Outside the
    agency a 404 (the case's existence is not told), inside it a 403 unless a supervisor."""
    case = web.load(Case, case_id)
    web.require(case.can_reassign(current_user))
    form = ReassignForm(staff=listing.reassign_candidates(case, current_user))
    form.loaded_at(case.version)
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
