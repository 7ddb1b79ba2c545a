"""Views stay short (issue 8): a route function loads, asks, calls one operation or page helper
and renders; queries and page contents live in the area's query/page modules.

"Long" is the body of a function decorated with a blueprint route, docstring excluded, over
``MAX_LINES`` lines. A view that cannot be shortened now is listed in ``ALLOWED`` with why; an
entry that is no longer long (or no longer exists) fails too, so the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "caseapp"
MAX_LINES = 15
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}

ALLOWED: dict[str, str] = {}


def long_views() -> dict[str, int]:
    """``area.function`` -> body lines, for every route function over ``MAX_LINES``."""
    found: dict[str, int] = {}
    for path in sorted(ROOT.glob("*/views.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if not any(_is_route(d) for d in node.decorator_list):
                continue
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]  # the docstring
            if not body:
                continue
            lines = (body[-1].end_lineno or body[-1].lineno) - body[0].lineno + 1
            if lines > MAX_LINES:
                found[f"{path.parent.name}.{node.name}"] = lines
    return found


def _is_route(decorator: ast.expr) -> bool:
    return (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in ROUTE_DECORATORS
    )


def test_no_view_is_long_unless_listed_with_a_reason():
    long = long_views()
    unlisted = {name: n for name, n in long.items() if name not in ALLOWED}
    assert not unlisted, (
        f"views over {MAX_LINES} lines: move their queries and page contents into the "
        f"area's query/page helpers: {unlisted}"
    )


def test_the_allow_list_only_holds_views_still_long():
    stale = sorted(set(ALLOWED) - set(long_views()))
    assert not stale, f"short now (or gone): remove from ALLOWED: {stale}"


def test_the_check_sees_a_long_view(tmp_path, monkeypatch):
    """The walk finds a long route function and ignores short ones and plain helpers."""
    area = tmp_path / "demoarea"
    area.mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES + 1))
    short = "\n".join(f"    y{i} = {i}" for i in range(MAX_LINES))
    area.joinpath("views.py").write_text(
        f'@bp.get("/")\ndef long():\n    """Doc."""\n{body}\n\n\n'
        f'@bp.post("/x")\ndef short():\n{short}\n\n\n'
        f"def helper():\n{body}\n"
    )
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert long_views() == {"demoarea.long": MAX_LINES + 1}
