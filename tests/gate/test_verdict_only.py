"""The verdict-only gate evaluation (issue 16: the supervisor's queue shows met/unmet only):
the same checks give the same verdicts, without building the reader's text."""

import pytest

import caseapp.gate.safeguards.common as common
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.policy import current_policy
from tests.support.gate_builder import SAFEGUARD_IDS, break_safeguard, ready_case


def _verdicts(ready, **kw):
    result = evaluate_return_gate(ready.case, today=ready.today, policy=current_policy(), **kw)
    return [(s.id, s.met) for s in result.safeguards], result


def test_ready_case_all_met_both_ways(factory):
    ready = ready_case(factory)
    full, _ = _verdicts(ready)
    fast, result = _verdicts(ready, verdict_only=True)
    assert fast == full
    assert result.all_met and [sid for sid, _ in fast] == SAFEGUARD_IDS
    assert all(s.reason == "" and s.evidence == [] for s in result.safeguards)  # no words


@pytest.mark.parametrize("sid", SAFEGUARD_IDS)
def test_each_broken_safeguard_gives_the_same_verdict(factory, sid):
    ready = ready_case(factory)
    break_safeguard(ready, sid)
    full, _ = _verdicts(ready)
    fast, result = _verdicts(ready, verdict_only=True)
    assert dict(full)[sid] is False  # the break took
    assert fast == full
    assert result.unmet_ids == [sid]


def test_verdict_only_translates_nothing_and_the_full_evaluation_does(factory, monkeypatch):
    ready = ready_case(factory)
    calls = []
    real = common.gettext
    monkeypatch.setattr(common, "gettext", lambda s, **kw: calls.append(s) or real(s, **kw))
    monkeypatch.setattr(common, "format_date", lambda *a, **kw: calls.append(a) or "day")
    _verdicts(ready, verdict_only=True)
    assert calls == []
    _verdicts(ready)
    assert calls  # the full evaluation does build its reasons
    calls.clear()
    _verdicts(ready, verdict_only=True)  # and the switch does not stay on
    assert calls == []
