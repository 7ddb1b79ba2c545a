"""Downloads for people: a case's PDF summary and the case list as XLSX or CSV.

Each download is permission-checked (the case list's scope; the case's ``can_view``) and
audited before its first byte is sent. The case list's filters come by POST, like the list's
name search, so no name travels in a URL.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import pending
from caseapp.cases.models import Case
from caseapp.core import clock, web
from caseapp.core.errors import DomainError
from caseapp.core.permissions import Permission
from caseapp.core.views import permission_required
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.policy import current_policy
from caseapp.reports import case_list
from caseapp.reports.case_summary import build_pdf
from caseapp.reports.spreadsheets import csv_response, write_xlsx, xlsx_response

bp = Blueprint("reports", __name__)


@bp.route("/cases/<int:case_id>/summary.pdf")
@login_required
@permission_required(Permission.CASE_VIEW)
def case_summary(case_id: int):
    """One case on paginated pages, in the user's language; the download is audited."""
    case = web.load(Case, case_id)
    today = clock.today()
    gate = evaluate_return_gate(case, today=today, policy=current_policy())
    try:
        body, identified = build_pdf(current_user, case, today=today, gate=gate)
    except DomainError as err:
        return render_template("reports/failed.html", message=err.message), err.status_code
    diff = {"identified": identified}
    web.audit_read(pending(current_user, AuditAction.CASE_SUMMARY_DOWNLOAD, case, diff=diff))
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{case.number}.pdf"'},
    )


@bp.route("/cases/export", methods=["POST"])
@login_required
@permission_required(Permission.CASE_VIEW)
def case_list_export():
    """The case list with the filters of the list page, as XLSX or CSV (streamed)."""
    fmt = request.form.get("format", "")
    if fmt not in ("xlsx", "csv"):
        abort(400)
    form, filters = case_list.filters_from_request(current_user)
    if form is None:
        message = _("Please correct the filters of the case list.")
        return render_template("reports/failed.html", message=message), 400
    diff = {"format": fmt, "filters": case_list.plain_filters(filters)}
    web.audit_read(pending(current_user, AuditAction.CASE_LIST_DOWNLOAD, diff=diff))
    header, rows = case_list.header(), case_list.rows(current_user, filters)
    name = f"cases-{clock.today().isoformat()}.{fmt}"
    if fmt == "csv":
        return csv_response(header, rows, name)
    return xlsx_response(write_xlsx(header, rows, sheet=_("Cases")), name)
