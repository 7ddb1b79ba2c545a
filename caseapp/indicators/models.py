"""The indicators computed ahead: one stored snapshot of every figure per scope and period.

Live grouped counts over the ~50,000 cases a user may see cost ~2 s a request at 100,000
cases (issue 16 item 2: a dashboard within 20x the bare route), so the page reads figures
computed by the background queue or ``flask indicators refresh`` (``snapshots``). The drill-down
and the downloads stay live.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.db import UTCDateTime
from caseapp.core.extensions import db


class IndicatorSnapshot(db.Model):
    """Every figure of the catalogue for one scope (``snapshots.Scope.key``: ``all`` or
    ``agency:<id>``) and period, as computed at ``computed_at``: ``figures`` is the list of
    ``queries.Figure.as_dict()`` in ``queries.compute``'s order. Counts only, no personal data."""

    __tablename__ = "indicator_snapshot"
    __table_args__ = (UniqueConstraint("scope", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    figures: Mapped[list] = mapped_column(JSON)
