"""Several record types loaded in **one** ``UNION ALL`` statement, as ORM objects (issue 16:
a page's records in a fixed number of queries whatever the case holds).

``load_records`` is the entry point; ``Records`` names one record type to load. A statement
kept by ``key`` is built once per process (``_PLANS``) and finds its compiled form without
hashing its cache key (``CompiledOnce``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import bindparam, cast, func, literal_column, null, select, type_coerce, union_all
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import scoped_session
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlalchemy.types import NullType


@dataclass(frozen=True)
class Records:
    """One record type to load: the rows of ``model`` matching ``where``, in ``order``.

    ``only``: the attributes to load (the primary key always is), as ``load_only`` does;
    the others are left unloaded and load on first access. For records read for one or two
    columns: the queue's ~100 audit entries per page were read whole, each diff parsed, to
    learn who wrote them (issue 16)."""

    model: Any  # a mapped class (typed Any: mypy cannot see the mapper of a plain `type`)
    where: Any
    order: tuple = ()
    only: tuple[str, ...] | None = None

    def attributes(self, mapper) -> list:
        """The column attributes of ``mapper`` this family loads."""
        if self.only is None:
            return list(mapper.column_attrs)
        return [
            p
            for p in mapper.column_attrs
            if p.key in self.only or any(c.primary_key for c in p.columns)
        ]


def _slot_key(column) -> tuple:
    """Columns whose values the database returns alike may share a position of the combined
    statement: the same kind of SQL value (SQLAlchemy's type affinity: an enum stored as
    text, a ``Text`` and a ``String`` are all strings; an ``Integer`` and a ``BigInteger``
    integers), aware or naive for times (PostgreSQL would convert a naive time to an aware
    one in a union). A native database enum keeps positions of its own.

    Each family's values are converted by its own columns' types when read (the statement's
    columns are untyped), so an enum and a plain string may share a position. Keyed by the
    type class, the case page's statement was 86 columns wide; by affinity it is 48 (issue
    16: PostgreSQL projects every position of every branch; the queue's statements took
    about 8% less time, the case page's no measurable less: its cost is its 36 branches)."""
    type_ = column.type
    native_enum = (
        getattr(type_, "enum_class", None) if getattr(type_, "native_enum", False) else None
    )
    return (type_._type_affinity, getattr(type_, "timezone", None), native_enum)


def _named(column, order: tuple) -> bool:
    """Whether ``column`` is one of the ``order`` expressions (the id is added only once)."""
    return any(getattr(o, "expression", o).compare(column) for o in order)


class CompiledOnce:
    """A ``compiled_cache`` (SQLAlchemy execution option) for one statement that is built
    once per process and executed again and again: its compiled form is found by the
    identity of the statement's cache key instead of by hashing it.

    SQLAlchemy finds a statement's compiled form in the engine's cache under a key that holds
    the statement's whole cache key, a nested tuple, which Python hashes anew on every
    execution (tuples keep no hash): 40,101 elements and ~140 us for the gate's records, and
    the case page runs three such statements (issue 16: the fixed cost of a page). A
    statement built once keeps its cache key (memoised: the same tuple object every time),
    so the key's parts are compared here by identity (the dialect, that tuple) and by value
    (the small rest). A key not seen before -- another engine's dialect, a cache key made
    afresh -- is a miss: SQLAlchemy compiles and stores it, as on a miss in its own cache;
    a hit can only be the same key. At most ``size`` compiled forms are kept.
    """

    __slots__ = ("entries", "size")

    def __init__(self, size: int = 4) -> None:
        """An empty cache of at most ``size`` compiled forms (one per engine, usually)."""
        self.entries: list[tuple[tuple, Any]] = []
        self.size = size

    def get(self, key: tuple, default: Any = None) -> Any:
        """The form compiled for ``key`` (dialect, cache key, column keys, flags), if kept."""
        for stored, compiled in self.entries:
            if stored[0] is key[0] and stored[1] is key[1] and stored[2:] == key[2:]:
                return compiled
        return default

    def __setitem__(self, key: tuple, compiled: Any) -> None:
        """Keep ``compiled`` for ``key``, forgetting the oldest beyond ``size``."""
        self.entries = [*self.entries[1 - self.size :], (key, compiled)]


