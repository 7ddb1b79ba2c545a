"""Titles, sources and small helpers shared by the safeguard checks."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseapp.children.models import CareStatus

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
}

SEPARATED = (CareStatus.UNACCOMPANIED, CareStatus.SEPARATED)


def place(endpoint, case):
    """Where on the case the evidence for a safeguard is recorded."""
    return (endpoint, {"case_id": case.id})


def return_page(endpoint, case):
    return (f"crossborder.{endpoint}", {"case_id": case.id})


def missing_text(items):
    """Join the reasons of what is missing into one sentence."""
    return "; ".join(str(i) for i in items)
