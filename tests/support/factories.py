"""Factories for test data. Each call commits, like a finished request would."""

from __future__ import annotations

import itertools
from datetime import date

import pyotp

from caseapp.agencies.models import Agency, AgencyKind
from caseapp.auth.models import User
from caseapp.auth.passwords import hash_password
from caseapp.core.extensions import db
from caseapp.core.permissions import PARTICIPANT_ROLES, Role

PASSWORD = "correct horse battery staple"
# Roles that must use a second factor get one by default (see ``Factory.user(totp=...)``).
MFA_ROLES = (Role.SUPERVISOR, Role.OMBUDSPERSON, Role.ADMIN, *sorted(PARTICIPANT_ROLES))
_seq = itertools.count(1)
_HASH = hash_password(PASSWORD)


class Factory:
    """Builds agencies, users and cases with sensible defaults."""

    def agency(self, *, code=None, country="MD", kind=AgencyKind.CHILD_PROTECTION, name=None):
        """An agency."""
        n = next(_seq)
        agency = Agency(
            code=code or f"AG{n}",
            name=name or f"Agency {n}",
            country=country,
            kind=kind,
            active=True,
        )
        db.session.add(agency)
        db.session.commit()
        return agency

    def user(
        self,
        role=Role.CASEWORKER,
        *,
        agency=None,
        email=None,
        name=None,
        locale="en",
        totp=None,
    ):
        """A user; agency staff get a new child-protection agency unless one is given.

        ``totp``: enrol a TOTP second factor (default: for the roles that require one), so
        ``login(user)`` works for every role; ``totp=False`` makes an unenrolled user.
        """
        from caseapp.core.db import utcnow

        if totp is None:
            totp = role in MFA_ROLES
        n = next(_seq)
        if agency is None and role in (Role.CASEWORKER, Role.SUPERVISOR):
            agency = self.agency()
        if agency is None and role in PARTICIPANT_ROLES:
            from caseapp.participants.models import PARTICIPANT_AGENCY_KINDS

            agency = self.agency(kind=PARTICIPANT_AGENCY_KINDS[role][0])
        user = User(
            email=email or f"user{n}@example.org",
            name=name or f"User {n}",
            role=role,
            agency_id=agency.id if agency else None,
            password_hash=_HASH,
            locale=locale,
            active=True,
            totp_secret=pyotp.random_base32() if totp else None,
            totp_enabled_at=utcnow() if totp else None,
        )
        db.session.add(user)
        db.session.commit()
        return user

    def case(
        self,
        *,
        agency=None,
        caseworker=None,
        given="Ivan",
        family="Ivanov",
        dob=date(2012, 5, 1),
        country_of_origin="UA",
        **child_fields,
    ):
        """A registered-stage-ready case with a child, opened through the operation."""
        from caseapp.cases.operations import open_case

        if caseworker is None:
            caseworker = self.user(Role.CASEWORKER, agency=agency)
        agency = agency or db.session.get(Agency, caseworker.agency_id)
        case = open_case(
            caseworker,
            agency=agency,
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            country_of_origin=country_of_origin,
            **child_fields,
        )
        db.session.commit()
        return case

    def participant(self, role, case, *, user=None, supervisor=None):
        """A participant of ``role`` assigned to ``case`` through the real operation, with
        the record the assignment rests on (``tests.support.participants``)."""
        from tests.support.participants import assign

        user = user or self.user(role)
        return assign(self, user, case, supervisor=supervisor)
