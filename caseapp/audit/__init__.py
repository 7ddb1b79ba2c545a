"""The audit trail: one entry per change, written in the same transaction (DESIGN.md section 6)."""
