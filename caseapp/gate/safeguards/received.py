"""Received exchange documents as evidence for the return gate (issue 11 item 4).

A document signed by the partner's child-protection authority and received on the case's
exchange can meet S6 (home study), S7 (guarantee), S12 (readiness), S13 (reintegration plan)
and S17 (independent monitoring planned, carried in the reintegration plan), with its
provenance ("signed by ... (MD), received on ...") -- DESIGN.md 4.1 principle 4:
partner-signed documents carry their provenance.

A received document obeys the rules a local record obeys (DESIGN.md 4.1):

- **the right party** (4.1 principle 3): only documents from an *active* partner of the
  country the child returns to count (002, Rec 2: the authorities of the country of return);
  a partner of another country, or one the administrator deactivated, is no party to this
  return. The gate says which documents it set aside. A withdrawal that partner gave before
  it was deactivated still counts: deactivation does not take back a word against the
  return.
- **the latest word** (4.1 principle 2; 002, Rec 2 and Rec 6): the partner's documents and the
  local records are one history. Each word is dated by the day it was given (a guarantee's
  ``given_on``, a withdrawal's ``withdrawn_on``, a home study by the day it was received);
  whichever is later decides; on the same day, the one recorded later, and where the record
  does not say when (a home study, a guarantee) the word against the return. So a readiness
  or guarantee withdrawn locally after the partner's confirmation leaves S12 or S7 unmet, as
  does a later unfavourable home study; a partner's withdrawal after a local confirmation
  does the same, and a partner's confirmation after a local withdrawal counts again.
- **time is part of the fact** (4.1): a received guarantee counts for the policy's
  ``guarantee_valid_days``, a confirmation of readiness or of resources for
  ``confirmation_valid_days``, and the first monitoring visit must fall within
  ``first_visit_within_days`` after the planned return, as for local records.

S17 has no dated local word (the monitoring plan is a plan, not a confirmation): either the
local plan or the partner's valid plan meets it. The checks do no I/O: ``GateData.received``
and the partners are loaded with the rest (``caseapp.gate.data``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from caseapp.core import clock
from caseapp.crossborder.models import MessageDirection, MessageKind, WithdrawalKind
from caseapp.exchange.documents import DocumentType as T
from caseapp.gate.safeguards.common import day, within

Check = Callable[..., tuple]
# (met, text): the partner's document judged as the rule for local records would judge it.
Verdict = tuple[bool, str]


def provenance(doc: Any) -> str:
    """ "signed by <partner> (<country>), received on <date>"."""
    when = _received_on(doc).isoformat()
    return _(
        "signed by %(partner)s (%(country)s), received on %(date)s",
        partner=doc.partner.name,
        country=doc.partner.country,
        date=when,
    )


def _received_on(doc: Any) -> date:
    return clock.local_date(doc.received_at or doc.sent_at)


def _given_on(field: str) -> Callable[[Any], date]:
    """The day the partner's word was given: the body's ``field`` (a withdrawal's
    ``withdrawn_on``), else the day it was received."""

    def given_on(doc: Any) -> date:
        name = "withdrawn_on" if doc.doc_type in WITHDRAWALS else field
        return doc.body_date(name) or _received_on(doc)

    return given_on


WITHDRAWALS = frozenset({T.GUARANTEE_WITHDRAWAL, T.READINESS_WITHDRAWAL})


# -- The partner's word, judged as a local record of the same kind is judged ------------------


def _home_study(doc, case, data, today, policy) -> Verdict:
    if doc.body.get("favourable") is not True:
        return False, _(
            "The latest home study (%(provenance)s) is unfavourable.", provenance=provenance(doc)
        )
    return True, _("Home study favourable")


def _confirmation(doc, today: date, field: str, days: int, met_text: str) -> Verdict:
    """A guarantee or a confirmation of readiness: the partner's withdrawal is its latest
    word; otherwise it counts for ``days`` from the body's ``field``."""
    if doc.doc_type in WITHDRAWALS:
        return False, _("Withdrawn by the partner: %(provenance)s.", provenance=provenance(doc))
    given = doc.body_date(field)
    if not within(given, today, days):
        return False, _stale(doc, given, days)
    return True, met_text


def _guarantee(doc, case, data, today, policy) -> Verdict:
    who = doc.body.get("guarantor_name")
    text = _("Written guarantee of care by %(who)s", who=who)
    return _confirmation(doc, today, "given_on", policy.guarantee_valid_days, text)


