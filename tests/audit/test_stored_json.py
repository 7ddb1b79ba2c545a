"""The walk's reading of a stored diff (``caseapp.audit.verify.StoredJSON``): on SQLite the
JSON scanner directly, with the very result ``json.loads`` gives, errors included."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from caseapp.audit.verify import StoredJSON


@pytest.fixture
def process():
    return StoredJSON().result_processor(sqlite.dialect(), None)


@pytest.mark.parametrize(
    "stored",
    [
        '{"stage": ["assessment", "determination"], "name": {"given_name": [null, "Иван"]}}',
        "null",
        "[1, 2.5, true]",
        '"text"',
        '  {"padded": 1}  ',  # whitespace around: the scanner alone stops short
        "[-Infinity, 1e400]",
        b'{"as": "bytes"}',
    ],
)
def test_stored_text_decodes_as_json_loads_does(process, stored):
    assert process(stored) == json.loads(stored)


@pytest.mark.parametrize("stored", ['{"a": 1} trailing', "{", "\ufeff{}", ""])
def test_text_that_is_not_one_json_value_is_refused_as_before(process, stored):
    with pytest.raises(json.JSONDecodeError):
        process(stored)


def test_null_and_numbers_pass_through(process):
    assert process(None) is None
    assert process(7) == 7


def test_other_databases_keep_their_drivers_decoding():
    assert StoredJSON().result_processor(postgresql.psycopg.dialect(), None) is None
