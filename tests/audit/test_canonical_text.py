"""The hot paths write canonical JSON field by field; it must be the canonical form exactly.

The chain walk, the bundle check and the entry files do not build a dictionary per entry and
encode it: they write its text out in sorted key order (issue 16 item 6). These tests compare
that text with ``encode_canonical`` of the dictionary, for the values entries really hold and
for the awkward ones (quotes, non-ASCII, control characters, floats, booleans, None).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from caseapp.audit.bundle_verifier import (
    canonical_value,
    encode_canonical,
    format_time,
    personal_text,
    sealed_text,
)
from caseapp.audit.entry_files import (
    CSV_COLUMNS,
    EntryWriter,
    _safe_json,
    csv_field,
    safe_cell,
)

AWKWARD = [
    None,
    0,
    -7,
    2**70,
    "",
    'a "quoted" \\ text',
    "Каримов Тимур",
    "tab\tnew\nline\x01",
    "=1+1",
    1.5,
    True,
    False,
    [1, "x", None],
    {"b": [None, "Ivan"], "a": {"given_name": ["", "Иван"]}},
]


@pytest.mark.parametrize("value", AWKWARD)
def test_canonical_value_is_the_encoder_s_text(value):
    assert canonical_value(value) == encode_canonical(value)


@pytest.mark.parametrize("value", AWKWARD)
def test_sealed_and_personal_texts_are_canonical(value):
    sealed = {
        "seq": 12,
        "occurred_at": "2026-11-30T01:02:03.000004Z",
        "action": value,
        "object_type": value,
        "object_id": value,
        "case_id": value,
        "actor_agency_id": value,
        "personal": "ab" * 32,
    }
    assert sealed_text(*sealed.values()) == encode_canonical(sealed)
    sealed["request_id"] = value
    if value is not None:  # sealed only when there is one
        assert sealed_text(*sealed.values()) == encode_canonical(sealed)
    personal = {"actor_id": value, "diff": value, "reason": value}
    assert personal_text(value, value, value) == encode_canonical(personal)


def test_an_int_subclass_or_a_float_seq_is_not_written_as_an_int():
    assert sealed_text(5.0, "t", "a", None, None, None, None, "p") != sealed_text(
        5, "t", "a", None, None, None, None, "p"
    )
    assert canonical_value(True) == "true"


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 30, 1, 2, 3, 4, tzinfo=UTC),
        datetime(2026, 11, 30, 1, 2, 3, tzinfo=UTC),  # no microseconds: still written
        datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        datetime(2026, 11, 30, 3, 2, 3, 4, tzinfo=timezone(timedelta(hours=2))),
    ],
)
def test_format_time_is_utc_with_microseconds(moment):
    utc = moment.astimezone(UTC)
    expected = (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:"
        f"{utc.second:02d}.{utc.microsecond:06d}Z"
    )
    assert format_time(moment) == expected


def test_format_time_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        format_time(datetime(2026, 1, 1))


ROWS = [
    # seq, occurred_at, action, object_type, object_id, case_id, agency, actor, diff, reason,
    # salt [, request id]; the hash and the case number are added below
    (1, None, "case:stage:change", "Case", 7, 7, 2, 3, {"stage": ["a", "b"]}, None, "00" * 16),
    (2, None, "case:record:view", None, None, None, None, None, None, 'why "so"', "11" * 16, "ab"),
    (5, None, "case:record:view", "Case", 7, 7, 2, 3, None, None, "44" * 16, "cd" * 16),
    (3, None, "=cmd", "Child", 9, 8, 1, 4, {"given_name": [None, "Иван"]}, "-x", "22" * 16),
    (4, None, "gate:refuse", "Case", 7, 7, 1, 5, {"gate": {"policy_version": 1.5}}, "", "33" * 16),
]


@pytest.mark.parametrize("identified", [False, True])
@pytest.mark.parametrize("only_case", [None, 7])
def test_entry_lines_are_the_canonical_form_of_the_line(identified, only_case, tmp_path, app):
    options = SimpleNamespace(identified=identified, recipient="ombud-md")
    with app.app_context():
        writer = EntryWriter(Path(tmp_path), options, only_case, {3: "Ana", 4: "Иван"})
        expected = []
        for n, base in enumerate(ROWS):
            number = f"MD-{base[5]}" if base[5] else None
            row = (*base[:11], f"{n:x}" * 64, base[11] if len(base) > 11 else None, number)
            writer.add(row, "2026-11-30T01:02:03.000004Z", "cd" * 32)
            line = {
                "seq": row[0],
                "occurred_at": "2026-11-30T01:02:03.000004Z",
                "action": row[2],
                "object_type": row[3],
                "object_id": row[4],
                "case_id": row[5],
                "actor_agency_id": row[6],
                "personal": "cd" * 32,
                "hash": row[11],
            }
            if row[12] is not None:
                line["request_id"] = row[12]
            if only_case is not None and row[5] != only_case:
                line["withheld"] = True
            else:
                line["case_number"] = row[13]
                line["actor"] = writer._actor(row[7])
                line["reason"] = row[9]
                if identified:
                    line.update(actor_id=row[7], salt=row[10], diff=row[8])
                else:
                    line["diff"] = writer.pseudonyms.diff(row[8])
            expected.append(encode_canonical(line))
        writer.close()
        writer.release()
    written = (tmp_path / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    assert written == expected
    assert [json.loads(text)["seq"] for text in written] == [1, 2, 5, 3, 4]
    csv_text = (tmp_path / "entries.csv").read_text(encoding="utf-8")
    assert ",'=cmd," in csv_text  # the formula-like action is defused


CSV_AWKWARD = [
    *AWKWARD,
    "a,b",
    'say "no"',
    "line\nbreak",
    "carriage\rreturn",
    "nul\x00byte",
    " leading space",
    "semi;colon",
    "'=quoted",
    -0.0,
    float("inf"),
    10**30,
]


def _by_csv_writer(rows) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("value", CSV_AWKWARD)
def test_a_csv_field_is_written_as_csv_writer_writes_it(value):
    """The entry rows are written without ``csv.writer`` (issue 16 item 6): the same text."""
    assert f"x,{csv_field(value)},y\r\n" == _by_csv_writer([("x", value, "y")])


@pytest.mark.parametrize("only_case", [None, 7])
def test_entry_rows_are_what_csv_writer_writes(only_case, tmp_path, app):
    options = SimpleNamespace(identified=False, recipient="ombud-md")
    with app.app_context():
        writer = EntryWriter(Path(tmp_path), options, only_case, {})
        expected: list[tuple] = [CSV_COLUMNS]
        for n, base in enumerate(ROWS):
            number = f'MD-{base[5]},"x"' if base[5] else None
            row = (*base[:11], f"{n:x}" * 64, base[11] if len(base) > 11 else None, number)
            writer.add(row, "2026-11-30T01:02:03.000004Z", "cd" * 32)
            withheld = only_case is not None and row[5] != only_case
            diff = None if withheld else writer.pseudonyms.diff(row[8])
            expected.append(
                (
                    row[0],
                    "2026-11-30T01:02:03.000004Z",
                    "" if withheld else safe_cell(number),
                    row[5],
                    safe_cell(row[2]),
                    safe_cell(row[3]),
                    row[4],
                    row[6],
                    "" if withheld else safe_cell(writer._actor(row[7])),
                    "" if diff is None else _safe_json(encode_canonical(diff)),
                    "" if withheld else safe_cell(row[9]),
                    "yes" if withheld else "",
                    "cd" * 32,
                    row[11],
                    row[12],
                )
            )
        writer.close()
        writer.release()
    written = (tmp_path / "entries.csv").read_bytes().decode("utf-8")
    assert written == _by_csv_writer(expected)


def _stages_by_the_encoder(changes, until):
    """``cases.json``'s stages as the summary built them before it wrote the text itself."""
    from caseapp.audit.summary import _ENCODE

    _time = datetime.fromisoformat

    stages = []
    for i, (at, stage) in enumerate(changes):
        left = changes[i + 1][0] if i + 1 < len(changes) else None
        days = ((_time(left or until)) - _time(at)).total_seconds() / 86400
        stages.append(
            {
                "stage": json.loads(stage),
                "entered_at": at,
                "left_at": left,
                "days": round(max(days, 0.0), 2),
                "current": left is None,
            }
        )
    return _ENCODE(stages)


