"""Participants: assignments, requests and invitations (issue 10)."""
