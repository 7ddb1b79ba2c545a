"""The participants' matrix as the Markdown table kept in README.md and SECURITY.md."""

from __future__ import annotations

from caseapp.core.permissions import PARTICIPANT_MATRIX, Access, RecordType
from caseapp.participants.forms import PARTICIPANT_ROLE_ORDER

CELL = {Access.READ: "read", Access.ACT: "**act**", None: "—"}


def matrix_markdown() -> str:
    """``PARTICIPANT_MATRIX`` as a Markdown table (record type x role)."""
    head = "| record | " + " | ".join(str(r.label) for r in PARTICIPANT_ROLE_ORDER) + " |"
    rule = "| --- |" + " --- |" * len(PARTICIPANT_ROLE_ORDER)
    rows = [
        f"| {rt.label} | "
        + " | ".join(CELL[PARTICIPANT_MATRIX[r].get(rt)] for r in PARTICIPANT_ROLE_ORDER)
        + " |"
        for rt in RecordType
    ]
    return "\n".join([head, rule, *rows])
