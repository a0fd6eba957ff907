"""Other people's completions (issue 22): endings of long-CoT and base models that nobody here wrote, modelled on
rows of bench/data/math/longcot.jsonl.gz. Each family has its real-looking case and the variants that must stay
not correct (a missed answer is fixed only where no hedge gets through)."""

from __future__ import annotations

import pytest

from r1verify_math import MathVerifier

from r1verify import Sample, Status

from .math_support import grade

PLAIN = {"delimiter": "", "require_delimiter": False}
LENIENT = {**PLAIN, "preset": "lenient"}
SKY = {"template": "sky-t1", "require_delimiter": False}


def plain(completion: str, reference: object, **options: object):
    return grade(completion, reference, **{**PLAIN, **options})


def lenient(completion: str, reference: object, **options: object):
    return grade(completion, reference, **{**LENIENT, **options})


def asked(completion: str, reference: object, prompt: str, **options: object):
    """The verdict with the question as the sample's prompt (whole completion graded)."""
    return MathVerifier(**{**PLAIN, **options}).verify(Sample(completion, prompt=prompt, reference=reference))


# --------------------------------------------------------------------------- hedge words in ordinary prose
@pytest.mark.parametrize(
    "ending, reference",
    [
        ("Since he has 26 candies and 3 friends, the most candy he could have left over is 2.", "2"),
        ("Adding the 8 she made later, the number of cookies before adding more was 16.", "16"),
        ("Each factor of 10 needs a 2 and a 5, so the number of trailing zeros in 42! is 9.", "9"),
        ("No matter how the balls are arranged, the number of ways is 12.", "12"),
    ],
)
def test_hedge_words_in_the_subject_do_not_hedge_the_value(ending, reference):
    verdict = lenient(f"Let me work it out step by step.\n\n{ending}", reference)
    assert verdict.status is Status.CORRECT, verdict.reason


@pytest.mark.parametrize(
    "ending",
    [
        "So the number of candies left over could be 2.",
        "So the number of candies left over is at most 2.",
        "So the number of candies left over is about 2.",
        "So the number of candies left over is 2 or 3.",
        "So the number of candies left over is not 2.",
        "It is not true that the number left over is 2.",
        "Maybe the number of candies left over is 2.",
        "So the number of candies left over is 2!",
        "So the number of candies left over is more than 2.",
    ],
)
def test_hedge_words_that_qualify_the_value_still_hedge(ending):
    verdict = lenient(f"Let me work it out.\n\n{ending}", "2")
    assert verdict.status is not Status.CORRECT, verdict.reason


# --------------------------------------------------------------------------- explanatory words after the value
def test_words_that_explain_the_value_are_not_text():
    assert lenient("Checking each option again, 44 is the correct answer.", "44").status is Status.CORRECT
    assert lenient("Therefore, Maria is 10 years old now.", "10").status is Status.CORRECT
    assert plain("So she is in the \\boxed{12^{\\text{th}}} grade.", "12").status is Status.CORRECT
    assert plain("The winner finished \\boxed{3rd}.", "3").status is Status.CORRECT


def test_explanatory_words_do_not_hide_another_value():
    assert lenient("Checking each option again, 44 or 45 is the correct answer.", "44").status is Status.WRONG
    assert lenient("Checking each option again, 44 is not the correct answer.", "44").status is not Status.CORRECT
    assert lenient("Therefore, Maria is 10 years old now.", "11").status is Status.WRONG
    assert plain("So she is in the \\boxed{12^{\\text{th}}} grade.", "13").status is Status.WRONG
    assert plain("\\boxed{4 \\text{ years old maybe}}", "4").status is Status.WRONG


# --------------------------------------------------------------------------- truncation
CUT_OFF = [
    # gemma-2-27b-it on OlympiadBench: the value never came
    "S = (1/4) / (1 - 1/4) = (1/4) / (3/4) = 1/3\n\n**Therefore, the largest possible value of the infinite series is:**",
    # a loop cut by the token limit, mid-formula
    "So \\frac{AC}{AE} = \\frac{3AF + FE}{AF + FE} = \\frac{3AF + FE}{AF + FE} = \\frac{3AF +",
    # cut mid-sentence after a phrase that names a value
    "Wait, but I recall that the correct answer is 1/2. Let me verify this by computing the",
    "So the answer is \\boxed{3}. Let me double-check with the substitution x =",
    "The area is \\(\\frac{1}{3}\\). To confirm, \\[ \\int_0^1 x^2 \\, dx = ",
]


@pytest.mark.parametrize("completion", CUT_OFF)
@pytest.mark.parametrize("preset", ["strict", "lenient"])
def test_a_completion_that_stops_mid_sentence_is_truncated(completion, preset):
    for reference in ("1/3", "1/2", "3"):
        verdict = plain(completion, reference, preset=preset, fallbacks=["answer_is", "gsm8k", "last_math"])
        assert verdict.status is Status.NO_ANSWER and verdict.reason.startswith("truncated"), verdict.reason


