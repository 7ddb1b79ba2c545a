"""Supervisor queue and caseworker due list."""
