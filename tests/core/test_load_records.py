"""``caseapp.core.records.load_records``: several record types in one statement, as the ORM gives
them one query each (issue 16: a page's records in a fixed number of queries)."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.alerts.data import load_case_records
from caseapp.cases.models import Case
from caseapp.children.models import Child, ChildName, FamilyMember, Relation
from caseapp.core.records import Records, load_records
from caseapp.gate.data import gate_data_from, gate_records
from tests.support.statements import statements


def _count_statements(db, fn):
    with statements() as seen:
        result = fn()
    return result, len(seen)


def _plain(model, where, order):
    from caseapp.core.extensions import db

    return db.session.scalars(select(model).where(where).order_by(*order, model.id)).all()


def test_one_statement_gives_what_one_query_per_type_gives(app, db, demo_loaded):
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    ids = [c.id for c in cases]
    families = gate_records(ids)
    expected = {
        name: [(type(r), r.id) for r in _plain(f.model, f.where, f.order)]
        for name, f in families.items()
    }
    expected_values = {
        name: [
            {p.key: getattr(r, p.key) for p in r.__mapper__.column_attrs}
            for r in _plain(f.model, f.where, f.order)
        ]
        for name, f in families.items()
    }
    db.session.expunge_all()  # nothing in the identity map: every object built from the row

    lists, statements = _count_statements(
        db, lambda: load_records(db.session, list(families.values()))
    )

    assert statements == 1
    got = dict(zip(families, lists, strict=True))
    assert {n: [(type(r), r.id) for r in rows] for n, rows in got.items()} == expected
    # Values read back with their types (dates, enums, booleans, JSON, aware datetimes).
    values = {
        name: [{p.key: getattr(r, p.key) for p in r.__mapper__.column_attrs} for r in rows]
        for name, rows in got.items()
    }
    assert values == expected_values
    assert sum(len(rows) for rows in got.values()) > 100  # the demo has records of each kind
    # Persistent and clean: nothing to flush, nothing loaded again on access.
    assert not db.session.dirty and not db.session.new
    _, again = _count_statements(db, lambda: [r.id for rows in got.values() for r in rows])
    assert again == 0


def test_objects_already_loaded_are_reused_and_expired_ones_filled(app, db, demo_loaded):
    case = db.session.scalars(select(Case).order_by(Case.id)).first()
    member = FamilyMember(case_id=case.id, name="Ana Rusu", relation=Relation.MOTHER)
    db.session.add(member)
    db.session.flush()
    member_id = member.id
    db.session.commit()  # expires ``member``
    [[found]], statements = _count_statements(
        db,
        lambda: load_records(db.session, [Records(FamilyMember, FamilyMember.id == member_id)]),
    )
    assert found is member and statements == 1
    _, after = _count_statements(db, lambda: member.name)
    assert after == 0 and member.name == "Ana Rusu"


def test_case_page_records_in_two_statements_whatever_the_case_holds(app, db, demo_loaded):
    for case in db.session.scalars(select(Case).order_by(Case.id)).all()[:10]:
        db.session.expunge_all()
        case = db.session.get(Case, case.id)
        records, statements = _count_statements(db, lambda c=case: load_case_records(c))
        assert statements == 2  # the records, then the users and agencies they name
        # Children and names come with it: the page reads them without another query.
        _, reads = _count_statements(
            db,
            lambda c=case: (
                [n.given_name for n in c.child.names] + [m.name for m in c.family_members]
            ),
        )
        assert reads == 0
        # The same gate data as loading each case alone by type.
        expected = gate_data_from([case], _loaded_each(gate_records([case.id])))[case.id]
        assert _summary(records.gate) == _summary(expected)


def _loaded_each(families):
    return {name: _plain(f.model, f.where, f.order) for name, f in families.items()}


def _summary(data) -> dict:
    out = {}
    for name, value in vars(data).items():
        if isinstance(value, list):
            out[name] = [getattr(v, "id", v) for v in value]
        elif isinstance(value, dict):
            out[name] = sorted(map(str, value))
        else:
            out[name] = getattr(value, "id", value)
    return out


def test_an_empty_family_is_an_empty_list(app, db, demo_loaded):
    lists = load_records(
        db.session,
        [Records(Child, Child.id < 0), Records(ChildName, ChildName.id > 0, (ChildName.id,))],
    )
    assert lists[0] == [] and len(lists[1]) > 0


def test_a_keyed_statement_is_built_once_and_gives_what_a_fresh_one_gives(app, db, demo_loaded):
    from caseapp.core import records as core_records
    from caseapp.core.records import CASE_IDS

    ids = db.session.scalars(select(Case.id).order_by(Case.id)).all()
    built: list[int] = []

    def families():
        built.append(1)
        return list(gate_records(CASE_IDS).values())

    core_records._PLANS.pop("test_keyed", None)
    for chosen in (ids[:3], ids[3:9]):
        fresh = load_records(db.session, list(gate_records(chosen).values()))
        db.session.expunge_all()
        keyed = load_records(db.session, families, {"case_ids": chosen}, key="test_keyed")
        assert [[(type(r), r.id) for r in rows] for rows in keyed] == [
            [(type(r), r.id) for r in rows] for rows in fresh
        ]
        assert any(keyed)
    assert len(built) == 1  # the second call reused the statement built by the first
    plan = core_records._PLANS["test_keyed"]
    load_records(db.session, families, {"case_ids": ids[:1]}, key="test_keyed")
    assert core_records._PLANS["test_keyed"] is plan


def test_a_keyed_statement_is_compiled_once_and_found_without_the_engines_cache(
    app, db, demo_loaded
):
    """The second execution of a kept plan finds its compiled form in the plan's own cache
    (``CompiledOnce``), a hit without a look-up in the engine's cache."""
    from sqlalchemy import event

    from caseapp.core import records as core_records
    from caseapp.core.records import CASE_IDS

    ids = db.session.scalars(select(Case.id).order_by(Case.id)).all()
    core_records._PLANS.pop("test_compiled", None)
    engine = db.engine
    hits: list = []

    def seen(conn, cursor, statement, params, context, executemany):
        if "row_number()" in statement:
            hits.append(context.cache_hit)

    event.listen(engine, "after_cursor_execute", seen)
    try:
        for chosen in (ids[:2], ids[2:5], ids[:1]):
            load_records(
                db.session,
                lambda: list(gate_records(CASE_IDS).values()),
                {"case_ids": chosen},
                key="test_compiled",
            )
    finally:
        event.remove(engine, "after_cursor_execute", seen)
    dialect = engine.dialect
    assert hits == [dialect.CACHE_MISS, dialect.CACHE_HIT, dialect.CACHE_HIT]
    plan = core_records._PLANS["test_compiled"]
    assert len(plan.compiled.entries) == 1
    assert plan.compiled.entries[0][0][0] is dialect


