"""Closing and reopening cases (DESIGN.md section 3)."""
