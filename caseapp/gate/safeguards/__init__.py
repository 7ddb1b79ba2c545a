"""The nineteen safeguard checks of the return gate (DESIGN.md section 4, sources in 002).

Each check is ``check(case, data, today, policy) -> (met, reason, evidence, record_at)`` and
does no I/O. ``evidence`` is a list of ``(record type, id, short description)``. The checks
live by stage: ``identity`` (S1-S4), ``determination`` (S5-S10), ``coordination``
(S11-S13, what the other side agrees to), ``preparation`` (S14-S18, the return itself) and
``family`` (S19, the family's unity; issue 15).
"""

from __future__ import annotations

from caseapp.gate.safeguards.common import TITLES
from caseapp.gate.safeguards.coordination import s11_central, s12_readiness, s13_reintegration
from caseapp.gate.safeguards.determination import (
    s5_hearing,
    s6_family,
    s7_guarantee,
    s8_risk,
    s9_bid,
    s10_bid_approved,
)
from caseapp.gate.safeguards.family import s19_family_unity
from caseapp.gate.safeguards.identity import s1_identity, s2_lead_agency, s3_guardian, s4_legal
from caseapp.gate.safeguards.preparation import (
    s14_travel,
    s15_consent,
    s16_notice,
    s17_monitoring,
    s18_suspension,
)
from caseapp.gate.safeguards.received import or_received

# S6, S7, S12, S13, S17 also read documents received from the partner instance (issue 11).
CHECKS = [
    ("S1", s1_identity),
    ("S2", s2_lead_agency),
    ("S3", s3_guardian),
    ("S4", s4_legal),
    ("S5", s5_hearing),
    ("S6", or_received("S6", s6_family)),
    ("S7", or_received("S7", s7_guarantee)),
    ("S8", s8_risk),
    ("S9", s9_bid),
    ("S10", s10_bid_approved),
    ("S11", s11_central),
    ("S12", or_received("S12", s12_readiness)),
    ("S13", or_received("S13", s13_reintegration)),
    ("S14", s14_travel),
    ("S15", s15_consent),
    ("S16", s16_notice),
    ("S17", or_received("S17", s17_monitoring)),
    ("S18", s18_suspension),
    ("S19", s19_family_unity),
]

__all__ = ["CHECKS", "TITLES"]