@dataclass(frozen=True)
class _Plan:
    """A built ``load_records`` statement and, per family, how its rows become objects."""

    statement: Any
    # per family: (mapper, [(attribute key, position)], primary-key attribute keys)
    layouts: list[tuple[Any, list[tuple[str, int]], list[str]]]
    # per family: the SQL type of each attribute of its layout (for its result processor)
    types: list[list[Any]] = field(default_factory=list)
    # per family: the column attributes it leaves unloaded (``Records.only``)
    unloaded: list[frozenset[str]] = field(default_factory=list)
    # per dialect name: per family, [(attribute key, position + 2, result processor or None)]
    readers: dict[str, list[list[tuple[str, int, Any]]]] = field(default_factory=dict)
    # The statement's compiled forms, found without hashing its cache key (``CompiledOnce``).
    compiled: CompiledOnce = field(default_factory=CompiledOnce)

    def readers_for(self, dialect, cursor) -> list[list[tuple[str, int, Any]]]:
        """How each family reads its own columns of a row: position and the result
        processor of the attribute's type (the statement's columns are untyped, so the
        processors of the other families' NULL positions are not run on every row). The
        cursor's description is read only the first time (psycopg builds it anew, a column
        object per position, on every read)."""
        readers = self.readers.get(dialect.name)
        if readers is None:
            description = getattr(cursor, "description", None)
            coltypes = [d[1] for d in description] if description else []

            def coltype(position: int) -> Any:
                return coltypes[position] if position < len(coltypes) else None

            readers = [
                [
                    (attr, pos + 2, type_._cached_result_processor(dialect, coltype(pos + 2)))
                    for (attr, pos), type_ in zip(layout, types, strict=True)
                ]
                for (_m, layout, _pk), types in zip(self.layouts, self.types, strict=True)
            ]
            self.readers[dialect.name] = readers
        return readers


def _plan(families: Sequence[Records]) -> _Plan:
    slots: list[tuple[tuple, Any]] = []  # (slot key, SQL type) of each position
    layouts: list[tuple[Any, list[tuple[str, int]], list[str]]] = []
    types: list[list[Any]] = []
    unloaded: list[frozenset[str]] = []
    for family in families:
        mapper = sa_inspect(family.model)
        taken: dict[tuple, int] = {}
        layout = []
        attributes = family.attributes(mapper)
        types.append([prop.columns[0].type for prop in attributes])
        unloaded.append(frozenset(p.key for p in mapper.column_attrs) - {p.key for p in attributes})
        for prop in attributes:
            column = prop.columns[0]
            key = _slot_key(column)
            nth = taken.get(key, 0)
            taken[key] = nth + 1
            positions = [i for i, (k, _t) in enumerate(slots) if k == key]
            if nth < len(positions):
                position = positions[nth]
            else:
                position = len(slots)
                slots.append((key, column.type))
            layout.append((prop.key, position))
        primary = [mapper.get_property_by_column(c).key for c in mapper.primary_key]
        layouts.append((mapper, layout, primary))
    branches = []
    for index, (family, (mapper, layout, _pk)) in enumerate(zip(families, layouts, strict=True)):
        by_position = {pos: getattr(family.model, attr) for attr, pos in layout}
        order = [*family.order, *(c for c in mapper.primary_key if not _named(c, family.order))]
        columns = [
            by_position[pos] if pos in by_position else cast(null(), type_)
            for pos, (_key, type_) in enumerate(slots)
        ]
        branches.append(
            select(
                literal_column(str(index)).label("family"),
                func.row_number().over(order_by=order).label("nth"),
                # Untyped in the result: each family's own columns are processed when read.
                *[type_coerce(c, NullType()).label(f"c{pos}") for pos, c in enumerate(columns)],
            ).where(family.where)
        )
    # No ORDER BY: the rows are put in (family, nth) order after fetching (``load_records``).
    # The database's sort of the combined rows, each as wide as the widest family, was 40% of
    # the statement's time on SQLite (the queue's ~400 rows: 1.5 ms of 3.7; issue 16).
    return _Plan(union_all(*branches), layouts, types, unloaded)


