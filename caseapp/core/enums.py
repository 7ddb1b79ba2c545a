"""Enums users read: each member is stored as its value and carries its translated label.

A member is written ``IDENTIFIED = "identified", _l("Identified")``: the value is what the
database stores, the label what a page, a select option or a message shows
(``case.stage.label``, ``choices(Stage)``). The label is defined here once, so two pages can no
longer name the same state differently.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Self

from wtforms.fields.choices import SelectChoice


class LabelledEnum(StrEnum):
    """A ``StrEnum`` whose members carry a lazily translated ``label`` (a member without one
    is a ``TypeError`` when the class is defined)."""

    _value_: str
    _label: Any

    def __new__(cls, value: str, label: Any = None) -> Self:
        # ``Stage("identified")`` looks a member up without calling this; only the class
        # body does, and there every member must name its label.
        if label is None:
            raise TypeError(f"{cls.__name__}: {value!r} has no label")
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> Any:
        """The translated label (a lazy string: translated when rendered)."""
        return self._label


def choices(members: Iterable[LabelledEnum]) -> list[SelectChoice]:
    """Options of a select field: the members' values with their labels, in the given order."""
    return [SelectChoice(member.value, member.label) for member in members]
