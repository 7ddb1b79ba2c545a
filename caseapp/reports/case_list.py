"""The case list as rows for a spreadsheet: the list page's filters and scope, read in
batches (``yield_per``) so a long list is never held in memory at once."""

from __future__ import annotations

from collections.abc import Iterator

from flask import request
from flask_babel import gettext as _

from caseapp.audit import keys
from caseapp.auth.models import User
from caseapp.cases.forms import CaseFilterForm
from caseapp.cases.listing import caseworkers_for, filters_from
from caseapp.cases.models import Case
from caseapp.cases.queries import CaseFilters, filtered, visible_cases, with_list_rows
from caseapp.children.labels import country_name, label
from caseapp.core import clock
from caseapp.core.clock import today
from caseapp.core.extensions import db
from caseapp.reports.case_summary import Names, export_recipient, shows_names

BATCH = 500


def filters_from_request(user) -> tuple[CaseFilterForm | None, CaseFilters]:
    """The list page's filter form (POSTed) as ``CaseFilters``, read as the list page reads
    it (``cases.listing``); ``None`` form when invalid."""
    form = CaseFilterForm(request.form, caseworkers=caseworkers_for(user))
    if not form.validate():
        return None, CaseFilters()
    return form, filters_from(form)


def plain_filters(filters: CaseFilters) -> dict:
    """The filters for the audit entry (a name searched for is recorded as searched, not as
    written: the audit trail carries no more personal data than it must)."""
    return {
        "stage": filters.stage,
        "caseworker_id": filters.caseworker_id,
        "country_of_origin": filters.country_of_origin,
        "unaccompanied": filters.unaccompanied,
        "trafficking": filters.trafficking,
        "presumed_minor": filters.presumed_minor,
        "charged": filters.charged,
        "name_searched": bool(filters.name),
        "date_of_birth_searched": filters.date_of_birth is not None,
    }


def header() -> list[str]:
    return [
        _("Case number"),
        _("Stage"),
        _("Solution decided"),
        _("Lead agency"),
        _("Caseworker"),
        _("Child"),
        _("Sex"),
        _("Age"),
        _("Country of origin"),
        _("Care status"),
        _("Identified on"),
        _("Opened"),
    ]


def rows(user, filters: CaseFilters) -> Iterator[list]:
    """One row per case in the user's scope matching ``filters``, newest first.

    The rows are streamed after the request's commit (the download's audit entry), which
    expires the signed-in user; the id is read now and the user loaded again where the rows
    are read."""
    return _rows(user.id, filters)


def _rows(user_id: int, filters: CaseFilters) -> Iterator[list]:

    user = db.session.get(User, user_id)
    if user is None:  # deleted meanwhile: nothing to stream
        return
    day = today()
    query = with_list_rows(filtered(visible_cases(user), filters, today=day)).order_by(
        Case.id.desc()
    )
    pseudonymisers: dict[bool, Names] = {}
    result = db.session.execute(query.execution_options(yield_per=BATCH)).scalars()
    for case in result:
        identified = shows_names(user, case)
        if identified not in pseudonymisers:
            from caseapp.audit.pseudonyms import Pseudonymiser

            pseudonymisers[identified] = Names(
                None
                if identified
                else Pseudonymiser(keys.pseudonym_master_secret(), export_recipient(user))
            )
        name = pseudonymisers[identified]
        child = case.child
        primary = child.primary_name if child else None
        yield [
            case.number,
            label(case.stage),
            label(case.outcome) if case.outcome else "",
            case.lead_agency.code,
            name(case.caseworker.name) if case.caseworker else "",
            name(primary.full_name) if primary else "",
            label(child.sex) if child else "",
            child.age_on(day) if child else None,
            country_name(child.country_of_origin) if child else "",
            label(child.care_status) if child else "",
            child.identified_on if child else None,
            clock.local_date(case.opened_at),
        ]