@pytest.mark.parametrize(
    "stages",
    [
        [],
        ["identified"],
        ["identified", "assessment", 'Каримов "x"', "closed"],
        [None, 3, 1.5, {"a": [1, "б"]}],
    ],
)
def test_case_summary_stages_text_is_the_encoder_s(stages):
    """The stages of ``cases.json`` (issue 16 item 6: written as text, each time parsed once)
    equal the encoder's text of the dictionaries, also for odd stage values and a stage
    entered after the export's time (0 days, never negative)."""
    from caseapp.audit.summary import _ENCODE, _stages

    start = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
    times = [format_time(start + timedelta(days=3 * i, seconds=7 * i)) for i in range(4)]
    changes = [(times[i], _ENCODE(s)) for i, s in enumerate(stages)]
    for until in (format_time(start + timedelta(days=20, hours=5)), times[0]):
        assert _stages(changes, until) == _stages_by_the_encoder(changes, until)
        assert json.loads(_stages(changes, until)) == json.loads(
            _stages_by_the_encoder(changes, until)
        )


@pytest.mark.parametrize(
    "line",
    [
        b'{"seq":1,"a":"\xd0\x9a"}',
        b'  {"seq":1}  ',
        b"\xef\xbb\xbf" + b'{"seq":1}',
        b'{"seq":1}{"seq":2}',
        b'{"seq":1',
        b'{"seq":"\xff"}',
        b'{"seq":"\\ud800"}',
        b"[1, 2.5, null, true]",
        b"",
    ],
)
def test_the_verifier_s_line_decoder_is_json_loads(line):
    """The verifier's fast line decoder accepts and refuses exactly what ``json.loads`` does,
    with the same value."""
    from caseapp.audit.bundle_verifier import decode_line

    try:
        expected = ("ok", json.loads(line))
    except ValueError as err:
        expected = ("error", type(err))
    try:
        got = ("ok", decode_line(line))
    except ValueError as err:
        got = ("error", type(err))
    assert got == expected


