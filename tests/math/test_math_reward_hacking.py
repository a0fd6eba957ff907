"""Red-team findings 5-13 (agents/redteam.md): answers that hedge, state a false equation, negate or qualify
themselves, or are off by a factor of 100 are `wrong`, while the real answers of the same shape stay `correct`.

Each finding has one test over all its reported variants (and a few more of the same kind), and a test of the
legitimate answers its rule must not touch.
"""

from __future__ import annotations

import pytest
from r1verify_math.folding import fold, strip_format
from r1verify_math.statements import stated_values
from r1verify_math.units import split_tail

from r1verify import Sample, Status

from .math_support import grade, think, verdict_of


PRESETS = ("strict", "lenient")
"""Every finding holds under both presets: the unboxed extractors of ``lenient`` add no false positive."""


def wrong(final: str, reference: str, **options) -> str:
    for preset in PRESETS:
        verdict = grade(think(final), reference, **{"preset": preset, **options})
        assert verdict.status is Status.WRONG, f"{preset}: {final!r} vs {reference!r}: {verdict.status} {verdict.reason}"
    return verdict.reason


def correct(final: str, reference: str, **options) -> None:
    for preset in PRESETS:
        verdict = grade(think(final), reference, **{"preset": preset, **options})
        assert verdict.status is Status.CORRECT, f"{preset}: {final!r} vs {reference!r}: {verdict.reason}"


# --------------------------------------------------------------------------- 5: connectives and relations
CONNECTIVES = [
    "\\lor", "\\vee", "\\land", "\\wedge", "\\mid", "\\to", "\\Rightarrow", "\\iff", "\\sim", "\\equiv", "\\cong",
    "\\simeq", "\\rightarrow", "\\leftrightarrow", "\\implies", "\\vert", "|", "∨", "∧", "⇒", "≡",
    "\\operatorname{or}", "\\textsf{or}", "\\texttt{or}", "\\textsc{or}", "\\textup{or}", "\\textsl{or}",
    "\\hbox{or}", "\\emph{or}", "\\mathrm{or}", "\\mathsf{or}", "\\text{ OR }", "\\text{ Or }",
]  # fmt: skip


@pytest.mark.parametrize("connective", CONNECTIVES)
def test_5_two_values_joined_by_a_connective_or_relation_are_wrong_whichever_is_the_reference(connective):
    for reference in ("3", "4"):
        wrong(f"\\boxed{{3 {connective} 4}}", reference)


def test_5_an_approximation_must_approximate():
    for final in ("\\boxed{4 \\approx 3}", "\\boxed{3 \\approx 4}", "\\boxed{4 ≈ 3}"):
        for reference in ("3", "4"):
            assert "approximation" in wrong(final, reference)


def test_5_shapes_the_reference_has_are_allowed():
    correct("\\boxed{k \\equiv 3 \\pmod{7}}", "k \\equiv 3 \\pmod{7}")
    correct("\\boxed{p \\lor q}", "p \\lor q")
    correct("\\boxed{\\{x \\mid x > 2\\}}", "\\{x \\mid x > 2\\}")
    correct("\\boxed{|x - 2|}", "|x-2|")  # a pair of bars is an absolute value
    correct("\\boxed{\\frac{\\sqrt{3}}{3} \\approx 0.577}", "\\frac{\\sqrt3}{3}")  # exact value, then a rounding
    correct("\\boxed{\\approx 4}", "4")
    correct(
        "\\boxed{\\left[\\begin{array}{cc}1 & 2 \\\\ 3 & 4\\end{array}\\right]}",
        "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}",
    )


# --------------------------------------------------------------------------- 6: equations
@pytest.mark.parametrize(
    "final, reference",
    [
        ("\\boxed{3 = 4}", "4"),
        ("\\boxed{5 = 4}", "4"),
        ("\\boxed{2+2 = 5}", "5"),
        ("\\boxed{x = 3 = 4}", "4"),
        ("\\boxed{3 = x = 4}", "4"),
        ("\\boxed{x = 3 = 4}", "x = 4"),
        ("\\boxed{x=3 \\land x=4}", "4"),
        ("\\boxed{x=3 \\land x=4}", "x=4"),
        ("\\boxed{3 = 4}", "3 = 4"),  # a false equation is never an answer
    ],
)
def test_6_a_false_or_inconsistent_equation_is_wrong(final, reference):
    wrong(final, reference)


def test_6_true_equations_and_assignments_are_graded_on_their_value():
    correct("\\boxed{5 \\times 8 = 40}", "40")
    correct("\\boxed{x = 2 + 1 = 3}", "3")
    correct("\\boxed{x = 4}", "4")
    correct("\\boxed{y = 2x + 3}", "y=2x+3")
    wrong("\\boxed{5 \\times 8 = 40}", "41")


