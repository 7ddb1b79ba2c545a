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


def show_page(case: Case, user) -> dict[str, Any]:
    """The case page's values besides the case: the alerts (with the path to regularisation
    when return proves impossible), the gate's panel, the registration gaps. The gate's and
    the alerts' records are read in one statement (``load_case_records``)."""
    from caseapp.alerts.data import load_case_records
    from caseapp.alerts.rules import alerts_for
    from caseapp.cases import operations
    from caseapp.core.clock import today
    from caseapp.core.forms import VersionForm
    from caseapp.gate.views import panel_context

    records = load_case_records(case)
    alerts = alerts_for(case, records=records)
    return {
        "alerts": alerts,
        "regularise": regularise_form(case, alerts, user),
        **panel_context(case, user, records=records),
        "child": case.child,
        "can_edit": case.can_edit(user),
        "today": today(),
        "gaps": operations.registration_gaps(case) if case.awaits_registration else [],
        "version_form": VersionForm(formdata=None).at(case.version),
    }


def regularise_form(case: Case, alerts: list, user):
    """When return proves impossible, the path to regularisation or tolerated stay: the
    reasons as a new fact that reopens the determination (002, Moldova practice: "If the
    parents are not identified or return is not possible, the child will be granted a
    tolerated stay"; Rec 2: options to regularise status). None when it does not apply."""
    from caseapp.decision.forms import NewFactForm

    impossible = [a for a in alerts if a.kind == "return_impossible"]
    if not impossible or not case.can_reopen_determination(user):
        return None
    form = NewFactForm(prefix="new_fact", formdata=None).at(case.version)
    form.reason.data = impossible[0].detail
    return form
