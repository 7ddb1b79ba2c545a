"""Today's date for tests, read when a test runs.

The operations stamp approvals and decisions with the real time (``caseapp.core.db.utcnow``),
and refuse a date before an earlier step's stamp (a decision dated before the BID's approval).
A module constant fixed when pytest imports the module goes stale at midnight UTC: a run that
crosses it would date records "yesterday" against stamps of "today". So tests call ``today()``
where they need the date, never keep it in a module constant.
"""

from __future__ import annotations

from datetime import date

from caseapp.core.db import utcnow


def today() -> date:
    """Today's date in UTC, as the app reads it, at the moment of the call."""
    return utcnow().date()