# --------------------------------------------------------------------------- 7: units, multipliers, other words
@pytest.mark.parametrize(
    "words", ["million", "thousand", "billion", "squared", "minus three", "less than x", "false", "unlikely", "???",
              "nicht", "guess", "hundredths", "(guess)", "ish", "to the fifth"],
)  # fmt: skip
def test_7_a_word_after_the_number_is_not_dropped(words):
    wrong(f"\\boxed{{4\\text{{ {words}}}}}", "4")


def test_7_multiplier_words_scale_the_number():
    wrong("The answer is 4 million.", "4", delimiter="", require_delimiter=False)
    correct("The answer is 4 million.", "4000000", delimiter="", require_delimiter=False)
    correct("\\boxed{4.5 \\text{ million}}", "4500000")
    correct("\\boxed{3 \\text{ dozen}}", "36")
    correct("\\boxed{\\frac{1}{2} \\text{ million}}", "500000")
    assert "multiplier" in wrong("\\boxed{\\sqrt{2} \\text{ million}}", "1000000 \\sqrt{2}")  # plain numbers only


def test_7_hidden_hedges_and_different_units():
    wrong("\\boxed{3\\text{ else four}}", "3")
    wrong("The answer is 4 times 3.", "4")
    assert "in cm, the reference in m" in wrong("\\boxed{4 \\text{ cm}}", "4 \\text{ m}")
    wrong("\\boxed{4 \\text{ dollars}}", "4 \\text{ cents}")
    wrong("\\boxed{4 \\text{ minutes}}", "4 \\text{ hours}")
    wrong("\\boxed{4 \\text{ cm}^2}", "4 \\text{ cm}")
    wrong("\\boxed{4\\text{ degrees}}", "4 \\text{ radians}")
    wrong("\\boxed{\\$4}", "4 \\text{ cents}")


def test_7_real_units_are_still_units():
    for final, reference in [
        ("\\boxed{5\\text{ cm}}", "5"),
        ("\\boxed{4 \\text{ cm}}", "4 \\text{ centimeters}"),
        ("\\boxed{15\\mbox{ cm}^2}", "15"),
        ("\\boxed{60 \\text{ km/h}}", "60"),
        ("\\boxed{60 \\text{ miles per hour}}", "60 \\text{ mph}"),
        ("\\boxed{5 \\text{ years old}}", "5"),
        ("\\boxed{18 \\text{ dollars}}", "\\$18"),
        ("\\boxed{90 \\text{ degrees}}", "90^\\circ"),
        ("\\boxed{12 \\text{ square units}}", "12"),
        ("\\boxed{5\\text{ students}}", "5"),
        ("\\boxed{4:30 \\text{ p.m.}}", "4:30 p.m."),
        ("The answer is 18 dollars per day.", "18"),
        ("Final Answer: Jane started growing Sphere 3 hours ago. I hope it is correct.", "3"),
    ]:
        correct(final, reference)


def test_7_units_are_read_from_a_curated_list():
    assert split_tail("4 \\text{ cm}^2")[1].unit == (("cm", 2),)
    assert split_tail("60 km/h")[1].unit == (("h", -1), ("km", 1))
    assert split_tail("4\\text{ million}")[1].multiplier == 10**6
    for not_a_unit in ("4 nicht", "4 \\text{ (doubtful)}", "4 squared", "4m", "2\\pi", "\\text{east}"):
        assert split_tail(not_a_unit)[1] is None


# --------------------------------------------------------------------------- 8: percent
@pytest.mark.parametrize(
    "final, reference",
    [
        ("\\boxed{500\\%}", "5\\%"),
        ("\\boxed{2500\\%}", "25"),
        ("\\boxed{0.25\\%}", "25\\%"),
        ("\\boxed{2500\\%}", "25\\%"),
    ],
)
def test_8_a_percentage_is_not_also_a_hundredth(final, reference):
    wrong(final, reference)


def test_8_one_documented_reading_the_number_before_the_sign():
    correct("\\boxed{25\\%}", "25")
    correct("\\boxed{25}", "25\\%")
    correct("\\boxed{25\\%}", "25 \\text{ percent}")
    correct("\\boxed{0.5\\%}", "0.5")  # the bare reference of a percent question omits the sign
    wrong("\\boxed{25\\%}", "0.25")
    wrong("\\boxed{50\\%}", "\\frac{1}{2}")


