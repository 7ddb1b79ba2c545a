"""The indicator pages: the ombudsperson's home, a supervisor's agency dashboard, the
drill-down to the cases behind a figure, and the figures as XLSX or CSV.

Reading them is audited (``indicators:view``, ``indicators:drill``, ``indicators:download``).
Only codes and dates travel in the URL (indicator, breakdown, category, period), never a name.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import pending
from caseapp.cases.models import Case
from caseapp.cases.queries import with_list_rows
from caseapp.core import web
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db
from caseapp.indicators import files
from caseapp.indicators.access import can_view_indicators, scope_label
from caseapp.indicators.catalogue import BY_KEY, CATALOGUE, Measure
from caseapp.indicators.labels import label_for
from caseapp.indicators.page import sections
from caseapp.indicators.period import period_from
from caseapp.indicators.queries import compute, drill_down
from caseapp.reports.spreadsheets import csv_response, write_xlsx, xlsx_response

bp = Blueprint("indicators", __name__, url_prefix="/indicators")
DRILL_LIMIT = 500


@bp.before_request
@login_required
def _only_monitoring_roles():
    if not can_view_indicators(current_user):
        abort(403)


def _period_or_message():
    try:
        return period_from(request.args, date.today()), None
    except ValidationFailed as err:
        return None, err.message


@bp.route("/")
def home():
    """The figures for the period, with charts and tables; each figure links to its cases."""
    period, message = _period_or_message()
    if period is None:
        return render_template("indicators/home.html", message=message, args=request.args), 400
    figures = compute(current_user, period)
    web.audit_read(
        pending(current_user, AuditAction.INDICATORS_VIEW, diff={"period": period.as_dict()})
    )
    return render_template(
        "indicators/home.html",
        period=period,
        sections=sections(figures, period),
        scope=scope_label(current_user),
        catalogue=CATALOGUE,
        message=None,
        args=request.args,
    )


@bp.route("/cases")
def cases():
    """Exactly the cases behind one figure."""
    period, message = _period_or_message()
    args = request.args
    key = args.get("indicator", "")
    measure = args.get("measure", Measure.COUNT)
    dimension, category = args.get("dimension", ""), args.get("category", "")
    if period is None:
        return render_template("indicators/cases.html", message=message), 400
    try:
        ids = drill_down(
            current_user, period, key, measure=measure, dimension=dimension, category=category
        )
    except KeyError:
        message = _("There is no such figure. Go back to the indicators and choose one.")
        return render_template("indicators/cases.html", message=message), 400
    query = with_list_rows(select(Case).where(Case.id.in_(ids))).order_by(Case.number)
    rows = db.session.scalars(query.limit(DRILL_LIMIT + 1)).unique().all()
    audit = pending(
        current_user,
        AuditAction.INDICATORS_DRILL,
        diff={
            "period": period.as_dict(),
            "indicator": key,
            "measure": measure,
            "dimension": dimension,
            "category": category,
            "cases": len(rows),
        },
    )
    web.audit_read(audit)
    return render_template(
        "indicators/cases.html",
        message=None,
        indicator=BY_KEY[key],
        measure=Measure(measure),
        dimension=dimension,
        category_label=label_for(dimension, category) if dimension else "",
        period=period,
        cases=rows[:DRILL_LIMIT],
        truncated=len(rows) > DRILL_LIMIT,
    )


@bp.route("/indicators.<any(xlsx, csv):fmt>")
def download(fmt: str):
    """The figures of the period as a spreadsheet, labelled in the user's language."""
    period, message = _period_or_message()
    if period is None:
        return render_template("indicators/home.html", message=message, args=request.args), 400
    figures = compute(current_user, period)
    web.audit_read(
        pending(
            current_user,
            AuditAction.INDICATORS_DOWNLOAD,
            diff={"period": period.as_dict(), "format": fmt},
        )
    )
    name = f"indicators-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
    header = [
        _("Indicator"),
        _("Figure"),
        _("Breakdown"),
        _("Category"),
        _("Value"),
        _("Definition"),
        _("Source"),
    ]
    rows = list(files.readable_rows(figures))
    if fmt == "csv":
        return csv_response(header, rows, name)
    return xlsx_response(write_xlsx(header, rows, sheet=_("Indicators")), name)
