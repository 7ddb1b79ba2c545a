"""Second-factor pages: the code step of the login and TOTP enrolment (ASVS 5.0 V6.3.3, V6.5)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from caseapp.audit.recorder import record
from caseapp.auth import session as server_session
from caseapp.auth import throttle, twofactor
from caseapp.auth.forms import CodeForm
from caseapp.auth.models import SessionStage
from caseapp.auth.views import bp, client_ip, finish_login, wait_response
from caseapp.core import web


@bp.route("/login/second-factor", methods=["GET", "POST"])
def second_factor():
    """Enter the authenticator code, or a recovery code, after the password."""
    row = server_session.current_row(stage=SessionStage.SECOND_FACTOR)
    if row is None:
        return redirect(url_for("auth.login"))
    user = row.user
    form = CodeForm()
    if form.validate_on_submit():
        key = throttle.account_key(user.email)
        with throttle.read_only() as conn:
            wait = throttle.wait_seconds(conn, key, client_ip())
        if wait:
            throttle.note_anonymous(refused=1)
            return wait_response(form, wait, "auth/second_factor.html")
        factor = None
        if twofactor.verify_totp(user, form.code.data):
            factor = "totp"
        elif twofactor.use_recovery_code(user, form.code.data):
            factor = "recovery_code"
        throttle.note_attempt(key, client_ip(), succeeded=factor is not None)
        if factor is not None:
            return finish_login(user, ["password", factor])
        record(None, "auth:login:fail", user, diff={"factor": "second"})
        form.code.errors.append(_("This code is not valid. Codes can be used only once."))
    return render_template("auth/second_factor.html", form=form)


@bp.route("/login/enrol", methods=["GET", "POST"])
@web.writes_on_get  # the new secret is stored while the QR code is shown
def enrol():
    """Set up the authenticator app: scan the QR code, confirm with a code.

    Forced after the password for roles that require 2FA; optional for others, from the
    preferences page. The recovery codes are shown once, on success.
    """
    row = server_session.current_row()
    if row is None or row.stage is SessionStage.SECOND_FACTOR:
        return redirect(url_for("auth.login"))
    user = row.user
    if row.stage is SessionStage.ACTIVE and user.has_totp:
        flash(_("Two-factor authentication is already set up."), "info")
        return redirect(url_for("auth.preferences"))
    if not row.pending_totp_secret:
        row.pending_totp_secret = twofactor.new_secret()
    secret = row.pending_totp_secret
    form = CodeForm()
    if form.validate_on_submit():
        codes = twofactor.enrol(user, secret, form.code.data)
        if codes is None:
            form.code.errors.append(_("This code is not valid. Check the time on your phone."))
        else:
            row.pending_totp_secret = None
            if row.stage is SessionStage.ENROL:
                finish_login(user, ["password", "totp"])
            return render_template("auth/recovery_codes.html", codes=codes)
    uri = twofactor.provisioning_uri(user, secret)
    return render_template(
        "auth/enrol.html",
        form=form,
        qr=twofactor.qr_data_uri(uri),
        secret=secret,
        forced=row.stage is SessionStage.ENROL,
    )
