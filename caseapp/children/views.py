"""Pages to record the child, their names and aliases, and family members.

Only users for whom ``case.can_edit(user)`` holds get these forms (403 otherwise; 404 for a
case outside their scope). Every form carries the case version it was loaded at; a stale
version is refused with a clear message and nothing is stored.
"""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.cases.models import Case
from caseapp.cases.pages import load_case
from caseapp.children import labels, operations
from caseapp.children.forms import ChildForm, FamilyMemberForm, NameForm, VersionForm
from caseapp.children.models import ChildName, FamilyMember
from caseapp.core import web
from caseapp.core.forms import VersionedForm, with_message
from caseapp.core.permissions import Permission
from caseapp.core.views import permission_required

bp = Blueprint("children", __name__, url_prefix="/cases")


@bp.app_template_global("label")
def _label(value) -> str:
    return labels.label(value)


@bp.app_template_global("country_name")
def _country_name(code) -> str:
    return labels.country_name(code)


def _form_page(
    case: Case, form: VersionedForm, operation, target, success: str, template: str, **context
):
    """A page whose one form goes through ``operation``; back to the case page on success."""
    return web.submit(
        form.loaded_at(case.version),
        operation,
        current_user,
        target,
        success=success,
        next_url=url_for("cases.show", case_id=case.id),
        render=lambda error: render_template(
            template, form=with_message(form, error), case=case, **context
        ),
    )


def _button(case: Case, operation, target, success: str):
    """A remove button (only the version): the outcome is flashed on the case page."""
    next_url = url_for("cases.show", case_id=case.id)
    return web.submit(
        VersionForm(), operation, current_user, target, success=success, next_url=next_url
    )


@bp.route("/<int:case_id>/child", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def edit_child(case_id: int):
    """Edit the child's record."""
    case = load_case(case_id, edit=True)
    form = ChildForm(obj=case.child)
    success = _("The child's record is saved.")
    return _form_page(
        case, form, operations.update_child, case, success, "children/child_form.html"
    )


@bp.route("/<int:case_id>/names/new", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def add_name(case_id: int):
    """Add a name or alias."""
    case = load_case(case_id, edit=True)
    return _form_page(
        case,
        NameForm(),
        operations.add_name,
        case,
        _("The name is added."),
        "children/name_form.html",
        name=None,
    )


@bp.route("/<int:case_id>/names/<int:name_id>", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def edit_name(case_id: int, name_id: int):
    """Correct a name or alias, or make it the primary name."""
    case = load_case(case_id, edit=True)
    name = web.load(ChildName, name_id, case=case)
    return _form_page(
        case,
        NameForm(obj=name),
        operations.update_name,
        name,
        _("The name is saved."),
        "children/name_form.html",
        name=name,
    )


@bp.route("/<int:case_id>/names/<int:name_id>/remove", methods=["POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def remove_name(case_id: int, name_id: int):
    """Remove an alias recorded by mistake."""
    case = load_case(case_id, edit=True)
    name = web.load(ChildName, name_id, case=case)
    return _button(case, operations.remove_name, name, _("The name is removed."))


@bp.route("/<int:case_id>/family/new", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def add_family_member(case_id: int):
    """Record a family member or another person significant to the child."""
    case = load_case(case_id, edit=True)
    return _form_page(
        case,
        FamilyMemberForm(),
        operations.add_family_member,
        case,
        _("The person is added."),
        "children/family_form.html",
        member=None,
    )


@bp.route("/<int:case_id>/family/<int:member_id>", methods=["GET", "POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def edit_family_member(case_id: int, member_id: int):
    """Update a family member's whereabouts, contact, tracing or assessment."""
    case = load_case(case_id, edit=True)
    member = web.load(FamilyMember, member_id, case=case)
    return _form_page(
        case,
        FamilyMemberForm(obj=member),
        operations.update_family_member,
        member,
        _("Saved."),
        "children/family_form.html",
        member=member,
    )


@bp.route("/<int:case_id>/family/<int:member_id>/remove", methods=["POST"])
@login_required
@permission_required(Permission.CASE_EDIT)
def remove_family_member(case_id: int, member_id: int):
    """Remove a family member recorded by mistake."""
    case = load_case(case_id, edit=True)
    member = web.load(FamilyMember, member_id, case=case)
    return _button(case, operations.remove_family_member, member, _("The person is removed."))
