"""Every stored enum value has its own translated label (on the enum: ``member.label``)."""

import pytest
from flask_babel import force_locale

from caseapp.agencies.models import AgencyKind
from caseapp.cases.models import Outcome, Stage
from caseapp.children import labels
from caseapp.children import models as m
from caseapp.core.enums import LabelledEnum
from caseapp.core.permissions import Role

ENUMS = [
    m.Sex,
    m.AgeMethod,
    m.NationalityStatus,
    m.IdentifiedBy,
    m.CareStatus,
    m.IdentityVerification,
    m.Relation,
    m.ContactStatus,
    m.TracingStatus,
    Stage,
    Outcome,
    AgencyKind,
    Role,
]


@pytest.mark.parametrize("enum_cls", ENUMS, ids=lambda e: e.__name__)
def test_every_value_has_a_label(app, enum_cls):
    with app.test_request_context():
        for member in enum_cls:
            assert isinstance(member, LabelledEnum) and str(member.label), member


def test_equal_values_of_different_enums_keep_their_own_labels(app):
    with app.test_request_context():
        assert str(m.Sex.UNKNOWN.label) == "not known"
        assert str(m.AgeMethod.UNKNOWN.label) == "not assessed"
        with force_locale("ru"):
            assert str(m.Sex.UNKNOWN.label) == "неизвестно"
            assert labels.country_name("MD") == "Молдова"


def test_country_codes(app):
    assert labels.is_country("MD") and labels.is_country("UA")
    assert not labels.is_country("EU") and not labels.is_country("md")
    assert not labels.is_country("XX")


def test_one_label_per_value_across_pages(app):
    """The case header and the case list read the same label (they once disagreed)."""
    with app.test_request_context():
        assert str(Stage.IDENTIFIED.label) == "Identified"
        assert str(Outcome.TOLERATED_STAY.label) == "Regularisation or tolerated stay"


def test_a_member_without_a_label_is_refused():
    with pytest.raises(TypeError):

        class Unlabelled(LabelledEnum):
            A = "a"