def test_compiled_once_finds_only_the_same_key():
    from caseapp.core.records import CompiledOnce

    cache = CompiledOnce(size=2)
    dialect, other_dialect = object(), object()
    key = ("SELECT", ("a", ("b",)))
    cache[(dialect, key, ("x",), False, False)] = "compiled"
    assert cache.get((dialect, key, ("x",), False, False)) == "compiled"
    # An equal key made afresh is not looked at: a miss, compiled again (never a wrong hit).
    fresh = tuple(["SELECT", ("a", ("b",))])
    assert fresh == key and fresh is not key
    assert cache.get((dialect, fresh, ("x",), False, False)) is None
    assert cache.get((other_dialect, key, ("x",), False, False)) is None
    assert cache.get((dialect, key, ("y",), False, False)) is None
    assert cache.get((dialect, key, ("x",), False, True), "none") == "none"
    cache[(other_dialect, key, ("x",), False, False)] = "other"
    cache[(dialect, key, ("y",), False, False)] = "third"  # the oldest is forgotten
    assert cache.get((dialect, key, ("x",), False, False)) is None
    assert cache.get((other_dialect, key, ("x",), False, False)) == "other"
    assert cache.get((dialect, key, ("y",), False, False)) == "third"


def test_objects_behave_as_loaded_ones(app, db, demo_loaded):
    """Attached as the ORM's loading attaches them (``core.db._loaded``): in the identity
    map, relationships lazy-load, a change is flushed as an UPDATE, and the JSON/enum/date
    columns read back through their types."""
    name = db.session.scalars(select(ChildName).order_by(ChildName.id)).first()
    name_id, child_id = name.id, name.child_id
    db.session.expunge_all()
    [[loaded]] = load_records(db.session, [Records(ChildName, ChildName.id == name_id)])
    assert db.session.get(ChildName, name_id) is loaded
    assert loaded in db.session and not db.session.is_modified(loaded)
    assert loaded.child.id == child_id  # lazy load of a relationship
    loaded.given_name = "Changed"
    assert loaded in db.session.dirty
    _, statements = _count_statements(db, db.session.flush)
    assert statements == 1  # the UPDATE
    db.session.expire_all()
    assert db.session.get(ChildName, name_id).given_name == "Changed"


