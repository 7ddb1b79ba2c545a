"""Property-based: generated values posted to every form of every route, as a user allowed to
post there, never give a 500, store nothing when refused, and leave an audit chain that
verifies (issue 14, build item 1). Runs on SQLite and PostgreSQL like every test.

Nothing is listed by hand, so a new route or field is covered the moment it exists:
- the routes come from ``app.url_map`` and their access rules from ``route_policy``;
- the forms come from the pages: every GET page an actor may open (for cases at three stages:
  registered, determination, return preparation) is parsed for its POST forms, their action
  URLs and fields (inputs, selects with their options, text areas, check boxes);
- a POST endpoint no page showed a form for gets every field name seen anywhere.

Values: a field's own options and well-formed dates mixed with hostile text (NUL and other
control characters, huge numbers, year 0001 and 9999, whitespace, long text, markup). The
hidden ``version`` is mostly the case's current one, so valid posts reach the operations too.
``CASEAPP_FUZZ_EXAMPLES`` sets the examples per form (default 5: about a minute per database).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from caseapp.audit.verify import verify_chain
from caseapp.cases.models import Case
from caseapp.core.extensions import db
from caseapp.core.validators import text_problem
from tests.security.route_policy import ALLOWED, Rule, builder_for, collect, rule_for
from tests.support import clock, lifecycle
from tests.support.gate_builder import ready_case

EXAMPLES = int(os.environ.get("CASEAPP_FUZZ_EXAMPLES", "5"))
# Who posts: for each endpoint the first of these its rule admits.
POSTERS = ("supervisor_own", "caseworker_own", "ombudsperson", "admin")
# Steps that end or restart the session are left to the login tests.
SKIP_ENDPOINTS = {"auth.logout", "auth.login", "auth.second_factor", "auth.enrol"}
# Rows that legitimately change on any request, refused or not.
VOLATILE_TABLES = {
    "audit_entry",
    "audit_chain_head",
    "login_attempt",
    "login_burst",
    "user_session",
    "alembic_version",
}
CURRENT, PAGE = "\x00current-version\x00", "\x00page-version\x00"

NASTY = [
    "",
    " ",
    "\t",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "line\u2028break",
    "0",
    "-1",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999",
    "1e9",
    "0001-01-01",
    "1899-12-31",
    "9999-12-30",
    "9999-12-31",
    "2026-02-30",
    "1, 99999999999999999999",
    " , ",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 5000,
    "Каримов Ivanov",
    "UA",
]


@dataclass
class FieldSpec:
    kind: str  # text, textarea, select, checkbox, date, number, hidden, file, ...
    options: list[str] = field(default_factory=list)
    value: str = ""


@dataclass
class FormSpec:
    action: str
    fields: dict[str, FieldSpec]


class FormParser(HTMLParser):
    """The POST forms of a page: action and fields."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base
        self.forms: list[FormSpec] = []
        self._form: FormSpec | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            action = urlsplit(urljoin(self.base, a.get("action") or self.base)).path
            self._form = FormSpec(action, {})
            self.forms.append(self._form)
        if self._form is None or (not a.get("name") and tag != "option"):
            return
        name = a.get("name", "")
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image") or name == "csrf_token":
                return
            self._form.fields[name] = FieldSpec(kind, value=a.get("value", ""))
        elif tag == "textarea":
            self._form.fields[name] = FieldSpec("textarea")
        elif tag == "select":
            self._form.fields[name] = FieldSpec("select")
            self._select = name
        elif tag == "option" and self._select:
            self._form.fields[self._select].options.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _text():
    return st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.text(max_size=400))


def _strategy(spec: FieldSpec):
    if spec.kind == "checkbox":
        return st.sampled_from(["y", "", "\x00", "on"])
    if spec.kind == "select":
        return st.one_of(st.sampled_from(spec.options or [""]), _text())
    if spec.kind == "date":
        return st.one_of(st.dates().map(lambda d: d.isoformat()), _text())
    if spec.kind == "file":
        return st.none()
    return _text()


def _plausible(spec: FieldSpec):
    """A value the form would likely accept, so the other fields let a post go deep."""
    if spec.kind == "checkbox":
        return st.sampled_from(["y", None])
    if spec.kind == "select":
        return st.sampled_from([o for o in spec.options if o] or [""])
    if spec.kind == "date":
        return st.sampled_from(
            [clock.today().isoformat(), (clock.today() - timedelta(days=30)).isoformat()]
        )
    if spec.kind == "file":
        return st.none()
    return st.sampled_from(["Test value", "UA", "1, 3, 6", "3"])


@st.composite
def form_values(draw, spec: FormSpec):
    """One post: the version mostly right, plausible values, and one field (or, one time in
    four, every field) given a generated, often hostile, value."""
    names = list(spec.fields)
    hostile_all = draw(st.integers(0, 3)) == 0
    target = draw(st.sampled_from(names)) if names else None
    values = {}
    for name in names:
        f = spec.fields[name]
        if hostile_all or name == target:
            if name.endswith("version"):
                values[name] = draw(st.one_of(st.just(CURRENT), _text()))
            elif draw(st.integers(0, 9)) == 0:
                continue  # the field missing altogether
            else:
                values[name] = draw(_strategy(f))
        elif name.endswith("version"):
            values[name] = draw(st.sampled_from([CURRENT, CURRENT, PAGE]))
        else:
            values[name] = draw(_plausible(f))
    return values