@pytest.mark.parametrize("preset", ["strict", "lenient"])
def test_a_reasoning_that_never_closed_is_truncated_whatever_it_says(preset):
    """A Sky-T1 thought cut by the token limit: the phrase in it was graded correct before (issue 22)."""
    completion = "<|begin_of_thought|>\n\nHmm. Wait, but I recall that the correct answer is 1/2. Let me check:\n"
    for options in (SKY, {**SKY, "require_delimiter": True}):
        verdict = grade(completion + "so \\boxed{\\frac12}", "1/2", preset=preset, **options)
        assert verdict.status is Status.NO_ANSWER and verdict.reason.startswith("truncated"), verdict.reason
    verdict = grade("<think>So x = 2, hence \\boxed{2}", "2", preset=preset)
    assert verdict.status is Status.NO_ANSWER and verdict.reason.startswith("truncated")


def test_complete_endings_are_not_truncated():
    for ending in ("\\boxed{3}", "\\boxed{3}.", "The answer is 3", "\\[ \\boxed{3} \\]\n\n---", "$x = 3$", "**3**"):
        assert plain(f"We compute 1 + 2.\n\n{ending}", "3", preset="lenient").status is Status.CORRECT, ending
    assert plain("The answer is \\boxed{185}\\", "185").status is Status.CORRECT  # a stray backslash


def test_a_closed_answer_block_is_complete_whatever_its_last_words():
    completion = "<|begin_of_thought|>ok<|end_of_thought|><|begin_of_solution|>So \\boxed{3} is the<|end_of_solution|>"
    assert grade(completion, "3", **SKY).status is Status.CORRECT


def test_the_next_chat_turn_a_base_model_writes_is_not_the_answer():
    completion = "Therefore, there are \\boxed{12} sequences. I hope it is correct. <|im_start|>user\nNow solve \\boxed{7}"
    assert plain(completion, "12").status is Status.CORRECT
    assert plain("So \\boxed{12}.\n\nHuman: and if it were \\boxed{13}?", "12").status is Status.CORRECT
    # a hedge written before the marker is still read
    assert plain("\\boxed{12} or \\boxed{13}.<|im_end|>", "12").status is Status.WRONG


# --------------------------------------------------------------------------- named values, tuples, value first
def test_a_list_of_named_values_is_the_list_of_values():
    """OlympiadBench 'Determine a, b and c': the reference lists the values, the model names them."""
    ending = "Therefore, the values of $a$, $b$ and $c$ are $\\boxed{a = \\frac{1}{3}, b = -2, c = 5}$."
    assert plain(ending, "\\frac{1}{3},-2,5").status is Status.CORRECT
    assert plain("**Answer:** $\\boxed{b = -3, c = 0}$", "-3,0").status is Status.CORRECT
    assert plain("$\\boxed{b = -3, c = 1}$", "-3,0").status is Status.WRONG
    assert plain("$\\boxed{a = 1, b = 2 = 3}$", "1,3").status is Status.WRONG  # a false equation inside
    assert plain("$\\boxed{x = 2, y = 1}$", "x=1,y=2").status is Status.WRONG


def test_a_tuple_of_the_listed_values_in_order():
    ending = "Thus, the values of \\(a\\) and \\(b\\) are: \\[ \\boxed{(-2, -2)} \\]"
    assert plain(ending, "-2,-2").status is Status.CORRECT
    assert plain("\\boxed{(-2, 2)}", "-2,-2").status is Status.WRONG
    assert plain("\\boxed{(-2, -2, -2)}", "-2,-2").status is Status.WRONG
    assert plain("\\boxed{(1, 2)}", "(1,2),(3,4)").status is Status.WRONG


def test_a_value_written_before_its_variable():
    assert plain("So \\boxed{2 = x}.", "2").status is Status.CORRECT
    assert plain("So \\boxed{3 = x}.", "2").status is Status.WRONG
    assert plain("So \\boxed{2 = 3}.", "2").status is Status.WRONG


# --------------------------------------------------------------------------- several boxes: multi-part answers
PIZZA = (
    "The weight of a third of a large pizza together with 3 1/2 cups of orange slices is the same as ... "
    "The answer can be written in the form $\\frac{m}{n}$, where $m$ and $n$ are relatively prime positive "
    "integers. What is $m-n$?"
)
PIZZA_END = "Therefore, the weight of a large pizza is $\\boxed{\\frac{9}{5}}$ pounds.\n\nFinally, $m-n = 9-5 = \\boxed{4}$."
STAR = "A star at 1 kpc has absolute magnitude -7. Find the distance modulus of the star."


def test_the_box_the_question_asks_for_is_graded():
    """gemma-2-27b-it on AMC23 boxes the pizza's weight, then the asked m - n."""
    assert asked(PIZZA_END, "4", PIZZA).status is Status.CORRECT
    assert asked(PIZZA_END, "\\frac{9}{5}", PIZZA).status is Status.WRONG
    ending = "So the apparent magnitude is \\boxed{20.39} and the distance modulus is \\boxed{27.39}."
    assert asked(ending, "27.39", STAR).status is Status.CORRECT
    assert asked(ending, "20.39", STAR).status is Status.WRONG


