"""Finding cases: the user's scope, the list filters, and eager loading for list pages.

List pages load every row's child, names and caseworker up front (no lazy load per row), so
the number of queries for a page does not grow with the number of cases shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, false, func, intersect, or_, select, true
from sqlalchemy.orm import joinedload

from caseapp.cases.list_rows import list_rows
from caseapp.cases.models import AgencyCaseCount, Case, Stage
from caseapp.cases.number_index import number_condition
from caseapp.children.models import Child
from caseapp.core.extensions import db
from caseapp.core.permissions import Role


def visible_cases(user) -> Select:
    """A query of the cases ``user`` may see (the list-level twin of ``Case.can_view``)."""
    return case_scope(user)[0]


def case_scope(user) -> tuple[Select, Select]:
    """The cases ``user`` may see, and the statement of how many they are: read from the
    counts the database keeps per agency (``AgencyCaseCount``, exact in every transaction)
    rather than by counting the cases (issue 16)."""
    counted = select(func.coalesce(func.sum(AgencyCaseCount.cases), 0))
    if user.role is Role.OMBUDSPERSON:
        return select(Case), counted
    if user.role in (Role.CASEWORKER, Role.SUPERVISOR):
        mine = AgencyCaseCount.agency_id == user.agency_id
        return agency_cases(user.agency_id), counted.where(mine)
    return select(Case).where(false()), counted.where(false())


def agency_cases(agency_id: int | None) -> Select:
    """The cases one agency leads: what its caseworkers and supervisors see."""
    return select(Case).where(Case.lead_agency_id == agency_id)


def with_list_rows(query: Select) -> Select:
    """Eager-load what a case list row shows: child, names, caseworker, lead agency."""
    return query.options(
        joinedload(Case.child).selectinload(Child.names),
        joinedload(Case.caseworker),
        joinedload(Case.lead_agency),
    )


@dataclass
class CaseFilters:
    """The filters of the case list; ``None`` / ``False`` means "any"."""

    stage: Stage | None = None
    caseworker_id: int | None = None
    country_of_origin: str | None = None
    unaccompanied: bool = False
    trafficking: bool = False
    presumed_minor: bool = False
    charged: bool = False
    name: str = ""  # a name or alias in any script, or a case number (whole or any part)
    date_of_birth: date | None = None

    @property
    def empty(self) -> bool:
        """Whether no filter is set (the list is every case the user may see)."""
        return self == CaseFilters()


def filtered(query: Select, filters: CaseFilters, *, today: date) -> Select:
    """Apply ``filters`` to a case query."""

    if filters.stage is not None:
        query = query.where(Case.stage == filters.stage)
    if filters.caseworker_id is not None:
        query = query.where(Case.caseworker_id == filters.caseworker_id)
    # The database's copies of the child's facts on the case (``Case.child_country`` ...): an
    # agency's cases of one country are one range of ``ix_case_agency_country``, so counting
    # up to 1,001 reads 1,001 entries, not the agency's cases joined to their children until
    # 1,001 match (issue 16). ``== true()``, not ``IS true``: an index serves equality.
    if filters.country_of_origin:
        query = query.where(Case.child_country == filters.country_of_origin)
    if filters.trafficking:
        query = query.where(Case.child_trafficking == true())
    if filters.charged:
        query = query.where(Case.child_charged == true())
    if filters.unaccompanied:
        query = query.where(Case.child_unaccompanied == true())
    if filters.presumed_minor:
        # The day each child stops being presumed a minor, kept on the case: the rule of
        # ``Child.presumed_minor_until`` (``age_sql.presumed_minor_on`` reads the child).
        query = query.where(Case.child_presumed_minor_until > today)
    if filters.date_of_birth:
        # A join on the child's unique case_id, not IN (SELECT ...): the database may then
        # stop after a page, instead of first collecting the ids of every matching child.
        query = query.join(Child, Child.case_id == Case.id).where(
            Child.date_of_birth == filters.date_of_birth
        )
    if filters.name:
        query = query.where(name_or_number_condition(filters.name))
    return query


# The case list counts matches up to this many (and then says "more than"): counting every
# one of 50,000 cases at each request would make the list grow with the register.
COUNT_CAP = 1000


@dataclass
class CasePage:
    """One page of the case list (newest first), with what the pager shows."""

    items: list = field(default_factory=list)
    page: int = 1
    per_page: int = 25
    total: int = 0
    # True when there are more than COUNT_CAP matches (``total`` is then COUNT_CAP + 1).
    capped: bool = False

    @property
    def pages(self) -> int:
        """Number of pages (of the counted matches, when ``capped``)."""
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        """Whether there is a page before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        if self.capped:
            return len(self.items) == self.per_page
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        """The previous page's number."""
        return self.page - 1

    @property
    def next_num(self) -> int:
        """The next page's number."""
        return self.page + 1

    @property
    def first_id(self) -> int | None:
        """Id of the first case shown (the keyset cursor of "previous")."""
        return self.items[0].id if self.items else None

    @property
    def last_id(self) -> int | None:
        """Id of the last case shown (the keyset cursor of "next")."""
        return self.items[-1].id if self.items else None


