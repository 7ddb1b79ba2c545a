"""Assessment operations: the registered -> assessment transition, and (re-exported, for the
views, the demo and the tests) the records kept while the case is pending, each family in its
module (DESIGN.md sections 2-3). One plain function per change; they only flush.

Audit: a transition writes one ``case:stage:change`` entry; every record operation writes
exactly one entry of its own (``assessment:<record>:<action>``), in the same transaction.

- ``representation``: the guardian and the legal representative (002, Rec 3);
- ``care``: placements and services while pending (002, Rec 4; fn 12 (vi));
- ``hearings``: hearing the child (002, Rec 1);
- ``tracing``: family tracing and the family assessment (fn 12 (iii));
- ``bia``: the best-interests assessment; ``recording``: how they all write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from caseapp.assessment.bia import (  # noqa: F401
    bia_version,
    complete_bia,
    current_bia,
    save_bia,
)
from caseapp.assessment.care import (  # noqa: F401
    end_placement,
    end_service,
    record_placement,
    record_service,
)
from caseapp.assessment.guards import (
    check_editable,
    move,
    require_transition,
)
from caseapp.assessment.hearings import record_hearing  # noqa: F401
from caseapp.assessment.representation import (  # noqa: F401
    active_guardian,
    appoint_guardian,
    assign_legal_representative,
    declare_guardian_independence,
    end_guardian,
    end_legal_representative,
)
from caseapp.assessment.tracing import record_family_assessment, update_tracing  # noqa: F401
from caseapp.cases.models import Case, Stage

if TYPE_CHECKING:
    from caseapp.auth.models import User


def start_assessment(actor: User, case: Case, *, expected_version: int | None) -> Case:
    """registered -> assessment: guardian, representation, placement, hearings, tracing and
    the best-interests assessment are recorded from here on (DESIGN.md section 3)."""
    check_editable(actor, case, expected_version)
    require_transition(case, Stage.ASSESSMENT, sources={Stage.REGISTERED})
    move(actor, case, Stage.ASSESSMENT, expected_version=expected_version)
    return case