def test_several_boxes_without_the_asked_part_stay_a_hedge():
    assert plain(PIZZA_END, "4").status is Status.WRONG  # no question: no way to tell
    for ending in (
        "Finally, $m-n = 9-5 = \\boxed{4}$, or maybe $m-n = \\boxed{3}$.",
        "Finally, $m-n = \\boxed{4}$. Alternatively $\\boxed{3}$.",
        "So $m-n = \\boxed{4}$ and also $m-n = \\boxed{3}$.",
        "Finally, $m-n = \\boxed{4 \\text{ or } 3}$ and the weight is $\\boxed{\\frac95}$.",
        "So $m-n = 9-5 = \\boxed{4}$. Therefore, the final answer is $\\boxed{3}$.",
    ):
        for preset in ("strict", "lenient"):
            verdict = asked(ending, "4", PIZZA, preset=preset)
            assert verdict.status is Status.WRONG, (ending, preset, verdict.reason)
    both = "So the distance modulus is \\boxed{20.39} and the distance modulus is \\boxed{27.39}."
    assert asked(both, "27.39", STAR).status is Status.WRONG


def test_an_expression_boxed_then_evaluated_is_one_answer():
    """gemma-2-27b-it: pi/V = \\boxed{12/T^2}, then with T = 13: 12/T^2 = 12/13^2 = \\boxed{12/169}."""
    ending = (
        "$$\\frac{\\pi}{V} = \\boxed{\\frac{12}{T^2}}$$\n\nSince $T=13$, we have:\n\n"
        "$$\\frac{12}{T^2} = \\frac{12}{13^2} = \\boxed{\\frac{12}{169}}$$"
    )
    assert plain(ending, "\\frac{12}{169}").status is Status.CORRECT
    assert plain(ending, "\\frac{12}{T^2}").status is Status.WRONG
    # a number is no earlier form of another number: 3 = 4 is a hedge, not a derivation
    assert plain("So \\boxed{3}. Checking: 3 = 2 + 2 = \\boxed{4}", "4").status is Status.WRONG


def test_one_value_boxed_in_two_forms_is_correct_when_grading_other_models():
    """Lenient (hedging unset: all_agree) accepts two boxes that are one value; strict keeps the cheap rule."""
    ending = "So $\\sin 45^\\circ = \\boxed{\\frac{\\sqrt2}{2}}$, which is $\\boxed{\\frac{1}{\\sqrt2}}$."
    assert lenient(ending, "\\frac{\\sqrt2}{2}").status is Status.CORRECT
    assert plain(ending, "\\frac{\\sqrt2}{2}").status is Status.WRONG
    verdict = lenient("So $\\boxed{\\frac{\\sqrt2}{2}}$, or $\\boxed{\\frac{1}{2}}$.", "\\frac{\\sqrt2}{2}")
    assert verdict.status is Status.WRONG and verdict.reason.startswith("hedged")
    assert lenient("\\boxed{2} \\boxed{3}", "2").status is Status.WRONG
    assert lenient("\\boxed{4}. The final answer is 3.", "4").status is Status.WRONG


# --------------------------------------------------------------------------- untagged completions graded whole
def test_an_early_guess_in_an_untagged_completion_is_reasoning():
    """Graded whole, the reasoning is in the region: an answer phrase thousands of characters before the final
    box is a step of it, not a second answer."""
    reasoning = "Let me think. Perhaps the answer is 360 degrees, since the angles go around a point.\n\n"
    reasoning += "We check each exterior angle of the regular pentagon carefully. " * 60
    completion = reasoning + "\n\nSo each exterior angle is $360/5$, that is $\\boxed{72}$ degrees."
    assert plain(completion, "72").status is Status.CORRECT
    assert plain(completion, "360").status is Status.WRONG


def test_a_phrase_next_to_the_box_still_disagrees():
    for completion in ("The final answer is 3.\n\n\\boxed{4}", "We get 3.\n\nThe final answer is 3.\n\nSo \\boxed{4}"):
        assert plain(completion, "4").status is Status.WRONG
        assert plain(completion, "3").status is Status.WRONG
    after_think = "<think>ok</think>The final answer is 3.\n\n" + "More words here. " * 100 + "\n\n\\boxed{4}"
    assert grade(after_think, "4").status is Status.WRONG  # after </think> the whole region is the answer


# --------------------------------------------------------------------------- degrees, percent
def test_degrees_in_an_equation_are_degrees():
    """\\boxed{\\sin 30^\\circ = \\frac{1}{2}} was a 'false equation': sin 30 was read in radians."""
    assert plain("Hence \\boxed{\\sin 30^\\circ = \\frac{1}{2}}.", "\\frac12").status is Status.CORRECT
    assert plain("Hence \\boxed{\\tan 45° = 1}.", "1").status is Status.CORRECT
    verdict = plain("Hence \\boxed{\\sin 30^\\circ = \\frac{1}{3}}.", "\\frac13")
    assert verdict.status is Status.WRONG and "false equation" in verdict.reason
    assert plain("Hence \\boxed{\\cos 60^\\circ = \\frac{1}{2}}.", "\\frac13").status is Status.WRONG


