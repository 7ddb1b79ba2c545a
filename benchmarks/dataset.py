"""A realistic database of N cases, built fast: the demo once, then cloned in bulk.

``build(url, n)`` loads the demo through the real operations (``load_demo``: 28 cases at every
stage of the lifecycle, their records and audit trail, names in Latin and Cyrillic), then
**bypasses the operations for speed**: every row of every table that hangs off ``case``
(found from the models' foreign keys, so a table added later is cloned too) is copied with
SQLAlchemy Core ``executemany`` until there are N cases. The copies have exactly the shapes
the operations produced (the same columns, values, stages and record combinations), with:

- fresh ids (``id + k * stride`` per table) and every foreign key to a cloned table remapped;
- fresh case numbers (``MD-2026-000123``) and the number counters moved past them;
- new names for each child and family member, drawn from lists of Latin and Cyrillic names in
  the script of the template name, with their search keys computed by ``search_key``
  (``caseapp.children.names``), as ``add_name`` does;
- opening dates spread over two years for cases still before a decision (so the time limit for a
  determination is passed by some, as in a real register), and the decisions' dates and appeal
  deadlines over the two years before the demo's;
- the template cases' audit entries copied for every clone (case and object ids remapped) and
  chained after the demo's entries with the very sealing and hash functions ``record()`` uses,
  so ``flask audit verify`` accepts the chain.

Used by ``benchmarks/pages.py`` and by the query-budget test (``tests/core/test_query_budget.py``).
"""

from __future__ import annotations

import random
import re
import secrets
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

# Tables never cloned: the audit trail is re-chained separately; the rest is not case data.
NOT_CLONED = {
    "audit_entry",
    "audit_chain_head",
    "audit_export",
    "user_session",
    "login_attempt",
    "recovery_code",
    "alembic_version",
    "child_name_token",  # derived from the cloned names' new keys (``_fix_child_name``)
}
BATCH_COPIES = 40
PRE_DECISION = {"identified", "registered", "assessment", "determination"}

# (Latin, Cyrillic) pairs, as the caseworkers of the region write them.
FAMILY_NAMES = [
    ("Ivanov", "Иванов"),
    ("Petrov", "Петров"),
    ("Karimov", "Каримов"),
    ("Ceban", "Чебан"),
    ("Rusu", "Русу"),
    ("Shevchenko", "Шевченко"),
    ("Bondarenko", "Бондаренко"),
    ("Kovalenko", "Коваленко"),
    ("Tkachenko", "Ткаченко"),
    ("Abdullaev", "Абдуллаев"),
    ("Toktogulov", "Токтогулов"),
    ("Asanov", "Асанов"),
    ("Osmonov", "Осмонов"),
    ("Smirnov", "Смирнов"),
    ("Kuznetsov", "Кузнецов"),
    ("Popov", "Попов"),
    ("Sokolov", "Соколов"),
    ("Lebedev", "Лебедев"),
    ("Kozlov", "Козлов"),
    ("Novikov", "Новиков"),
    ("Morozov", "Морозов"),
    ("Volkov", "Волков"),
    ("Vasiliev", "Васильев"),
    ("Zaitsev", "Зайцев"),
    ("Pavlov", "Павлов"),
    ("Semenov", "Семёнов"),
    ("Melnyk", "Мельник"),
    ("Kravchenko", "Кравченко"),
    ("Oliinyk", "Олийнык"),
    ("Lysenko", "Лысенко"),
    ("Boiko", "Бойко"),
    ("Sadykov", "Садыков"),
    ("Mamatov", "Маматов"),
    ("Usenov", "Усенов"),
    ("Zhumabaev", "Жумабаев"),
    ("Botnaru", "Ботнару"),
    ("Lungu", "Лунгу"),
    ("Munteanu", "Мунтяну"),
    ("Cojocaru", "Кожокару"),
    ("Ciobanu", "Чобану"),
    ("Rahimov", "Рахимов"),
    ("Nazarov", "Назаров"),
    ("Yusupov", "Юсупов"),
    ("Tsoi", "Цой"),
    ("Khodjaev", "Ходжаев"),
    ("Grigoriev", "Григорьев"),
]
GIVEN_NAMES = [
    ("Ivan", "Иван"),
    ("Maria", "Мария"),
    ("Aibek", "Айбек"),
    ("Aigerim", "Айгерим"),
    ("Andrei", "Андрей"),
    ("Elena", "Елена"),
    ("Dmitrii", "Дмитрий"),
    ("Olga", "Ольга"),
    ("Nikita", "Никита"),
    ("Anastasia", "Анастасия"),
    ("Timur", "Тимур"),
    ("Dilnoza", "Дильноза"),
    ("Bakyt", "Бакыт"),
    ("Nurlan", "Нурлан"),
    ("Sergiu", "Сергиу"),
    ("Ana", "Ана"),
    ("Mihai", "Михай"),
    ("Cristina", "Кристина"),
    ("Oleksandr", "Олександр"),
    ("Yulia", "Юлия"),
    ("Bogdan", "Богдан"),
    ("Daria", "Дарья"),
    ("Artem", "Артём"),
    ("Sofia", "София"),
    ("Rustam", "Рустам"),
    ("Zarina", "Зарина"),
    ("Kirill", "Кирилл"),
    ("Alina", "Алина"),
    ("Farrukh", "Фаррух"),
    ("Madina", "Мадина"),
]
PATRONYMICS = [
    ("Ivanovich", "Иванович"),
    ("Petrovna", "Петровна"),
    ("Sergeevich", "Сергеевич"),
    ("Alexandrovna", "Александровна"),
    ("Bakytovich", "Бакытович"),
    ("Olegovna", "Олеговна"),
]
RELATIVES = [("Mother", "Мать"), ("Father", "Отец"), ("Aunt", "Тётя"), ("Uncle", "Дядя")]

