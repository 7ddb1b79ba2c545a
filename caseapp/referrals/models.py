"""Referrals of child victims (issue 15).

Trafficking indicators on the child's record lead to a referral to the national referral
mechanism (002, Rec 3: special protection; Rec 4: "child-sensitive identification and
referral procedures"); hate-crime victimisation to a report and to victim support (004:
"prosecution of hate crime regardless of migrant status", "better victim support"). Each
referral has a date, the receiving body (an agency of the register) and the outcome.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.agencies.models import Agency
from caseapp.assessment.models import CaseRecord
from caseapp.cases.models import Case
from caseapp.core.db import str_enum
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l


class ReferralKind(LabelledEnum):
    TRAFFICKING = "trafficking", _l("Trafficking: national referral mechanism")
    HATE_CRIME_REPORT = "hate_crime_report", _l("Hate crime: report")
    HATE_CRIME_SUPPORT = "hate_crime_support", _l("Hate crime: victim support")


class ReferralOutcome(LabelledEnum):
    PENDING = "pending", _l("pending")
    ACCEPTED = "accepted", _l("accepted: victim identified or case opened")
    DECLINED = "declined", _l("declined or no further action")
    COMPLETED = "completed", _l("completed")


# Which indicator on the child's record each kind answers, and what it needs.
INDICATOR_OF = {
    ReferralKind.TRAFFICKING: "trafficking_indicators",
    ReferralKind.HATE_CRIME_REPORT: "hate_crime_victim",
    ReferralKind.HATE_CRIME_SUPPORT: "hate_crime_victim",
}
NEEDED_FOR = {
    "trafficking_indicators": (ReferralKind.TRAFFICKING,),
    "hate_crime_victim": (ReferralKind.HATE_CRIME_REPORT, ReferralKind.HATE_CRIME_SUPPORT),
}


class VictimReferral(CaseRecord, db.Model):
    """A referral of the child as a (possible) victim, with its outcome."""

    __tablename__ = "victim_referral"
    __table_args__ = (
        CheckConstraint(
            "(outcome = 'pending') = (outcome_on IS NULL)", name="outcome_dated_when_known"
        ),
        CheckConstraint("outcome_on IS NULL OR outcome_on >= referred_on", name="outcome_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[ReferralKind] = mapped_column(str_enum(ReferralKind, "victim_referral_kind"))
    referred_on: Mapped[date] = mapped_column(Date)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    reference: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[ReferralOutcome] = mapped_column(
        str_enum(ReferralOutcome, "victim_referral_outcome"), default=ReferralOutcome.PENDING
    )
    outcome_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    agency: Mapped[Agency] = relationship()
