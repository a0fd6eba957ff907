"""Decoding OpenRLHF labels (the --data.label_key column) into reference, domain and meta."""

from __future__ import annotations

import json

import pytest
from r1verify_openrlhf.convert import ConvertOptions, request_items, sample_from_query
from r1verify_openrlhf.labels import Label, LabelError, decode_label

TESTS = [{"input": "1 2\n", "output": "3\n"}, {"input": "2 2\n", "output": "4\n"}]


@pytest.mark.parametrize("text", ["42", "0.50", "1e5", "[1, 2]", "(1, 2]", "\\frac{1}{2}", "[1, 2", '"quoted"', "[]"])
def test_math_answers_stay_text_in_auto_mode(text):
    # an interval [1, 2] must not become a list of acceptable answers, 0.50 not the float 0.5
    assert decode_label(text) == Label(reference=text)


def test_json_test_cases_are_decoded_in_auto_mode():
    assert decode_label(json.dumps(TESTS)).reference == TESTS
    obj = {"inputs": ["1\n"], "outputs": ["1\n"], "fn_name": None}
    assert decode_label(json.dumps(obj)).reference == obj


def test_an_envelope_sets_domain_and_meta():
    label = json.dumps({"reference": TESTS, "domain": "code", "language": "python"})
    assert decode_label(label) == Label(reference=TESTS, domain="code", meta={"language": "python"})
    # structured labels straight from a dataset column (not strings) work the same way
    assert decode_label({"reference": "42", "domain": "math"}) == Label(reference="42", domain="math")


def test_json_mode_decodes_everything_and_rejects_non_json():
    assert decode_label('["2", "two"]', "json").reference == ["2", "two"]
    assert decode_label("0.5", "json").reference == 0.5
    with pytest.raises(LabelError, match="not JSON"):
        decode_label("\\frac{1}{2}", "json")


def test_text_mode_never_decodes():
    assert decode_label(json.dumps(TESTS), "text").reference == json.dumps(TESTS)


def test_empty_label_means_no_reference_and_bad_envelopes_are_errors():
    assert decode_label("") == Label()
    assert decode_label(None) == Label()
    with pytest.raises(LabelError, match="domain"):
        decode_label('{"reference": "1", "domain": 3}')
    with pytest.raises(LabelError, match="unknown label mode"):
        decode_label("1", "yaml")  # type: ignore[arg-type]


def test_request_items_turn_unreadable_items_into_their_error():
    prompt = "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n"
    items = request_items(
        [prompt + "42<|im_end|>", 7, prompt + "x"],
        [prompt, prompt, None],
        ["42", "1", '{"reference": 1, "domain": 2}'],
        ConvertOptions(),
    )
    assert items[0].completion == "42" and items[0].reference == "42" and items[0].prompt == prompt
    assert isinstance(items[1], TypeError) and "query must be a string" in str(items[1])
    assert isinstance(items[2], LabelError)
    short = request_items(["a", "b"], ["p"], None, ConvertOptions())
    assert isinstance(short[1], ValueError) and "prompts has 1 entries" in str(short[1])


def test_sample_from_query_keeps_the_prompt_for_verifiers_that_read_it():
    sample = sample_from_query(
        "<｜User｜>q<｜Assistant｜><think>\nx</think>42", "<｜User｜>q<｜Assistant｜><think>\n", "42"
    )
    assert sample.completion == "x</think>42"
    assert sample.prompt.endswith("<think>\n")  # a prefilled think tag is visible to format verifiers
