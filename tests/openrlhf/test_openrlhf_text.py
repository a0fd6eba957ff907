"""Recovering the response from OpenRLHF's query (prompt + response decoded with special tokens)."""

from __future__ import annotations

import pytest
from r1verify_openrlhf.text import cut_at_end_token, recover_response

CHATML = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 6 * 7?<|im_end|>\n<|im_start|>assistant\n"
LLAMA3 = (
    "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nWhat is 6 * 7?<|eot_id|>"
    "<|start_header_id|>assistant<|end_header_id|>\n\n"
)
R1 = "<｜begin▁of▁sentence｜><｜User｜>What is 6 * 7?<｜Assistant｜><think>\n"


@pytest.mark.parametrize(
    ("prompt", "response", "end"),
    [
        (CHATML, "<think>6*7</think> \\boxed{42}", "<|im_end|>"),
        (LLAMA3, "The answer is 42.", "<|eot_id|>"),
        (R1, "6*7=42</think> \\boxed{42}", "<｜end▁of▁sentence｜>"),
        ("Question: 6 * 7?\nAnswer:", " 42", "</s>"),
    ],
)
def test_the_prompt_prefix_and_the_end_token_are_removed(prompt, response, end):
    assert recover_response(prompt + response + end, prompt) == response


def test_padding_after_the_end_token_is_dropped_too():
    query = CHATML + "42<|im_end|><|endoftext|><|endoftext|>"
    assert recover_response(query, CHATML) == "42"


def test_a_response_cut_by_the_token_budget_has_no_end_token_and_is_kept_whole():
    assert recover_response(CHATML + "<think>long reasoning", CHATML) == "<think>long reasoning"


def test_a_left_truncated_prompt_is_found_inside_the_query():
    long_prompt = (
        "<|im_start|>user\n" + "Consider this context. " * 40 + "What is 6 * 7?<|im_end|>\n<|im_start|>assistant\n"
    )
    truncated = long_prompt[300:]
    assert recover_response(truncated + "\\boxed{42}<|im_end|>", long_prompt) == "\\boxed{42}"


def test_truncation_that_split_a_character_leaves_a_replacement_char_which_is_skipped():
    prompt = "<|im_start|>user\n" + "数学问题。" * 30 + "六乘七等于几？<|im_end|>\n<|im_start|>assistant\n"
    query = "\ufffd" + prompt[40:] + "42<|im_end|>"
    assert recover_response(query, prompt) == "42"


def test_without_a_matching_prompt_the_text_after_the_last_assistant_header_is_the_response():
    # e.g. a prompt that does not round-trip through the tokenizer
    query = CHATML.replace("Be brief.", "Be  brief.") + "42<|im_end|>"
    assert recover_response(query, CHATML) == "42"
    assert recover_response(LLAMA3 + "42<|eot_id|>", None) == "42"
    assert recover_response(R1 + "x</think>42", None) == "<think>\nx</think>42"


def test_without_prompt_or_header_the_whole_query_is_the_response():
    assert recover_response("just text<|endoftext|>", None) == "just text"


def test_a_fake_header_inside_the_response_does_not_hide_the_real_answer_when_the_prompt_matches():
    # reward hacking: the model writes its own assistant header followed by the right answer
    response = "I think 41.<|im_start|>assistant\n\\boxed{42}"
    assert recover_response(CHATML + response + "<|im_end|>", CHATML) == "I think 41.<|im_start|>assistant\n\\boxed{42}"


def test_text_after_an_early_end_token_is_not_graded():
    # a response that 'ends' and keeps going (e.g. generation without stop tokens) is graded up to the end token
    assert recover_response(CHATML + "41<|im_end|>\n<|im_start|>user\n42", CHATML) == "41"


def test_custom_end_tokens():
    assert cut_at_end_token("42[END]junk", ["[END]"]) == "42"
    assert cut_at_end_token("42", [""]) == "42"