def test_percent_either_reads_a_percentage_as_its_hundredth_too():
    for preset in ("strict", "lenient"):
        assert plain("\\boxed{33.5\\%}", "0.335", preset=preset).status is Status.WRONG  # the default: number
        assert plain("\\boxed{33.5\\%}", "0.335", preset=preset, percent="either").status is Status.CORRECT
        assert plain("\\boxed{0.335}", "33.5\\%", preset=preset, percent="either").status is Status.CORRECT
    assert lenient("So the rate is 33.5 percent.", "0.335", percent="either").status is Status.CORRECT
    for final, reference in (("\\boxed{500\\%}", "5\\%"), ("\\boxed{2500\\%}", "25"), ("\\boxed{0.5}", "5\\%")):
        assert plain(final, reference, percent="either").status is Status.WRONG, (final, reference)
    with pytest.raises(ValueError, match="percent"):
        MathVerifier(percent="fraction")


# --------------------------------------------------------------------------- plain text, prose references, CJK
def test_plain_text_math_is_read_as_math():
    assert plain("So the answer is \\boxed{-1 + sqrt(3)}.", "-1+\\sqrt3").status is Status.CORRECT
    assert plain("So the answer is \\boxed{2**(1/4)}.", "\\sqrt[4]{2}").status is Status.CORRECT
    assert plain("The answer is sqrt(2)/2", "\\frac{\\sqrt2}{2}").status is Status.CORRECT
    assert plain("So the answer is \\boxed{-1 + sqrt(2)}.", "-1+\\sqrt3").status is Status.WRONG
    assert plain("So the answer is \\boxed{2**(1/3)}.", "\\sqrt[4]{2}").status is Status.WRONG
    assert plain("So the answer is \\boxed{sqrt(3}.", "\\sqrt3").status is not Status.CORRECT
    # markdown bold is not Python's power: "m + n = 25 + 169 = **194**" (gemma-2-27b-it on AMC23)
    assert lenient("**4. Find m + n:**\n\nm + n = 25 + 169 = **194**", "194").status is Status.CORRECT


def test_a_reference_written_as_a_sentence_is_its_value():
    assert plain("\\boxed{\\frac{2}{3}}", "answer is 0.6666667").status is Status.CORRECT
    assert plain("\\boxed{0.6666667}", "The answer is 0.6666667").status is Status.CORRECT
    assert plain("\\boxed{\\frac{2}{5}}", "answer is 0.6666667").status is Status.WRONG


def test_chinese_measure_words_after_the_value():
    assert lenient("因此，Haley一共有 **858颗**。", "858").status is Status.CORRECT
    assert lenient("所以一共有858颗。", "858").status is Status.CORRECT
    assert plain("\\boxed{858个}", "858颗").status is Status.CORRECT  # classifiers count the same things
    assert plain("\\boxed{5米}", "5 \\text{ cm}").status is Status.WRONG  # units must agree
    assert plain("\\boxed{858颗}", "859").status is Status.WRONG
    for hedged in ("所以大约有858颗。", "所以可能有858颗。", "所以至少有858颗。", "所以有858颗或859颗。"):
        assert lenient(hedged, "858").status is Status.WRONG, hedged
    assert plain("\\boxed{858不是}", "858").status is Status.WRONG


@pytest.mark.parametrize(
    "completion",
    [
        "The answer is for sure D, it can't be A or B",
        "The answer: D, it doesn't make sense for it to be A or B",
        "After checking each option, the answer is D. It is not A or B.",
    ],
)
def test_a_choice_that_rules_the_others_out_is_one_choice(completion):
    assert plain(completion, "D").status is Status.CORRECT
    assert plain(completion, "A").status is Status.WRONG


def test_choice_sentences_that_still_name_two_letters():
    any_line = {"fallbacks": ["answer_is", "gsm8k", "last_math", "last_line"]}
    assert plain("D. it can't be A or B", "D", **any_line).status is Status.CORRECT
    assert plain("B。不是 A", "B", **any_line).status is Status.CORRECT
    assert plain("B不是 A", "B", **any_line).status is Status.CORRECT
    for completion in ("The answer is C, A.", "The answer is C, it can't be A or C", "The answer is D, or A"):
        assert plain(completion, "C").status is Status.WRONG
        assert plain(completion, "A").status is Status.WRONG
    assert plain("\\boxed{C, not A}", "C").status is Status.WRONG  # a box is the answer itself


def test_unicode_superscripts_are_powers():
    assert plain("Therefore, \\boxed{g(x) = x² - 2x + 2}.", "x^2-2x+2").status is Status.CORRECT
    assert plain("Therefore, \\boxed{g(x) = x³ - 2x + 2}.", "x^2-2x+2").status is Status.WRONG


def test_a_relation_reference_is_not_matched_by_its_right_side():
    """Issue 22: the reference x+z=1 was matched by a bare 1 (math-verify compares an equation's right side)."""
    assert plain("\\boxed{1}", "x+z=1").status is Status.WRONG
    assert plain("\\boxed{0}", "5x - 7y + 11z + 4 = 0").status is Status.WRONG
    assert plain("\\boxed{x + z = 1}", "x+z=1").status is Status.CORRECT
    assert plain("\\boxed{z = 1 - x}", "x+z=1").status is Status.CORRECT
    # a named left side still names the value
    assert plain("\\boxed{2x}", "f(x)=2x").status is Status.CORRECT
    assert plain("\\boxed{\\frac{600}{7}}", "v=\\frac{600}{7}").status is Status.CORRECT
    assert plain("\\boxed{\\frac{1}{\\sqrt{6}}}", "\\frac{NO}{BO}=\\frac{1}{\\sqrt{6}}").status is Status.CORRECT
    assert plain("\\boxed{11:21}", "V_{1}:V_{2}=11:21").status is Status.CORRECT


