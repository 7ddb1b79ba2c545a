"""Forms of the participants' pages: invite and assign, end, send a request, answer it."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from caseapp.core.fields import CheckedForm, MayBeFuture
from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import language_choices
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.core.permissions import Role
from caseapp.crossborder.forms import AgencySelect, EnumSelect
from caseapp.participants.models import (
    PARTICIPANT_AGENCY_KINDS,
    Assignment,
    RequestAnswer,
    RequestKind,
)

PARTICIPANT_ROLE_ORDER = (
    Role.GUARDIAN,
    Role.LEGAL_REPRESENTATIVE,
    Role.CENTRAL_AUTHORITY_OFFICER,
    Role.MONITOR,
    Role.COUNTERPART_OFFICER,
)
_PARTICIPANT_KINDS = sorted({k for kinds in PARTICIPANT_AGENCY_KINDS.values() for k in kinds})


def _int_or_none(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)  # a ValueError is the field's error ("not a valid choice")


class _AccountFields(CheckedForm):
    email = StringField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    role = EnumSelect(_l("Role"), PARTICIPANT_ROLE_ORDER)
    agency_id = AgencySelect(
        _l("Their own agency (agency register)"),
        kinds=_PARTICIPANT_KINDS,
        description=_l(
            "The Central Authority officer of a central authority (S11), the monitor of an "
            "NGO or ombudsperson institution (S17), never law enforcement (002, Rec 3)."
        ),
    )
    locale = SelectField(_l("Language of the invitation"), choices=[])

    def bind_languages(self) -> None:
        """The languages the app speaks."""
        self.locale.choices = language_choices()


class InviteAccountForm(_AccountFields):
    """An admin invites a participant's account (assigned to cases by their supervisors)."""

    VALUES: ClassVar[tuple[str, ...]] = ("email", "name", "role", "agency_id", "locale")

    def values(self) -> dict[str, Any]:
        """The operation's keyword arguments."""
        return {name: self[name].data for name in self.VALUES}


class InviteToCaseForm(VersionedForm, _AccountFields):
    """The supervisor of the case invites a participant (or assigns an existing one)."""

    VALUES = ("email", "name", "role", "agency_id", "locale", "basis_id")
    basis_id = SelectField(
        _l("The appointment it rests on (guardian, legal representative)"),
        choices=[],
        description=_l(
            "A guardian's access rests on the guardian appointment, a lawyer's on the legal "
            "representation, a monitor's on the monitoring plan; it ends with them."
        ),
    )

    def for_case(self, case: Any) -> Self:
        """The guardian appointments and legal representatives in force on the case."""
        from caseapp.participants.queries import parties_on

        self.bind_languages()
        parties = parties_on(case, guardians=True, lawyers=True, in_force_only=True)
        self.basis_id.choices = [
            ("", _l("— none (Central Authority, monitor, counterpart) —")),
            *[
                (
                    f"{'g' if p.kind == 'guardian' else 'l'}{p.id}",
                    f"{_l('Guardian') if p.kind == 'guardian' else _l('Legal representative')}: "
                    f"{p.name}",
                )
                for p in parties
            ],
        ]
        return self

    def values(self) -> dict[str, Any]:
        """The operation's keyword arguments; the basis split into its kind and id."""
        data = super().values()
        raw = data.pop("basis_id") or ""
        data["guardian_appointment_id"] = _prefixed(raw, "g")
        data["legal_representative_id"] = _prefixed(raw, "l")
        return data


def _prefixed(raw: str, prefix: str) -> int | None:
    if not raw.startswith(prefix) or not raw[1:].isdigit() or len(raw) > 12:
        return None
    return int(raw[1:])


class EndAssignmentForm(VersionedForm):
    """End an assignment, with the reason."""

    VALUES = ("reason",)
    reason = TextAreaField(_l("Why it ends"), validators=[InputRequired(), Length(max=1000)])


class SendRequestForm(VersionedForm):
    """A caseworker's request to an assigned participant (issue 10 item 3)."""

    VALUES = ("assignment_id", "kind", "details", "due_on")
    assignment_id = SelectField(_l("To"), coerce=_int_or_none, validate_choice=False, choices=[])
    kind = EnumSelect(_l("Asked to"), list(RequestKind))
    details = TextAreaField(_l("What is asked"), validators=[InputRequired(), Length(max=4000)])
    due_on = DateField(_l("Due on"), validators=[InputRequired(), MayBeFuture()])

    def for_case(self, case: Any) -> Self:
        """The participants assigned to the case now."""
        from caseapp.participants.queries import assignments_on

        return self.among(assignments_on(case))

    def among(self, assignments: list[Assignment]) -> Self:
        """Choices from a case's assignments already loaded (those in force)."""
        self.assignment_id.choices = [
            (a.id, f"{a.user.name} ({a.role.label})") for a in assignments if a.in_force
        ]
        return self


class AnswerRequestForm(VersionedForm):
    """The participant's answer, recorded on the case."""

    VALUES = ("answer", "note", "reference")
    answer = EnumSelect(_l("Answer"), list(RequestAnswer))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])
    reference = StringField(
        _l("Reference (e.g. the Central Authority's decision number)"),
        validators=[Optional(), Length(max=100)],
    )
