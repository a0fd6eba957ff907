"""Reading tests from the formats real datasets use (dicts, lists, and the same as JSON strings)."""

from __future__ import annotations

import json

import pytest
from r1verify_code import AssertTest, BadReference, CallTest, StdioTest, parse_reference

from .conftest import load


def test_inputs_outputs_is_stdio_and_json_strings_work():
    ref = {"inputs": ["1 2\n", "3 4\n"], "outputs": ["3\n", "7\n"]}
    suite = parse_reference(ref)
    assert suite.kind == "stdio" and suite.tests == (StdioTest("1 2\n", "3\n"), StdioTest("3 4\n", "7\n"))
    assert parse_reference(json.dumps(ref)) == suite


def test_verl_and_apps_rows():
    row = load("verl_prime_code_cases.jsonl")[0]
    suite = parse_reference(json.dumps(row["tests"]))
    assert suite.kind == "stdio" and len(suite.tests) == 11
    apps = {"input_output": json.dumps({"inputs": [["1", "2"]], "outputs": [["3"]]})}
    assert parse_reference(apps).tests == (StdioTest("1\n2", "3"),)


def test_sandboxfusion_code_contests_cases():
    row = load("sandboxfusion_code_contests_17.jsonl")[0]
    suite = parse_reference(row["test"])  # a JSON string of [{"input": {"stdin"}, "output": {"stdout"}}]
    assert suite.kind == "stdio" and suite.tests[0] == StdioTest("0\n00\n", "WRONG_ANSWER\n")


def test_open_r1_verification_info():
    ref = {"language": "cpp", "test_cases": [{"input": "1\n", "output": "2\n", "type": "stdin_stdout"}]}
    suite = parse_reference(ref)
    assert suite.kind == "stdio" and suite.language == "cpp" and suite.tests == (StdioTest("1\n", "2\n"),)


def test_livecodebench_functional_is_call_based():
    lcb = next(r for r in load("sandboxfusion_live_code_bench.jsonl") if r["input_output"]["fn_name"])
    suite = parse_reference(lcb["input_output"])
    assert suite.kind == "call" and suite.fn_name == "countSeniors"
    assert suite.tests[0] == CallTest([["7868190130M7522", "5303914400F9211", "9273338290F4010"]], 2)


def test_apps_call_based_outputs_are_wrapped():
    suite = parse_reference({"fn_name": "add", "inputs": [[1, 2]], "outputs": [[3]]})
    assert suite.tests == (CallTest([1, 2], [3], unwrap=True),)


def test_humaneval_is_check_of_the_entry_point():
    problem = load("humaneval.jsonl")[0]
    suite = parse_reference({"test": problem["test"], "entry_point": problem["entry_point"]})
    assert suite.kind == "assert" and suite.tests == (AssertTest("check(has_close_elements)"),)
    assert "def check(candidate)" in suite.setup


def test_mbpp_test_list_with_setup():
    row = load("sandboxfusion_mbpp.jsonl")[0]
    suite = parse_reference({"test_list": row["test_list"], "test_setup_code": "import math"})
    assert [t.code for t in suite.tests] == row["test_list"] and suite.setup == "import math"


def test_plain_assert_code_is_split_per_assert():
    suite = parse_reference("import math\nassert f(1) == 2\nassert f(2) == math.floor(3.5)\n")
    assert [t.code for t in suite.tests] == ["assert f(1) == 2", "assert f(2) == math.floor(3.5)"]
    assert suite.setup == "import math"
    whole = parse_reference("def helper():\n    return 1\nassert f(helper()) == 2\n")
    assert len(whole.tests) == 1


def test_cpp_test_code_stays_whole():
    row = load("sandboxfusion_humanevalds_cpp.jsonl")[0]
    suite = parse_reference({"test": row["test"], "language": "cpp"})
    assert suite.kind == "assert" and suite.language == "cpp" and "#<INSERT>" in suite.tests[0].code


@pytest.mark.parametrize(
    "bad",
    [
        None,
        "",
        {"inputs": ["1"], "outputs": []},
        {"foo": 1},
        [1, 2],
        42,
        {"fn_name": "f", "inputs": [{"a": 1}], "outputs": [1]},
        {"test_list": []},
    ],
)
def test_bad_references_say_what_is_accepted(bad):
    with pytest.raises(BadReference):
        parse_reference(bad)


def test_max_tests_keeps_the_first_ones():
    suite = parse_reference({"inputs": ["1", "2", "3"], "outputs": ["1", "2", "3"]})
    assert [t.stdin for t in suite.limit(2).tests] == ["1", "2"] and suite.limit(0) is suite
