"""What every page about one case needs (the lifecycle pages share a header)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_login import current_user

from caseapp.cases.models import Case
from caseapp.core import web


def load_case(case_id: int, *, edit: bool = False) -> Case:
    """The case, or 404 outside the user's scope; 403 when ``edit`` and the user may not."""
    case = web.load(Case, case_id)
    if edit:
        web.require(case.can_edit(current_user))
    return case


def case_context(case: Case) -> dict[str, Any]:
    """The case, its page, and whether the user may edit."""
    return {
        "case": case,
        "case_url": url_for("cases.show", case_id=case.id),
        "can_edit": case.can_edit(current_user),
    }
