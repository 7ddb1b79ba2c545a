"""Readable labels for the categories of a breakdown (stored values stay in the files)."""

from __future__ import annotations

from caseapp.cases.models import Outcome
from caseapp.children.labels import country_name, label
from caseapp.children.models import CareStatus, Sex
from caseapp.core.i18n import lazy_gettext as _l

AGE_BANDS = ("0-5", "6-11", "12-14", "15-17", "18+")
UNKNOWN = "unknown"
VOLUNTARINESS = {
    "voluntary": _l("voluntary (the child consented)"),
    "last_resort": _l("last resort (without the child's consent)"),
    "not_recorded": _l("consent not recorded"),
}
_ENUMS = {"care_status": CareStatus, "sex": Sex, "outcome": Outcome}


def label_for(dimension: str, category: str | None) -> str:
    """The label of ``category`` within ``dimension``, in the user's language."""
    if category is None or category == "":
        return str(_l("all"))
    if category == UNKNOWN and dimension != "sex":
        return str(_l("not known"))
    if dimension in _ENUMS:
        try:
            return label(_ENUMS[dimension](category))
        except ValueError:
            return category
    if dimension == "country_of_origin":
        return country_name(category)
    if dimension == "voluntariness":
        return str(VOLUNTARINESS.get(category, category))
    if dimension == "age_band":
        return str(_l("%(band)s years", band=category))
    return category