def test_lists_ordered_compares_bare_lists_item_by_item():
    """hendrycks/math's grader compares lists in order; the default (unordered) reads a bare list as its values."""
    assert plain("\\boxed{4, 10, -2}", "10, 4, -2").status is Status.CORRECT
    assert plain("\\boxed{4, 10, -2}", "10, 4, -2", lists="ordered").status is Status.WRONG
    assert plain("\\boxed{10, 4, -2.0}", "10, 4, -2", lists="ordered").status is Status.CORRECT
    assert plain("\\boxed{(1,2), (3,4)}", "(3,4),(1,2)", lists="ordered").status is Status.WRONG
    assert plain("\\boxed{\\{4, 10\\}}", "\\{10, 4\\}", lists="ordered").status is Status.CORRECT  # a set
    assert plain("\\boxed{a = 10, b = 4}", "10, 4", lists="ordered").status is Status.CORRECT
    with pytest.raises(ValueError, match="lists"):
        MathVerifier(lists="sorted")


# --------------------------------------------------------------------------- a prose formula in one-letter variables
@pytest.mark.parametrize(
    "ending, reference",
    [
        ("Expanding the square, the area is (r+5)(r+5).\n\nThe answer is (r+5)(r+5).", "(r+5)^2"),
        ("Collecting the terms gives the final answer: 3(x+1).", "3x+3"),
        ("So the simplified expression is the answer: the answer is 4a-2.", "4a-2"),
    ],
)
def test_a_prose_formula_is_read_whole(ending, reference):
    verdict = plain(f"Let me simplify step by step.\n\n{ending}", reference)
    assert verdict.status is Status.CORRECT, verdict.reason


@pytest.mark.parametrize(
    "ending, reference",
    [
        ("The answer is 2x+3.", "2"),  # math-verify's plain-text reader keeps the leading 2
        ("The answer is 3(x+1).", "3"),
        ("The answer is a-2.", "-2"),
        ("The answer is x/2.", "2"),
    ],
)
def test_the_leading_number_of_a_prose_formula_is_not_the_answer(ending, reference):
    for options in (PLAIN, LENIENT):
        verdict = grade(f"Let me simplify step by step.\n\n{ending}", reference, **options)
        assert verdict.status is not Status.CORRECT, (options, verdict.reason)


def test_a_prose_formula_is_graded_the_same_whichever_side_is_the_reference():
    for gold, pred in (("(r+5)^2", "(r+5)(r+5)"), ("(r+5)(r+5)", "(r+5)^2")):
        verdict = plain(f"Simplifying, the answer is {pred}.", gold)
        assert verdict.status is Status.CORRECT, (gold, pred, verdict.reason)


# --------------------------------------------------------------------------- decimal commas
@pytest.mark.parametrize(
    "ending, reference",
    [
        ("Der Endpreis beträgt also 1000,99 Euro.\n\nThe answer is 1000,99.", "1000.99"),
        ("La probabilité est donc de 0,111.\n\nRéponse finale. The answer is 0,111.", "0.111"),
        ("So each share weighs \\(3{,}5\\) tonnes, that is \\boxed{3{,}5}.", "3.5"),
        ("Final Answer: 12,75", "12.75"),
    ],
)
def test_an_unambiguous_decimal_comma_is_a_decimal_point(ending, reference):
    verdict = plain(f"Rechnen wir Schritt für Schritt.\n\n{ending}", reference)
    assert verdict.status is Status.CORRECT, verdict.reason


@pytest.mark.parametrize(
    "ending, reference",
    [
        ("The solutions are \\boxed{1,2}.", "1.2"),  # a box is a list
        ("The answer is 1.22.", "1,22"),  # a bare reference 1,22 may name two values
        ("The answer is 0,111.", "111"),  # a leading group 0 is no thousands separator
        ("The answer is \\boxed{0,111}.", "111"),
        ("The answer is 32,348.", "32.348"),  # a thousands separator
        ("The answer is 1000,98.", "1000.99"),
        ("The answer is 1,5.", "1, 5, 7"),
        ("The answer is 1,5.", "15"),
    ],
)
def test_an_ambiguous_comma_is_not_a_decimal_point(ending, reference):
    for options in (PLAIN, LENIENT):
        verdict = grade(f"Let me compute.\n\n{ending}", reference, **options)
        assert verdict.status is not Status.CORRECT, (options, verdict.reason)


def test_thousands_separators_still_read():
    assert plain("The answer is 32,348.", "32348").status is Status.CORRECT
    assert plain("The total is \\boxed{1,234,567}.", "1234567").status is Status.CORRECT


