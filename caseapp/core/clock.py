"""The instance's calendar: which day it is, and on which day a stored moment fell.

Moments are stored in UTC (``caseapp.core.db.UTCDateTime``, stamped by ``utcnow``). The dates
people enter — a hearing held on, a child received on, a decision dated — are days where the
authority works, which in this region is two to six hours ahead of UTC. Every rule that
compares such a date with "today" (not in the future) or with a stored moment (not before the
BID's approval) reads both in one zone: the instance's ``TIMEZONE`` setting
(``CASEAPP_TIMEZONE``, an IANA name such as ``Europe/Chisinau`` or ``Asia/Bishkek``; left
unset, ``UTC`` with a warning at start-up), which is also the zone pages show times in.
Otherwise a caseworker in Bishkek entering the night's handover between local and UTC
midnight would be told the date is in the future, and a hearing held the evening before the
determination opened could count as held since (002, Rec 1: the child is heard within the
determination).

Deadlines counted in whole days from a case's opening (the BID time limit's alerts, reminders
and workload counts) keep UTC days: their counts are stored per UTC opening day
(``caseapp.dashboard.workload``), and a zone ahead of UTC only brings them earlier, never later.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context

from caseapp.core.db import utcnow

DEFAULT_ZONE = "UTC"


def parse_zone(name: object) -> ZoneInfo:
    """The zone named ``name``; ``ValueError`` if there is none of that name."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a time zone needs an IANA name, such as Europe/Chisinau")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as err:  # ValueError: a path-like name
        raise ValueError(f"unknown time zone: {name!r}") from err


def zone() -> ZoneInfo:
    """The instance's zone (UTC outside an application, as in a plain unit test)."""
    if not has_app_context():
        return ZoneInfo(DEFAULT_ZONE)
    return ZoneInfo(current_app.config.get("TIMEZONE") or DEFAULT_ZONE)


def today() -> date:
    """Today's date in the instance's zone, read at the moment of the call."""
    return utcnow().astimezone(zone()).date()


def local_date(moment: datetime) -> date:
    """The day, in the instance's zone, on which a stored moment fell (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone()).date()
