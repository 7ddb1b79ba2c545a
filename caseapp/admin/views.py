"""Admin pages: users and agencies. Admins manage people, never child records (DESIGN.md 1)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from caseapp.admin.forms import AgencyForm, ReasonForm, UserForm
from caseapp.agencies import operations as agency_ops
from caseapp.agencies.models import Agency
from caseapp.auth import operations as user_ops
from caseapp.auth.models import User
from caseapp.children.forms import show_domain_error
from caseapp.core.errors import DomainError
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission
from caseapp.core.views import permission_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).order_by(Agency.country, Agency.name)))


@bp.route("/users")
@login_required
@permission_required(Permission.USER_MANAGE)
def users():
    """List user accounts."""
    rows = db.session.scalars(
        select(User).options(joinedload(User.agency)).order_by(User.email)
    ).all()
    return render_template("admin/users.html", users=rows, reason_form=ReasonForm())


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
@permission_required(Permission.USER_MANAGE)
def new_user():
    """Create a user account."""
    agencies = _agencies()
    form = UserForm(agencies=agencies)
    if form.validate_on_submit():
        agency = db.session.get(Agency, int(form.agency.data)) if form.agency.data else None
        try:
            user = user_ops.create_user(
                current_user,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                agency=agency,
                password=form.password.data,
                locale=form.locale.data,
            )
        except DomainError as err:
            db.session.rollback()
            show_domain_error(form, err)
        else:
            db.session.commit()
            flash(_("User %(email)s created.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    status = 400 if form.errors else 200
    return render_template("admin/user_form.html", form=form), status


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@login_required
@permission_required(Permission.USER_MANAGE)
def deactivate_user(user_id: int):
    """Deactivate an account."""
    return _change_account(user_id, user_ops.deactivate_user, _("The account is deactivated."))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@login_required
@permission_required(Permission.USER_MANAGE)
def reactivate_user(user_id: int):
    """Reactivate an account."""
    return _change_account(user_id, user_ops.reactivate_user, _("The account is active again."))


def _change_account(user_id: int, operation, success: str):
    user = _user(user_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operation(current_user, user, reason=form.reason.data or None)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(url_for("admin.users"))


@bp.route("/agencies")
@login_required
@permission_required(Permission.AGENCY_MANAGE)
def agencies():
    """List agencies."""
    return render_template("admin/agencies.html", agencies=_agencies())


@bp.route("/agencies/new", methods=["GET", "POST"])
@login_required
@permission_required(Permission.AGENCY_MANAGE)
def new_agency():
    """Create an agency."""
    form = AgencyForm()
    if form.validate_on_submit():
        try:
            agency = agency_ops.create_agency(
                current_user,
                code=form.code.data,
                name=form.name.data,
                country=form.country.data,
                kind=form.kind.data,
            )
        except DomainError as err:
            db.session.rollback()
            show_domain_error(form, err)
        else:
            db.session.commit()
            flash(_("Agency %(code)s created.", code=agency.code), "success")
            return redirect(url_for("admin.agencies"))
    status = 400 if form.errors else 200
    return render_template("admin/agency_form.html", form=form), status
