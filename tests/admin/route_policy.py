"""Route policy of the admin pages: admins only (DESIGN.md section 1)."""

from __future__ import annotations

from tests.security.route_policy import Rule

POLICY = {
    "admin.new_user": Rule.ADMIN_ONLY,
    "admin.deactivate_user": Rule.ADMIN_ONLY,
    "admin.reactivate_user": Rule.ADMIN_ONLY,
    "admin.agencies": Rule.ADMIN_ONLY,
    "admin.new_agency": Rule.ADMIN_ONLY,
    "admin.edit_user": Rule.ADMIN_ONLY,
    "admin.reset_second_factor": Rule.ADMIN_ONLY,
    "admin.send_password_reset": Rule.ADMIN_ONLY,
    "admin.edit_agency": Rule.ADMIN_ONLY,
}

BUILDERS = {
    "user_id": lambda world: world.managed_user.id,
    "agency_id": lambda world: world.agency.id,
}
