"""Today's date for tests, read when a test runs.

The operations stamp approvals and decisions with the real time (``caseapp.core.db.utcnow``),
and refuse a date before an earlier step's stamp (a decision dated before the BID's approval).
A module constant fixed when pytest imports the module goes stale at midnight: a run that
crosses it would date records "yesterday" against stamps of "today". So tests call ``today()``
where they need the date, never keep it in a module constant.

It is the app's own ``today()``: the day in the instance's zone (UTC in the tests, unless a
test sets ``TIMEZONE``), and UTC's day outside an application.
"""

from __future__ import annotations

from caseapp.core.clock import today

__all__ = ["today"]
