"""A case page's records in **one** statement (``caseapp.core.records.load_records``; issue 16).

A page names the record families it shows (``families(ids) -> {name: Records}``, with
``child_families(ids)`` among them when it shows the child); ``load_case_page`` reads them all
at once, hands them back by name and attaches the child, its names and the family members to
the case, so that templates reading ``case.child.names`` run no further query.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from caseapp.core.extensions import db
from caseapp.core.records import CASE_IDS, Records, load_records

Families = Callable[[Any], dict[str, Records]]

# The names of each page's families, worked out once per key.
_NAMES: dict[Hashable, list[str]] = {}


def child_families(ids: Any) -> dict[str, Records]:
    """The child of the cases ``ids``, its names (the primary name first) and the family
    members set on the case."""
    from caseapp.children.models import Child, ChildName, FamilyMember

    children = select(Child.id).where(Child.case_id.in_(ids))
    return {
        "children": Records(Child, Child.case_id.in_(ids)),
        "names": Records(
            ChildName, ChildName.child_id.in_(children), (ChildName.is_primary.desc(), ChildName.id)
        ),
        "family_members": Records(FamilyMember, FamilyMember.case_id.in_(ids), (FamilyMember.id,)),
    }


def load_case_page(case: Any, families: Families, *, key: Hashable) -> dict[str, list]:
    """The records ``families`` names for ``case``, by name, in one statement built once per
    ``key``; the child, its names and the family members attached to ``case`` where loaded."""
    names = _NAMES.get(key)
    if names is None:
        names = _NAMES[key] = list(families([]))
    lists = load_records(
        db.session, lambda: list(families(CASE_IDS).values()), {"case_ids": [case.id]}, key=key
    )
    rows = dict(zip(names, lists, strict=True))
    children = rows.get("children", [])
    for child in children:
        if "names" in rows and "names" not in child.__dict__:
            set_committed_value(child, "names", rows["names"])
    if "children" in rows and "child" not in case.__dict__:
        set_committed_value(case, "child", children[0] if children else None)
    if "family_members" in rows and "family_members" not in case.__dict__:
        set_committed_value(case, "family_members", rows["family_members"])
    return rows