# --------------------------------------------------------------------------- 9: negations and qualifiers
@pytest.mark.parametrize(
    "final",
    ["\\neg 4", "\\not 4", "\\lnot 4", "\\sim 4", "4 \\text{ (doubtful)}", "4 \\text{ (nope)}", "4 \\text{ isn't it}",
     "4 \\text{ isn’t it}", "4 \\text{ n o t}", "4 \\text{ N0T}", "4\\,(?)", "\\overset{?}{=} 4", "\\cancel{3} 4",
     "4 \\textsf{ n}\\textsf{ope}", "\\operatorname{maybe} 4"],
)  # fmt: skip
def test_9_an_answer_that_negates_or_qualifies_itself_is_wrong(final):
    wrong(f"\\boxed{{{final}}}", "4")


# --------------------------------------------------------------------------- 10: every statement must agree
@pytest.mark.parametrize(
    "final",
    [
        "\\boxed{4}. The final answer is 3.",
        "The final answer is 3. \\boxed{4}",
        "\\boxed{4}\n\nHmm, actually it might be 3.",
        "\\boxed{4}, or maybe 3.",
        "\\boxed{4}\n\nWait, it could also be 3.",
        "\\boxed{4}\n\n#### 3",
        "The answer is 4.\n#### 3",
        "The answer is 4. Actually, it is 3.",
    ],
)
def test_10_a_different_value_stated_besides_the_answer_is_a_hedge(final):
    assert wrong(final, "4").startswith("hedged")


def test_10_agreeing_restatements_stay_correct():
    for final in [
        "\\boxed{4}. The final answer is 4.",
        "The final answer is $\\boxed{4}$.",
        "Therefore, the answer is:\n\\[\n\\boxed{4}\n\\]",
        "\\boxed{4}\n\nSo she could make 4 dollars.",
        "\\boxed{4}\n\nAlternatively, we can check with 6 eggs: 6 - 2 = 4.",
        "\\boxed{\\frac{1}{2}}. The final answer is 0.5.",
        "\\boxed{4}\n\nFinal Answer: The final answer is $4$. I hope it is correct.",
        "\\boxed{4}\n\nThe answer is expected to be an integer, and it is.",
    ]:
        correct(final, "4" if "frac" not in final else "0.5")


def test_10_statements_follow_the_hedging_policy():
    final = "\\boxed{4}. The final answer is 3."
    assert grade(think(final), "4", hedging="last").status is Status.CORRECT
    assert "1 of 2 answers are wrong" in wrong(final, "4", hedging="all_agree")


def test_10_what_counts_as_a_statement():
    assert stated_values([], "\n\nHmm, actually it might be 3.") == ("3",)
    assert stated_values([], ", or maybe D.") == ("D",)
    assert stated_values([], " Alternatively, we can check with 6 eggs.") == ()  # not a linking phrase
    assert stated_values(["3.", "expected to be an integer", "\\boxed{4}"], "") == ("3.",)


# --------------------------------------------------------------------------- 11: hedges the "or" splitter missed
@pytest.mark.parametrize(
    "final",
    [
        "The answer is 4 (alternatively 3).",
        "The answer is 4 (could also be 3).",
        "The answer is 3 otherwise 4",
        "The answer is 3 xor 4",
        "The answer is 3 ∨ 4",
        "The answer is 3 o\u200br 4",
        "The answer is 3 \u03bfr 4",  # Greek omicron
        "The answer is 3 \u043er 4",  # Cyrillic o
        "The answer is 3 ｏｒ 4",  # full width
        "The answer is 3; 4.",
        "Answer: 3 (if the other case) 4",
        "\\boxed{3 \\text{ if even, } 4 \\text{ if odd}}",
        "\\boxed{3 \\text{ (case 1)}, 4 \\text{ (case 2)}}",
        "\\boxed{x=3 \\text{ for case 1 and } x=4 \\text{ otherwise}}",
        "\\boxed{\\begin{cases} 3 & n \\text{ even} \\\\ 4 & n \\text{ odd}\\end{cases}}",
        "\\boxed{3 \\text{ o\u200br } 4}",
        "\\boxed{3 \\text{ \u03bfr } 4}",
        "\\boxed{3 \\text{ либо } 4}",
        "\\boxed{3 \\,\\text{o}\\text{r}\\, 4}",
    ],
)
def test_11_hedges_in_any_spelling_are_wrong_whichever_is_the_reference(final):
    for reference in ("3", "4"):
        wrong(final, reference)


def test_11_text_is_folded_before_looking_for_words():
    assert strip_format("o\u200br\u2060") == "or"
    assert fold("\u03bfr ｏｒ \u043er 𝗈𝗋") == "or or or or"
    assert fold("4 cm²") == "4 cm^2"


def test_11_sentences_that_lead_to_the_answer_are_fine():
    correct("Final Answer: The largest $n$ is 34.", "34")
    correct("Final Answer: The volume of $ABCDEFGH$ is 120. I hope it is correct.", "120")
    correct("The answer is $\\frac{3}{4}$.", "\\frac34")


