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
from caseapp.core.forms import with_message


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
    success = _("Your password was set. Log in with it.")
    return token_password_page("auth/reset.html", reset.valid_token, reset.reset_password, success)


def token_password_page(template: str, is_valid, operation, success: str):
    """A page that sets a password with an e-mailed one-time token (a reset link, an
    invitation): a token that is not (or no longer) valid answers 400 without a form; the
    form goes through the request layer (``operation(token=..., new_password=...)``; a
    refusal is shown with the form, nothing saved)."""
    form = ResetPasswordForm()
    if request.method == "GET":
        form.token.data = request.args.get("token", "")
    if is_valid(form.token.data) is None:
        return render_template(template, form=None, invalid=True), 400
    return web.submit(
        form,
        operation,
        success=success,
        next_url=url_for("auth.login"),
        render=lambda error: render_template(
            template, form=with_message(form, error), invalid=False
        ),
    )
