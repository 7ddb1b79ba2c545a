"""Country names from the CLDR (Babel), and ``label(value)`` for templates and reports.

Enum labels live on the enums themselves (``caseapp.core.enums``: ``case.stage.label``);
``label`` and ``choices`` here are thin delegates kept for the pages and reports that call
them, and ``register`` names the few stored values that are not yet a ``LabelledEnum``.
Country helpers live in ``caseapp.core.countries`` (re-exported here).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from wtforms.fields.choices import SelectChoice

from caseapp.core.countries import country_choices, country_name, is_country
from caseapp.core.enums import LabelledEnum

__all__ = [
    "LABELS",
    "choices",
    "country_choices",
    "country_name",
    "is_country",
    "label",
    "register",
]

# Labels of values that are not a ``LabelledEnum`` (keyed by (enum class, value): members of
# different enums with the same value are equal as dict keys).
LABELS: dict[tuple[type, str], Any] = {}


def register(*mappings: Mapping[StrEnum, Any]) -> None:
    """Name the values of an enum that carries no labels itself (``{Enum.MEMBER: _l("…")}``)."""
    for mapping in mappings:
        for member, text in mapping.items():
            LABELS[(type(member), member.value)] = text


def label(value: object) -> str:
    """The translated label of an enum value (the value itself when it has none)."""
    if value is None:
        return ""
    if isinstance(value, LabelledEnum):
        return str(value.label)
    found = LABELS.get((type(value), value.value)) if isinstance(value, StrEnum) else None
    return str(found) if found is not None else str(value)


def choices(members: Iterable[StrEnum]) -> list[SelectChoice]:
    """Options of a select field, in the enum's order, with translated labels."""
    return [SelectChoice(member.value, label(member)) for member in members]