@pytest.mark.parametrize(
    "value", [*AWKWARD, float("nan"), float("inf"), {"b": [1.0, None], "a": "ß"}]
)
def test_case_summary_encoder_is_the_json_encoder_s_text(value):
    """``cases.json``'s fast encoder writes exactly what ``json.JSONEncoder(ensure_ascii=False,
    sort_keys=True)`` writes (spaces after ``:`` and ``,``, non-ASCII kept, NaN allowed)."""
    from caseapp.audit.summary import _ENCODE, _ENCODE_SLOW

    assert _ENCODE(value) == _ENCODE_SLOW(value)
    item = {"seq": 3, "at": "2026-01-01T00:00:00.000000Z", "value": value, "list": [value]}
    assert _ENCODE(item) == _ENCODE_SLOW(item)


def test_case_summary_encoder_refuses_what_json_refuses():
    from caseapp.audit.summary import _ENCODE

    with pytest.raises(TypeError):
        _ENCODE({"when": datetime(2026, 1, 1, tzinfo=UTC)})


@pytest.mark.parametrize("value", AWKWARD)
def test_case_summary_decision_text_is_the_encoder_s(value, tmp_path):
    """A decision of ``cases.json`` (written out field by field, issue 16 item 6) is the
    encoder's text of its dictionary, whatever the actor, reason and sequence number hold."""
    from caseapp.audit.summary import _ENCODE, CaseSummaries

    summaries = CaseSummaries(tmp_path / "s.sqlite3")
    try:
        for at in ("2026-11-30T01:02:03.000004Z", value):
            summaries.add_fields(7, value, at, "return:approve", value, value, None)
            decision = summaries.pending[-1][5]
            item = {"seq": value, "at": at, "action": "return:approve", "actor": value}
            assert decision == _ENCODE({**item, "reason": value})
    finally:
        summaries.close()


def test_case_summary_looks_for_a_placement_fact_under_each_of_its_names(tmp_path, monkeypatch):
    """The summary looks into a diff for deprivation of liberty only when its text names one
    of the placement facts (``PLACEMENT_KEYS``, 002 Rec 4): every name is looked for, and a
    diff naming none is skipped."""
    from caseapp.audit import summary

    looked: list = []
    monkeypatch.setattr(summary, "_liberty_alert", lambda diff: looked.append(diff) or False)
    summaries = summary.CaseSummaries(tmp_path / "s.sqlite3")
    try:
        for key in summary.PLACEMENT_KEYS:
            diff = {key: [None, True]}
            summaries.add_fields(
                7, 1, "t", "placement:update", None, None, diff, diff_text=encode_canonical(diff)
            )
        other = {"stage": ["a", "b"]}
        summaries.add_fields(
            7, 2, "t", "case:update", None, None, other, diff_text=encode_canonical(other)
        )
    finally:
        summaries.close()
    assert looked == [{key: [None, True]} for key in summary.PLACEMENT_KEYS]
