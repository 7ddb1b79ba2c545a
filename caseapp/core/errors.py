"""Domain errors: each carries a message a user can read (already translated when raised)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused an operation; nothing was changed.

    ``audit`` (a ``caseapp.audit.recorder.PendingEntry``) is a refusal that must be audited
    although the change is rolled back (a gate refusal): the request layer, or the CLI,
    writes it after the rollback in its own short transaction.
    """

    status_code = 409

    def __init__(
        self, message: str, *, details: object | None = None, audit: object | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.audit = audit


class ValidationFailed(DomainError):
    """Input that breaks a rule the form could not check on its own."""

    status_code = 400


class InvalidTransition(DomainError):
    """The case cannot move from its current stage to the one asked for."""


class StaleVersion(DomainError):
    """Someone else changed the record since the user loaded it (optimistic lock)."""


class FourEyesViolation(DomainError):
    """A user tried to approve their own work."""

    status_code = 403


class GateNotSatisfied(DomainError):
    """The return gate has unmet safeguards (DESIGN.md section 4)."""


class PermissionDenied(DomainError):
    """The user may not do this (a 403, not a 404: the object is within their scope)."""

    status_code = 403