# --------------------------------------------------------------------------- a reference in the Minerva format
MINERVA = (
    "After losing $10 \\%$ on Monday the value is $90$; losing $20 \\%$ of that leaves $72$. Final Answer: The "
    "final answer is $28 \\%$. I hope it is correct. Note: The solution provided is incorrect. The correct approach "
    "is as follows: it retains $90 \\% \\cdot 80 \\%=72 \\%$, so the loss is $28 \\%$. Final Answer: The final "
    "answer is $28 \\%$. I hope it is correct. Note: The correct approach is as follows:"
)


def test_a_reference_solution_in_the_minerva_format_is_its_final_answer():
    for options in (PLAIN, LENIENT):
        verdict = grade("Its value becomes $.72x$, a total loss of $\\boxed{28\\%}$.", MINERVA, **options)
        assert verdict.status is Status.CORRECT, verdict.reason
        assert grade("A total loss of $\\boxed{72\\%}$.", MINERVA, **options).status is Status.WRONG


def test_a_reference_that_states_two_final_answers_is_an_error():
    reference = "Final Answer: The final answer is $3$. I hope it is correct. Final Answer: The final answer is $4$."
    for answer in ("3", "4"):
        verdict = plain(f"So the answer is \\boxed{{{answer}}}.", reference)
        assert verdict.status is Status.ERROR, verdict.reason
        assert "2 different final answers" in verdict.reason


# --------------------------------------------------------------------------- several named quantities, one value
ANGLES = "\\angleBEA_{1}=90,\\angleAEB_{1}=90"


@pytest.mark.parametrize(
    "ending",
    [
        "Thus, the angles \\(\\angle BEA_1\\) and \\(\\angle AEB_1\\) are both \\(90^\\circ\\).\n\n"
        "The final answer is \\(\\boxed{90^\\circ}\\).",
        "7. **Conclusion:**\n   - $\\boxed{90^\\circ}$\n\n$\\triangle AEB_1$ and $\\triangle BEA_1$ are isosceles "
        "right triangles, thus $\\angle BEA_1 = \\angle AEB_1 = 90^\\circ$.",
    ],
)
def test_one_value_answers_a_reference_that_names_several_quantities_with_that_value(ending):
    for options in (PLAIN, LENIENT):
        verdict = grade(f"Let me find both angles.\n\n{ending}", ANGLES, **options)
        assert verdict.status is Status.CORRECT, (options, verdict.reason)


@pytest.mark.parametrize(
    "answer, reference",
    [
        ("45^\\circ", ANGLES),
        ("1", "x=1,y=2"),  # two different values: one of them is half an answer
        ("2", "x=1,y=2"),
        ("x=1", "x=1,y=1"),  # names one of the two
        ("1 \\text{ or } 2", "x=1,y=1"),
    ],
)
def test_one_value_is_not_a_reference_with_different_named_values(answer, reference):
    for options in (PLAIN, LENIENT):
        verdict = grade(f"Solving the system, we get \\boxed{{{answer}}}.", reference, **options)
        assert verdict.status is not Status.CORRECT, (options, verdict.reason)


# --------------------------------------------------------------------------- sets, tuples and lists: either side
@pytest.mark.parametrize(
    "answer, reference",
    [
        ("(1, 3)", "\\{1, 3\\}"),  # an interval or a point is not the set {1, 3} ...
        ("\\{1, 3\\}", "(1, 3)"),  # ... whichever side is the reference
        ("(3, 1)", "\\{1, 3\\}"),
        ("[1, 3]", "\\{1, 3\\}"),
    ],
)
def test_a_set_is_never_a_tuple_or_interval_whichever_side_is_the_reference(answer, reference):
    verdict = plain(f"Solving, the solution is $\\boxed{{{answer}}}$.", reference)
    assert verdict.status is Status.WRONG, verdict.reason


def test_a_list_of_pairs_still_equals_a_set_of_pairs():
    for answer, reference in (
        ("(3, 2), (3, -2)", "\\{(3,2),(3,-2)\\}"),
        ("\\{(3, 2), (3, -2)\\}", "(3,2),(3,-2)"),
    ):
        verdict = plain(f"So all pairs are $\\boxed{{{answer}}}$.", reference)
        assert verdict.status is Status.CORRECT, verdict.reason


@pytest.mark.parametrize(
    "answer, unordered, ordered",
    [
        ("4, 10, -2", Status.CORRECT, Status.WRONG),  # bare lists: the option decides
        ("10, 4, -2", Status.CORRECT, Status.CORRECT),
        ("(10, 4, -2)", Status.CORRECT, Status.CORRECT),  # a tuple in the reference's order
        ("(4, 10, -2)", Status.CORRECT, Status.WRONG),  # a tuple in another order: only unordered
        ("\\{4, 10, -2\\}", Status.CORRECT, Status.WRONG),  # a set names no order
    ],
)
def test_lists_option_for_a_bare_list_reference(answer, unordered, ordered):
    completion = f"The roots, in the order asked, are $\\boxed{{{answer}}}$."
    assert plain(completion, "10, 4, -2").status is unordered
    assert plain(completion, "10, 4, -2", lists="ordered").status is ordered