def _loaded(session, mapper, identity, values: dict[str, Any], unloaded: frozenset[str]) -> Any:
    """A persistent, clean object of ``session`` with the column ``values``, made as the
    ORM's own loading makes one from a row (``sqlalchemy.orm.loading._instance``: state key,
    session id, identity map, the values in the instance dict; relationships unloaded, so
    they lazy-load). ``make_transient_to_detached`` and ``session.add`` did the same through
    the save-update cascade walk and the attach events, ~40% of loading the queue's ~280
    objects (issue 16); no load or attach event is listened to in the app. The ``unloaded``
    columns are marked expired: they load on first access (``Records.only``)."""
    obj = mapper.class_manager.new_instance()
    state = instance_state(obj)
    state.key = identity
    state.identity_token = identity[2]
    state.session_id = session.hash_key
    session.identity_map._add_unpresent(state, identity)
    state.dict.update(values)
    if unloaded:
        state.expired_attributes.update(unloaded)
    return obj


_FAMILY_AND_NTH = itemgetter(0, 1)

# The case ids of a statement built once and reused (``load_records(..., key=...)``).
CASE_IDS: Any = bindparam("case_ids", expanding=True)

# Plans of ``load_records(..., key=...)``, built once per process: building the statement
# (a hundred columns in each of forty branches) and its cache key cost more than running it.
_PLANS: dict[Hashable, _Plan] = {}


def load_records(
    session,
    families: Sequence[Records] | Callable[[], Sequence[Records]],
    params: dict[str, Any] | None = None,
    *,
    key: Hashable | None = None,
) -> list[list]:
    """Load several record types in **one** ``UNION ALL`` statement, as ORM objects.

    Each family becomes one branch of the union: its columns are packed into positions shared
    by columns of the same type (so the statement is as wide as the widest record type, not
    as all of them together), the other positions are typed NULLs, and a ``ROW_NUMBER()``
    over the family's order keeps each family's order. The rows are turned into persistent
    objects of the session exactly as a query would give them: an object already in the
    session is reused (its expired attributes filled in), any other is added as loaded and
    clean. Relationships are not loaded (they lazy-load as usual, or are set by the caller).

    With ``key`` (naming the shape of the families), ``families`` is a function that builds
    them with ``bindparam``s for whatever varies between calls (the case ids), and
    ``params`` gives their values: the statement is built once per process and the same
    object reused, so SQLAlchemy finds its compiled form without building or hashing it
    again (issue 16: it was most of the case page's time).

    Returns one list per family, in the order given. Works on SQLite and PostgreSQL.
    """
    if key is not None:
        plan = _PLANS.get(key)
        if plan is None:
            built = families() if callable(families) else families
            plan = _PLANS[key] = _plan(built) if built else _Plan(None, [])
    else:
        built = families() if callable(families) else families
        plan = _plan(built) if built else _Plan(None, [])
    if plan.statement is None:
        return []
    results: list[list] = [[] for _ in plan.layouts]
    session = session() if isinstance(session, scoped_session) else session  # the real one
    identity_map = session.identity_map
    # A plan kept by ``key`` is the same statement every time: its compiled form is found by
    # identity (``CompiledOnce``); one built for this call goes through the engine's cache.
    options = {"compiled_cache": plan.compiled} if key is not None else {}
    result = session.execute(plan.statement, params or {}, execution_options=options)
    readers = plan.readers_for(session.get_bind().dialect, getattr(result, "cursor", None))
    # All rows at once (the driver's fetchall in C), not one fetchone call each: the queue
    # reads ~400 rows, and iterating the result asked psycopg for them one by one. Then in
    # each family's order: by family and the family's row number (``_plan``).
    rows = result.all()
    rows.sort(key=_FAMILY_AND_NTH)
    unloaded = plan.unloaded
    for row in rows:
        index = row[0]
        mapper, _layout, primary = plan.layouts[index]
        values = {}
        for attr, pos, process in readers[index]:
            value = row[pos]
            # (NULL reads as None through every type of the app: no processor is needed)
            values[attr] = value if process is None or value is None else process(value)
        identity = mapper.identity_key_from_primary_key([values[k] for k in primary])
        obj = identity_map.get(identity)
        if obj is None:
            obj = _loaded(session, mapper, identity, values, unloaded[index])
        else:
            state = sa_inspect(obj)
            for attr in state.expired_attributes & values.keys():
                set_committed_value(obj, attr, values[attr])
        results[index].append(obj)
    return results
