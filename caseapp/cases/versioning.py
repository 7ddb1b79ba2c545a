"""The case's optimistic lock: edits name the version the user loaded (DESIGN.md section 3).

Every change to a case or to anything recorded on it bumps ``case.version`` (SQLAlchemy's
``version_id_col`` adds ``WHERE version = ...`` to the UPDATE), so two people editing the same
case cannot silently overwrite each other: the second one is told and nothing is stored.
This module is the one home of those checks; every domain's operations use it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from caseapp.cases.models import Case
from caseapp.core.db import utcnow
from caseapp.core.errors import PermissionDenied, StaleVersion
from caseapp.core.extensions import db
from caseapp.core.permissions import RecordType


def stale_message() -> str:
    """The message shown when the case changed under the user."""
    return _(
        "Someone else changed this case while you were working on it. Nothing was saved: "
        "reload the case to see the current record, then make your change again."
    )


def check_version(case: Case, expected_version: int | None) -> None:
    """Refuse a change made on an out-of-date (or unnamed) version of the case."""
    if expected_version is None or int(expected_version) != case.version:
        raise StaleVersion(stale_message())


def check_record_version(case: Case, expected_version: int | None) -> None:
    """The per-record lock for a record added to (or ended on) ``case``: refuse only when the
    case's STAGE changed since the user loaded the page (or the version is missing or
    impossible). A colleague's change to another record in between (a hearing, a guardian)
    does not refuse this save (issue 12 item 2); a concurrent write still loses on the case
    row's version when both flush (``touch_case``)."""
    if expected_version is None:
        raise StaleVersion(stale_message())
    expected = int(expected_version)
    if expected > case.version or expected < case.stage_version:
        raise StaleVersion(stale_message())


def check_record_editable(actor, case: Case, expected_version: int | None) -> None:
    """Permission first, then the per-record lock (``check_record_version``)."""
    require_edit(actor, case)
    check_record_version(case, expected_version)


def require_edit(actor, case: Case) -> None:
    """Refuse unless ``actor`` may record on ``case`` (lead agency's caseworkers and
    supervisors; ombudspersons read only; admins never see child records)."""
    if not case.can_edit(actor):
        raise PermissionDenied(_("You may not change this case."))


def check_editable(actor, case: Case, expected_version: int | None) -> None:
    """Permission first, then the version."""
    require_edit(actor, case)
    check_version(case, expected_version)


def check_may_act(actor, case: Case, party_may: bool, expected_version: int | None) -> None:
    """Permission first, then the version, for an act a participant may also do for
    themselves (issue 10, item 2: through the same operation as the caseworker's page):
    staff who may record on ``case``, or the participant whose part this act is
    (``party_may``: ``case.party_may(actor, PartyAct.X)``, the act's role on top of the
    matrix's ``Case.can_act``; ``caseapp.cases.parties``)."""
    if not (party_may or case.can_edit(actor)):
        raise PermissionDenied(_("You may not change this case."))
    check_version(case, expected_version)


def require_act(actor, case: Case, record: RecordType) -> None:
    """Refuse unless ``actor`` may act on records of kind ``record`` on ``case``: staff who
    record on it, or a participant assigned to it whose role the matrix lets act on
    ``record`` (issue 10; ``Case.can_act``)."""
    if not case.can_act(actor, record):
        raise PermissionDenied(_("You may not change this case."))


def check_act(actor, case: Case, record: RecordType, expected_version: int | None) -> None:
    """``check_editable`` for an act a participant may do for itself: permission, version."""
    require_act(actor, case, record)
    check_version(case, expected_version)


def flush() -> None:
    """Flush, turning a lost optimistic-lock race into ``StaleVersion``."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise StaleVersion(stale_message()) from exc


def touch_case(case: Case) -> None:
    """Bump the case's version now, failing with ``StaleVersion`` if another writer won."""
    case.updated_at = utcnow()
    flush()


def bump_version(obj) -> None:
    """Bump the optimistic version of ``obj`` (e.g. a BID whose panel changed) and flush."""
    obj.version = obj.version + 1
    flush()