_CYRILLIC = re.compile("[\u0400-\u04ff]")


def make_app(url: str, instance: str, secret: str):
    """The app on ``url`` (used for migrating and loading the demo)."""
    from caseapp import create_app

    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance, "SECRET_KEY": secret}
    )


def case_tables(metadata: sa.MetaData) -> list[sa.Table]:
    """Every table whose rows belong to a case (a foreign-key path to ``case``), in
    dependency order. ``family`` (which the siblings' cases point to) is copied with them:
    each copy's siblings form their own family, as in a real register, not one family of
    thousands of cases."""
    owned = {"case", "family"}
    changed = True
    while changed:
        changed = False
        for table in metadata.sorted_tables:
            if table.name in owned or table.name in NOT_CLONED:
                continue
            if any(fk.column.table.name in owned for fk in table.foreign_keys):
                owned.add(table.name)
                changed = True
    return [t for t in metadata.sorted_tables if t.name in owned]


def _pick(pairs, rng, cyrillic: bool) -> str:
    latin, cyr = rng.choice(pairs)
    return cyr if cyrillic else latin


def _is_cyrillic(*texts) -> bool:
    return any(t and _CYRILLIC.search(t) for t in texts)


class Cloner:
    """Copies the template cases (and everything hanging off them) ``copies`` times."""

    def __init__(self, conn: sa.Connection, metadata: sa.MetaData, seed: int = 16) -> None:
        from caseapp.children.names import search_key

        self.search_key = search_key
        self.conn = conn
        self.rng = random.Random(seed)  # noqa: S311 -- invented data, not secrets
        self.tables = case_tables(metadata)
        self.names = {t.name for t in self.tables}
        self.rows = {
            t.name: [dict(r) for r in conn.execute(sa.select(t).order_by(t.c.id)).mappings()]
            for t in self.tables
        }
        self.stride = {
            name: max((r["id"] for r in rows), default=0) for name, rows in self.rows.items()
        }
        # Foreign keys to cloned tables: (column name, referenced table name)
        self.remap = {
            t.name: [
                (fk.parent.name, fk.column.table.name)
                for fk in t.foreign_keys
                if fk.column.table.name in self.names
            ]
            for t in self.tables
        }
        self.number_seq: dict[str, int] = defaultdict(int)
        for row in self.rows["case"]:
            prefix, seq = row["number"].rsplit("-", 1)
            self.number_seq[prefix] = max(self.number_seq[prefix], int(seq))
        self.template_cases = len(self.rows["case"])
        self.tokens: list[dict] = []
        self.case_of_child: dict[int, int] = {}
        # object_type (model class name) -> table, to remap audit object ids
        self.class_tables = {
            m.class_.__name__: m.local_table.name
            for m in _mappers()
            if getattr(m.local_table, "name", None) in self.names
        }

    def _row(self, table: str, row: dict, k: int) -> dict:
        new = dict(row)
        new["id"] = row["id"] + k * self.stride[table]
        for column, ref in self.remap[table]:
            if new[column] is not None:
                new[column] = new[column] + k * self.stride[ref]
        fix = getattr(self, f"_fix_{table}", None)
        if fix is not None:
            fix(new, k)
        return new

    def _fix_case(self, row: dict, k: int) -> None:
        prefix, seq = row["number"].rsplit("-", 1)
        row["number"] = f"{prefix}-{int(seq) + k * self.number_seq[prefix]:06d}"
        if row["stage"] in PRE_DECISION:
            row["opened_at"] = row["opened_at"] - timedelta(days=self.rng.randint(0, 730))

    def _fix_decision_notice(self, row: dict, k: int) -> None:
        # Decisions spread over two years, as in a register that has been running: the demo
        # decided its cases this week, so every clone's appeal deadline would otherwise fall
        # in the same fortnight (2,564 of them at 100,000 cases, where a real register has
        # the few decided in the last weeks).
        shift = timedelta(days=self.rng.randint(0, 730))
        for column in (
            "decided_on",
            "child_notified_on",
            "guardian_notified_on",
            "appeal_deadline",
        ):
            if row[column] is not None:
                row[column] = row[column] - shift

    def _fix_child_name(self, row: dict, k: int) -> None:
        cyr = _is_cyrillic(row["given_name"], row["family_name"], row["patronymic"])
        # The same child keeps one identity across its names (an alias may differ in script).
        rng = random.Random(row["child_id"])  # noqa: S311
        row["given_name"] = _pick(GIVEN_NAMES, rng, cyr)
        row["family_name"] = _pick(FAMILY_NAMES, rng, cyr) if row["family_name"] else None
        row["patronymic"] = _pick(PATRONYMICS, rng, cyr) if row["patronymic"] else None
        row["search_key"] = self.search_key(
            row["family_name"], row["given_name"], row["patronymic"]
        )
        self.tokens.extend(
            token_rows(row["id"], self.case_of_child[row["child_id"]], row["search_key"])
        )

    def _fix_child(self, row: dict, k: int) -> None:
        self.case_of_child[row["id"]] = row["case_id"]

    def _fix_family_member(self, row: dict, k: int) -> None:
        cyr = _is_cyrillic(row["name"])
        rng = random.Random(row["case_id"] * 7 + row["id"])  # noqa: S311
        row["name"] = f"{_pick(GIVEN_NAMES, rng, cyr)} {_pick(FAMILY_NAMES, rng, cyr)}"

    def _fix_document(self, row: dict, k: int) -> None:
        row["storage_name"] = f"{row['storage_name'][:48]}-{k}"

    # Exchange ids and document ids are unique (issue 11): each copy gets its own, the same
    # for a link and its documents.
    def _fix_exchange_link(self, row: dict, k: int) -> None:
        row["exchange_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{row['exchange_id']}/{k}"))

    def _fix_exchange_document(self, row: dict, k: int) -> None:
        row["exchange_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{row['exchange_id']}/{k}"))
        row["document_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{row['document_id']}/{k}"))

    def clone(self, copies: int, progress=print) -> None:
        """Insert ``copies`` copies of the template cases, in batches."""
        for start in range(1, copies + 1, BATCH_COPIES):
            ks = range(start, min(copies, start + BATCH_COPIES - 1) + 1)
            for table in self.tables:
                rows = [self._row(table.name, r, k) for k in ks for r in self.rows[table.name]]
                if rows:
                    self.conn.execute(table.insert(), rows)
                if rows and table.name == "case" and self.conn.dialect.name == "sqlite":
                    # The case-number index, as the app's mapper events write it.
                    from caseapp.cases import number_index

                    self.conn.execute(number_index.INSERT, number_index.fts_rows(rows))
            if self.tokens:
                self.conn.execute(_token_table().insert(), self.tokens)
                self.tokens, self.case_of_child = [], {}
            progress(f"  cases: {(ks[-1] + 1) * self.template_cases:,}")
        self._counters(copies)

    def _counters(self, copies: int) -> None:
        """Move the case-number counters past the cloned numbers."""
        from caseapp.cases.models import CaseNumberCounter

        counters = CaseNumberCounter.__table__
        for prefix, seq in self.number_seq.items():
            country, year = prefix.split("-")
            self.conn.execute(
                counters.update()
                .where(counters.c.country == country, counters.c.year == int(year))
                .values(last=seq + copies * seq)
            )

    def clone_audit(self, copies: int, progress=print) -> int:
        """Copy the template cases' audit entries for every clone, chained after the head."""
        from caseapp.audit.bundle_verifier import chain_hash
        from caseapp.audit.chain import sealed_of
        from caseapp.audit.models import AuditChainHead, AuditEntry

        entries, heads = AuditEntry.__table__, AuditChainHead.__table__
        template = [
            dict(r)
            for r in self.conn.execute(
                sa.select(entries).where(entries.c.case_id.is_not(None)).order_by(entries.c.seq)
            ).mappings()
        ]
        head = self.conn.execute(sa.select(heads.c.seq, heads.c.hash, heads.c.occurred_at)).first()
        seq, prev, moment = head[0], head[1], head[2] or datetime.now(UTC)
        next_id = self.conn.execute(sa.select(sa.func.max(entries.c.id))).scalar() or 0
        batch: list[dict] = []
        written = 0
        for k in range(1, copies + 1):
            for entry in template:
                seq += 1
                next_id += 1
                moment += timedelta(microseconds=50)
                table = self.class_tables.get(entry["object_type"] or "")
                object_id = entry["object_id"]
                if table is not None and object_id is not None:
                    object_id += k * self.stride[table]
                row = {
                    **entry,
                    "id": next_id,
                    "seq": seq,
                    "occurred_at": moment,
                    "case_id": entry["case_id"] + k * self.stride["case"],
                    "object_id": object_id,
                    "salt": secrets.token_hex(16),
                }
                sealed = {c: row[c] for c in _SEALED}
                row["hash"] = prev = chain_hash(prev, sealed_of(**sealed))
                batch.append(row)
            if len(batch) >= 20_000 or k == copies:
                self.conn.execute(entries.insert(), batch)
                written += len(batch)
                batch = []
                progress(f"  audit entries: {written:,}")
        if written:
            self.conn.execute(
                heads.update().where(heads.c.id == 1).values(seq=seq, hash=prev, occurred_at=moment)
            )
        return written


