"""Login, logout, password change and the user's own preferences.

Login: password, then (if enrolled) the second factor, or (if the role requires 2FA and none
is enrolled) a forced enrolment before anything else. The session becomes usable only at the
end, with a fresh token (ASVS 5.0 V7.2.4). Second-factor pages: ``caseapp.auth.mfa_views``.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import record
from caseapp.auth import operations, twofactor
from caseapp.auth import session as server_session
from caseapp.auth.forms import LanguageForm, LanguageSwitchForm, LoginForm, PasswordChangeForm
from caseapp.auth.models import SessionStage
from caseapp.core import web
from caseapp.core.forms import with_message
from caseapp.core.i18n import remember_language
from caseapp.core.permissions import Role
from caseapp.core.urls import local_path

bp = Blueprint("auth", __name__)

# Where to go once signed in (a local path), kept across the second-factor step.
AFTER_LOGIN_KEY = "after_login"


def home_for(user) -> str:
    """Where a user lands after login: admins manage people, others see cases."""
    if user.role is Role.ADMIN:
        return url_for("admin.users")
    if user.role is Role.OMBUDSPERSON:  # monitoring the system as a whole (issue 13)
        return url_for("indicators.home")
    if user.is_participant:  # their cases and open requests (issue 10 item 6)
        return url_for("participants.home")
    if user.role in (Role.CASEWORKER, Role.SUPERVISOR):  # what to do today (issue 12 item 3)
        return url_for("dashboard.home")
    return url_for("cases.index")


def client_ip() -> str:
    """The client address used for throttling (set ProxyFix behind a reverse proxy)."""
    return request.remote_addr or "unknown"


def finish_login(user, factors: list[str], *, wanted: str | None = None):
    """Make the pending (or a new) session active with a fresh token, audit, go home."""
    # The page the user wanted (kept across the second factor); read before the session
    # is replaced, which clears it.
    wanted = local_path(wanted or session.pop(AFTER_LOGIN_KEY, None))
    row = server_session.current_row()
    if row is None or row.user_id != user.id or row.stage is SessionStage.ACTIVE:
        server_session.new_session(user, SessionStage.ACTIVE)
    else:
        row.stage = SessionStage.ACTIVE
        row.pending_totp_secret = None
        server_session.rotate(row)
    login_user(user)
    record(user, AuditAction.LOGIN_SUCCESS, user, diff={"factors": factors})
    return redirect(wanted or home_for(user))


def wait_response(form, seconds: int, template: str = "auth/login.html", **context):
    """The answer while sign-ins must wait (same for known and unknown e-mail): 429 with
    ``Retry-After``; the attempt was not checked (``caseapp.auth.throttle``)."""
    seconds = max(1, seconds)
    flash(_("Too many failed attempts. Try again in %(n)d seconds.", n=seconds), "error")
    response = current_app.make_response((render_template(template, form=form, **context), 429))
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/")
def index():
    """Send visitors to their start page, or to the login page."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.login"))


def next_step(user, wanted: str | None):
    """After the right password: the second factor if enrolled, a forced enrolment if the
    role requires one and none is enrolled (the page wanted is kept across it), else the
    session becomes active."""
    if user.has_totp:
        stage, endpoint = SessionStage.SECOND_FACTOR, "auth.second_factor"
    elif twofactor.role_requires_2fa(user):
        stage, endpoint = SessionStage.ENROL, "auth.enrol"
    else:
        return finish_login(user, ["password"], wanted=wanted)
    server_session.new_session(user, stage)
    session[AFTER_LOGIN_KEY] = wanted
    return redirect(url_for(endpoint))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with e-mail and password; the same message for any failure (ASVS V6.3.8)."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    outcome = operations.attempt_login(form.email.data, form.password.data, client_ip())
    if outcome.locked:
        return wait_response(form, outcome.wait_seconds)
    if outcome.user is None:
        flash(_("Wrong e-mail or password."), "error")
        return render_template("auth/login.html", form=form), 200
    return next_step(outcome.user, local_path(request.args.get("next")))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out everywhere (POST only, so a link on another site cannot log a user out).

    Every session of the user ends, so a forgotten session on a shared computer in a
    shelter or office ends too (ASVS V7.4.1).
    """
    user = current_user._get_current_object()
    record(user, AuditAction.LOGOUT, user, diff={})
    server_session.end_all_sessions(user, server_session.EndReason.LOGOUT)
    logout_user()
    from flask import session

    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    """Choose the interface language; links to password and two-factor settings."""
    form = LanguageForm(locale=current_user.locale)
    return web.submit(
        form,
        operations.set_locale,
        current_user,
        success=_("Saved."),
        next_url=request.path,
        render=lambda error: render_template(
            "auth/preferences.html", form=with_message(form, error)
        ),
    )


@bp.post("/language")
def language():
    """The language switch on every page (base.html): the signed-in user's language is
    stored on their account (audited); before login it is kept in a cookie."""
    form = LanguageSwitchForm()
    if not form.validate_on_submit():
        flash(_("That language is not available."), "error")
        return redirect(form.back_path())
    response = redirect(form.back_path())
    if not current_user.is_authenticated:
        return remember_language(response, form.locale.data)
    if form.locale.data != current_user.locale:
        operations.set_locale(current_user, form.locale.data)  # the request layer commits
    return response


def _change_password(user, *, current: str, new: str) -> None:
    """Change the password; this session stays, with a fresh token (the others end)."""
    row = server_session.current_row()
    operations.change_password(user, current, new, keep_session=row)
    server_session.rotate(row)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's password (current one required); other sessions end (ASVS V7.4.3)."""
    form = PasswordChangeForm()
    return web.submit(
        form,
        _change_password,
        current_user,
        success=_("Your password was changed. Your other sessions have ended."),
        next_url=url_for("auth.preferences"),
        render=lambda error: render_template("auth/password.html", form=with_message(form, error)),
    )


# Registers the second-factor, password-reset and invitation routes on this blueprint.
from caseapp.auth import (  # noqa: E402
    invitation_views,  # noqa: F401
    mfa_views,  # noqa: F401
    reset_views,  # noqa: F401
)
