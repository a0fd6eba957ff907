"""How TRL's reward-function arguments become samples: completions, pre-filled <think>, column mapping."""

from __future__ import annotations

import pytest
from r1verify_trl.inputs import ColumnError, Columns, build_samples, completion_text, split_prefill


def test_standard_and_conversational_completions_give_the_same_text():
    text = "<think>2+2</think> \\boxed{4}"
    assert completion_text(text) == (text, False)
    assert completion_text([{"role": "assistant", "content": text}]) == (text, False)
    assert completion_text({"role": "assistant", "content": text}) == (text, False)
    assert completion_text(None) == ("", False)


def test_multimodal_parts_keep_their_text_and_tool_turns_are_left_out():
    completion = [
        {"role": "assistant", "content": [{"type": "text", "text": "<think>a"}, {"type": "image"}]},
        {"role": "tool", "content": "tool output must not be graded as the model's answer: \\boxed{99}"},
        {"role": "assistant", "content": "</think> \\boxed{4}"},
    ]
    assert completion_text(completion) == ("<think>a\n</think> \\boxed{4}", False)


@pytest.mark.parametrize("field", ["reasoning_content", "thinking", "reasoning"])
def test_a_parsed_reasoning_field_is_put_back_inside_think_tags(field):
    text, rebuilt = completion_text([{"role": "assistant", field: "2+2 is 4", "content": "\\boxed{4}"}])
    assert rebuilt
    assert text == "<think>\n2+2 is 4\n</think>\n\n\\boxed{4}"


def test_prefill_think_puts_the_prefill_in_front_of_the_completion_and_takes_it_off_the_prompt():
    assert split_prefill("<|im_start|>assistant\n<think>\n", True) == ("<|im_start|>assistant\n", "<think>\n")
    assert split_prefill("Question<think>", True) == ("Question", "<think>")  # moved as the prompt shows it
    in_the_middle = "Answer inside <think> tags, then give the answer."
    assert split_prefill(in_the_middle, True) == (in_the_middle, "<think>\n")
    user_words = [{"role": "user", "content": "end with <think>"}]  # a user's words stay in the prompt
    assert split_prefill(user_words, True) == (user_words, "<think>\n")
    question = {"role": "user", "content": "q"}
    assert split_prefill([question, {"role": "assistant", "content": "<think>\n"}], True) == ([question], "<think>\n")
    partial = [question, {"role": "assistant", "content": "Sure. <think>"}]
    assert split_prefill(partial, True) == ([question, {"role": "assistant", "content": "Sure. "}], "<think>")
    assert split_prefill(None, True) == (None, "<think>\n")


def test_without_prefill_think_prompts_and_completions_stay_as_they_are():
    for prompt in ("Question<think>\n", [{"role": "user", "content": "q"}], None):
        assert split_prefill(prompt, False) == (prompt, "")
    assert split_prefill("q", "<reasoning>\n") == ("q", "<reasoning>\n")
    assert split_prefill("q <reasoning>\n", "<reasoning>\n") == ("q ", "<reasoning>\n")


def test_build_samples_moves_the_prefill_once_and_not_into_rebuilt_reasoning():
    prompts = ["q1 <think>\n", [{"role": "user", "content": "q2"}, {"role": "assistant", "content": "<think>\n"}]]
    completions = ["r</think> 4", [{"role": "assistant", "reasoning_content": "r", "content": "4"}]]
    samples = build_samples(prompts, completions, {}, Columns(), True)
    assert (samples[0].prompt, samples[0].completion) == ("q1 ", "<think>\nr</think> 4")
    assert samples[1].completion == "<think>\nr\n</think>\n\n4"  # exactly one opening tag
    assert samples[1].prompt == [{"role": "user", "content": "q2"}]
    untouched = build_samples(prompts[:1], completions[:1], {}, Columns(), False)
    assert (untouched[0].prompt, untouched[0].completion) == ("q1 <think>\n", "r</think> 4")


def test_a_model_that_writes_its_own_tag_after_a_prefill_is_not_hidden():
    # the template wrote <think>, the model wrote another one: the verifier must see both
    samples = build_samples(["q <think>"], ["<think> r</think> 4"], {}, Columns(), True)
    assert samples[0].completion.count("<think>") == 2


def test_reference_aliases_follow_the_cli_order_and_the_rest_goes_to_meta():
    columns = {"solution": ["long worked solution \\boxed{4}"], "answer": ["4"], "domain": ["math"], "lang": ["en"]}
    (sample,) = build_samples(["q"], ["c"], columns, Columns(), False)
    assert sample.reference == "4"  # `answer` is tried before `solution`, as on the CLI
    assert sample.domain == "math"
    assert sample.meta == {"solution": "long worked solution \\boxed{4}", "lang": "en"}


def test_mapped_columns():
    columns = {"gold": ["7"], "task": ["code"], "lang": ["fr"], "answer": ["x"]}
    mapping = Columns.from_kwargs({"reference": "gold", "domain": "task", "meta": ["lang"]})
    (sample,) = build_samples(None, ["c"], columns, mapping, False)
    assert (sample.reference, sample.domain, sample.meta, sample.prompt) == ("7", "code", {"lang": "fr"}, None)
    (sample,) = build_samples(None, ["c"], columns, Columns.from_kwargs({"reference": None}), False)
    assert sample.reference is None


def test_a_missing_mapped_reference_column_is_an_error_that_names_the_fix():
    with pytest.raises(ColumnError, match=r"reference column 'gold'.*columns: answer.*reference=COLUMN"):
        build_samples(None, ["c"], {"answer": ["4"]}, Columns.from_kwargs({"reference": "gold"}), False)
    (sample,) = build_samples(None, ["c"], {"other": [1]}, Columns(), False)  # default aliases: none is fine
    assert sample.reference is None


def test_non_string_domains_are_text_and_columns_must_match_the_batch():
    (sample,) = build_samples(None, ["c"], {"domain": [3]}, Columns(), False)
    assert sample.domain == "3"
    with pytest.raises(ColumnError, match="2 values for 1 completions"):
        build_samples(None, ["c"], {"answer": ["1", "2"]}, Columns(), False)


def test_unknown_column_map_keys_are_rejected():
    with pytest.raises(TypeError, match="reference=COLUMN"):
        Columns.from_kwargs({"solution_column": "x"})
    with pytest.raises(TypeError, match="column name"):
        Columns.from_kwargs({"reference": 3})
