"""Admin pages: users and agencies. Admins manage people, never child records (DESIGN.md 1)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from caseapp.admin import operations as admin_ops
from caseapp.admin.forms import AgencyEditForm, AgencyForm, ReasonForm, UserEditForm, UserForm
from caseapp.agencies import operations as agency_ops
from caseapp.agencies.models import Agency
from caseapp.auth import operations as user_ops
from caseapp.auth.models import User
from caseapp.auth.reset import RESET_LINK_LIFETIME
from caseapp.core import mail, web
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


# -- editing people and agencies in the browser (issue 12 item 7) ---------------------------


def _user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
@permission_required(Permission.USER_MANAGE)
def edit_user(user_id: int):
    """Change a user's role, agency, name or language; reset their second factor or send
    them a password-reset link."""
    user = _user(user_id)
    form = UserEditForm(agencies=_agencies()).load(user)
    return web.submit(
        form,
        admin_ops.update_user,
        current_user,
        user,
        success=_("The account is saved."),
        next_url=url_for("admin.edit_user", user_id=user_id),
        render=lambda error: _edit_page(user, form, error),
    )


def _edit_page(user: User, form: UserEditForm, error: str | None) -> str:
    """The account page, with the refusal next to the form."""
    return render_template(
        "admin/user_edit.html", user=user, form=with_message(form, error), reason_form=ReasonForm()
    )


@bp.route("/users/<int:user_id>/reset-2fa", methods=["POST"])
@login_required
@permission_required(Permission.USER_MANAGE)
def reset_second_factor(user_id: int):
    """Remove the user's second factor: they enrol again at their next sign-in."""
    return web.submit(
        ReasonForm(),
        admin_ops.reset_second_factor,
        current_user,
        _user(user_id),
        success=_("The second factor is reset: the person enrols again at the next sign-in."),
        next_url=url_for("admin.edit_user", user_id=user_id),
    )


def _send_reset(actor, target, **values) -> None:
    """The reset (``admin_ops.send_password_reset``), then the link mailed in the user's
    language once the request's transaction is committed."""
    token = admin_ops.send_password_reset(actor, target, **values)
    link = url_for("auth.reset_password", token=token, _external=True)
    minutes = int(RESET_LINK_LIFETIME.total_seconds() // 60)
    with force_locale(target.locale):
        body = render_template("auth/mail/reset.txt", user=target, link=link, minutes=minutes)
        subject = _("Set a new caseapp password")
    address = target.email
    web.later(lambda: mail.send(address, subject, body))


@bp.route("/users/<int:user_id>/send-reset", methods=["POST"])
@login_required
@permission_required(Permission.USER_MANAGE)
def send_password_reset(user_id: int):
    """E-mail the user a one-time link to set a new password (sent after the commit)."""
    user = _user(user_id)
    return web.submit(
        ReasonForm(),
        _send_reset,
        current_user,
        user,
        success=_("A link to set a new password is on its way to %(email)s.", email=user.email),
        next_url=url_for("admin.edit_user", user_id=user_id),
    )


@bp.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
@login_required
@permission_required(Permission.AGENCY_MANAGE)
def edit_agency(agency_id: int):
    """Change an agency's name, country, kind or whether it is active."""
    agency = db.session.get(Agency, agency_id) or abort(404)
    form = AgencyEditForm().load(agency)
    return web.submit(
        form,
        admin_ops.update_agency,
        current_user,
        agency,
        success=_("The agency is saved."),
        next_url=url_for("admin.agencies"),
        render=lambda error: render_template(
            "admin/agency_edit.html", agency=agency, form=with_message(form, error)
        ),
    )
