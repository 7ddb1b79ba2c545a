"""S19: the family's unity — a child is not returned without their siblings unless each
child's determination gives the reason (002, Rec 4: "States should not separate children
from their families"; fn 12 (iii): "Separation may only occur if a child is in danger ...
the definition of family ... should include ... siblings"; Rec 1: best interests are the
primary consideration in separating a child from the family).

The one rule, in one place: read from the family record (``Case.family_id``, loaded into
``GateData.siblings``) and the BIDs' ``family_unity`` text. A sibling travels with the child
when their case, too, is decided for return; any other sibling (another solution, or no
decision yet) is separated from the child by the return, and then this child's BID and each
such sibling's BID must record why.
"""

from __future__ import annotations

from caseapp.cases.models import Outcome
from caseapp.gate.safeguards.common import _, evidence, missing_text, place


def _reason(bid) -> str:
    return (bid.family_unity or "").strip() if bid is not None else ""


def s19_family_unity(case, data, today, policy):
    """S19 (see ``TITLES`` for its wording and source)."""
    where = place("families.page", case)
    if not data.siblings:
        return True, _("No sibling's case is linked to this child's."), [], None
    apart = [(c, bid) for c, bid in data.siblings if c.outcome is not Outcome.RETURN]
    together = [c.number for c, _bid in data.siblings if c.outcome is Outcome.RETURN]
    if not apart:
        return (
            True,
            _("Every sibling's case is decided for return too: the family stays together."),
            [("family", case.family_id, _("siblings: %(numbers)s", numbers=", ".join(together)))],
            None,
        )
    missing = []
    if not _reason(data.bid):
        missing.append(_("this child's determination"))
    for sibling, bid in apart:
        if not _reason(bid):
            missing.append(_("the determination of case %(number)s", number=sibling.number))
    numbers = ", ".join(c.number for c, _bid in apart)
    if missing:
        return (
            False,
            _(
                "The return would separate the child from siblings (%(numbers)s): the reason "
                "is missing in %(what)s.",
                numbers=numbers,
                what=missing_text(missing),
            ),
            [],
            where,
        )
    lines = [evidence("bid", data.bid, _("this child: %(r)s", r=_reason(data.bid)))]
    lines += [
        evidence("bid", bid, _("case %(number)s: %(r)s", number=s.number, r=_reason(bid)))
        for s, bid in apart
    ]
    return (
        True,
        _(
            "Separation from siblings (%(numbers)s) is reasoned in each determination.",
            numbers=numbers,
        ),
        lines,
        None,
    )