def case_page(
    query: Select,
    *,
    page: int,
    per_page: int,
    cursor: tuple[int | None, int | None, int | None] = (None, None, None),
    one_pass: bool = False,
    counted: Select | None = None,
) -> CasePage:
    """Page ``page`` of the cases of ``query`` (a ``select(Case)``), newest first.

    Three statements whatever the page: the count (up to ``COUNT_CAP``), the page's rows
    chosen by an inner ``SELECT id`` on the index (child and caseworker joined only for those
    rows), and their names; the rows are plain values (``caseapp.cases.list_rows``). When
    ``cursor`` (the shown page's number, first and last id) says the user moves one page on
    or back, the inner select continues from that id (keyset) instead of skipping rows with
    OFFSET.

    With ``one_pass`` (a name search: its matches are found by index ranges that cost the
    same whether one row or all of them is wanted), the newest ``COUNT_CAP + 1`` matching ids
    are read once and both the count and the page are taken from them, instead of running
    the search a second time for the page (issue 16). A page beyond them is chosen as above.

    ``counted`` (the statement of the exact number of ``query``'s cases, when the database
    keeps it: ``case_scope``, for a list without filters) replaces the capped count: the list
    then shows the number, and a numbered page in the older half is read from the oldest end
    (``page_ids``), so page 2,760 of 69,228 cases steps over 228 index entries, not 68,975.
    """
    window: list[int] | None = None
    exact = counted is not None
    if counted is not None:
        total = db.session.scalar(counted) or 0
    elif one_pass:
        newest = query.with_only_columns(Case.id).order_by(Case.id.desc()).limit(COUNT_CAP + 1)
        window = list(db.session.scalars(newest))
        total = len(window)
    else:
        first_ids = query.with_only_columns(Case.id).limit(COUNT_CAP + 1).subquery()
        total = db.session.scalar(select(func.count()).select_from(first_ids)) or 0
    result = CasePage(
        page=page, per_page=per_page, total=total, capped=not exact and total > COUNT_CAP
    )
    page = max(page, 1) if result.capped else min(max(page, 1), result.pages)
    result.page = page
    shown = window_page(window, page, per_page, cursor, complete=not result.capped)
    known = total if exact else None
    ids = shown if shown is not None else page_ids(query, page, per_page, cursor, total=known)
    result.items = list_rows(ids)
    return result


def page_ids(
    query: Select, page: int, per_page: int, cursor: tuple, total: int | None = None
) -> Any:
    """The inner ``SELECT id`` of the page: keyset from the cursor, else OFFSET, counted from
    the oldest case when the exact ``total`` is known and the page is in the older half (the
    rows are put newest first by ``list_rows``)."""
    shown, first, last = cursor
    ids = query.with_only_columns(Case.id)
    offset = (page - 1) * per_page
    if shown is not None and page == shown + 1 and last is not None:
        ids = ids.where(Case.id < last).order_by(Case.id.desc()).limit(per_page)
    elif shown is not None and page == shown - 1 and first is not None:
        ids = ids.where(Case.id > first).order_by(Case.id.asc()).limit(per_page)
    elif total is not None and offset > total // 2:
        older = total - offset - per_page  # cases older than the page's oldest
        ids = ids.order_by(Case.id.asc()).limit(per_page + min(older, 0)).offset(max(older, 0))
    else:
        ids = ids.order_by(Case.id.desc()).limit(per_page).offset(offset)
    return ids.scalar_subquery()


