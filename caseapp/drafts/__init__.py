"""Drafts of long texts saved while the user types (issue 12 item 2)."""