# --------------------------------------------------------------------------- 12: multiple choice
@pytest.mark.parametrize(
    "final",
    ["\\boxed{C d}", "\\boxed{C \\; d}", "The answer is (C) (d)", "\\boxed{C \\text{ (also d)}}", "\\boxed{C, a}",
     "\\boxed{c \\quad d}", "\\boxed{C \\text{ or } d}", "\\boxed{C}, or maybe D."],
)  # fmt: skip
def test_12_two_choice_letters_in_any_case_are_a_hedge(final):
    wrong(final, "C")


def test_12_one_letter_with_its_option_text_is_still_an_answer():
    for final in ["\\boxed{C}", "\\boxed{(c)}", "\\boxed{C) a circle}", "\\boxed{C. x = 5}", "\\boxed{\\textbf{(C)}}"]:
        correct(final, "C")
    correct("\\boxed{C: 42 apples}", "(C) 42 apples")


# --------------------------------------------------------------------------- 13: exactness, text, sets
def test_13_exact_closed_forms_are_compared_exactly():
    wrong("\\boxed{\\pi + 10^{-40}}", "\\pi")
    wrong("\\boxed{\\sqrt{2}+10^{-35}}", "\\sqrt{2}")
    wrong("\\boxed{\\pi(1 + 10^{-400})}", "\\pi")
    correct("\\boxed{\\frac{1}{\\sqrt{2}}}", "\\frac{\\sqrt2}{2}")
    correct("\\boxed{(\\sqrt{3}+1)^2}", "4+2\\sqrt{3}")
    correct("\\boxed{\\sqrt{2+\\sqrt{3}}}", "\\frac{\\sqrt6+\\sqrt2}{2}")
    correct("\\boxed{3.141593}", "\\pi")  # a decimal still compares to 6 places


def test_13_a_text_reference_is_compared_as_text():
    wrong("\\boxed{t \\cdot s \\cdot a \\cdot e}", "east")
    wrong("\\boxed{e \\cdot a \\cdot s \\cdot t}", "east")
    correct("\\boxed{\\text{East}}", "east")
    assert wrong("\\boxed{\\text{west}}", "east").endswith("is not 'east'")


def test_13_a_set_is_not_an_ordered_pair_or_interval():
    wrong("\\boxed{\\{3,4\\}}", "(3,4)")
    wrong("\\boxed{\\{3,4\\}}", "[3,4]")
    correct("\\boxed{(3,4)}", "(3, 4)")
    correct("\\boxed{\\{4, 3\\}}", "\\{3,4\\}")


# --------------------------------------------------------------------------- through the engine
def test_the_red_team_payloads_through_the_engine(math_engine):
    payloads = [
        ("\\boxed{3 \\lor 4}", "4"),
        ("\\boxed{3 = 4}", "4"),
        ("\\boxed{500\\%}", "5\\%"),
        ("\\boxed{4\\text{ million}}", "4"),
        ("\\boxed{\\neg 4}", "4"),
        ("\\boxed{3\\text{ else four}}", "3"),
        ("\\boxed{4 \\text{ (doubtful)}}", "4"),
        ("\\boxed{4}. The final answer is 3.", "4"),
        ("The answer is 4 (alternatively 3).", "3"),
        ("\\boxed{3 \\text{ if even, } 4 \\text{ if odd}}", "3"),
        ("\\boxed{\\pi + 10^{-40}}", "\\pi"),
        ("\\boxed{C d}", "C"),
    ]
    samples = [Sample(think(final), reference=reference, domain="r1") for final, reference in payloads]
    results = math_engine.verify(samples)
    assert [r.verdicts["r1"].status for r in results] == [Status.WRONG] * len(payloads)
    assert verdict_of(math_engine, Sample(think("\\boxed{4}"), reference="4", domain="r1")).status is Status.CORRECT


def test_7_a_plain_noun_counted_after_the_number_is_what_is_counted():
    correct("\\boxed{18 \\text{ eggs}}", "18")
    correct("\\boxed{5 \\text{ apples}}", "5")
    correct("The answer is 18 eggs.", "18")
    correct("\\boxed{5 \\text{ apples}}", "5 \\text{ apples}")
    wrong("\\boxed{5 \\text{ apples}}", "5 \\text{ pears}")  # a different thing counted
    wrong("\\boxed{5 \\text{ apples}}", "6")
    for meaning in ("unlikely", "ish", "hundredths", "nope", "fours"):
        wrong(f"\\boxed{{4 \\text{{ {meaning}}}}}", "4")  # words that change the value are never the noun
