"""The best-interests assessment (BIA): drafted by the caseworker along the elements of CRC
General Comment 14, with the risk and non-refoulement assessment and the human-rights impact
assessment for the country of return (002, Rec 1; Prof. Strik; ADC: return is not in the
child's best interests in a situation of conflict).

A completed BIA is never edited: saving again starts a new draft copied from it, so the
assessment the determination relied on stays as it was.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from flask_babel import gettext as _

from caseapp.assessment.guards import check_editable, require_edit, require_stage, touch_case
from caseapp.assessment.models import BestInterestsAssessment, RiskLevel
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.cases.models import Case, Stage
from caseapp.cases.versioning import check_own_version, record_version
from caseapp.core.countries import require_country
from caseapp.core.db import utcnow
from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l

# General Comment 14 elements (text fields), in the order the form shows them.
GC14_FIELDS = (
    "views",
    "identity",
    "family_environment",
    "care_and_safety",
    "vulnerability",
    "health",
    "education",
)
RISK_TEXT_FIELDS = ("family_capacity", "human_rights_impact", "risk_summary")
RISK_LEVEL_FIELDS = ("non_refoulement_risk", "violence_risk", "trafficking_risk")
EDITABLE_FIELDS = (
    *GC14_FIELDS,
    "return_country",
    *RISK_LEVEL_FIELDS,
    "armed_conflict",
    *RISK_TEXT_FIELDS,
    "return_safe",
)
# What ``complete_bia`` requires (002, Rec 1 non-refoulement; Prof. Strik impact assessment).
REQUIRED_TO_COMPLETE = {
    "return_country": _l("the country of return"),
    "non_refoulement_risk": _l("the non-refoulement risk"),
    "armed_conflict": _l("whether there is armed conflict"),
    "human_rights_impact": _l("the human-rights impact assessment"),
    "return_safe": _l("the conclusion whether return would be safe"),
}


def current_bia(case: Case) -> BestInterestsAssessment | None:
    """The newest BIA of the case (draft or completed)."""
    return db.session.scalars(
        db.select(BestInterestsAssessment)
        .where(BestInterestsAssessment.case_id == case.id)
        .order_by(BestInterestsAssessment.id.desc())
    ).first()


def _clean(field: str, value):
    """Normalise one submitted value."""
    if field in RISK_LEVEL_FIELDS:
        return RiskLevel(value) if value else None
    if field in ("armed_conflict", "return_safe"):
        return value if value is None else bool(value)
    if field == "return_country":
        return require_country(value, optional=True)
    value = (value or "").strip()
    return value or None


def bia_version(case: Case) -> int:
    """The version a BIA form of ``case`` carries: the current BIA's, or 0 before the first."""
    return record_version(current_bia(case))


def stale_bia_message() -> str:
    """What a save written on an older version of the BIA is told."""
    return _(
        "Someone else saved this assessment while you were writing. Nothing was saved; your "
        "text is kept in the form and what they saved is shown under each field that differs. "
        "Save again to put your text on top of theirs."
    )


class Newest(Enum):
    """``save_bia(..., bia=NEWEST)``: write on whichever BIA is the newest (the demo data and
    the CLI, which never show a form); a page names the BIA its form was loaded with."""

    BIA = "newest"


NEWEST = Newest.BIA


def superseded_bia_message() -> str:
    """What a save on a BIA that a newer one has replaced is told."""
    return _(
        "This assessment has been replaced by a newer one. Nothing was saved: reload the "
        "page to see the current assessment."
    )


def save_bia(
    actor,
    case: Case,
    *,
    expected_version: int | None,
    bia: BestInterestsAssessment | Newest | None = NEWEST,
    **fields,
) -> BestInterestsAssessment:
    """Create or update the draft BIA (one ``assessment:bia:save`` entry). When the newest
    BIA is completed, a new draft is started from a copy of it.

    ``bia`` is the BIA the user's form was loaded with (None: the case had none yet). A
    BIA that a newer one has replaced is refused (``ValidationFailed``, nothing changed):
    what was typed for it is never written to another. ``expected_version`` is the version
    of that BIA the user wrote on (``bia_version``), not the case's: a change to another
    record of the case in between does not refuse the save (issue 12 item 2); a change to
    this BIA, or a first BIA started by someone else meanwhile, does (``StaleVersion``).
    """
    require_edit(actor, case)
    require_stage(case, {Stage.ASSESSMENT})
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown field."), details=sorted(unknown))
    newest = current_bia(case)
    if bia is NEWEST:
        bia = newest
    if bia is None and newest is not None:  # someone saved the first BIA meanwhile
        raise StaleVersion(stale_bia_message())
    if bia is not newest:
        raise ValidationFailed(superseded_bia_message())
    check_own_version(newest, expected_version, stale_bia_message())
    if newest is None or newest.completed:
        draft = BestInterestsAssessment(case_id=case.id, author_id=actor.id)
        if newest is not None:
            for name in EDITABLE_FIELDS:
                setattr(draft, name, getattr(newest, name))
        db.session.add(draft)
        newest = draft
    for name, value in fields.items():
        setattr(newest, name, _clean(name, value))
    diff = diff_of(newest)
    # The case's version still moves (its pages show it changed) and guards a race with a
    # stage change at this very moment; a lost race on the BIA itself is a StaleVersion.
    touch_case(case)
    record(actor, AuditAction.BIA_SAVE, newest, case=case, diff=diff)
    return newest


def missing_to_complete(bia: BestInterestsAssessment) -> list[str]:
    """The risk-section answers still missing before the BIA can be completed."""
    missing = []
    for name, label in REQUIRED_TO_COMPLETE.items():
        value = getattr(bia, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(str(label))
    return missing


def complete_bia(
    actor, case: Case, *, expected_version: int | None, completed_at: datetime | None = None
) -> BestInterestsAssessment:
    """Mark the BIA complete. Refused until the risk section is filled: country of return,
    non-refoulement risk, armed conflict, human-rights impact and the conclusion whether
    return is safe (002, Rec 1; Prof. Strik; ADC).
    ``completed_at``: when it was completed, if recorded afterwards (default now; never in
    the future)."""
    check_editable(actor, case, expected_version)
    require_stage(case, {Stage.ASSESSMENT})
    bia = current_bia(case)
    if bia is None:
        raise ValidationFailed(_("There is no best-interests assessment to complete."))
    if bia.completed:
        raise ValidationFailed(_("This best-interests assessment is already complete."))
    missing = missing_to_complete(bia)
    if missing:
        raise ValidationFailed(
            _(
                "The assessment cannot be completed yet. Missing: %(missing)s.",
                missing="; ".join(missing),
            ),
            details={"missing": missing},
        )
    now = utcnow()
    if completed_at is not None and completed_at > now:
        raise ValidationFailed(_("The date cannot be in the future or before the previous step."))
    bia.completed_at = completed_at or now
    diff = diff_of(bia)
    touch_case(case)
    record(actor, AuditAction.BIA_COMPLETE, bia, case=case, diff=diff)
    return bia
