"""Hearing the child (002, Rec 1; Rec 2; Moldova 2008 Regulation). Only flushes; one audit
entry per hearing."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from caseapp.agencies.register import from_register, known_user
from caseapp.assessment.guards import RECORD_STAGES, check_record_editable, require_stage
from caseapp.assessment.models import Hearing, Weight
from caseapp.assessment.recording import add_record, clean_text, required_text
from caseapp.audit.actions import AuditAction
from caseapp.cases.models import Case, Outcome
from caseapp.core.errors import ValidationFailed

if TYPE_CHECKING:
    from caseapp.auth.models import User


def record_hearing(
    actor: User,
    case: Case,
    *,
    held_on: date,
    language: str,
    child_understands_language: bool,
    interpreter: str | None,
    child_friendly_information_given: bool,
    seen_alone: bool,
    options_discussed: bool,
    views_by_option: dict[str, str],
    views_summary: str,
    weight: Weight,
    weight_reasons: str,
    interpreter_agency_id: int | None = None,
    interpreter_user_id: int | None = None,
    expected_version: int | None,
) -> Hearing:
    """Record a hearing of the child: in a language they understand, views on each option,
    weight given in line with age and maturity, with reasons (002, Rec 1: "decision-makers
    listen and give weight to the child's views in line with their age and maturity"; Rec 2:
    "options and plans should be discussed with the child")."""
    check_record_editable(actor, case, expected_version)
    require_stage(case, RECORD_STAGES)
    views = {}
    for key, text in (views_by_option or {}).items():
        option = Outcome(key)
        if clean_text(text):
            views[option.value] = clean_text(text)
    if options_discussed and not views:
        raise ValidationFailed(
            _("The options were discussed: record the child's views on at least one option.")
        )
    hearing = Hearing(
        case_id=case.id,
        held_on=held_on,
        heard_by_id=actor.id,
        language=required_text(language, _("Enter the language of the hearing.")),
        child_understands_language=bool(child_understands_language),
        interpreter=clean_text(interpreter),
        interpreter_agency_id=from_register(interpreter_agency_id) and interpreter_agency_id,
        interpreter_user_id=known_user(interpreter_user_id) and interpreter_user_id,
        child_friendly_information_given=bool(child_friendly_information_given),
        seen_alone=bool(seen_alone),
        options_discussed=bool(options_discussed),
        views_by_option=views,
        views_summary=required_text(views_summary, _("Summarise the child's views.")),
        weight=Weight(weight),
        weight_reasons=required_text(
            weight_reasons, _("Give the reasons for the weight given to the child's views.")
        ),
    )
    add_record(actor, AuditAction.HEARING_RECORD, hearing, case)
    note_hearing(case, held_on)
    return hearing


def note_hearing(case: Case, held_on: date) -> None:
    """Keep ``case.last_heard_on`` the day of the child's latest hearing, in the transaction
    that records it: the one place the column is written (the migration ``e5a1c7d3b9f2``
    filled it from the hearings that existed). The due list's "hearing too old" section reads
    it from an index (issue 16; the age limit is the policy's, 002, Rec 1). A hearing entered
    late, for an earlier day, does not move it back."""
    if case.last_heard_on is None or held_on > case.last_heard_on:
        case.last_heard_on = held_on
