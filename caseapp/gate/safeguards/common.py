"""Titles, sources and small helpers shared by the safeguard checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from flask_babel import format_date, gettext

from caseapp.agencies.models import AgencyKind
from caseapp.assessment.models import FamilyAssessmentOutcome, PlacementType, RiskLevel, Weight
from caseapp.children.labels import country_name
from caseapp.children.labels import label as enum_label
from caseapp.children.models import CareStatus
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.crossborder.models import (
    ComponentKind,
    EscortKind,
    GuarantorKind,
    Provenance,
    ReceivingKind,
    WithdrawalKind,
)

# Verdict only (issue 16: the supervisor's queue shows met/unmet for a page of cases). The
# checks run unchanged -- one implementation of the rules (002, Rec 2; DESIGN.md section 4) --
# but the words of their reasons and evidence are not translated or formatted: ``_``, ``day``,
# ``label`` and ``agency_text`` hand back cheap stand-ins that are empty exactly when the real
# text would be, so no verdict can differ. ``evaluate_return_gate(..., verdict_only=True)``
# sets it and discards the words.
_VERDICT_ONLY: ContextVar[bool] = ContextVar("gate_verdict_only", default=False)


@contextmanager
def verdict_only() -> Iterator[None]:
    """Within: the checks build no reader's text (see ``_VERDICT_ONLY``)."""
    token = _VERDICT_ONLY.set(True)
    try:
        yield
    finally:
        _VERDICT_ONLY.reset(token)


def _(string: str, **variables) -> str:
    """``gettext`` for the checks' reasons and evidence; the message id untranslated and
    unformatted (never shown) when only the verdict is asked."""
    if _VERDICT_ONLY.get():
        return string
    return gettext(string, **variables)


TITLES = {
    "S1": (
        _l("Identity, legal status and parents' identity verified; the child is under 18"),
        "002, Moldova (Mihailas); Judge Winter",
    ),
    "S2": (_l("Case led by a child-protection authority"), "002, Rec 3"),
    "S3": (_l("Independent guardian appointed"), "002, Rec 3; Moldova practice"),
    "S4": (_l("Free legal assistance assigned"), "002, Rec 3; Day 2 Q&A"),
    "S5": (
        _l("Child heard in a language they understand, views given weight, options discussed"),
        "002, Rec 1; Rec 2; Moldova 2008 Regulation",
    ),
    "S6": (_l("Family traced and assessed"), "002, Moldova practice; fn 12 (iii)"),
    "S7": (_l("Written guarantee of care"), "002, Moldova (Mihailas)"),
    "S8": (
        _l("Risk, non-refoulement and human-rights impact assessment finds return safe"),
        "002, Rec 1; Prof. Strik; fn 12 (ADC Memorial)",
    ),
    "S9": (_l("Best-interests determination recommends return"), "002, Rec 2"),
    "S10": (_l("Determination approved by a second person"), "four eyes (UNHCR BIP)"),
    "S11": (_l("Central Authority approval"), "002, Moldova (Mihailas)"),
    "S12": (
        _l("Counterpart child-protection authority confirmed readiness"),
        "002, Rec 2; Rec 6",
    ),
    "S13": (_l("Reintegration plan prepared and resourced"), "002, Rec 2; PICUM"),
    "S14": (
        _l("Escorted by child protection, no handover at the border"),
        "002, fn 12 (v); Ukraine (Kolbasa)",
    ),
    "S15": (
        _l("Consent of the child and guardian, or documented last resort"),
        "002, fn 12 (v); PICUM",
    ),
    "S16": (_l("Decision notified; appeal period over, no appeal pending"), "002, Rec 1"),
    "S17": (_l("Independent post-return monitoring planned"), "002, Rec 2; Chișcă; Prof. Strik"),
    "S18": (_l("Returns to the country not suspended"), "002, Day 1 plenary (crisis provisions)"),
    "S19": (
        _l("Not separated from siblings, or the separation reasoned in each determination"),
        "002, Rec 4; fn 12 (iii)",
    ),
}

SEPARATED = (CareStatus.UNACCOMPANIED, CareStatus.SEPARATED)

