"""The indicator set: each indicator with its definition and the source that asks for it.

The definitions are what the pages, the spreadsheets and the signed ``indicators.json`` print,
so an ombudsperson reading a figure knows exactly what was counted. Counting rules live in
``caseapp.indicators.queries``; the two are kept together by the indicator's ``key``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from caseapp.core.i18n import lazy_gettext as _l


class Unit(StrEnum):
    """What an indicator's main figure counts."""

    CHILDREN = "children"  # distinct children (one child per case)
    EVENTS = "events"  # records: decisions, appeals, complaints, visits
    DAYS = "days"  # durations: median and 90th percentile


class Measure(StrEnum):
    """The figures an indicator reports."""

    COUNT = "count"
    DAYS = "days"  # total days (deprivation of liberty within the period)
    OPEN_NOW = "open_now"
    MEDIAN = "median"
    P90 = "p90"

    @property
    def label(self):
        return {
            Measure.COUNT: _l("number"),
            Measure.DAYS: _l("days in the period"),
            Measure.OPEN_NOW: _l("now"),
            Measure.MEDIAN: _l("median days"),
            Measure.P90: _l("90th percentile, days"),
        }[self]


class Dimension(StrEnum):
    """How a figure is broken down (001: "collect and disaggregate all relevant data")."""

    CARE_STATUS = "care_status"
    SEX = "sex"
    AGE_BAND = "age_band"
    COUNTRY = "country_of_origin"
    AGENCY = "lead_agency"
    MONTH = "month"
    VOLUNTARINESS = "voluntariness"
    OUTCOME = "outcome"

    @property
    def label(self):
        return {
            Dimension.CARE_STATUS: _l("Care status"),
            Dimension.SEX: _l("Sex"),
            Dimension.AGE_BAND: _l("Age band (at the end of the period)"),
            Dimension.COUNTRY: _l("Country of origin"),
            Dimension.AGENCY: _l("Lead agency"),
            Dimension.MONTH: _l("Month"),
            Dimension.VOLUNTARINESS: _l("Voluntary or last resort"),
            Dimension.OUTCOME: _l("Solution decided"),
        }[self]


@dataclass(frozen=True)
class Indicator:
    """One indicator: what it counts, how, and who asks for it."""

    key: str
    label: object
    definition: object
    source: str
    unit: Unit
    measures: tuple[Measure, ...] = (Measure.COUNT,)
    dimensions: tuple[Dimension, ...] = ()


