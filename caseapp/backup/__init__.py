"""Backups that restore whole: database and instance secrets (issue 14, finding 7)."""
