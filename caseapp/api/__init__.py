"""The JSON API: per-partner signed documents and per-user tokens (issue 11 item 5)."""