# --------------------------------------------------------------------------- a reference that lost its function name
def test_a_named_function_answers_a_reference_that_lost_its_name():
    ending = "Therefore, the function is:\n\n\\[\n\\boxed{g(x) = x² - 2x + 2}\n\\]"
    for options in (PLAIN, LENIENT):
        verdict = grade(f"Let me find g step by step.\n\n{ending}", "(x)=x^2-2x+2", **options)
        assert verdict.status is Status.CORRECT, (options, verdict.reason)


@pytest.mark.parametrize("answer", ["g(x) = x^2 - 2x + 3", "g(y) = y^2 - 2y + 2", "g(x) = x^2 - 2x + 2 = 5"])
def test_a_named_function_must_still_be_the_lost_names_function(answer):
    verdict = plain(f"Therefore, \\boxed{{{answer}}}.", "(x)=x^2-2x+2")
    assert verdict.status is not Status.CORRECT, verdict.reason


# ------------------------------------ a Minerva ending after boxed steps: every box still counts (several answers)
MINERVA_STEPS = (
    "First, the interest on the first CD after six months is 4% of $10,000 divided by 2: "
    "$0.04 \\cdot 10,000 \\cdot \\frac{1}{2} = \\boxed{200}$ So, after six months, Dr. Zaius has $10,200. "
    "The interest on the second CD is 5% of $10,200 divided by 2: $0.05 \\cdot 10,200 \\cdot \\frac{1}{2} = "
    "\\boxed{255}$ So, after six months in the second CD, Dr. Zaius has $10,455. "
)


@pytest.mark.parametrize("preset", ["strict", "lenient"])
@pytest.mark.parametrize(
    "ending",
    [
        # a box that stands as an answer, not as the result of a computation: two answers
        "So the total is \\boxed{255}.\n\nFinal Answer: The final answer is $10,455$. I hope it is correct.",
        "\\boxed{255}\n\nFinal Answer: The final answer is $10,455$. I hope it is correct.",
        # no Minerva ending: an answer phrase after boxed steps is still a second statement
        "So $x = \\boxed{255}$.\n\nThe final answer is $10,455$.",
        "So $x = \\boxed{255}$. Final Answer: The final answer is $10,455$.",
        # the ending hedges, or goes on after "I hope it is correct"
        "So $x = \\boxed{255}$. Final Answer: The final answer is $10,455$ or $10,200$. I hope it is correct.",
        "So $x = \\boxed{255}$. Final Answer: The final answer is $10,455$. I hope it is correct. Or maybe 255.",
        # a box inside the ending besides a boxed step: two boxes
        "So $x = \\boxed{255}$. Final Answer: The final answer is $\\boxed{10,455}$. I hope it is correct.",
    ],
)
def test_a_minerva_ending_does_not_hide_a_boxed_answer_or_a_hedge(ending, preset):
    for reference in ("10455", "255"):
        assert plain(ending, reference, preset=preset).status is not Status.CORRECT, (ending, reference)


def test_the_minerva_ending_needs_the_answer_is_fallback():
    completion = MINERVA_STEPS + "Final Answer: The final answer is $10,455$. I hope it is correct."
    assert plain(completion, "10455", fallbacks=[]).status is not Status.CORRECT  # boxes only: two of them


# ------------------------------------- answer phrases in other languages: never read as answers, hedges stay hedges
@pytest.mark.parametrize(
    "ending",
    [
        # hedges in the language of the phrase
        "La respuesta es probablemente 99.",
        "La respuesta es 99 o 98.",
        "La réponse est environ 99.",
        "La réponse est 99, non 98.",
        "Die Antwort ist vielleicht 99.",
        "Die Antwort ist 99 oder 98.",
        "Ответ: примерно 99.",
        "Ответ: 99 или 98.",
        "A resposta é talvez 99.",
        "La risposta è forse 99.",
        "答案可能是 99。",
        "答案是大约 99。",
        "答案是 99 或 98。",
        "答案是 99 吧。",
        "réponse est (35 + 63 = 99).",  # a false computation stays a false equation
        "答案是 99？",
        "答えはたぶん 99 です。",
    ],
)
def test_a_foreign_answer_phrase_that_hedges_is_not_correct(ending):
    for reference in ("99", "98", "100"):
        verdict = lenient("11 个男孩，每人 9 颗弹珠。\n\n" + ending, reference)
        assert verdict.status is not Status.CORRECT, (ending, reference, verdict.reason)


@pytest.mark.parametrize(
    "ending",
    [
        "答案是 99。但是我们再检查一下：11 × 9 = 99，再加上 Haley 自己的 1 颗，结果是 100。",
        "La respuesta es 99. Pero espera, hay que sumar la canica de Haley: 100.",
        "Ответ: 99. Проверим ещё раз: 11 · 9 + 1 = 100.",
        "Die Antwort ist 99. Moment, Haley hat noch eine eigene Murmel.",
    ],
)
def test_a_foreign_answer_phrase_inside_the_reasoning_is_not_the_final_answer(ending):
    """Work goes on after the phrase: its value is not read as the answer (what the ending states last may be,
    by the unboxed extractors)."""
    verdict = lenient("11 个男孩，每人 9 颗弹珠。\n\n" + ending, "99")
    assert verdict.status is not Status.CORRECT, (ending, verdict.reason)


