"""Admin pages: users and agencies. Admins manage people, never child records (DESIGN.md 1)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from caseapp.admin.forms import AgencyForm, ReasonForm, UserForm
from caseapp.agencies import operations as agency_ops
from caseapp.agencies.models import Agency
from caseapp.auth import operations as user_ops
from caseapp.auth.models import User
from caseapp.core import web
from caseapp.core.extensions import db
from caseapp.core.forms import with_message
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
    form = UserForm(agencies=_agencies())
    return web.submit(
        form,
        user_ops.create_user,
        current_user,
        success=lambda user: _("User %(email)s created.", email=user.email),
        next_url=url_for("admin.users"),
        render=lambda error: render_template(
            "admin/user_form.html", form=with_message(form, error)
        ),
    )


def _change_account(user_id: int, operation, success: str):
    user = db.session.get(User, user_id) or abort(404)
    return web.submit(
        ReasonForm(),
        operation,
        current_user,
        user,
        success=success,
        next_url=url_for("admin.users"),
    )


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
    return web.submit(
        form,
        agency_ops.create_agency,
        current_user,
        success=lambda agency: _("Agency %(code)s created.", code=agency.code),
        next_url=url_for("admin.agencies"),
        render=lambda error: render_template(
            "admin/agency_form.html", form=with_message(form, error)
        ),
    )