# Words for the stored values the gate's evidence mentions (never the enum value itself).
_WORD_LIST = [
    (RiskLevel.LOW, _l("low")),
    (RiskLevel.MEDIUM, _l("medium")),
    (RiskLevel.HIGH, _l("high")),
    (Weight.DECISIVE, _l("decisive")),
    (Weight.SIGNIFICANT, _l("significant")),
    (Weight.MODERATE, _l("moderate")),
    (Weight.LIMITED, _l("limited")),
    (GuarantorKind.FAMILY, _l("the family")),
    (GuarantorKind.FOREIGN_AUTHORITY, _l("a foreign authority")),
    (ReceivingKind.CHILD_PROTECTION, _l("a child-protection official")),
    (ReceivingKind.LEGAL_GUARDIAN, _l("the legal guardian")),
    (ReceivingKind.FAMILY_MEMBER, _l("a family member")),
    (ReceivingKind.LAW_ENFORCEMENT, _l("law enforcement")),
    (ReceivingKind.OTHER, _l("someone else")),
    (EscortKind.CHILD_PROTECTION, _l("a child-protection official")),
    (EscortKind.LAW_ENFORCEMENT, _l("law enforcement")),
    (EscortKind.FAMILY, _l("the family")),
    (EscortKind.OTHER, _l("someone else")),
    (ComponentKind.EDUCATION, _l("education")),
    (ComponentKind.HEALTH, _l("health")),
    (ComponentKind.PSYCHOSOCIAL, _l("psychosocial support")),
    (ComponentKind.FAMILY_SUPPORT, _l("family support")),
    (WithdrawalKind.GUARANTEE, _l("guarantee withdrawn")),
    (WithdrawalKind.CHILD_CONSENT, _l("the child withdrew consent")),
    (WithdrawalKind.GUARDIAN_CONSENT, _l("the guardian withdrew consent")),
    (WithdrawalKind.READINESS, _l("readiness withdrawn")),
    (WithdrawalKind.OBJECTION, _l("objection to the return")),
    (Provenance.RECORDED_BY_LEAD_AGENCY, _l("recorded by the lead agency")),
    (Provenance.CONFIRMED_BY_PARTICIPANT, _l("confirmed by the participant")),
    (Provenance.SIGNED_BY_PARTNER, _l("signed by the partner authority")),
    (PlacementType.FAMILY_COMMUNITY, _l("with family in the community")),
    (PlacementType.KINSHIP_CARE, _l("kinship care")),
    (PlacementType.FOSTER_FAMILY, _l("foster family")),
    (PlacementType.SUPERVISED_INDEPENDENT, _l("supervised independent living")),
    (PlacementType.SMALL_GROUP_HOME, _l("small group home")),
    (PlacementType.OPEN_SHELTER, _l("open shelter")),
    (PlacementType.CLOSED_INSTITUTION, _l("closed institution")),
    (PlacementType.TRANSIT_CENTRE, _l("transit centre")),
    (PlacementType.DETENTION, _l("detention")),
]
# Keyed by (enum class, value): members of different enums share values ("child_protection").
_WORDS = {(type(member), member.value): text for member, text in _WORD_LIST}


def label(value) -> str:
    """The reader's word for a stored value (enum), never the value itself."""
    if value is None:
        return ""
    if _VERDICT_ONLY.get():
        return str(getattr(value, "value", value)) or "-"
    found = _WORDS.get((type(value), getattr(value, "value", value)))
    return str(found) if found is not None else enum_label(value)


# What each kind of evidence is called on the page and in ``cases gate`` (never the class).
RECORD_LABELS = {
    "child": _l("Child's record"),
    "agency": _l("Lead agency"),
    "guardian": _l("Guardian appointment"),
    "legal_representative": _l("Legal representative"),
    "hearing": _l("Hearing"),
    "family_assessment": _l("Family assessment"),
    "home_study": _l("Home study"),
    "guarantee": _l("Guarantee of care"),
    "bia": _l("Best-interests assessment"),
    "bid": _l("Best-interests determination"),
    "central_approval": _l("Central Authority approval"),
    "readiness": _l("Confirmation of readiness"),
    "reintegration": _l("Reintegration plan"),
    "travel": _l("Travel and handover plan"),
    "consent": _l("Consent"),
    "notice": _l("Decision notice"),
    "monitoring": _l("Monitoring plan"),
    "family": _l("Family record"),
}


def day(value: date | None) -> str:
    """A date as the reader writes it (their language)."""
    if value is None:
        return ""
    return value.isoformat() if _VERDICT_ONLY.get() else format_date(value, "medium")


