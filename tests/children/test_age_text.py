"""What pages show beside a child's age (``AgeReckoning.age_text_on`` and ``standing_on``):
the case list and the case page read these, so the rule is written once (002, Rec 1; Judge
Winter: a child is anyone under 18, and the benefit of the doubt while age is uncertain)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from caseapp.children.models import AgeMethod, AgeReckoning, AgeStanding

DAY = date(2026, 6, 1)


@dataclass
class Age(AgeReckoning):
    date_of_birth: date | None = None
    age_min: int | None = None
    age_max: int | None = None
    age_assessed_on: date | None = None
    age_method: AgeMethod = AgeMethod.UNKNOWN
    age_disputed: bool = False


@pytest.mark.parametrize(
    ("age", "text"),
    [
        (Age(date_of_birth=date(2010, 6, 2), age_method=AgeMethod.DOCUMENT), "15"),
        (Age(date_of_birth=date(2010, 6, 1), age_method=AgeMethod.DOCUMENT), "16"),
        # A range is shown as it stands on the day: advanced by the years since it was
        # assessed, as the lowest age is (not the range written down two years ago).
        (Age(age_min=16, age_max=17, age_assessed_on=date(2024, 5, 1)), "18–19"),
        (Age(age_min=16, age_max=17, age_assessed_on=date(2026, 5, 1)), "16–17"),
        (Age(age_min=16, age_max=17, age_assessed_on=None), "16–17"),
        (Age(age_min=17, age_max=17, age_assessed_on=date(2025, 5, 1)), "18"),
        (Age(age_min=15, age_assessed_on=date(2025, 5, 1)), "16"),
        (Age(age_max=17), "?"),
        (Age(), "?"),
        # A documented date of birth wins over an earlier range.
        (Age(date_of_birth=date(2012, 1, 1), age_min=16, age_max=17), "14"),
    ],
)
def test_age_text(age, text):
    assert age.age_text_on(DAY) == text


@pytest.mark.parametrize(
    ("age", "standing"),
    [
        (Age(date_of_birth=date(2012, 1, 1), age_method=AgeMethod.DOCUMENT), None),
        (Age(date_of_birth=date(2012, 1, 1), age_method=AgeMethod.SELF_DECLARED), "minor"),
        (Age(date_of_birth=date(2000, 1, 1), age_method=AgeMethod.DOCUMENT), "adult"),
        # Disputed: a minor on the benefit of the doubt whatever the documents say.
        (
            Age(date_of_birth=date(2000, 1, 1), age_method=AgeMethod.DOCUMENT, age_disputed=True),
            "minor",
        ),
        (Age(age_min=17, age_max=19, age_assessed_on=date(2026, 1, 1)), "minor"),
        (Age(age_min=17, age_max=19, age_assessed_on=date(2025, 1, 1)), "adult"),
        (Age(), "minor"),  # nothing known: presumed a minor
    ],
)
def test_standing(age, standing):
    expected = {
        None: None,
        "minor": AgeStanding.PRESUMED_MINOR,
        "adult": AgeStanding.ADULT,
    }[standing]
    assert age.standing_on(DAY) is expected
    assert (expected is not None and expected.warns) == (standing == "adult")
