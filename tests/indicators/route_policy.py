"""Route policy of the indicators (supervisors and ombudspersons) and the reports."""

from __future__ import annotations

from tests.security.route_policy import Rule

POLICY = {
    "indicators.home": Rule.MONITORING,
    "indicators.cases": Rule.MONITORING,
    "indicators.download": Rule.MONITORING,
    "reports.case_summary": Rule.CASE_VIEW,
    "reports.case_list_export": Rule.CASE_LIST,
}
BUILDERS = {"fmt": lambda world: "xlsx"}
