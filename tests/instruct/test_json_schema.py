"""The json_schema verifier: where the JSON is, the first violation's path, extra keys, and schema hacks."""

from __future__ import annotations

import json
import pickle

import pytest

from r1verify import Sample, Status
from r1verify_instruct import JSONSchema

SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer", "minimum": 0},
        "address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["name", "age"],
}


def check(completion, schema=SCHEMA, **options):
    return JSONSchema(**options).verify(Sample(completion, reference=schema))


def test_valid_json_after_the_reasoning_is_correct():
    v = check('<think>{"bad": true}</think>\n```json\n{"name": "Ada", "age": 36}\n```')
    assert v.status is Status.CORRECT and v.details["source"] == "the last fenced block"


def test_the_first_violation_path_is_in_the_reason():
    v = check('<think>x</think>{"name": "Ada", "age": 3, "address": {"city": 5}, "tags": ["a", 2]}')
    assert v.status is Status.WRONG and v.score == 0.0
    assert "$.address.city: 5 is not of type 'string'" in v.reason and "(2 violations)" in v.reason
    assert [e["path"] for e in v.details["violations"]] == ["$.address.city", "$.tags[1]"]


def test_junk_keys_pass_by_default_and_fail_with_extra_keys_forbid():
    """Hack: pad the JSON with junk keys. JSON Schema allows unknown keys unless the schema says otherwise;
    extra_keys=forbid closes every object schema that has properties, nested ones too."""
    junk = "x" * 50
    padded = '<think>x</think>{"name": "Ada", "age": 3, "address": {"city": "Oslo", "zzz": 1}, "junk": "' + junk + '"}'
    assert check(padded).status is Status.CORRECT
    v = check(padded, extra_keys="forbid")
    assert v.status is Status.WRONG and "'junk' was unexpected" in v.reason
    assert "$.address" in [e["path"] for e in v.details["violations"]]
    open_schema = {**SCHEMA, "additionalProperties": {"type": "string"}}
    flat = padded.replace(', "address": {"city": "Oslo", "zzz": 1}', "")
    assert check(flat, open_schema, extra_keys="forbid").score == 1


def test_json_only_in_the_reasoning_or_prose_around_it_is_not_json():
    """Hack: valid JSON inside <think>, prose answer; or JSON wrapped in chatter without a fence."""
    v = check('<think>{"name": "Ada", "age": 3}</think> Here you go!')
    assert v.status is Status.FORMAT_ERROR and "not JSON" in v.reason
    assert check('<think>x</think>Sure: {"name": "Ada", "age": 3}').status is Status.FORMAT_ERROR


def test_the_last_fenced_block_is_graded_not_an_earlier_valid_one():
    answer = '<think>x</think>```json\n{"name": "Ada", "age": 3}\n```\nActually:\n```json\n{"name": "Ada"}\n```'
    v = check(answer)
    assert v.status is Status.WRONG and "'age' is a required property" in v.reason


def test_source_options():
    assert check('<think>x</think>{"name": "A", "age": 1}', source="fenced").status is Status.FORMAT_ERROR
    fenced = '<think>x</think>```json\n{"name": "A", "age": 1}\n```'
    assert check(fenced, source="whole").status is Status.FORMAT_ERROR
    assert check(fenced, source="fenced").status is Status.CORRECT


def test_strings_are_not_numbers_and_formats_are_checked():
    assert check('<think>x</think>{"name": "A", "age": "3"}').status is Status.WRONG
    schema = {"type": "object", "properties": {"day": {"type": "string", "format": "date"}}}
    assert check('<think>x</think>{"day": "2024-13-45"}', schema).status is Status.WRONG
    assert check('<think>x</think>{"day": "2024-12-05"}', schema).status is Status.CORRECT
    assert check('<think>x</think>{"day": "2024-13-45"}', schema, check_formats=False).status is Status.CORRECT


@pytest.mark.parametrize(
    ("schema", "needle"),
    [
        ({"type": "nope"}, "schema is invalid"),
        ({"$ref": "https://example.invalid/schema.json"}, "cannot be resolved offline"),
        ("{not json", "not JSON"),
        (None, "no JSON schema"),
    ],
)
def test_bad_schemas_are_errors(schema, needle):
    v = check('<think>x</think>{"a": 1}', schema)
    assert v.status is Status.ERROR and needle in v.reason


def test_schema_from_a_column_as_json_text_and_no_answer_cases():
    sample = Sample('<think>x</think>{"a": 1}', meta={"schema": json.dumps({"type": "object", "required": ["a"]})})
    assert JSONSchema().verify(sample).status is Status.CORRECT
    assert check("<think>never closed").status is Status.NO_ANSWER
    assert check("<think>x</think>   ").status is Status.NO_ANSWER
    assert pickle.loads(pickle.dumps(JSONSchema(extra_keys="forbid"))).options.extra_keys == "forbid"
