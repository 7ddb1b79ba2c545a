"""The invitation page: a participant sets their first password with the e-mailed one-time
link (issue 10 item 5), then logs in and enrols the second factor, which participants must
use. Rules: ``caseapp.auth.invitations``. As with the reset link, the token is in the query
string of the e-mailed link (the logs record paths only) and travels on in a hidden field.
"""

from __future__ import annotations

from flask_babel import gettext as _

from caseapp.auth import invitations
from caseapp.auth.reset_views import token_password_page
from caseapp.auth.views import bp


@bp.route("/invitation", methods=["GET", "POST"])
def accept_invitation():
    """Set the first password with the invitation's token."""
    success = _(
        "Your password is set. Log in with it; you will then set up the second "
        "factor with an authenticator app."
    )
    template = "auth/invitation.html"
    return token_password_page(template, invitations.valid_invitation, invitations.accept, success)
