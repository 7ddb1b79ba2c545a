"""Admin pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from caseapp.auth.models import User
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission
from caseapp.core.views import permission_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@login_required
@permission_required(Permission.USER_MANAGE)
def users():
    """List user accounts."""
    rows = db.session.scalars(
        select(User).options(joinedload(User.agency)).order_by(User.email)
    ).all()
    return render_template("admin/users.html", users=rows)
