"""The policy in force: the newest ``PolicySettings`` version (seeded as version 1)."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.core.extensions import db
from caseapp.gate.models import PolicySettings


def current_policy() -> PolicySettings:
    """The newest policy version. The first migration seeds version 1 with the reference
    defaults, so there is always one."""
    policy = db.session.scalar(
        select(PolicySettings).order_by(PolicySettings.version.desc()).limit(1)
    )
    if policy is None:  # pragma: no cover - only if the seed row was removed by hand
        raise RuntimeError("no policy settings: run the migrations")
    return policy
