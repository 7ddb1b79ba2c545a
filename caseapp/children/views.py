"""Pages to record the child, their names and aliases, and family members.

Only users for whom ``case.can_edit(user)`` holds get these forms (403 otherwise; 404 for a
case outside their scope). Every form carries the case version it was loaded at; a stale
version is refused with a clear message and nothing is stored.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.cases.models import Case
from caseapp.children import labels, operations
from caseapp.children.forms import (
    ChildForm,
    FamilyMemberForm,
    NameForm,
    VersionForm,
    show_domain_error,
)
from caseapp.children.models import ChildName, FamilyMember
from caseapp.core.errors import DomainError, StaleVersion
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission, load_or_404, require
from caseapp.core.views import permission_required

bp = Blueprint("children", __name__, url_prefix="/cases")


@bp.app_template_global("label")
def _label(value) -> str:
    return labels.label(value)


@bp.app_template_global("country_name")
def _country_name(code) -> str:
    return labels.country_name(code)


def _editable_case(case_id: int) -> Case:
    """Load a case the user may edit: 404 outside their scope, 403 if read-only for them."""
    case = load_or_404(Case, case_id, current_user)
    require(case.can_edit(current_user))
    return case


def _back(case: Case):
    return redirect(url_for("cases.show", case_id=case.id))


def _save(form, case: Case, change, success: str):
    """Run ``change(version)``; commit and redirect, or roll back and show the refusal."""
    try:
        change(int(form.version.data))
    except DomainError as err:
        db.session.rollback()
        if isinstance(err, StaleVersion):
            form.form_errors.append(err.message)
            return None, 409
        show_domain_error(form, err)
        return None, 400
    db.session.commit()
    flash(success, "success")
    return _back(case), 302


def _page(template: str, form, case: Case, status: int, **context):
    return render_template(template, form=form, case=case, **context), status


@bp.route("/<int:case_id>/child", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def edit_child(case_id: int):
    """Edit the child's record."""
    case = _editable_case(case_id)
    form = ChildForm(obj=case.child, version=case.version)
    status = 200
    if form.validate_on_submit():
        fields = {name: form[name].data for name in operations.CHILD_FIELDS}
        fields["country_of_origin"] = fields["country_of_origin"] or None

        def change(version):
            operations.update_child(current_user, case, expected_version=version, **fields)

        done, status = _save(form, case, change, _("The child's record is saved."))
        if done is not None:
            return done
    elif form.is_submitted():
        status = 400
    return _page("children/child_form.html", form, case, status)


@bp.route("/<int:case_id>/names/new", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def add_name(case_id: int):
    """Add a name or alias."""
    case = _editable_case(case_id)
    form = NameForm(version=case.version)
    status = 200
    if form.validate_on_submit():

        def change(version):
            operations.add_name(
                current_user,
                case,
                expected_version=version,
                given_name=form.given_name.data,
                family_name=form.family_name.data,
                patronymic=form.patronymic.data,
                is_primary=form.is_primary.data,
            )

        done, status = _save(form, case, change, _("The name is added."))
        if done is not None:
            return done
    elif form.is_submitted():
        status = 400
    return _page("children/name_form.html", form, case, status, name=None)


def _name_of(case: Case, name_id: int) -> ChildName:
    name = db.session.get(ChildName, name_id)
    if name is None or name.child.case_id != case.id:
        abort(404)
    return name


@bp.route("/<int:case_id>/names/<int:name_id>", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def edit_name(case_id: int, name_id: int):
    """Correct a name or alias, or make it the primary name."""
    case = _editable_case(case_id)
    name = _name_of(case, name_id)
    form = NameForm(obj=name, version=case.version)
    status = 200
    if form.validate_on_submit():

        def change(version):
            operations.update_name(
                current_user,
                name,
                expected_version=version,
                given_name=form.given_name.data,
                family_name=form.family_name.data,
                patronymic=form.patronymic.data,
                is_primary=form.is_primary.data,
            )

        done, status = _save(form, case, change, _("The name is saved."))
        if done is not None:
            return done
    elif form.is_submitted():
        status = 400
    return _page("children/name_form.html", form, case, status, name=name)


@bp.route("/<int:case_id>/names/<int:name_id>/remove", methods=["POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def remove_name(case_id: int, name_id: int):
    """Remove an alias recorded by mistake."""
    case = _editable_case(case_id)
    name = _name_of(case, name_id)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.remove_name(current_user, name, expected_version=int(form.version.data))
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(_("The name is removed."), "success")
    return _back(case)


def _member_of(case: Case, member_id: int) -> FamilyMember:
    member = db.session.get(FamilyMember, member_id)
    if member is None or member.case_id != case.id:
        abort(404)
    return member


def _family_fields(form: FamilyMemberForm) -> dict:
    fields = {name: form[name].data for name in operations.FAMILY_FIELDS}
    fields["country"] = fields["country"] or None
    return fields


@bp.route("/<int:case_id>/family/new", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def add_family_member(case_id: int):
    """Record a family member or another person significant to the child."""
    case = _editable_case(case_id)
    form = FamilyMemberForm(version=case.version)
    status = 200
    if form.validate_on_submit():

        def change(version):
            operations.add_family_member(
                current_user, case, expected_version=version, **_family_fields(form)
            )

        done, status = _save(form, case, change, _("The person is added."))
        if done is not None:
            return done
    elif form.is_submitted():
        status = 400
    return _page("children/family_form.html", form, case, status, member=None)


@bp.route("/<int:case_id>/family/<int:member_id>", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def edit_family_member(case_id: int, member_id: int):
    """Update a family member's whereabouts, contact, tracing or assessment."""
    case = _editable_case(case_id)
    member = _member_of(case, member_id)
    form = FamilyMemberForm(obj=member, version=case.version)
    status = 200
    if form.validate_on_submit():

        def change(version):
            operations.update_family_member(
                current_user, member, expected_version=version, **_family_fields(form)
            )

        done, status = _save(form, case, change, _("Saved."))
        if done is not None:
            return done
    elif form.is_submitted():
        status = 400
    return _page(
        "children/family_form.html",
        form,
        case,
        status,
        member=member,
    )


@bp.route("/<int:case_id>/family/<int:member_id>/remove", methods=["POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def remove_family_member(case_id: int, member_id: int):
    """Remove a family member recorded by mistake."""
    case = _editable_case(case_id)
    member = _member_of(case, member_id)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.remove_family_member(
            current_user, member, expected_version=int(form.version.data)
        )
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(_("The person is removed."), "success")
    return _back(case)
