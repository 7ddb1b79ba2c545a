"""Loading the demo data set through the operations, so it leaves audit entries like real use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from caseapp.agencies.models import Agency, AgencyKind
from caseapp.agencies.operations import create_agency
from caseapp.auth.models import User
from caseapp.auth.operations import create_user
from caseapp.cases.models import Case, Outcome
from caseapp.cases.operations import open_case, register_case
from caseapp.children import operations as child_ops
from caseapp.children.models import (
    AgeMethod,
    CareStatus,
    ContactStatus,
    IdentifiedBy,
    IdentityVerification,
    NationalityStatus,
    Relation,
    Sex,
    TracingStatus,
)
from caseapp.core.errors import DomainError
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.demo import data, lifecycle_data
from caseapp.demo.families import link_family
from caseapp.demo.scenario import Register, Scenario

_ENUMS = {
    "sex": Sex,
    "age_method": AgeMethod,
    "nationality_status": NationalityStatus,
    "identified_by": IdentifiedBy,
    "care_status": CareStatus,
    "identity_verification": IdentityVerification,
}
_FAMILY_ENUMS = {
    "relation": Relation,
    "contact_status": ContactStatus,
    "tracing_status": TracingStatus,
}


class DemoRefused(DomainError):
    """The database already holds data; the demo only goes into an empty one."""


@dataclass
class DemoResult:
    """What was loaded, for the command to print."""

    agencies: list[Agency] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    # (case number, what the case shows) for the cases at the later stages.
    guide: list[tuple[str, str]] = field(default_factory=list)


def database_is_empty() -> bool:
    """No agency, user or case yet."""
    return not any(
        db.session.scalar(select(func.count()).select_from(model)) for model in (Agency, User, Case)
    )


def load_demo(*, today: date) -> DemoResult:
    """Load agencies, users and cases into an empty database (flushes; the caller commits)."""
    if not database_is_empty():
        raise DemoRefused(
            _("The database already holds data; the demo is only loaded into an empty one.")
        )
    result = DemoResult()
    agencies = {}
    for spec in data.AGENCIES:
        agency = create_agency(None, **{**spec, "kind": AgencyKind(spec["kind"])})
        agencies[agency.code] = agency
        result.agencies.append(agency)
    users = {}
    for spec in data.USERS:
        user = create_user(
            None,
            email=spec["email"],
            name=spec["name"],
            role=Role(spec["role"]),
            agency=agencies[spec["agency"]] if spec["agency"] else None,
            password=data.DEMO_PASSWORD,
            locale=spec["locale"],
        )
        users[spec["key"]] = user
        result.users.append(user)
    db.session.flush()
    for spec in data.CASES:
        result.cases.append(load_case(spec, users, agencies, today=today))
    # Cases at every later stage, driven there by the real operations (issue 3, item 9).
    add_demo_suspension(users["admin"], today=today)
    groups: dict[str, list[tuple[dict, Case]]] = {}
    for spec in lifecycle_data.CASES:
        case = load_case(spec, users, agencies, today=today)
        story(case, spec, users, agencies, today=today).run(spec["scenario"])
        result.cases.append(case)
        result.guide.append((case.number, spec["shows"]))
        if spec.get("family_group"):
            groups.setdefault(spec["family_group"], []).append((spec, case))
    # Siblings' cases linked in one family record (issue 15 part 2).
    for members in groups.values():
        first_spec = members[0][0]
        link_family(
            users[first_spec["by"]],
            [case for _spec, case in members],
            mother=first_spec["family"][0]["name"],
            language=first_spec["child"]["languages"][0],
        )
    # Detention, victims' referrals, a disputed age and the 18th birthday (issue 15).
    from caseapp.demo import protection

    for case, shows in protection.load(users, agencies, today=today):
        result.cases.append(case)
        result.guide.append((case.number, shows))

    # A partner instance and its home-study request waiting for MD-CPD (issue 11).
    from caseapp.demo.exchange import add_demo_exchange

    add_demo_exchange(agencies["MD-CPD"], today=today)
    # Policy version 2: S11 and S17 need the party's own confirmation (issue 10, item 4).
    require_parties(users["admin"])
    return result


def _child_fields(spec: dict, today: date) -> dict:
    fields = dict(spec.get("child", {}))
    days_ago = fields.pop("identified_days_ago", None)
    if days_ago is not None:
        fields["identified_on"] = today - timedelta(days=days_ago)
    for name, enum_cls in _ENUMS.items():
        if name in fields:
            fields[name] = enum_cls(fields[name])
    return fields


def load_case(spec: dict, users: dict, agencies: dict, *, today: date) -> Case:
    """Open one demo case and record its aliases and family, as a caseworker would."""
    actor = users[spec["by"]]
    agency = db.session.get_one(Agency, actor.agency_id)
    family_name, given_name, patronymic = spec["name"]
    dob = None
    if "years_old" in spec:
        dob = today - timedelta(days=round(spec["years_old"] * 365.25))
    case = open_case(
        actor,
        agency=agency,
        given_name=given_name,
        family_name=family_name,
        patronymic=patronymic,
        date_of_birth=dob,
        **_child_fields(spec, today),
    )
    db.session.flush()
    for alias_family, alias_given, alias_patronymic in spec.get("aliases", []):
        child_ops.add_name(
            actor,
            case,
            expected_version=case.version,
            given_name=alias_given,
            family_name=alias_family,
            patronymic=alias_patronymic,
        )
    for member in spec.get("family", []):
        fields = dict(member)
        for name, enum_cls in _FAMILY_ENUMS.items():
            if name in fields:
                fields[name] = enum_cls(fields[name])
        child_ops.add_family_member(actor, case, expected_version=case.version, **fields)
    if spec.get("register"):
        register_case(actor, case, expected_version=case.version)
    return case


def story(case: Case, spec: dict, users: dict, agencies: dict, *, today: date) -> Scenario:
    """The scenario of one case of ``lifecycle_data.CASES``: its people, the register
    entries, the counterpart of its destination and the days its history is dated back by.
    The caseworker ``by`` authors every BIA and BID; the supervisor ``sv`` approves the BID
    and the return (four eyes: 002, Rec 2; UNHCR BIP). On MD-CPD's cases the demo's
    participants act for themselves (issue 10)."""
    country = spec.get("destination") or case.child.country_of_origin
    counterpart, consulate, language = lifecycle_data.COUNTERPARTS.get(
        country or "", ("Child protection authority (demo)", "Consulate (demo)", "Russian")
    )
    approval_day = today - timedelta(days=spec.get("days_ago", 0))
    decided_ago = spec.get("decided_days_ago")
    if decided_ago is not None:
        decision_day = today - timedelta(days=decided_ago)
    elif spec["scenario"] in ("assessment", "bid_draft", "bid_submitted"):
        decision_day = today
    else:
        decision_day = approval_day - timedelta(days=lifecycle_data.DECISION_BEFORE_APPROVAL)
    participants = {}
    if case.lead_agency_id == agencies["MD-CPD"].id:
        participants = {
            "central_authority": users["ca_md"],
            "guardian": users["guardian_md"],
            "lawyer": users["lawyer_md"],
            "monitor": users["monitor_md"],
        }
    return Scenario(
        case,
        caseworker=users[spec["by"]],
        supervisor=users[spec["sv"]],
        register=Register(
            guardian_org=agencies["MD-GUARD"],
            interpreter=agencies["MD-INT"],
            central_authority=agencies["MD-CA"],
            counterpart=agencies.get(f"{country}-CP"),
            monitor=agencies["MON-NGO"],
            law_enforcement=agencies["MD-BP"],
        ),
        today=today,
        approval_day=approval_day,
        decision_day=decision_day,
        outcome=Outcome(spec.get("outcome", "return")),
        destination=country,
        counterpart=counterpart,
        consulate=consulate,
        language=language,
        blocks=spec.get("blocks"),
        handover_to_parent=spec.get("handover") == "parent",
        participants=participants,
        solution_plan=spec.get("plan"),
        implemented_days_ago=spec.get("implemented_days_ago"),
        texts=spec.get("texts", {}),
    )


def add_demo_suspension(admin: User, *, today: date) -> Any:
    """Suspend returns to ``SUSPENDED_COUNTRY`` (S18), as an administrator would."""
    from caseapp.gate.operations import add_suspension

    return add_suspension(
        admin,
        country=lifecycle_data.SUSPENDED_COUNTRY,
        reason=lifecycle_data.SUSPENSION_REASON,
        suspended_from=today - timedelta(days=15),
    )


def require_parties(admin: User) -> Any:
    """Policy version 2: S11 and S17 need the party's own confirmation (issue 10, item 4).
    Version 1 (the default, accepting the caseworker's record too) stays in the history, so
    the demo shows both; the two cases prepared with the caseworker's record alone are then
    blocked, every other one was confirmed by the Central Authority and the monitor."""
    from caseapp.gate.operations import change_policy
    from caseapp.gate.policy import current_policy

    old = current_policy()
    return change_policy(
        admin,
        appeal_period_days=old.appeal_period_days,
        hearing_max_age_days=old.hearing_max_age_days,
        monitoring_schedule_months=old.monitoring_schedule_months,
        bid_time_limit_days=old.bid_time_limit_days,
        central_approval_by_party=True,
        monitoring_by_party=True,
    )
