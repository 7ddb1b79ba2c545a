"""Who may reach each endpoint: the table the exhaustive authorization test checks.

Every endpoint of the app (``app.url_map``) must appear here, or in a ``route_policy.py``
module of another test package (``tests/<domain>/route_policy.py`` with ``POLICY`` and,
if it needs new URL arguments, ``BUILDERS``), or ``test_every_endpoint_is_declared`` fails:
a new route is covered the moment it exists.

A policy is a ``Rule`` for every method, or ``{"GET": Rule, "POST": Rule}``. URL arguments
are built by ``BUILDERS`` (argument name -> ``builder(world) -> value``); every object they
build belongs to ``world.case``, a case of agency A. "own" actors belong to agency A,
"other" actors to agency B, so each case-scoped route is tried from inside and outside the
owning agency.

To declare a new domain's routes (e.g. hearings), in ``tests/hearings/route_policy.py``::

    from tests.security.route_policy import Rule
    POLICY = {"hearings.edit": {"GET": Rule.CASE_VIEW, "POST": Rule.CASE_EDIT}}
    BUILDERS = {"hearing_id": lambda world: make_hearing(world.case).id}

When two endpoints use one argument name for different records (``member_id`` is a family
member in ``children.*`` but a panel member in ``determination.remove_panel_member``), a
builder keyed ``"<endpoint>:<argument>"`` wins over the one keyed by the argument alone.

A refusal must be the right one (``expected_refusal``): on a case-scoped rule, a user of
another agency gets 404 (they may not learn that the case exists), and a user who sees the
case but may not do this (an ombudsperson on an edit, a caseworker on a supervisor's
approval) gets 403. Admins see no child record: 404, or 403 when their role is refused before
the case is even loaded (which tells them nothing about the case). Outside case scope
(admin pages, dashboards, the case list) a refusal is 403.
"""

from __future__ import annotations

import importlib
import pkgutil
from enum import StrEnum
from pathlib import Path


class Rule(StrEnum):
    """Access rules; ``ALLOWED`` below says which actors each admits."""

    PUBLIC = "public"  # anyone, logged in or not
    LOGIN_FLOW = "login_flow"  # steps of logging in/out: never 403/404/5xx, may end the session
    ANY_LOGGED_IN = "any_logged_in"
    CASE_LIST = "case_list"  # staff who see cases at all (not admins)
    STAFF = "staff"  # caseworkers and supervisors of any agency (open a case, what is due)
    SUPERVISOR = "supervisor"  # supervisors of any agency (their approval queue)
    MONITORING = "monitoring"  # supervisors of any agency and ombudspersons (indicators)
    CASE_VIEW = "case_scope_view"  # own agency's staff, and ombudspersons
    CASE_EDIT = "case_scope_edit"  # own agency's caseworkers and supervisors
    SUPERVISOR_CASE = "supervisor_case_scope"  # own agency's supervisors
    OMBUDSPERSON_ONLY = "ombudsperson_only"
    AUDIT_VIEW = "audit_view"  # ombudspersons (DESIGN.md section 6)
    ADMIN_ONLY = "admin_only"
    API_TOKEN = "api_token"  # a bearer token only: every session, even a logged-in one, gets 401
    # Participants (issue 10): they reach only pages marked ``web.shows`` for their part.
    PARTICIPANT = "participant"  # any participant (their home page)
    PARTICIPANT_CASE = "participant_case"  # participants assigned to the case, in force
    REQUEST_ADDRESSEE = "request_addressee"  # the participant the request is addressed to
    # A participant acting for themselves (caseapp/acts): only the assigned one of that part.
    ACT_CENTRAL = "act_central"  # the Central Authority officer
    ACT_MONITOR = "act_monitor"  # the monitor
    ACT_GUARDIAN = "act_guardian"  # the guardian
    ACT_PARTY = "act_party"  # the guardian or the legal representative
    # A document attached to the Central Authority's decision: who reads that record.
    READ_CENTRAL = "read_central"  # the Central Authority officer


# Participants assigned to ``world.case`` (one per role, named by the role's value), one
# assigned only to ``world.other_case`` and one whose assignment to ``world.case`` ended.
ASSIGNED_PARTICIPANTS = (
    "guardian",
    "legal_representative",
    "central_authority_officer",
    "monitor",
    "counterpart_officer",
)
UNASSIGNED_PARTICIPANTS = ("participant_other_case", "participant_ended")
PARTICIPANT_ACTORS = ASSIGNED_PARTICIPANTS + UNASSIGNED_PARTICIPANTS

ACTORS = (
    "anonymous",
    "caseworker_own",
    "caseworker_other",
    "supervisor_own",
    "supervisor_other",
    "ombudsperson",
    "admin",
    *PARTICIPANT_ACTORS,
)

