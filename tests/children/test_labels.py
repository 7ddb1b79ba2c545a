"""Every stored enum value has its own translated label."""

import pytest
from flask_babel import force_locale

from caseapp.agencies.models import AgencyKind
from caseapp.cases.models import Outcome, Stage
from caseapp.children import labels
from caseapp.children import models as m
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
            assert (enum_cls, member.value) in labels.LABELS, member


def test_equal_values_of_different_enums_keep_their_own_labels(app):
    with app.test_request_context():
        assert labels.label(m.Sex.UNKNOWN) == "not known"
        assert labels.label(m.AgeMethod.UNKNOWN) == "not assessed"
        with force_locale("ru"):
            assert labels.label(m.Sex.UNKNOWN) == "неизвестно"
            assert labels.country_name("MD") == "Молдова"


def test_country_codes(app):
    assert labels.is_country("MD") and labels.is_country("UA")
    assert not labels.is_country("EU") and not labels.is_country("md")
    assert not labels.is_country("XX")
