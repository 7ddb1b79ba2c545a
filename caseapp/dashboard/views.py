"""/queue (supervisors) and /due (caseworkers and supervisors)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.cases.models import Case
from caseapp.core import web
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission
from caseapp.core.validators import id_arg
from caseapp.core.views import permission_required
from caseapp.dashboard import home as home_q
from caseapp.dashboard import operations as ops
from caseapp.dashboard import pages
from caseapp.dashboard.forms import DigestForm, NotificationOpenForm, NotificationReadForm
from caseapp.dashboard.models import Notification

bp = Blueprint("dashboard", __name__)


@bp.app_template_global("unread_counted")
def unread_counted() -> int:
    """Beyond this many unread notifications a home page says "more than"
    (``home.unread_notifications`` counts no further)."""
    return home_q.UNREAD_COUNTED


@bp.route("/queue")
@login_required
@permission_required(Permission.RETURN_APPROVE)
def queue():
    """What awaits a supervisor: determinations to approve (not their own), returns ready for
    approval, last resorts awaiting a second supervisor."""
    return render_template("dashboard/queue.html", **pages.queue_page(current_user, request.args))


@bp.route("/due")
@login_required
@permission_required(Permission.CASE_EDIT)
def due():
    """What is due: overdue visits, appeal deadlines, stale hearings, cases over the limit."""
    return render_template("dashboard/due.html", **pages.due_page(current_user, request.args))


# -- home pages by role and notifications (issue 12 item 3) --------------------------------


@bp.route("/home")
@login_required
@permission_required(Permission.CASE_EDIT)
def home():
    """The caseworker's or supervisor's start page: what to do today."""
    template, context = pages.home_page(current_user)
    return render_template(template, **context)


@bp.route("/notifications")
@login_required
def notifications():
    """The user's notifications, newest first, with the e-mail digest choice."""
    before = id_arg(request.args.get("before"))
    rows, next_before = home_q.notifications_page(current_user, before=before)
    return render_template(
        "dashboard/notifications.html",
        rows=rows,
        next_before=next_before,
        before=before,
        read_form=NotificationReadForm(),
        digest_form=DigestForm(digest=ops.wants_digest(current_user)),
    )


@bp.post("/notifications/open")
@login_required
def read_notification():
    """Mark one of the user's notifications read and open its case (or the list). The id is
    posted, so the route is the same for everyone; another user's notification is a 404."""
    form = NotificationOpenForm()
    if not form.validate():
        abort(400)
    notice = db.session.get(Notification, form.notification.data)
    if notice is None or not notice.can_view(current_user):
        abort(404)
    ops.mark_read(current_user, notice)
    return redirect(_opened(notice))


def _opened(notice: Notification) -> str:
    """Where an opened notice leads: its case (a participant's own page of it while assigned,
    issue 10), else the notification list."""
    if notice.case_id is None:
        return url_for("dashboard.notifications")
    if not current_user.is_participant:
        return url_for("cases.show", case_id=notice.case_id)
    case = db.session.get(Case, notice.case_id)
    if case is not None and case.can_view(current_user):
        return url_for("participants.case", case_id=notice.case_id)
    return url_for("dashboard.notifications")


@bp.post("/notifications/read")
@login_required
def read_all_notifications():
    """Mark every notification read."""
    return web.submit(
        NotificationReadForm(),
        ops.mark_all_read,
        current_user,
        success=_("Every notification is marked read."),
        next_url=url_for("dashboard.notifications"),
    )


@bp.post("/notifications/digest")
@login_required
def digest():
    """Ask for the daily e-mail digest, or stop it."""
    return web.submit(
        DigestForm(),
        ops.set_digest,
        current_user,
        success=lambda wanted: (
            _("You will get a daily e-mail digest.") if wanted else _("No more e-mail digest.")
        ),
        next_url=url_for("dashboard.notifications"),
    )
