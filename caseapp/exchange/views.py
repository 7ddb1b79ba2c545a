"""The exchange in the browser (issue 11; 002, Rec 2 and Rec 6): the partner register (admins),
a case's exchange (documents sent and received, and the forms to send each type the case's
side writes), the incoming list (requests from partners and the incoming returns they
opened) and the file import. Each view: ``web.load`` -> ``web.require`` -> ``web.submit``.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.agencies.models import Agency, AgencyKind
from caseapp.cases.models import Case
from caseapp.children.models import FamilyMember
from caseapp.core import web
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission
from caseapp.core.validators import id_arg
from caseapp.core.views import permission_required
from caseapp.exchange import keys, operations, queries, sending, sequence
from caseapp.exchange.documents import DocumentType
from caseapp.exchange.forms import (
    DOCUMENT_FORMS,
    LABELS,
    HomeStudyRequestForm,
    ImportForm,
    OpenForm,
    PartnerForm,
)
from caseapp.exchange.inbox import import_file
from caseapp.exchange.models import ExchangeDocument, ExchangeLink, Partner
from caseapp.exchange.transport import export_file

bp = Blueprint("exchange", __name__)


# -- the partner register (admins) ---------------------------------------------------------


def _agencies() -> list[Agency]:
    return list(
        db.session.scalars(
            select(Agency)
            .where(Agency.kind == AgencyKind.CHILD_PROTECTION, Agency.active.is_(True))
            .order_by(Agency.country, Agency.name)
        )
    )


@bp.route("/admin/partners")
@login_required
@permission_required(Permission.AGENCY_MANAGE)
def partners():
    """The partner register and this instance's own key and fingerprint (to read aloud)."""
    rows = db.session.scalars(
        select(Partner).options(selectinload(Partner.local_agency)).order_by(Partner.name)
    ).all()
    return render_template(
        "exchange/partners.html",
        partners=rows,
        public_key=keys.public_key_text(),
        fingerprint=keys.grouped(keys.key_id()),
        sender=keys.sender(),
    )


def _partner_page(form: PartnerForm, partner: Partner | None, error: str | None) -> str:
    return render_template(
        "exchange/partner_form.html",
        form=form,
        error=error,
        partner=partner,
        fingerprint=keys.grouped(keys.key_id()),
    )


@bp.route("/admin/partners/new", methods=["GET", "POST"])
@login_required
@permission_required(Permission.AGENCY_MANAGE)
def new_partner():
    """Pair a partner instance (its fingerprint confirmed by another channel)."""
    form = PartnerForm(agencies=_agencies())
    return web.submit(
        form,
        operations.add_partner,
        current_user,
        success=lambda p: _("Partner %(name)s added.", name=p.name),
        next_url=url_for("exchange.partners"),
        render=lambda error: _partner_page(form, None, error),
    )


@bp.route("/admin/partners/<int:partner_id>", methods=["GET", "POST"])
@login_required
@permission_required(Permission.AGENCY_MANAGE)
def edit_partner(partner_id: int):
    """Change a partner's entry; a new key needs its fingerprint confirmed again."""
    partner = web.load(Partner, partner_id)
    form = PartnerForm(obj=partner, agencies=_agencies(), editing=True)
    if not form.is_submitted():
        form.local_agency.data = str(partner.local_agency_id)
    return web.submit(
        form,
        operations.update_partner,
        current_user,
        partner,
        success=lambda p: _("Partner %(name)s saved.", name=p.name),
        next_url=url_for("exchange.partners"),
        render=lambda error: _partner_page(form, partner, error),
    )


# -- a case's exchange ----------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/exchange")
@login_required
def case(case_id: int):
    """The case's exchange: what was sent and received, their state, what can be sent."""
    case = web.load(Case, case_id)
    link = operations.link_of(case)
    documents = queries.documents_of_case(case.id)
    return render_template(
        "exchange/case.html",
        case=case,
        link=link,
        documents=documents,
        sendable=sequence.next_documents(link) if link is not None else [],
        labels=LABELS,
        may_send=case.can_edit(current_user),
    )


@bp.route("/cases/<int:case_id>/exchange/request", methods=["GET", "POST"])
@login_required
def request_home_study(case_id: int):
    """Start the exchange: ask a partner's child-protection authority for a home study."""
    case = web.load(Case, case_id)
    web.require(case.can_edit(current_user))
    form = _home_study_form(case)
    return web.submit(
        form,
        sending.request_home_study,
        current_user,
        case,
        success=_("The request is signed and sent."),
        next_url=url_for("exchange.case", case_id=case.id),
        render=lambda error: _send_page(case, form, error, None),
    )


