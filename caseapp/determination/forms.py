"""BID forms. Draft edits carry the BID's version; opening a determination the case's."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from caseapp.cases.models import Outcome
from caseapp.core.confirm import Confirmed
from caseapp.core.enums import choices
from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.determination.models import PanelRole


class PanelMemberForm(VersionedForm):
    VALUES = ("name", "role", "organisation", "child_protection")
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    role = SelectField(_l("Role on the panel"), choices=choices(PanelRole))
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    child_protection = BooleanField(_l("From the child-protection authority"))


class OptionForm(VersionedForm):
    VALUES = ("assessment",)
    assessment = TextAreaField(_l("The panel's assessment"), validators=[InputRequired()])


class RecommendationForm(VersionedForm):
    recommended = SelectField(
        _l("Recommended solution"),
        choices=[SelectChoice("", _l("Not decided yet")), *choices(Outcome)],
    )
    reasons = TextAreaField(_l("Reasons"))
    family_unity = TextAreaField(
        _l("Siblings: why this child's solution differs from a sibling's (if it does)")
    )

    def values(self) -> dict[str, Any]:
        """``update_bid``'s arguments ("not decided yet" is ``None``)."""
        return {
            "recommended": self.recommended.data or None,
            "reasons": self.reasons.data,
            "family_unity": self.family_unity.data,
            "expected_version": self.version.data,
        }


class SendBackForm(VersionedForm):
    VALUES = ("comment",)
    comment = TextAreaField(_l("What needs to change"), validators=[InputRequired()])


class ApproveBidForm(Confirmed, VersionedForm):
    """A supervisor approves a submitted BID, after a confirmation step with a comment."""

    submit = SubmitField(_l("Approve"))