def _readiness(doc, case, data, today, policy) -> Verdict:
    text = _("Readiness confirmed by %(who)s", who=doc.body.get("confirmed_by"))
    return _confirmation(doc, today, "confirmed_on", policy.confirmation_valid_days, text)


def _reintegration(doc, case, data, today, policy) -> Verdict:
    confirmed = doc.body_date("resources_confirmed_on")
    if doc.body.get("resources_confirmed") is not True or confirmed is None:
        return False, _(
            "The partner's reintegration plan (%(provenance)s) does not confirm its resources.",
            provenance=provenance(doc),
        )
    if not within(confirmed, today, policy.confirmation_valid_days):
        return False, _stale(doc, confirmed, policy.confirmation_valid_days)
    return True, _("Reintegration plan resourced")


def _monitoring(doc, case, data, today, policy) -> Verdict:
    visit = doc.body_date("first_visit_on")
    travel = data.travel_plan
    lag = (visit - travel.travel_on).days if visit and travel else None
    if not doc.body.get("monitor_independent") or lag is None:
        return False, _(
            "The partner's reintegration plan (%(provenance)s) plans no independent first "
            "visit after a planned return.",
            provenance=provenance(doc),
        )
    if lag < 0 or lag > policy.first_visit_within_days:
        return False, _(
            "The partner's plan (%(provenance)s): the first visit (%(visit)s) must fall within "
            "%(days)s days after the planned return (%(travel)s).",
            provenance=provenance(doc),
            visit=day(visit),
            days=policy.first_visit_within_days,
            travel=day(travel.travel_on),
        )
    return True, _(
        "Independent monitoring by %(who)s, first visit %(on)s",
        who=doc.body.get("monitor_name"),
        on=doc.body.get("first_visit_on"),
    )


def _stale(doc, given: date | None, days: int) -> str:
    return _(
        "The partner's document (%(provenance)s) is dated %(day)s: it counts for %(days)s days.",
        provenance=provenance(doc),
        day=day(given),
        days=days,
    )


# -- The latest local word: its day, and when it was recorded if the record says -------------

# (day given, moment recorded or None); None for the whole: no local word.
Word = tuple[date, datetime | None]


def _latest_word(words: list[Word]) -> Word | None:
    """The latest of ``words``: its day, and the moment it was recorded when every word of
    that day has one (else None: their order within the day is not known)."""
    if not words:
        return None
    top = max(d for d, _at in words)
    moments = [at for d, at in words if d == top]
    return top, None if None in moments else max(m for m in moments if m is not None)


def _local_home_study(case, data) -> Word | None:
    return _latest_word([(h.received_on, None) for h in data.home_studies])


def _local_guarantee(case, data) -> Word | None:
    words: list[Word] = [(g.given_on, None) for g in data.guarantees]
    words += [
        (w.on_date, w.created_at) for w in data.withdrawals if w.kind is WithdrawalKind.GUARANTEE
    ]
    return _latest_word(words)


def _local_readiness(case, data) -> Word | None:
    """The counterpart's confirmations (the ones S12 reads) and the readiness withdrawals."""
    counterpart = data.coordination.counterpart_agency_id if data.coordination else None
    words: list[Word] = [
        (m.on_date, m.created_at)
        for m in data.messages
        if m.direction is MessageDirection.RECEIVED
        and m.kind is MessageKind.CONFIRMATION_OF_READINESS
        and m.agency_id is not None
        and m.agency_id == counterpart
    ]
    words += [
        (w.on_date, w.created_at) for w in data.withdrawals if w.kind is WithdrawalKind.READINESS
    ]
    return _latest_word(words)


def _local_reintegration(case, data) -> Word | None:
    plan = data.reintegration_plan
    if plan is None or plan.resources_confirmed_on is None:
        return None
    return plan.resources_confirmed_on, None


def _local_decides(local: Word | None, received: Word, local_met: bool, met: bool) -> bool:
    """The later word decides (DESIGN.md 4.1 principle 2): the later day, else the later
    recorded; when their order within the day is not known, the word against the return."""
    if local is None:
        return False
    if local[0] != received[0]:
        return local[0] > received[0]
    if local[1] is not None and received[1] is not None:
        return local[1] > received[1]
    return not local_met or met