# --------------------------------------------------------------------------- a last "line" that is a paragraph
PARAGRAPH = (
    "Il y a 6 résultats possibles lorsque Jerry lance un dé à six faces : 1, 2, 3, 4, 5, 6. Pour trouver la "
    "probabilité d'obtenir un nombre supérieur à 3, nous comptons les résultats favorables : 4, 5, 6. " * 6
    + "Il y a 1 chance sur 4 que Jerry n'obtienne pas un nombre pair deux fois de suite. En conclusion, la "
    "probabilité cherchée est de "
)
EVERY_FALLBACK = {"fallbacks": ["answer_is", "gsm8k", "last_math", "last_line"]}


def test_a_last_line_over_the_cap_is_read_by_the_unboxed_extractors_in_lenient():
    """A model that writes its solution as one paragraph: ``last_line`` would give the whole paragraph (over
    ``max_answer_chars``, never parsed); lenient reads its end instead, as it does without ``last_line``."""
    completion = PARAGRAPH + "**25%**."
    assert len(completion) > 1000
    assert lenient(completion, "25\\%", **EVERY_FALLBACK).status is Status.CORRECT
    assert lenient(completion, "50\\%", **EVERY_FALLBACK).status is Status.WRONG
    assert plain(completion, "25\\%", **EVERY_FALLBACK).status is not Status.CORRECT  # strict: the paragraph
    short = "La probabilité cherchée est de **25%**."  # a short last line is still the answer as a whole
    assert lenient(short, "25\\%", **EVERY_FALLBACK).status is not Status.CORRECT


@pytest.mark.parametrize(
    "ending",
    ["**25% ou 50%**.", "**25% or 50%**.", "peut-être **25%**.", "**25%**, maybe 50%.", "25, 50 ou 75.", "inconnue."],
)
def test_a_paragraph_whose_end_hedges_is_not_correct(ending):
    for reference in ("25\\%", "50\\%"):
        verdict = lenient(PARAGRAPH + ending, reference, **EVERY_FALLBACK)
        assert verdict.status is not Status.CORRECT, (ending, reference, verdict.reason)


@pytest.mark.parametrize(
    "ending",
    [
        "La probabilité est peut-être **25%**.",
        "La probabilité est environ de 25%.",
        "La probabilité est de 25% ou 50%.",
        "La probabilidad es aproximadamente 25%.",
        "Die Wahrscheinlichkeit ist ungefähr 25%.",
        "Die Wahrscheinlichkeit ist vielleicht **25%**.",
        "Вероятность примерно 25%.",
        "Вероятность равна 25% или 50%.",
        "A probabilidade é talvez 25%.",
        "La probabilità è forse 25%.",
        "確率はたぶん 25% です。",
    ],
)
def test_the_unboxed_extractors_read_hedges_in_other_languages(ending):
    verdict = lenient("Il y a 3 résultats favorables sur 12.\n\n" + ending, "25\\%")
    assert verdict.status is not Status.CORRECT, (ending, verdict.reason)


# ---------------------------------------------------------------- rules tried and taken back (review of 2026-12-07)
# A Minerva ending that overrode boxes preceded by "=", and answer phrases in other languages read by lenient, each
# fixed a few misses on the equivalence set and turned hedges like these into `correct`. They were reverted; these
# completions (found by the review, reference 5 or 6) must stay non-correct whatever is tried next.
@pytest.mark.parametrize("preset", ["strict", "lenient"])
@pytest.mark.parametrize(
    "completion, reference",
    [
        ("So $x = \\boxed{3}$.\nFinal Answer: The final answer is 5. I hope it is correct.", "5"),
        ("$x = \\boxed{3}$ or $x=\\boxed{4}$.\nFinal Answer: The final answer is 5. I hope it is correct.", "5"),
        ("The answer is $x = \\boxed{3}$.\nFinal Answer: The final answer is 5. I hope it is correct.", "5"),
        ("x = \\boxed{3}\nThe answer is 3.\nFinal Answer: The final answer is 5. I hope it is correct.", "5"),
        ("答案是 x = 7 = 5", "5"),
        ("La respuesta es x es 1, x es 2, x es 3, x es 5.", "5"),
        ("答案是 a=1, a=2, a=3, a=5", "5"),
        ("Die Antwort ist x = 1, x = 2, x = 5", "5"),
        ("La respuesta es 5 y 6", "6"),
        ("A resposta é 5 e 6", "6"),
        ("Ответ: 1 и 2 и 3 и 6", "6"),
        ("答えは 5 と 6 です", "6"),
        ("答案是 5 和 6", "6"),
        ("La respuesta es 5 ó 6", "6"),
        ("答案是 1。答案是 2。答案是 5。", "5"),
        ("Ответ: 5!", "5"),
    ],
)
def test_hedges_that_a_minerva_or_foreign_phrase_rule_must_not_reward(completion, reference, preset):
    verdict = grade(f"<think>x</think>\n{completion}", reference, preset=preset)
    assert verdict.status is not Status.CORRECT, (completion, verdict.reason)
