"""Tests read the clock when they run, never when pytest imports them (``tests/support/clock.py``).

A date computed at import -- at module level, in a class body, a decorator (``parametrize``)
or a default argument -- goes stale when a run crosses midnight UTC, while the operations stamp
records with the real time: about 90 tests failed that way ("The decision cannot be dated
before the BID was approved"). This check finds such a call in any test module.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CLOCK_CALLS = {"today", "now", "utcnow"}


def calls_at_import(source: str) -> list[tuple[int, str]]:
    """(line, call) for each call of ``today``/``now``/``utcnow`` evaluated at import."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, at_import: bool) -> None:
        if at_import and isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in CLOCK_CALLS:
                found.append((node.lineno, ast.unparse(node)))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for decorator in getattr(node, "decorator_list", []):
                visit(decorator, at_import)
            for default in [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]:
                visit(default, at_import)
            for statement in node.body if isinstance(node.body, list) else [node.body]:
                visit(statement, False)  # runs when called
            return
        for child in ast.iter_child_nodes(node):
            visit(child, at_import)

    visit(ast.parse(source), True)
    return found


def test_no_test_module_reads_the_clock_at_import():
    stale = {
        f"{path.relative_to(TESTS)}:{line}": call
        for path in sorted(TESTS.rglob("*.py"))
        for line, call in calls_at_import(path.read_text())
    }
    assert stale == {}, "read the date inside the test: tests.support.clock.today()"


def test_the_check_sees_each_way_of_reading_it_at_import():
    source = """
TODAY = date.today()
class K:
    NOW = utcnow()
@pytest.mark.parametrize("day", [date.today()])
def f(day=datetime.now(UTC)):
    return clock.today()  # at run time: fine
"""
    assert [line for line, _ in calls_at_import(source)] == [2, 4, 5, 6]
