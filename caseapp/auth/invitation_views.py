"""The invitation page: a participant sets their first password with the e-mailed one-time
link (issue 10 item 5), then logs in and enrols the second factor, which participants must
use. Rules: ``caseapp.auth.invitations``. As with the reset link, the token is in the query
string of the e-mailed link (the logs record paths only) and travels on in a hidden field.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from caseapp.auth import invitations
from caseapp.auth.forms import ResetPasswordForm
from caseapp.auth.views import bp
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db


@bp.route("/invitation", methods=["GET", "POST"])
def accept_invitation():
    """Set the first password with the invitation's token."""
    form = ResetPasswordForm()
    if request.method == "GET":
        form.token.data = request.args.get("token", "")
        if invitations.valid_invitation(form.token.data) is None:
            return render_template("auth/invitation.html", form=None, invalid=True), 400
        return render_template("auth/invitation.html", form=form, invalid=False)
    if form.validate_on_submit():
        try:
            invitations.accept(form.token.data, form.new_password.data)
        except ValidationFailed as err:
            db.session.rollback()
            form.new_password.errors.append(err.message)
        else:  # the request layer commits
            flash(
                _(
                    "Your password is set. Log in with it; you will then set up the second "
                    "factor with an authenticator app."
                ),
                "success",
            )
            return redirect(url_for("auth.login"))
    if invitations.valid_invitation(form.token.data) is None:
        return render_template("auth/invitation.html", form=None, invalid=True), 400
    return render_template("auth/invitation.html", form=form, invalid=False), 400