_STAFF_OWN = {"caseworker_own", "supervisor_own"}
ALLOWED: dict[Rule, set[str]] = {
    Rule.PUBLIC: set(ACTORS),
    Rule.LOGIN_FLOW: set(ACTORS),
    Rule.ANY_LOGGED_IN: set(ACTORS) - {"anonymous"},
    Rule.CASE_LIST: _STAFF_OWN | {"caseworker_other", "supervisor_other", "ombudsperson"},
    Rule.STAFF: _STAFF_OWN | {"caseworker_other", "supervisor_other"},
    Rule.SUPERVISOR: {"supervisor_own", "supervisor_other"},
    Rule.MONITORING: {"supervisor_own", "supervisor_other", "ombudsperson"},
    Rule.CASE_VIEW: _STAFF_OWN | {"ombudsperson"},
    Rule.CASE_EDIT: set(_STAFF_OWN),
    Rule.SUPERVISOR_CASE: {"supervisor_own"},
    Rule.OMBUDSPERSON_ONLY: {"ombudsperson"},
    Rule.AUDIT_VIEW: {"ombudsperson"},
    Rule.ADMIN_ONLY: {"admin"},
    Rule.API_TOKEN: set(),
    Rule.PARTICIPANT: set(PARTICIPANT_ACTORS),
    Rule.PARTICIPANT_CASE: set(ASSIGNED_PARTICIPANTS),
    Rule.REQUEST_ADDRESSEE: {"guardian"},  # the builder's request is to the guardian
    Rule.ACT_CENTRAL: {"central_authority_officer"},
    Rule.ACT_MONITOR: {"monitor"},
    Rule.ACT_GUARDIAN: {"guardian"},
    Rule.ACT_PARTY: {"guardian", "legal_representative"},
    Rule.READ_CENTRAL: {"central_authority_officer"},
}

CASE_SCOPED = {
    Rule.CASE_VIEW,
    Rule.CASE_EDIT,
    Rule.SUPERVISOR_CASE,
    Rule.PARTICIPANT_CASE,
    Rule.REQUEST_ADDRESSEE,
    Rule.ACT_CENTRAL,
    Rule.ACT_MONITOR,
    Rule.ACT_GUARDIAN,
    Rule.ACT_PARTY,
    Rule.READ_CENTRAL,
}
_OUTSIDE_AGENCY = {"caseworker_other", "supervisor_other"}


def expected_refusal(rule: Rule, actor: str) -> set[int]:
    """The statuses that are a correct refusal of ``actor`` under ``rule``.

    Participants, like admins, get 404 (``web.load``: not assigned, or a page outside their
    part), or 403 where their role is refused before the case is even loaded (a coarse
    permission they lack, whatever the case id; it tells them nothing about the case).
    ``tests/participants/test_access.py`` checks those 403s do not depend on the case."""
    if rule is Rule.API_TOKEN:
        return {401}
    if rule in CASE_SCOPED:
        if actor in _OUTSIDE_AGENCY:
            return {404}
        if actor == "admin" or actor in PARTICIPANT_ACTORS:
            return {403, 404}
        return {403}
    return {403}


POLICY: dict[str, Rule | dict[str, Rule]] = {
    "static": Rule.PUBLIC,
    "auth.index": Rule.PUBLIC,
    "auth.login": Rule.LOGIN_FLOW,
    "auth.logout": Rule.LOGIN_FLOW,
    "auth.second_factor": Rule.LOGIN_FLOW,
    "auth.enrol": Rule.LOGIN_FLOW,
    "auth.preferences": Rule.ANY_LOGGED_IN,
    "auth.change_password": Rule.ANY_LOGGED_IN,
    "cases.index": Rule.CASE_LIST,
    "admin.users": Rule.ADMIN_ONLY,
    "documents.index": {"GET": Rule.CASE_VIEW, "POST": Rule.CASE_EDIT},
    "documents.download": Rule.CASE_VIEW,
}


def _document_id(world):
    return world.document.id


BUILDERS = {
    "filename": lambda world: "caseapp.css",
    "case_id": lambda world: world.case.id,
    "document_id": _document_id,
}


def collect() -> tuple[dict, dict]:
    """This table merged with every ``tests/<package>/route_policy.py``."""
    policy, builders = dict(POLICY), dict(BUILDERS)
    tests_dir = Path(__file__).resolve().parent.parent
    for info in pkgutil.iter_modules([str(tests_dir)]):
        if not info.ispkg or info.name in ("security", "support"):
            continue
        if not (tests_dir / info.name / "route_policy.py").exists():
            continue
        module = importlib.import_module(f"tests.{info.name}.route_policy")
        policy.update(getattr(module, "POLICY", {}))
        builders.update(getattr(module, "BUILDERS", {}))
    return policy, builders


def builder_for(builders: dict, endpoint: str, argument: str):
    """The builder of ``argument`` for ``endpoint`` (an endpoint-specific one first)."""
    return builders.get(f"{endpoint}:{argument}") or builders.get(argument)


def rule_for(policy: dict, endpoint: str, method: str) -> Rule:
    """The rule of ``endpoint`` for ``method``."""
    entry = policy[endpoint]
    return entry[method] if isinstance(entry, dict) else entry
