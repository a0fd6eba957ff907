"""The tool_call verifier: OpenAI and Hermes calls, values not strings, order, partial credit, name spoofing."""

from __future__ import annotations

import json
import pickle

import pytest

from r1verify import Engine, Recipe, Sample, Status
from r1verify_instruct import ToolCall

WEATHER = {"name": "get_weather", "arguments": {"city": "Paris", "days": 3, "units": "metric"}}
TIME = {"name": "get_time", "arguments": {"tz": "Europe/Paris"}}


def hermes(*calls):
    return "".join(f"<tool_call>\n{json.dumps(c)}\n</tool_call>\n" for c in calls)


def openai(*calls):
    return json.dumps(
        {"tool_calls": [{"type": "function", "function": {"name": c["name"], "arguments": json.dumps(c["arguments"])}}
                        for c in calls]}
    )


def check(answer, reference, **options):
    return ToolCall(**options).verify(Sample(f"<think>plan</think>{answer}", reference=reference))


@pytest.mark.parametrize("render", [hermes, openai])
def test_matching_calls_are_correct_in_both_formats(render):
    v = check(render(WEATHER, TIME), [WEATHER, TIME])
    assert v.status is Status.CORRECT and v.details["matched"] == 2


def test_arguments_compare_as_values():
    shuffled = {"name": "get_weather", "arguments": {"units": "metric", "days": "3", "city": "Paris"}}
    assert check(hermes(shuffled), [WEATHER]).status is Status.CORRECT  # key order, "3" == 3
    as_float = {"name": "get_weather", "arguments": {"city": "Paris", "days": 3.0, "units": "metric"}}
    assert check(hermes(as_float), [WEATHER]).status is Status.CORRECT
    assert check(hermes(shuffled), [WEATHER], coerce_numbers=False).status is Status.WRONG
    lower = {"name": "get_weather", "arguments": {"city": "paris", "days": 3, "units": "metric"}}
    v = check(hermes(lower), [WEATHER])
    assert v.status is Status.WRONG and "argument 'city' is 'paris', expected 'Paris'" in v.reason
    assert check(hermes(lower), [WEATHER], case_sensitive=False).status is Status.CORRECT
    truthy = {"name": "f", "arguments": {"flag": 1}}
    assert check(hermes(truthy), [{"name": "f", "arguments": {"flag": True}}]).status is Status.WRONG


def test_optional_missing_and_extra_arguments():
    reference = [{**WEATHER, "optional": ["units"]}]
    without_units = {"name": "get_weather", "arguments": {"city": "Paris", "days": 3}}
    assert check(hermes(without_units), reference).status is Status.CORRECT
    v = check(hermes(without_units), [WEATHER])
    assert v.status is Status.WRONG and "missing argument 'units'" in v.reason
    extra = {"name": "get_weather", "arguments": {**WEATHER["arguments"], "debug": True}}
    assert "unexpected argument(s) 'debug'" in check(hermes(extra), [WEATHER]).reason
    assert check(hermes(extra), [WEATHER], extra_args=True).status is Status.CORRECT


def test_order_and_partial_credit_per_call():
    assert check(hermes(TIME, WEATHER), [WEATHER, TIME]).status is Status.WRONG
    assert check(hermes(TIME, WEATHER), [WEATHER, TIME], order="set").status is Status.CORRECT
    v = check(hermes(WEATHER), [WEATHER, TIME])
    assert v.status is Status.PARTIAL and v.score == 0.5 and "get_time: not called" in v.reason


def test_name_spoofing_and_call_spamming_get_no_credit():
    """Hacks: a look-alike name, the right name only inside an argument, the right call only in the reasoning,
    and repeating calls to hit the reference in set mode."""
    for name in ("Get_Weather", "get_weather_v2", "functions.get_weather"):
        assert check(hermes({**WEATHER, "name": name}), [WEATHER]).status is Status.WRONG
    inside = {"name": "search", "arguments": {"q": hermes(WEATHER)}}
    assert check(hermes(inside), [WEATHER]).status is Status.WRONG
    sample = Sample(f"<think>{hermes(WEATHER)}</think>I will check the weather.", reference=[WEATHER])
    assert ToolCall().verify(sample).status is Status.NO_ANSWER
    spam = [{"name": "get_weather", "arguments": {"city": c, "days": 3, "units": "metric"}} for c in "ABC"]
    v = check(hermes(*spam, WEATHER), [WEATHER], order="set")
    assert v.status is Status.PARTIAL and v.score == 0.25


def test_malformed_calls_and_references():
    assert check("<tool_call>{not json}</tool_call>", [WEATHER]).status is Status.FORMAT_ERROR
    assert check('<tool_call>{"arguments": {}}</tool_call>', [WEATHER]).status is Status.FORMAT_ERROR
    bad_args = json.dumps({"tool_calls": [{"function": {"name": "get_weather", "arguments": "{oops"}}]})
    assert check(bad_args, [WEATHER]).status is Status.FORMAT_ERROR
    assert check("It is sunny.", [WEATHER]).status is Status.NO_ANSWER
    for reference in (None, "{oops", []):
        assert check(hermes(WEATHER), reference).status is Status.ERROR


def test_openai_message_in_a_fence_and_reference_from_a_column():
    answer = "```json\n" + openai(WEATHER) + "\n```"
    sample = Sample(f"<think>x</think>{answer}", meta={"calls": json.dumps({"tool_calls": [{"function": WEATHER}]})})
    assert ToolCall(reference_key="calls").verify(sample).status is Status.CORRECT
    assert pickle.loads(pickle.dumps(ToolCall(order="set"))).options.order == "set"


def test_json_schema_and_tool_call_through_the_engine():
    samples = [
        Sample(f"<think>x</think>{hermes(WEATHER)}", reference=[WEATHER], domain="tools"),
        Sample(f"<think>x</think>{hermes(TIME)}", reference=[WEATHER], domain="tools"),
        Sample('<think>x</think>{"a": 1}', reference={"type": "object", "required": ["a"]}, domain="json"),
    ]
    recipe = Recipe.from_dict(
        {
            "verifiers": {
                "calls": {"verifier": "tool_call", "domains": ["tools"]},
                "schema": {"verifier": "json_schema", "domains": ["json"]},
            }
        }
    )
    with Engine(recipe, workers=1) as engine:
        results = engine.verify(samples)
    assert [r.verdicts["calls"].status for r in results[:2]] == [Status.CORRECT, Status.WRONG]
    assert results[2].verdicts["schema"].status is Status.CORRECT
