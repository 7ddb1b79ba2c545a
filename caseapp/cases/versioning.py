"""The case's optimistic lock: edits name the version the user loaded (DESIGN.md section 3).

Every change to a case or to anything recorded on it bumps ``case.version`` (SQLAlchemy's
``version_id_col`` adds ``WHERE version = ...`` to the UPDATE), so two people editing the same
case cannot silently overwrite each other: the second one is told and nothing is stored.
This module is the one home of those checks; every domain's operations use it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
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


def record_version(record) -> int:
    """The version a form editing ``record`` carries: the record's own (its ``version``
    column, SQLAlchemy's ``version_id_col``), or 0 before the record exists (issue 12 item 2).
    The BIA started it; return preparation's single records, decision notices, appeals,
    complaints and monitoring visits follow it."""
    return record.version if record is not None else 0


def single_record(case: Case, model):
    """The case's one record of ``model`` (a record kept once per case: the coordination, a
    plan, consent), or None before it is first saved."""
    return db.session.scalar(select(model).where(model.case_id == case.id))


def single_version(case: Case, model) -> int:
    """The version a form saving the case's one ``model`` record carries: the record's own,
    or 0 before it exists (``record_version``; issue 12 item 2)."""
    return record_version(single_record(case, model))


def stale_record_message() -> str:
    """What a save written on an older version of the same record is told."""
    return _(
        "Someone else saved this record while you were writing. Nothing was saved; your "
        "text is kept in the form and what they saved is shown under each field that differs. "
        "Save again to put your text on top of theirs."
    )


def check_own_version(record, expected_version: int | None, message: str | None = None) -> None:
    """The lock of a record with its own version: refuse a save written on another version of
    ``record`` (or on 0 when it exists, or on a version when it does not yet). A colleague's
    change to another record of the same case in between does not refuse it (issue 12
    item 2); a concurrent write to this record loses on its own version when both flush."""
    if expected_version is None or int(expected_version) != record_version(record):
        raise StaleVersion(message or stale_record_message())


def check_record_may_act(actor, case: Case, party_may: bool, expected_version: int | None) -> None:
    """``check_may_act`` with the per-record lock (``check_record_version``): for a record
    added to ``case`` by staff or by the participant whose part it is (issue 10)."""
    require_may(actor, case, party_may)
    check_record_version(case, expected_version)


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


def require_may(actor, case: Case, party_may: bool) -> None:
    """Refuse unless ``actor`` may record on ``case`` or is the participant whose part this
    act is (``party_may``: ``case.party_may(actor, PartyAct.X)``; issue 10)."""
    if not (party_may or case.can_edit(actor)):
        raise PermissionDenied(_("You may not change this case."))


def check_may_act(actor, case: Case, party_may: bool, expected_version: int | None) -> None:
    """Permission first, then the version, for an act a participant may also do for
    themselves (issue 10, item 2: through the same operation as the caseworker's page):
    staff who may record on ``case``, or the participant whose part this act is
    (``party_may``: ``case.party_may(actor, PartyAct.X)``, the act's role on top of the
    matrix's ``Case.can_act``; ``caseapp.cases.parties``)."""
    require_may(actor, case, party_may)
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