def agency_text(data, agency_id) -> str:
    """ "Name (kind, country)" of a register entry, in the reader's language."""
    agency = data.agency(agency_id)
    if agency is None:
        return ""
    if _VERDICT_ONLY.get():
        return agency.name or "-"
    return f"{agency.name} ({label(agency.kind)}, {country_name(agency.country)})"


def user_text(data, user_id) -> str:
    """A user's name, with their agency."""
    user = data.user(user_id)
    if user is None:
        return ""
    agency = data.agency(user.agency_id)
    return f"{user.name} ({agency.name})" if agency is not None else user.name


def documents_text(data, obj) -> str:
    """ "document: a.pdf, b.pdf" for the record ``obj`` (empty when none is attached)."""
    names = data.documents_of(obj)
    return _("document: %(names)s", names=", ".join(names)) if names else ""


def recorded_by_caseworker(data, obj) -> str:
    """ "recorded by the caseworker from a paper document: a.pdf" (issue 10, item 4), or
    "recorded by the caseworker" when no document is attached."""
    names = data.documents_of(obj)
    if names:
        return _(
            "recorded by the caseworker from a paper document: %(names)s", names=", ".join(names)
        )
    return _("recorded by the caseworker")


def party_user(data, obj, user_id, agency_id):
    """The participant who confirmed ``obj`` for their organisation, or None: the record's
    provenance says so and the user is staff of ``agency_id`` (the right party; DESIGN.md
    section 4.1, item 4)."""
    if obj.provenance is not Provenance.CONFIRMED_BY_PARTICIPANT:
        return None
    user = data.user(user_id)
    if user is None or agency_id is None or user.agency_id != agency_id:
        return None
    return user


def sentence(*parts) -> str:
    """Join the non-empty parts of an evidence line with "; "."""
    return "; ".join(str(p) for p in parts if p)


def evidence(kind: str, obj, *parts):
    """One evidence line: (kind, record id, readable description)."""
    return (kind, obj.id if obj is not None else None, sentence(*parts))


def latest(records, key):
    """The newest record by ``key`` (ties: the later id), or None."""
    return max(records, key=lambda r: (key(r), r.id), default=None)


def separated(case, data) -> bool:
    """The child is separated or unaccompanied unless a legal custodian recorded as such is
    with them (DESIGN.md section 4.1; issue 9, principle 7): anyone else — an uncle without
    legal custody, an adult met on the way — leaves the child separated, and S3 applies."""
    return not any(m.accompanies_as_custodian for m in data.family_members)


def not_independent(case, data, *, agency_id, user_id) -> list[str]:
    """Why a guardian, interpreter or monitor is not independent (empty when they are):
    independence is derived, never declared — not staff of the lead agency, not law
    enforcement, not a decision-maker on the case (caseworker, the determination's author
    or approver, a return approver). DESIGN.md section 4.1, item 1; 002, Rec 3."""
    user = data.user(user_id)
    org = agency_id if agency_id is not None else (user.agency_id if user else None)
    reasons = []
    if org is None:
        reasons.append(_("the organisation is not chosen from the agency register"))
    elif org == case.lead_agency_id or (user is not None and user.agency_id == case.lead_agency_id):
        reasons.append(_("staff of the lead agency"))
    elif (agency := data.agency(org)) is not None and agency.kind is AgencyKind.LAW_ENFORCEMENT:
        reasons.append(_("law enforcement"))
    if user_id is not None and user_id in data.decision_makers(case):
        reasons.append(_("a decision-maker on this case"))
    return reasons


def latest_family_assessments(data) -> dict:
    """Each family member's latest assessment (the latest word counts)."""
    out: dict = {}
    for a in data.family_assessments:  # oldest first
        out[a.family_member_id] = a
    return out


def assessed_suitable(data, member_id) -> bool:
    """The family member's latest assessment found them suitable (S6)."""
    a = latest_family_assessments(data).get(member_id)
    return a is not None and a.outcome is FamilyAssessmentOutcome.SUITABLE


def within(day_of_record: date | None, today: date, days: int) -> bool:
    """The record is dated on or before ``today`` and at most ``days`` old."""
    return day_of_record is not None and 0 <= (today - day_of_record).days <= days


def place(endpoint, case):
    """Where on the case the evidence for a safeguard is recorded."""
    return (endpoint, {"case_id": case.id})


def return_page(endpoint, case):
    return (f"crossborder.{endpoint}", {"case_id": case.id})


def missing_text(items):
    """Join the reasons of what is missing into one sentence."""
    return "; ".join(str(i) for i in items)
