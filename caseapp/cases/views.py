"""Case pages: the list (filters, name search, pagination), opening a case, the case page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.agencies.models import Agency
from caseapp.audit.recorder import record
from caseapp.auth.models import User
from caseapp.cases import operations
from caseapp.cases.forms import OPEN_CHILD_FIELDS, CaseFilterForm, OpenCaseForm
from caseapp.cases.models import Case, Stage
from caseapp.cases.queries import CaseFilters, case_page, filtered, visible_cases
from caseapp.children.forms import VersionForm, show_domain_error
from caseapp.children.operations import today
from caseapp.core.errors import DomainError
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission, Role, load_or_404, require
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
    )


@bp.route("/", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_VIEW)
def index():
    """The case list. Filters may come by GET; a name search only by POST (no names in URLs)."""
    caseworkers = _caseworkers_for(current_user)
    if request.method == "POST":
        form = CaseFilterForm(caseworkers=caseworkers)
        valid = form.validate()
    else:
        form = CaseFilterForm(request.args, caseworkers=caseworkers, meta={"csrf": False})
        form.name.data = ""
        valid = form.validate()
    filters = _filters_from(form) if valid else CaseFilters()
    page = form.page.data if valid and form.page.data else 1
    query = filtered(visible_cases(current_user), filters, today=today())
    cursor = (
        (form.cursor_page.data, form.cursor_first.data, form.cursor_last.data)
        if valid
        else (None, None, None)
    )
    pagination = case_page(
        query, page=page, per_page=current_app.config["CASES_PER_PAGE"], cursor=cursor
    )
    return render_template(
        "cases/index.html",
        form=form,
        pagination=pagination,
        cases=pagination.items,
        today=today(),
        can_create=current_user.can(Permission.CASE_CREATE),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_CREATE)
def new():
    """Open a case, after showing the likely existing matches in the user's agency."""
    agency = db.session.get(Agency, current_user.agency_id) if current_user.agency_id else None
    if agency is None:
        abort(403)
    form = OpenCaseForm()
    matches: list[Case] = []
    if form.validate_on_submit():
        if form.confirmed.data != "1":
            matches = operations.likely_matches(
                current_user,
                given_name=form.given_name.data,
                family_name=form.family_name.data,
                date_of_birth=form.date_of_birth.data,
            )
        if not matches:
            fields = {name: form[name].data for name in OPEN_CHILD_FIELDS}
            fields["country_of_origin"] = fields["country_of_origin"] or None
            try:
                case = operations.open_case(
                    current_user,
                    agency=agency,
                    given_name=form.given_name.data,
                    family_name=form.family_name.data,
                    patronymic=form.patronymic.data,
                    date_of_birth=form.date_of_birth.data,
                    **fields,
                )
            except DomainError as err:
                db.session.rollback()
                show_domain_error(form, err)
            else:
                db.session.commit()
                flash(_("Case %(number)s opened.", number=case.number), "success")
                return redirect(url_for("cases.show", case_id=case.id))
        else:
            form.confirmed.data = "1"
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "cases/new.html", form=form, matches=matches, today=today(), agency=agency
    ), status


@bp.route("/<int:case_id>")
@login_required
@permission_required(Permission.CASE_VIEW)
def show(case_id: int):
    """The case page: the child's record, names and aliases, family members.

    Every view of a child's record is logged (DESIGN.md section 6).
    """
    from caseapp.alerts.rules import alerts_for
    from caseapp.gate.views import panel_context

    case = load_or_404(Case, case_id, current_user)
    record(current_user, "case:record:view", case, diff={})
    db.session.commit()
    return render_template(
        "cases/show.html",
        alerts=alerts_for(case),
        **panel_context(case, current_user),
        child=case.child,
        can_edit=case.can_edit(current_user),
        today=today(),
        gaps=operations.registration_gaps(case) if case.stage is Stage.IDENTIFIED else [],
        version_form=VersionForm(version=case.version),
    )


@bp.route("/<int:case_id>/register", methods=["POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def register(case_id: int):
    """Register an identified case once its core identity record is complete."""
    case = load_or_404(Case, case_id, current_user)
    require(case.can_edit(current_user))
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.register_case(current_user, case, expected_version=int(form.version.data))
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(_("The case is registered."), "success")
    return redirect(url_for("cases.show", case_id=case_id))
