"""The one definition of deprivation of liberty (002, Rec 4: "clearly define deprivation of
liberty in line with international standards"; Nowak / UN Global Study).

A placement deprives a child of liberty when the child cannot leave it at will, or it is run
by law enforcement, or it is a closed institution, "transit centre" or detention — whatever it
is called. Plain Python with no database imports, so that every reader uses it: the placement
(``Placement.deprives_of_liberty``, also as SQL), the alert, the case page, the gate's check of
the placement on arrival (S14) and the audit export's summary (``audit/summary.py``).
"""

from __future__ import annotations

# Placement types that are deprivation of liberty by their nature (stored values).
CUSTODIAL_TYPE_VALUES = frozenset({"closed_institution", "transit_centre", "detention"})


def deprives_of_liberty(
    placement_type: str | None,
    child_can_leave_at_will: bool | None,
    run_by_law_enforcement: bool | None,
) -> bool:
    """Whether a placement with these facts deprives the child of liberty (``None``: not
    known, which alone does not make it so)."""
    return (
        child_can_leave_at_will is False
        or bool(run_by_law_enforcement)
        or (placement_type is not None and str(placement_type) in CUSTODIAL_TYPE_VALUES)
    )
