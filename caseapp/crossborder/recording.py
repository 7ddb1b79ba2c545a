"""How return preparation's records are written: the stages they belong to and the lock.

Each change checks the case may be edited (by staff, or by the participant whose part it
is: issue 10), the version the user loaded (a conflicting edit gets a clear message, not a
silent overwrite: DESIGN.md section 3 item 8) and the stage; it bumps the case version,
flushes and writes one audit entry (``cases.records.record_change``; DESIGN.md sections 2-3;
002, Rec 2; Rec 6). The lock is per record (issue 12 item 2): a one-per-case record names
its own version (``save_single``), a record added to a log the case's, refused only after a
stage change (``add_record``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from caseapp.audit.actions import AuditAction
from caseapp.cases import versioning
from caseapp.cases.models import Case, Stage
from caseapp.cases.records import record_change
from caseapp.cases.workflow import require_stage
from caseapp.core.extensions import db

if TYPE_CHECKING:
    from caseapp.auth.models import User

# Until the handover (issue 9, principle 6; DESIGN.md section 4.1 item 2): what arrives from
# outside -- a guarantee, its withdrawal, consent or its withdrawal, a message from the
# counterpart, a newer home study, the Central Authority's word -- can be recorded after the
# approval too. Anything that leaves a safeguard unmet then withdraws the approval
# (``caseapp.gate.hold``).
UNTIL_HANDOVER = frozenset({Stage.RETURN_PREPARATION, Stage.RETURN_APPROVED})


def require_return_stage(case: Case, until_handover: bool = False) -> None:
    """Refuse unless ``case`` is in return preparation -- or, with ``until_handover``, in
    return preparation or approved for return but not yet handed over."""
    if until_handover:
        message = _("This can be recorded from return preparation until the child is handed over.")
        require_stage(case, UNTIL_HANDOVER, message)
    else:
        message = _(
            "Return preparation can be recorded only while the case is in return preparation."
        )
        require_stage(case, {Stage.RETURN_PREPARATION}, message)


def require_preparation(
    actor: User,
    case: Case,
    expected_version: int | None,
    *,
    until_handover: bool = False,
    party_may: bool = False,
) -> None:
    """Refuse unless ``actor`` may edit ``case`` (or, with ``party_may``, is the participant
    whose part this is: issue 10), at ``expected_version`` (the version of the CASE the user
    loaded: for an approval, which must be given on exactly what was seen), and the stage is
    right (``require_return_stage``). Records are saved under their own lock instead
    (``save_single``, ``add_record``; issue 12 item 2)."""
    versioning.check_may_act(actor, case, party_may, expected_version)
    require_return_stage(case, until_handover)


def save_single(
    actor: User,
    case: Case,
    model: Any,
    tag: AuditAction,
    fields: dict[str, Any],
    expected_version: int | None,
    *,
    until_handover: bool = False,
    party_may: bool = False,
) -> Any:
    """Create or update the one record of ``model`` the case has; audit ``tag``.
    ``party_may``: the participant whose part this is may act too (issue 10).

    ``expected_version`` is the version of THIS record the user wrote on
    (``versioning.single_version``: 0 before the first save), as for the BIA: a colleague's
    change to another record of the case in between does not refuse the save; a change to
    this record does (issue 12 item 2)."""
    versioning.require_may(actor, case, party_may)
    obj = versioning.single_record(case, model)
    versioning.check_own_version(obj, expected_version)
    require_return_stage(case, until_handover)
    if obj is None:
        obj = model(case=case)
        db.session.add(obj)
    for key, value in fields.items():
        setattr(obj, key, value)
    record_change(actor, case, obj, tag)
    return obj


def add_record(
    actor: User,
    case: Case,
    obj: Any,
    tag: AuditAction,
    expected_version: int | None,
    *,
    until_handover: bool = False,
    party_may: bool = False,
) -> Any:
    """Add a new record to the case's log; audit ``tag``. ``expected_version`` is the case's
    version the page was loaded at, checked per record (``check_record_may_act``): only a
    stage change since refuses it (issue 12 item 2)."""
    versioning.check_record_may_act(actor, case, party_may, expected_version)
    require_return_stage(case, until_handover)
    obj.case = case
    db.session.add(obj)
    record_change(actor, case, obj, tag)
    return obj
