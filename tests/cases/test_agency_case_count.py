"""``agency_case_count`` is kept by the database's triggers, whatever writes ``case`` (issue 16)."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, update

from caseapp.cases.models import AgencyCaseCount, Case
from caseapp.core.permissions import Role


def _kept(db) -> dict[int, int]:
    rows = db.session.execute(select(AgencyCaseCount.agency_id, AgencyCaseCount.cases))
    return {agency: n for agency, n in rows if n}


def _counted(db) -> dict[int, int]:
    query = select(Case.lead_agency_id, func.count()).group_by(Case.lead_agency_id)
    return dict(db.session.execute(query).all())


def test_opening_moving_and_deleting_cases_keep_the_count(app, db, factory):
    first, second = factory.agency(), factory.agency()
    worker = factory.user(Role.CASEWORKER, agency=first)
    opened = [factory.case(caseworker=worker) for _ in range(3)]  # through the operation
    assert _kept(db)[first.id] == 3 and second.id not in _kept(db)

    # Written past the ORM: a plain insert, a bulk transfer, a delete.
    template = db.session.execute(select(Case.__table__).where(Case.id == opened[0].id)).one()
    row = {k: v for k, v in template._mapping.items() if k != "id"}
    db.session.execute(insert(Case.__table__), [{**row, "number": f"X-{n}"} for n in range(4)])
    db.session.execute(
        update(Case)
        .where(Case.id.in_([opened[1].id, opened[2].id]))
        .values(lead_agency_id=second.id)
    )
    db.session.execute(
        update(Case).where(Case.id == opened[0].id).values(lead_agency_id=first.id)
    )  # no move: no change
    db.session.execute(delete(Case).where(Case.number == "X-0"))
    db.session.commit()

    assert _kept(db) == _counted(db)
    assert _kept(db)[first.id] == 1 + 3 and _kept(db)[second.id] == 2


def test_a_rolled_back_case_is_not_counted(app, db, factory):
    worker = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=worker)
    template = db.session.execute(select(Case.__table__).where(Case.id == case.id)).one()
    row = {k: v for k, v in template._mapping.items() if k != "id"}
    db.session.execute(insert(Case.__table__), [{**row, "number": "X-rolled-back"}])
    assert _kept(db)[worker.agency_id] == 2  # seen inside the transaction
    db.session.rollback()
    assert _kept(db)[worker.agency_id] == 1
    assert _kept(db) == _counted(db)


def test_recount_finds_and_repairs_counts_written_past_the_triggers(app, db, factory, runner):
    worker = factory.user(Role.CASEWORKER)
    factory.case(caseworker=worker)
    factory.case(caseworker=worker)
    assert runner.invoke(args=["cases", "recount", "--check"]).exit_code == 0

    db.session.execute(update(AgencyCaseCount).values(cases=AgencyCaseCount.cases + 5))
    db.session.commit()
    checked = runner.invoke(args=["cases", "recount", "--check"])
    assert checked.exit_code == 1 and "1 agency counts or case copies differ" in checked.output

    repaired = runner.invoke(args=["cases", "recount"])
    assert (
        repaired.exit_code == 0 and "1 agency counts or case copies were wrong" in repaired.output
    )
    db.session.expire_all()
    assert _kept(db) == _counted(db) and _kept(db)[worker.agency_id] == 2
    assert runner.invoke(args=["cases", "recount", "--check"]).exit_code == 0
