"""The indicator pages: the ombudsperson's home, a supervisor's agency dashboard, the
drill-down to the cases behind a figure, and the figures as XLSX or CSV.

Reading them is audited (``indicators:view``, ``indicators:drill``, ``indicators:download``).
Only codes and dates travel in the URL (indicator, breakdown, category, period), never a name.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import pending
from caseapp.core import clock, web
from caseapp.core.errors import ValidationFailed
from caseapp.indicators import files
from caseapp.indicators.access import can_view_indicators, scope_label
from caseapp.indicators.page import Drill, drill_rows, sections, shown_figures
from caseapp.indicators.period import period_from
from caseapp.indicators.queries import compute
from caseapp.reports.spreadsheets import csv_response, write_xlsx, xlsx_response

bp = Blueprint("indicators", __name__, url_prefix="/indicators")
# The navigation asks the same rule as the pages (``base.html``): one rule, one place.
bp.add_app_template_global(can_view_indicators, "can_view_indicators")


@bp.before_request
@login_required
def _only_monitoring_roles():
    if not can_view_indicators(current_user):
        abort(403)


def _period_or_message():
    try:
        return period_from(request.args, clock.today()), None
    except ValidationFailed as err:
        return None, err.message


@bp.route("/")
def home():
    """The figures for the period as stored ahead (``page.shown_figures``), with charts and
    tables; each figure links to its cases, listed live."""
    period, message = _period_or_message()
    if period is None:
        return render_template("indicators/home.html", message=message, args=request.args), 400
    shown = shown_figures(current_user, period)
    diff = {"period": period.as_dict()}
    web.audit_read(pending(current_user, AuditAction.INDICATORS_VIEW, diff=diff))
    return render_template(
        "indicators/home.html",
        period=period,
        sections=sections(shown.figures, period),
        shown=shown,
        scope=scope_label(current_user),
        message=None,
        args=request.args,
    )


@bp.route("/cases")
def cases():
    """Exactly the cases behind one figure."""
    period, message = _period_or_message()
    if period is None:
        return render_template("indicators/cases.html", message=message), 400
    drill = Drill.from_args(request.args)
    try:
        rows = drill_rows(current_user, period, drill)
    except KeyError:
        message = _("There is no such figure. Go back to the indicators and choose one.")
        return render_template("indicators/cases.html", message=message), 400
    diff = drill.audit_diff(period, len(rows))
    web.audit_read(pending(current_user, AuditAction.INDICATORS_DRILL, diff=diff))
    return render_template("indicators/cases.html", **drill.context(period, rows))


@bp.route("/indicators.<any(xlsx, csv):fmt>")
def download(fmt: str):
    """The figures of the period as a spreadsheet, labelled in the user's language."""
    period, message = _period_or_message()
    if period is None:
        return render_template("indicators/home.html", message=message, args=request.args), 400
    figures = compute(current_user, period)
    diff = {"period": period.as_dict(), "format": fmt}
    web.audit_read(pending(current_user, AuditAction.INDICATORS_DOWNLOAD, diff=diff))
    name = f"indicators-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
    header, rows = files.readable_header(), list(files.readable_rows(figures))
    if fmt == "csv":
        return csv_response(header, rows, name)
    return xlsx_response(write_xlsx(header, rows, sheet=_("Indicators")), name)