_SEALED = (
    "seq",
    "occurred_at",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "actor_agency_id",
    "actor_id",
    "diff",
    "reason",
    "salt",
)


def _token_table():
    from caseapp.children.models import ChildNameToken

    return ChildNameToken.__table__


def token_rows(name_id: int, case_id: int, search_key: str) -> list[dict]:
    """The name-search tokens of one name, as the app writes them."""
    from caseapp.children.tokens import token_rows as rows

    return rows(name_id, case_id, search_key)


def _mappers():
    from caseapp.core.extensions import db

    return list(db.Model.registry.mappers)


def load_template(app) -> None:
    """The demo, through the real operations, into the (empty) database of ``app``."""
    from caseapp.children.operations import today
    from caseapp.core.extensions import db
    from caseapp.demo.loader import load_demo

    with app.app_context():
        load_demo(today=today())
        db.session.commit()


def scale(url: str, n: int, *, audit: bool = True, progress=print) -> int:
    """Clone the cases already in the database at ``url`` until there are about ``n``.

    Returns the number of cases. The app's models must be imported (an app created).
    """
    from caseapp.core.extensions import db

    engine = sa.create_engine(url)
    try:
        # Cases first, committed: a build stopped while the audit trail is chained keeps them.
        with engine.begin() as conn:
            cloner = Cloner(conn, db.metadata)
            copies = max(0, round(n / cloner.template_cases) - 1)
            cloner.clone(copies, progress)
        with engine.begin() as conn:
            cloner.conn = conn
            if audit:
                cloner.clone_audit(copies, progress)
            if engine.dialect.name == "postgresql":
                for table in cloner.tables:
                    name = table.name  # our own table names, not input
                    sql = f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), (SELECT max(id) FROM \"{name}\"))"  # noqa: E501, S608
                    conn.exec_driver_sql(sql)
                conn.exec_driver_sql(
                    "SELECT setval(pg_get_serial_sequence('audit_entry', 'id'),"
                    " (SELECT max(id) FROM audit_entry))"
                )
            # The clones were written past the ORM, so the caseload counts that the flush
            # listener keeps (``caseapp.dashboard.workload``) are rebuilt from the cases.
            from caseapp.dashboard import workload

            workload.recount(conn)
            total = conn.execute(sa.text('SELECT count(*) FROM "case"')).scalar_one()
        vacuum(engine)
    finally:
        engine.dispose()
    return total


def vacuum(engine) -> None:
    """On PostgreSQL, ``VACUUM ANALYZE``, as autovacuum would in production: a bulk load, or
    a migration's backfill, leaves the visibility map empty, and index-only scans then read
    the heap (the name search "Ivanov" at 0.082 of the bare route at 8 connections after
    migration ``a5c9e3f7b1d4`` updated 85,000 cases, 0.099 vacuumed; autovacuum is off on the
    machines these benchmarks run on)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def migrate(url: str, instance: str, secret: str):
    """Upgrade the database at ``url`` to the migrations' head (an empty one, or one built
    before the latest migration, as a deployment's would be); return the app."""
    from flask_migrate import upgrade

    from caseapp.core import migrations

    app = make_app(url, instance, secret)
    migrations.init_app(app)  # create_app leaves Flask-Migrate to ``flask db``
    with app.app_context():
        upgrade()
        from caseapp.core.extensions import db

        vacuum(db.engine)
        db.engine.dispose()
    return app


def build(
    url: str, instance: str, secret: str, n: int, *, audit: bool = True, progress=print
) -> int:
    """Migrate an empty database, load the demo, and clone it to about ``n`` cases."""
    app = migrate(url, instance, secret)
    load_template(app)
    with app.app_context():
        from caseapp.core.extensions import db

        db.engine.dispose()
        return scale(url, n, audit=audit, progress=progress)


def today() -> date:
    """The date the data is built for (the demo's dates are relative to it)."""
    return date.today()
