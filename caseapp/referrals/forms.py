"""Forms of the referrals of child victims (issue 15)."""

from __future__ import annotations

from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.crossborder.forms import AgencySelect, EnumSelect
from caseapp.referrals.models import ReferralKind, ReferralOutcome


class ReferralForm(VersionedForm):
    VALUES = ("kind", "referred_on", "agency_id", "reference", "note")
    kind = EnumSelect(_l("Referral"), ReferralKind)
    referred_on = DateField(_l("Referred on"), [DataRequired()])
    agency_id = AgencySelect(_l("Receiving body"))
    reference = StringField(_l("Their reference"), [Optional(), Length(max=200)])
    note = TextAreaField(_l("Note"), [Optional(), Length(max=5000)])


class OutcomeForm(VersionedForm):
    VALUES = ("outcome", "outcome_on", "note")
    outcome = EnumSelect(
        _l("Outcome"), {o: o.label for o in ReferralOutcome if o is not ReferralOutcome.PENDING}
    )
    outcome_on = DateField(_l("On"), [DataRequired()])
    note = TextAreaField(_l("Note"), [Optional(), Length(max=5000)])