@dataclass(frozen=True)
class Source:
    """How one safeguard reads the partner's documents."""

    types: tuple[T, ...]
    given_on: Callable[[Any], date]  # the day the partner's word was given
    judge: Callable[..., Verdict]
    # The latest local word; None: no order, either source meets it (S17).
    local_word: Callable[[Any, Any], Word | None] | None


SOURCES = {
    "S6": Source((T.HOME_STUDY_REPORT,), _received_on, _home_study, _local_home_study),
    "S7": Source(
        (T.GUARANTEE, T.GUARANTEE_WITHDRAWAL),
        _given_on("given_on"),
        _guarantee,
        _local_guarantee,
    ),
    "S12": Source(
        (T.READINESS, T.READINESS_WITHDRAWAL),
        _given_on("confirmed_on"),
        _readiness,
        _local_readiness,
    ),
    "S13": Source(
        (T.REINTEGRATION_PLAN,),
        _given_on("resources_confirmed_on"),
        _reintegration,
        _local_reintegration,
    ),
    "S17": Source((T.REINTEGRATION_PLAN,), _received_on, _monitoring, None),
}


def counting(data) -> tuple[list, list]:
    """The received documents that count for this return -- from an active partner of the
    country the child returns to (DESIGN.md 4.1 principle 3) -- and those set aside."""
    country = data.destination_country
    ours: list[Any] = []
    others: list[Any] = []
    for doc in data.received:
        (ours if doc.partner.active and doc.partner.country == country else others).append(doc)
    return ours, others


def standing_withdrawals(data, source: Source) -> list:
    """Withdrawals of ``source``'s kind from partners of the country of return since
    deactivated, each still its partner's latest word of that kind: deactivating a partner
    ends what it may confirm, not the word against the return it gave (fail closed; 002,
    Rec 2). One the partner itself followed with a confirmation does not stand."""
    country = data.destination_country
    latest: dict[int, tuple] = {}
    for doc in data.received:
        partner = doc.partner
        if partner.active or partner.country != country or doc.doc_type not in source.types:
            continue
        key = (source.given_on(doc), doc.received_at or doc.sent_at, doc.id)
        if partner.id not in latest or key > latest[partner.id][0]:
            latest[partner.id] = (key, doc)
    return [doc for _key, doc in latest.values() if doc.doc_type in WITHDRAWALS]


def _set_aside(result: tuple, others: list, types: tuple[T, ...], country: str | None) -> tuple:
    """``result`` (unmet), saying which partner's documents did not count, and why."""
    names = sorted(
        {f"{d.partner.name} ({d.partner.country})" for d in others if d.doc_type in types}
    )
    if result[0] or not names:
        return result
    note = _(
        "Documents from %(partners)s do not count: only an active partner in the country of "
        "return (%(country)s) can give this word.",
        partners=", ".join(names),
        country=country or "-",
    )
    return (False, f"{result[1]} {note}", *result[2:])


def or_received(sid: str, check: Check) -> Check:
    """``check``, with the partner's documents as a further source of evidence, read by the
    same rules as the local records (this module's docstring)."""
    source = SOURCES[sid]

    def checked(case, data, today, policy):
        local = check(case, data, today, policy)
        ours, others = counting(data)
        docs = [d for d in ours if d.doc_type in source.types]
        docs += standing_withdrawals(data, source)
        doc = max(
            docs, key=lambda d: (source.given_on(d), d.received_at or d.sent_at, d.id), default=None
        )
        if doc is None:
            return _set_aside(local, others, source.types, data.destination_country)
        met, text = source.judge(doc, case, data, today, policy)
        if not doc.partner.active:  # a standing withdrawal (``standing_withdrawals``)
            text = " ".join(
                (text, _("The partner has since been deactivated; its withdrawal stands."))
            )
        if source.local_word is None:  # either source meets it
            if local[0]:
                return local
            if not met:
                return (False, f"{local[1]} {text}", [], local[3])
        else:
            received = (source.given_on(doc), doc.received_at or doc.sent_at)
            if _local_decides(source.local_word(case, data), received, local[0], met):
                return local
            if not met:
                return (False, text, [], local[3])
        return (
            True,
            f"{text} ({provenance(doc)}).",
            [("ExchangeDocument", doc.id, provenance(doc))],
            None,
        )

    checked.__doc__ = check.__doc__
    return checked