def window_page(
    window: list[int] | None, page: int, per_page: int, cursor: tuple, *, complete: bool
) -> list[int] | None:
    """The ids ``page_ids`` would choose, taken from ``window`` (the newest matching ids, in
    descending order: all of them when ``complete``), or None when the window cannot tell
    (a page past its end when there are more matches than it holds)."""
    if window is None:
        return None
    shown, first, last = cursor
    newer = len(window)  # how many ids of the window are newer than the cursor
    if shown is not None and page == shown + 1 and last is not None:
        start = next((i for i, case_id in enumerate(window) if case_id < last), newer)
        end = start + per_page
    elif shown is not None and page == shown - 1 and first is not None:
        end = next((i for i, case_id in enumerate(window) if case_id <= first), newer)
        if end == len(window) and not complete:
            return None  # every id of the window is newer: older ones may be too
        start = max(0, end - per_page)
    else:
        start = (page - 1) * per_page
        end = start + per_page
    if end > len(window) and not complete:
        return None
    return window[start:end]


def _prefix(column, token: str):
    """``column`` starts with ``token`` as an index range (tokens are ``[a-z]`` only, and
    compare byte-wise on both databases), not ``LIKE``, which PostgreSQL's default collation
    cannot serve from an index."""
    upper = token[:-1] + chr(ord(token[-1]) + 1)
    return and_(column >= token, column < upper)


@cache
def _token_alias(position: int) -> Any:
    """``child_name_token`` under a name of its own for the ``position``-th token's range:
    built once per process and position, not per search (an alias costs ~0.4 ms of Python
    to build; a two-word search built two per request: issue 16)."""
    from caseapp.children.models import ChildNameToken

    return ChildNameToken.__table__.alias(f"name_token_{position}")


def cases_named(tokens: list[str]) -> Select:
    """``SELECT case_id`` of the cases with a name of which every token begins a word
    (folded tokens, ``caseapp.children.names.query_tokens``): index ranges on
    ``child_name_token``, one per token, intersected on the name."""
    from caseapp.children.models import ChildNameToken as T

    # Every token's range is read in index order (covering: token, name_id, case_id) and the
    # names found in all of them kept (INTERSECT); the cases are then taken from those names.
    # Probing each name of one token for the others on the primary key read the index at
    # random: 4,562 probes for "karimov" (or 7,122 for "timur") against 167 names in both at
    # 100,000 cases; this is ~2 ms on SQLite, the probes 3-8 ms (issue 16).
    first, *rest = tokens
    query = select(T.case_id).where(_prefix(T.token, first))
    if rest:
        ranges = [
            select(alias.c.name_id).where(_prefix(alias.c.token, token))
            for alias, token in ((_token_alias(i), t) for i, t in enumerate(tokens))
        ]
        query = query.where(T.name_id.in_(intersect(*ranges)))
    return query


def name_or_number_condition(text: str):
    """Cases whose number holds ``text`` (whole or any part: "000007" finds MD-2026-000007,
    in any letter case) or whose child has a name or alias matching it in any script.

    A text without a digit cannot be part of a number and searches names only; a text
    without a letter searches numbers only (names fold to letters).
    """
    from caseapp.cases.operations import name_match_condition

    text = text.strip()
    conditions = []
    if any(ch.isdigit() for ch in text):
        conditions.append(number_condition(text.upper()))  # from the index (issue 16)
    name_condition = name_match_condition(text)
    if name_condition is not None:
        conditions.append(name_condition)
    if not conditions:
        return false()
    return or_(*conditions)
