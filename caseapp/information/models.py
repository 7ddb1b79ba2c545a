"""InformationGiven: one record per piece of information given to the child."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.assessment.models import CaseRecord
from caseapp.cases.models import Case
from caseapp.core.db import UTCDateTime, str_enum, utcnow
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l


class Step(LabelledEnum):
    """The step of the procedure the information is about."""

    IDENTIFICATION = "identification", _l("identification and registration")
    GUARDIAN = "guardian", _l("the guardian and the lawyer")
    AGE = "age", _l("age assessment")
    ASSESSMENT = "assessment", _l("the best-interests assessment and the hearing")
    DETERMINATION = "determination", _l("the options and the determination")
    DECISION = "decision", _l("the decision and the right to appeal")
    COMPLAINTS = "complaints", _l("how to complain, and to whom")
    SOLUTION = "solution", _l("the plan for the solution")
    RETURN = "return", _l("the return and what happens after")


class Means(LabelledEnum):
    """How the information was given."""

    ORALLY = "orally", _l("orally")
    LEAFLET = "leaflet", _l("child-friendly leaflet")
    WRITTEN = "written", _l("in writing")
    VIDEO = "video", _l("video or pictures")
    SIGN = "sign", _l("sign language")


class InformationGiven(CaseRecord, db.Model):
    """Information given to the child at one step: what, in which language, how, by whom,
    with an interpreter or not, and whether the child said they understood."""

    __tablename__ = "information_given"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    step: Mapped[Step] = mapped_column(str_enum(Step, "information_step"))
    given_on: Mapped[date] = mapped_column(Date)
    what: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(60))
    means: Mapped[Means] = mapped_column(str_enum(Means, "information_means"))
    interpreter: Mapped[bool] = mapped_column(Boolean, default=False)
    understood: Mapped[bool] = mapped_column(Boolean, default=False)
    given_by: Mapped[str] = mapped_column(String(200))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
