"""The ``cases`` command group's gate commands: list cases, print the return gate, approve a
return.

``flask --app caseapp cases gate MD-2026-000001`` exits 0 when every safeguard is met, 1
otherwise, 2 for an unknown case (DESIGN.md section 4).
"""

from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from caseapp.cases.cli import cli as cases_cli
from caseapp.cases.models import Case, Stage
from caseapp.core import clock
from caseapp.core.errors import DomainError
from caseapp.core.extensions import db

# The ``cases`` group is the cases package's (``caseapp.cases.cli``, registered from there);
# the gate adds its commands to it.
cli = cases_cli
gate_cli = AppGroup("gate", help="The return gate's hold on approved returns (issue 9).")
commands = [gate_cli]


def _case_or_exit(number: str) -> Case:
    case = db.session.scalar(select(Case).where(Case.number == number))
    if case is None:
        click.echo(f"unknown case {number}", err=True)
        sys.exit(2)
    return case


@cli.command("list")
@click.option("--stage", type=click.Choice([s.value for s in Stage]), help="Only this stage.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_cases(stage: str | None, as_json: bool) -> None:
    """List case numbers with their stage (no personal data)."""
    query = select(Case.number, Case.stage).order_by(Case.number)
    if stage:
        query = query.where(Case.stage == Stage(stage))
    rows = db.session.execute(query).all()
    if as_json:
        click.echo(json.dumps([{"number": n, "stage": s.value} for n, s in rows]))
        return
    for number, st in rows:
        click.echo(f"{number}\t{st.value}")


@cli.command("gate")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as JSON.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Evaluate on this day.")
def gate(number: str, as_json: bool, today) -> None:
    """Evaluate the return gate S1-S19 for a case; exit 0 when all are met, else 1."""
    from caseapp.gate.evaluation import evaluate_return_gate
    from caseapp.gate.policy import current_policy

    case = _case_or_exit(number)
    day = clock.today()
    result = evaluate_return_gate(case, today=day, policy=current_policy())
    if as_json:
        click.echo(json.dumps({"case": case.number, **result.to_dict()}, ensure_ascii=False))
    else:
        for s in result.safeguards:
            mark = "met" if s.met else "UNMET"
            click.echo(f"{s.id}\t{mark}\t{s.reason}\t[{s.source}]")
            for e in s.evidence:
                click.echo(f"\t\t{e.text}")
        click.echo(f"policy version {result.policy_version}; unmet: {len(result.unmet)}")
    sys.exit(0 if result.all_met else 1)


@cli.command("approve")
@click.argument("number")
@click.option("--actor", "email", required=True, help="E-mail of the approving supervisor.")
@click.option("--version", "version", type=int, required=True, help="Case version seen.")
def approve(number: str, email: str, version: int) -> None:
    """Approve a return through the gate (refusals are audited as gate:refuse)."""
    from caseapp.auth.models import User
    from caseapp.core.cli import transaction
    from caseapp.gate.operations import approve_return

    case = _case_or_exit(number)
    actor = db.session.scalar(select(User).where(User.email == email))
    if actor is None:
        click.echo(f"unknown user {email}", err=True)
        sys.exit(2)
    try:
        with transaction():  # a gate refusal is audited (gate:refuse) after the rollback
            approve_return(actor, case, expected_version=version)
    except DomainError as err:
        click.echo(err.message, err=True)
        sys.exit(1)
    click.echo(f"{case.number} return approved")


@gate_cli.command("recheck")
def recheck() -> None:
    """Re-evaluate every approved return; withdraw those no longer met (run it daily, just
    after midnight in the instance's zone, ``CASEAPP_TIMEZONE``: verdicts change with the day).

    Time alone changes a verdict: the 18th birthday, validity windows, the appeal clock
    (issue 9, principles 5 and 6). Each withdrawal is audited (``return:approval:withdraw``,
    by the system) and the case goes back to return preparation with an alert. Prints one
    line per case (number, unmet safeguards; no personal data); exits 0.
    """
    from caseapp.core.cli import transaction
    from caseapp.gate.hold import approved_cases, recheck_all

    day = clock.today()
    checked = len(approved_cases())
    with transaction():  # every withdrawal with its audit entries, or none
        withdrawn = recheck_all(None, today=day)
    for case, unmet in withdrawn:
        click.echo(f"{case.number}\twithdrawn\t{', '.join(unmet)}")
    click.echo(
        f"{checked} approved returns checked on {day.isoformat()}; {len(withdrawn)} withdrawn"
    )
