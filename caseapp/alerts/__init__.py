"""Alerts: situations that do not block a return but need attention (DESIGN.md section 4)."""
