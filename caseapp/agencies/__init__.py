"""Agencies: who a case is led by, and whom users work for (DESIGN.md section 1)."""