def fingerprint() -> dict:
    """Row counts of every table that a refused post must leave alone, and case versions."""
    counts = {}
    for table in db.metadata.sorted_tables:
        if table.name not in VOLATILE_TABLES:
            counts[table.name] = db.session.scalar(select(func.count()).select_from(table))
    counts["case versions"] = db.session.scalar(select(func.coalesce(func.sum(Case.version), 0)))
    db.session.commit()
    return counts


def _case_version(action: str) -> str:
    match = re.match(r"^/cases/(\d+)/", action)
    if not match:
        return "1"
    case = db.session.get(Case, int(match.group(1)))
    version = str(case.version) if case else "1"
    db.session.commit()
    return version


def _resolve(values: dict, spec: FormSpec) -> dict:
    out = {}
    for name, value in values.items():
        if value is None:
            continue
        if value == CURRENT:
            value = _case_version(spec.action)
        elif value == PAGE:
            value = spec.fields[name].value
        out[name] = value
    return out


def _poster(rule: Rule) -> str | None:
    return next((actor for actor in POSTERS if actor in ALLOWED.get(rule, ())), None)


def _urls(app, world, cases, builders, endpoint_filter):
    """Every URL of a GET endpoint passing ``endpoint_filter``, for each case."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or not endpoint_filter(rule.endpoint, "GET"):
            continue
        args = {n: builder_for(builders, rule.endpoint, n)(world) for n in rule.arguments}
        yield rule.build(args, append_unknown=False)[1]
        if set(rule.arguments) == {"case_id"}:
            for case in cases:
                yield rule.build({"case_id": case.id}, append_unknown=False)[1]


def _endpoint_of(app, path: str, method: str = "POST") -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        return adapter.match(path, method=method)[0]
    except Exception:
        return None


def test_generated_posts_to_every_form_never_crash_nor_store_on_refusal(
    app, client, login, world, factory
):
    policy, builders = collect()
    own_cw = world.users["caseworker_own"]
    determination = factory.case(agency=world.agency, caseworker=own_cw)
    lifecycle.to_determination(determination, own_cw)
    prepared = ready_case(factory, agency=world.agency)
    db.session.commit()
    cases = [world.case, determination, prepared.case]

    post_endpoints = {
        r.endpoint
        for r in app.url_map.iter_rules()
        if "POST" in r.methods and r.endpoint in policy and r.endpoint not in SKIP_ENDPOINTS
    }
    covered: set[str] = set()
    all_fields: dict[str, FieldSpec] = {}
    problems: list[str] = []
    posts = 0

    def log_in(actor) -> None:
        """Log ``actor`` in; a fuzzed admin post may have deactivated them (a real success)."""
        for user in world.users.values():
            db.session.refresh(user)
            user.active = True
        db.session.commit()
        login(world.users[actor])

    def allowed(actor):
        return lambda endpoint, method: (
            endpoint in policy and actor == _poster(rule_for(policy, endpoint, method))
        )

    def fuzz(actor, spec: FormSpec, endpoint: str, *, declared: bool = True) -> None:
        nonlocal posts

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(values=form_values(spec))
        def run(values):
            nonlocal posts
            data = _resolve(values, spec)
            before = fingerprint()
            response = client.post(spec.action, data=data)
            posts += 1
            status = response.status_code
            attachment = "attachment" in response.headers.get("Content-Disposition", "")
            hostile = any(
                isinstance(v, str) and text_problem(v, multiline=True) for v in data.values()
            )
            response.close()
            where = f"{actor} POST {spec.action} ({endpoint}) {sorted(data)}"
            assert status < 500, f"{where}: {status}"
            refused = status not in (301, 302, 303) and not attachment
            if refused or (hostile and declared):
                # Refused, or carrying control characters a declared field must refuse
                # (views that refuse by redirecting answer 302): nothing may be stored.
                why = f"refused ({status})" if refused else "control characters accepted"
                assert fingerprint() == before, f"{where}: {why} but stored"
            if client.get("/preferences").status_code != 200:
                log_in(actor)

        try:
            run()
        except AssertionError as err:
            problems.append(str(err).splitlines()[0])

    for actor in POSTERS:
        log_in(actor)
        forms: dict[str, FormSpec] = {}
        for url in dict.fromkeys(_urls(app, world, cases, builders, allowed(actor))):
            response = client.get(url)
            if response.status_code == 200 and "html" in response.content_type:
                parser = FormParser(url)
                parser.feed(response.get_data(as_text=True))
                for spec in parser.forms:
                    forms.setdefault(spec.action, spec)
            response.close()
        for action, spec in forms.items():
            all_fields.update(spec.fields)
            endpoint = _endpoint_of(app, action)
            if endpoint not in post_endpoints or not allowed(actor)(endpoint, "POST"):
                continue
            covered.add(endpoint)
            fuzz(actor, spec, endpoint)

    # POST endpoints no page offered a form for: every field name seen, on the world's URLs.
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in post_endpoints - covered:
            continue
        actor = _poster(rule_for(policy, rule.endpoint, "POST"))
        if actor is None:
            continue
        log_in(actor)
        args = {n: builder_for(builders, rule.endpoint, n)(world) for n in rule.arguments}
        action = rule.build(args, append_unknown=False)[1]
        fuzz(actor, FormSpec(action, dict(all_fields)), rule.endpoint, declared=False)
        covered.add(rule.endpoint)

    assert problems == [], "\n".join(problems)
    assert covered == post_endpoints - {
        e for e in post_endpoints if _poster(rule_for(policy, e, "POST")) is None
    }
    assert posts >= len(covered) * min(EXAMPLES, 2)
    assert verify_chain().ok