def test_positions_are_shared_by_kind_of_value():
    """The combined statement is as narrow as the kinds of value allow: an enum stored as
    text shares a position with a text column, a big integer with an integer; an aware time
    never shares one with a naive time (PostgreSQL would convert the naive one in the union),
    nor a native database enum with text."""
    import enum

    import sqlalchemy as sa

    from caseapp.core.db import UTCDateTime
    from caseapp.core.records import _slot_key

    class Colour(enum.Enum):
        RED = "red"

    def key(type_):
        return _slot_key(sa.Column("c", type_))

    text = key(sa.String(20))
    assert key(sa.Text()) == text
    assert key(sa.Enum(Colour, native_enum=False)) == text
    assert key(sa.Enum(Colour, native_enum=True)) != text
    assert key(sa.BigInteger()) == key(sa.Integer())
    assert key(UTCDateTime()) == key(sa.DateTime(timezone=True))
    assert key(sa.DateTime(timezone=False)) != key(sa.DateTime(timezone=True))
    assert len({text, key(sa.Integer()), key(sa.Boolean()), key(sa.Date()), key(sa.JSON())}) == 5


def test_case_page_statement_is_as_wide_as_its_kinds_need(app, db):
    """The gate's families packed: per kind of value, as many positions as the family with
    the most columns of that kind, and no more."""
    from collections import Counter

    from caseapp.core.records import _plan, _slot_key

    families = list(gate_records([1]).values())
    widest: Counter = Counter()
    for family in families:
        kinds = Counter(_slot_key(p.columns[0]) for p in family.model.__mapper__.column_attrs)
        for kind, n in kinds.items():
            widest[kind] = max(widest[kind], n)
    plan = _plan(families)
    assert len(plan.statement.selected_columns) == 2 + sum(widest.values())


def test_only_the_named_attributes_are_loaded_the_others_on_access(app, db, demo_loaded):
    """``Records(only=...)``: the named columns and the primary key come with the statement;
    the others are unloaded (not expired values, not None) and load on first access, as with
    ``load_only`` (the gate reads only who wrote its preparation entries; issue 16)."""
    member = db.session.scalars(select(FamilyMember).order_by(FamilyMember.id)).first()
    member_id, case_id, name = member.id, member.case_id, member.name
    db.session.expunge_all()
    [[loaded]], statements = _count_statements(
        db,
        lambda: load_records(
            db.session,
            [Records(FamilyMember, FamilyMember.id == member_id, only=("case_id",))],
        ),
    )
    assert statements == 1
    assert set(loaded.__dict__) >= {"id", "case_id"} and "name" not in loaded.__dict__
    assert loaded.case_id == case_id
    _, on_access = _count_statements(db, lambda: loaded.name)
    assert on_access == 1 and loaded.name == name
    assert not db.session.is_modified(loaded)


def test_the_gate_reads_its_preparation_entries_without_their_diffs(app, db, demo_loaded):
    from caseapp.audit.models import AuditEntry
    from caseapp.cases.models import Stage
    from caseapp.gate.data import load_gate_data

    case = db.session.scalars(
        select(Case).where(Case.stage == Stage.RETURN_PREPARATION).order_by(Case.id)
    ).first()
    db.session.expunge_all()
    data = load_gate_data(db.session.get(Case, case.id))
    assert data.preparation, "the demo's return in preparation has preparation entries"
    assert all(type(e) is AuditEntry and "diff" not in e.__dict__ for e in data.preparation)
    expected = db.session.scalars(
        select(AuditEntry.actor_id).where(AuditEntry.seq.in_([e.seq for e in data.preparation]))
    ).all()
    assert data.preparers == frozenset(a for a in expected if a is not None)