def _home_study_form(case: Case) -> HomeStudyRequestForm:
    """The request form: the active partners to ask, the family members to be assessed."""
    partners = db.session.scalars(
        select(Partner).where(Partner.active.is_(True)).order_by(Partner.name)
    ).all()
    members = db.session.scalars(
        select(FamilyMember).where(FamilyMember.case_id == case.id).order_by(FamilyMember.id)
    ).all()
    return HomeStudyRequestForm(partners=partners, members=members).loaded_at(case.version)


@bp.route("/cases/<int:case_id>/exchange/send/<doc_type>", methods=["GET", "POST"])
@login_required
def send(case_id: int, doc_type: str):
    """Sign and send one document of ``doc_type`` on the case's exchange."""
    case = web.load(Case, case_id)
    web.require(case.can_edit(current_user))
    link, kind = _sendable(case, doc_type)
    form = DOCUMENT_FORMS[kind]().loaded_at(case.version)
    return web.submit(
        form,
        sending.send,
        current_user,
        link,
        kind,
        success=lambda d: _("%(type)s signed and sent.", type=d.doc_type.label),
        next_url=url_for("exchange.case", case_id=case.id),
        render=lambda error: _send_page(case, form, error, kind),
    )


def _sendable(case: Case, doc_type: str) -> tuple[ExchangeLink, DocumentType]:
    """The case's exchange and the document type, or 404: no exchange, no such type, or a
    type this side does not send."""
    link = operations.link_of(case)
    kind = DocumentType(doc_type) if doc_type in set(DocumentType) else None
    if link is None or kind is None or kind not in sequence.sendable(link):
        abort(404)
    return link, kind


def _send_page(case: Case, form, error: str | None, doc_type: DocumentType | None) -> str:
    """The form of one document (or of the home-study request), the refusal next to it."""
    return render_template(
        "exchange/send.html", case=case, form=form, error=error, doc_type=doc_type
    )


@bp.route("/cases/<int:case_id>/exchange/documents/<int:exchange_document_id>/file")
@login_required
@web.writes_on_get
def export(case_id: int, exchange_document_id: int):
    """A document we sent, as a signed file to carry to a partner who cannot connect."""
    case = web.load(Case, case_id)
    document = web.load(ExchangeDocument, exchange_document_id, case=case)
    web.require(document.can_export(current_user))
    return Response(
        export_file(current_user, document),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{document.doc_type}-'
            f'{document.document_id}.json"'
        },
    )


# -- the receiving side: incoming requests and returns, and files ---------------------------


@bp.route("/exchange/incoming")
@login_required
@permission_required(Permission.CASE_CREATE)
def incoming():
    """Requests from partners for the user's agency, and the incoming returns they opened:
    each list a page at a time (``?requests=<id>``, ``?returns=<id>``: keyset cursors)."""
    cursors = {name: id_arg(request.args.get(name)) for name in queries.INCOMING_LISTS}
    sections = queries.incoming_lists(current_user, cursors)
    return render_template(
        "exchange/incoming.html",
        requests=sections["requests"][0],
        returns=sections["returns"][0],
        sections=sections,
        cursors=cursors,
        open_form=OpenForm(),
    )


@bp.post("/exchange/incoming/<int:request_id>/open")
@login_required
def open_incoming(request_id: int):
    """Open the incoming return for a received home-study request."""
    request_doc = web.load(ExchangeDocument, request_id)
    web.require(request_doc.can_open(current_user))
    return web.submit(
        OpenForm(),
        operations.open_incoming_return,
        current_user,
        request_doc,
        success=lambda c: _("Incoming return %(number)s opened.", number=c.number),
        next_url=lambda c: (
            url_for("exchange.case", case_id=c.id)
            if c is not None
            else url_for("exchange.incoming")
        ),
    )


@bp.route("/exchange/import", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_CREATE)
def import_document():
    """Import a signed document carried as a file: the same checks as the network inbox."""
    form = ImportForm()
    return web.submit(
        form,
        import_file,
        current_user,
        success=lambda d: _("%(type)s received and checked.", type=d.doc_type.label),
        next_url=lambda d: (
            url_for("exchange.case", case_id=d.case_id)
            if d is not None and d.case_id
            else url_for("exchange.incoming")
        ),
        render=lambda error: render_template("exchange/import.html", form=form, error=error),
    )
