"""Drafts saved while typing, and "stay signed in" (issue 12 item 2).

``static/js/drafts.js`` posts a form's text here every few seconds while the user types;
the form's page fills itself from the draft when the user comes back (after a timeout and a
new login, a closed tab, a lost connection) and forgets it once the form is saved.
``static/js/idle.js`` warns before the idle timeout and posts to ``keepalive``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from flask import Blueprint, abort, current_app, request
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException

from caseapp.auth import session as server_session
from caseapp.cases.pages import load_case
from caseapp.core import web
from caseapp.core.db import utcnow
from caseapp.core.urls import local_path
from caseapp.drafts import operations as drafts

bp = Blueprint("drafts", __name__)

# Forms whose text is kept as a draft: the endpoint their page posts to.
# The long texts: the BIA, a hearing's views and reasons, a visit report, a closing note;
# an appeal's grounds and result, a complaint and its answer; the reintegration plan and the
# justification of a last resort (issue 12 item 2).
DRAFTABLE = frozenset(
    {
        "assessment.save_bia",
        "assessment.new_hearing",
        "monitoring.visit",
        "closure.close",
        "decision.lodge_appeal",
        "decision.decide_appeal",
        "decision.lodge_complaint",
        "decision.answer_complaint",
        "crossborder.reintegration",
        "crossborder.consent",
    }
)


def draft_target(path: str | None) -> tuple[str, Mapping[str, Any]] | None:
    """(endpoint, arguments) of a draftable form's path, or None."""
    path = local_path(path)
    if path is None:
        return None
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(path, method="POST")
    except HTTPException:
        return None
    return (endpoint, args) if endpoint in DRAFTABLE else None


@bp.post("/drafts")
@login_required
def save():
    """Keep the posted text of the form at ``path`` as the user's draft (204)."""
    path = request.form.get("path")
    target = draft_target(path)
    if target is None or path is None:  # no target without a path
        abort(400)
    load_case(target[1]["case_id"], edit=True)  # 404 outside scope, 403 if read-only
    fields = {k: v for k, v in request.form.items() if k != "path"}
    drafts.save_draft(current_user, path, fields)
    return "", 204


@bp.post("/session/keepalive")
@login_required
def keepalive():
    """ "Stay signed in": the session's idle time starts again now (204)."""
    row = server_session.current_row()
    if row is not None:
        now = utcnow()
        web.later(partial(server_session._touch_by_id, row.id, now))
    return "", 204