CATALOGUE: tuple[Indicator, ...] = (
    Indicator(
        "identified",
        _l("Children identified"),
        _l(
            "Children whose date of identification falls in the period (a case without one "
            "counts on the day it was opened), by care status, sex, age band, country of "
            "origin, lead agency and month."
        ),
        "001 (disaggregated statistics); 002, Rec 4 (identification and referral)",
        Unit.CHILDREN,
        dimensions=(
            Dimension.CARE_STATUS,
            Dimension.SEX,
            Dimension.AGE_BAND,
            Dimension.COUNTRY,
            Dimension.AGENCY,
            Dimension.MONTH,
        ),
    ),
    Indicator(
        "days_to_opening",
        _l("Days from identification to case opening"),
        _l(
            "For the cases opened in the period: days from the child's identification to the "
            "opening of the case (median and 90th percentile)."
        ),
        "002, Rec 4 (child-sensitive identification and referral)",
        Unit.DAYS,
        measures=(Measure.COUNT, Measure.MEDIAN, Measure.P90),
    ),
    Indicator(
        "days_to_bid",
        _l("Days from identification to the best-interests determination"),
        _l(
            "For the cases whose first best-interests determination was approved in the "
            "period: days from identification to that approval (median and 90th percentile)."
        ),
        "002, Rec 2 (best-interests determination guided by child protection)",
        Unit.DAYS,
        measures=(Measure.COUNT, Measure.MEDIAN, Measure.P90),
    ),
    Indicator(
        "days_to_decision",
        _l("Days from identification to the decision"),
        _l(
            "For the cases whose first decision was taken in the period: days from "
            "identification to that decision (median and 90th percentile)."
        ),
        "002, Rec 2 (durable solution in the child's best interests)",
        Unit.DAYS,
        measures=(Measure.COUNT, Measure.MEDIAN, Measure.P90),
    ),
    Indicator(
        "deprived_of_liberty",
        _l("Children deprived of liberty"),
        _l(
            "Children in a placement they cannot leave at will, run by law enforcement, or "
            "closed by its type (one shared definition, Placement.deprives_of_liberty) at any "
            "time in the period; the days they spent there within the period; and how many "
            "are in one now."
        ),
        "002, Rec 4 (reduce the number of children in detention; Global Study definition)",
        Unit.CHILDREN,
        measures=(Measure.COUNT, Measure.DAYS, Measure.OPEN_NOW),
        dimensions=(Dimension.COUNTRY, Dimension.AGENCY),
    ),
    Indicator(
        "returns",
        _l("Returns carried out"),
        _l(
            "Children who travelled back in the period (return recorded as carried out), "
            "voluntary (the child consented) or as a last resort without consent, by country "
            "of origin and month."
        ),
        "002, Rec 2 (return only in the child's best interests); ADC principle iv",
        Unit.CHILDREN,
        dimensions=(Dimension.VOLUNTARINESS, Dimension.COUNTRY, Dimension.MONTH),
    ),
    Indicator(
        "approvals_withdrawn",
        _l("Return approvals withdrawn"),
        _l("Return approvals withdrawn in the period (a safeguard no longer met, or a reopening)."),
        "002, Rec 1 (safeguards in force until the handover)",
        Unit.EVENTS,
    ),
    Indicator(
        "decisions",
        _l("Durable solutions decided"),
        _l(
            "Decisions taken in the period, by the solution decided: local integration, "
            "regularisation or tolerated stay, return, third country."
        ),
        "002, Rec 2 (every durable solution considered)",
        Unit.EVENTS,
        dimensions=(Dimension.OUTCOME,),
    ),
    Indicator(
        "appeals_lodged",
        _l("Appeals lodged"),
        _l("Appeals against a decision lodged in the period."),
        "002, Rec 1 (effective remedies)",
        Unit.EVENTS,
    ),
    Indicator(
        "appeals_upheld",
        _l("Appeals upheld"),
        _l("Appeals decided in favour of the child in the period."),
        "002, Rec 1 (effective remedies)",
        Unit.EVENTS,
    ),
    Indicator(
        "complaints",
        _l("Complaints and days to answer"),
        _l(
            "Complaints lodged in the period; for those answered in the period, the days from "
            "lodging to the answer (median and 90th percentile); complaints open now."
        ),
        "002, Rec 4 (complaints to an independent and impartial authority)",
        Unit.EVENTS,
        measures=(Measure.COUNT, Measure.MEDIAN, Measure.P90, Measure.OPEN_NOW),
    ),
    Indicator(
        "visits_due",
        _l("Monitoring visits due"),
        _l("Post-return monitoring visits due in the period."),
        "002, Rec 2 (independent monitoring and follow-up)",
        Unit.EVENTS,
    ),
    Indicator(
        "visits_done",
        _l("Monitoring visits done"),
        _l("Post-return monitoring visits carried out in the period."),
        "002, Rec 2 (independent monitoring and follow-up)",
        Unit.EVENTS,
    ),
    Indicator(
        "visits_overdue",
        _l("Monitoring visits overdue by more than 30 days"),
        _l(
            "Visits due in the period more than 30 days before its end and not carried out by "
            "its end."
        ),
        "002, Rec 2 (independent monitoring and follow-up)",
        Unit.EVENTS,
    ),
)

BY_KEY: dict[str, Indicator] = {i.key: i for i in CATALOGUE}


def category_label(dimension: str, category: str) -> str:
    """A readable label for a breakdown category (enum labels where there are some)."""
    from caseapp.indicators.labels import label_for

    return label_for(dimension, category)
