"""Password reset pages: ask for a link, then set a new password with it (issue 12 item 7).

The link's token is in the query string of the e-mailed link (the logs record paths only)
and travels on in a hidden field; the pages say the same whether or not the address has an
account. Rules: ``caseapp.auth.reset``.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from caseapp.auth import reset
from caseapp.auth.forms import ForgotPasswordForm, ResetPasswordForm
from caseapp.auth.views import bp
from caseapp.core import mail, web
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link by e-mail."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        made = reset.request_reset(form.email.data)
        if made is not None:
            user, token = made
            link = url_for("auth.reset_password", token=token, _external=True)
            minutes = int(reset.RESET_LINK_LIFETIME.total_seconds() // 60)
            with force_locale(user.locale):
                body = render_template("auth/mail/reset.txt", user=user, link=link, minutes=minutes)
                subject = _("Set a new caseapp password")
            address = user.email
            # Sent once the request's transaction is committed (the layer commits the view).
            web.later(lambda: mail.send(address, subject, body))
        flash(
            _(
                "If an active account has this address, a link to set a new password is on its "
                "way. It works once, within %(minutes)d minutes.",
                minutes=int(reset.RESET_LINK_LIFETIME.total_seconds() // 60),
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset", methods=["GET", "POST"])
def reset_password():
    """Set a new password with the link's token."""
    form = ResetPasswordForm()
    if request.method == "GET":
        form.token.data = request.args.get("token", "")
        if reset.valid_token(form.token.data) is None:
            return render_template("auth/reset.html", form=None, invalid=True), 400
        return render_template("auth/reset.html", form=form, invalid=False)
    if form.validate_on_submit():
        try:
            reset.reset_password(form.token.data, form.new_password.data)
        except ValidationFailed as err:
            db.session.rollback()
            form.new_password.errors.append(err.message)
        else:  # the request layer commits
            flash(_("Your password was set. Log in with it."), "success")
            return redirect(url_for("auth.login"))
    if reset.valid_token(form.token.data) is None:
        return render_template("auth/reset.html", form=None, invalid=True), 400
    return render_template("auth/reset.html", form=form, invalid=False), 400
