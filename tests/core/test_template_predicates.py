"""Templates ask the models' predicates; they never compare stages or statuses (issue 8)."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# A stage or status compared in a template (as a string or as the enum passed in).
COMPARISON = re.compile(
    r"(stage|status)(\.value)?\s*(==|!=|\bnot in\b|\bin\b)|\bStage\.[A-Z_]+|\bbid_status\["
)


def test_no_template_compares_a_stage_or_status():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if COMPARISON.search(line)
    ]
    assert found == []


def test_the_check_finds_a_comparison():
    assert COMPARISON.search('{% if case.stage.value == "assessment" %}')
    assert COMPARISON.search("{% if case.stage == Stage.RETURNED %}")
    assert not COMPARISON.search("{% if case.can_start_monitoring(current_user) %}")
