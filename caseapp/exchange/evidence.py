"""Received exchange documents as evidence for the return gate (issue 11 item 4).

A document signed by the partner's child-protection authority and received on the case's
exchange meets S6 (home study), S7 (guarantee), S12 (readiness), S13 (reintegration plan) and
S17 (independent monitoring planned, carried in the reintegration plan), with its provenance
("signed by ... (MD), received on ...") -- DESIGN.md 4.1 principle 4: partner-signed
documents carry their provenance. The partner's latest word counts: a received withdrawal of
the guarantee or of readiness leaves S7 or S12 unmet whatever else is recorded (4.1 principle
2; 002, Rec 2 and Rec 6). The checks do no I/O: ``GateData.received`` is loaded with the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from caseapp.core import clock
from caseapp.exchange.documents import DocumentType as T

Check = Callable[..., tuple]


def provenance(doc: Any) -> str:
    """ "signed by <partner> (<country>), received on <date>"."""
    when = clock.local_date(doc.received_at or doc.sent_at).isoformat()
    return _(
        "signed by %(partner)s (%(country)s), received on %(date)s",
        partner=doc.partner.name,
        country=doc.partner.country,
        date=when,
    )


def _latest(received: list, *types: T) -> Any:
    found = [d for d in received if d.doc_type in types]
    return found[-1] if found else None


def _home_study(received):
    doc = _latest(received, T.HOME_STUDY_REPORT)
    if doc is not None and doc.body.get("favourable") is True:
        return doc, _("Home study favourable")
    return None, None


def _guarantee(received):
    doc = _latest(received, T.GUARANTEE, T.GUARANTEE_WITHDRAWAL)
    if doc is None:
        return None, None
    if doc.doc_type is T.GUARANTEE_WITHDRAWAL:
        return doc, None
    return doc, _("Written guarantee of care by %(who)s", who=doc.body.get("guarantor_name"))


def _readiness(received):
    doc = _latest(received, T.READINESS, T.READINESS_WITHDRAWAL)
    if doc is None:
        return None, None
    if doc.doc_type is T.READINESS_WITHDRAWAL:
        return doc, None
    return doc, _("Readiness confirmed by %(who)s", who=doc.body.get("confirmed_by"))


def _reintegration(received):
    doc = _latest(received, T.REINTEGRATION_PLAN)
    if doc is not None and doc.body.get("resources_confirmed") is True:
        return doc, _("Reintegration plan resourced")
    return None, None


def _monitoring(received):
    doc = _latest(received, T.REINTEGRATION_PLAN)
    if doc is not None and doc.body.get("monitor_independent") and doc.body.get("first_visit_on"):
        return doc, _(
            "Independent monitoring by %(who)s, first visit %(on)s",
            who=doc.body.get("monitor_name"),
            on=doc.body.get("first_visit_on"),
        )
    return None, None


FINDERS = {
    "S6": _home_study,
    "S7": _guarantee,
    "S12": _readiness,
    "S13": _reintegration,
    "S17": _monitoring,
}


def or_received(sid: str, check: Check) -> Check:
    """``check``, with the case's received documents as a further source of evidence."""
    finder = FINDERS[sid]

    def checked(case, data, today, policy):
        doc, met_text = finder(getattr(data, "received", []))
        if doc is not None and met_text is None:  # the partner withdrew it: its latest word
            return (
                False,
                _("Withdrawn by the partner: %(provenance)s.", provenance=provenance(doc)),
                [],
                None,
            )
        result = check(case, data, today, policy)
        if result[0] or doc is None:
            return result
        return (
            True,
            f"{met_text} ({provenance(doc)}).",
            [("ExchangeDocument", doc.id, provenance(doc))],
            None,
        )

    checked.__doc__ = check.__doc__
    return checked
