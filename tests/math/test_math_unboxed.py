"""Unboxed final answers (issue 16): the lenient preset's extractors on Sky-T1-style completions, their hedged
variants, truncated completions, and the strict preset unchanged."""

from __future__ import annotations

import pickle

import pytest
from r1verify_math import MathVerifier
from r1verify_math.options import MathOptions

from r1verify import Sample, Status

THOUGHT = (
    "Okay, let me work through this. First I try 7, but that fails the second condition. Then 12? No, that "
    "is too big. Let me recompute carefully: the answer should be the smaller root."
)


def sky(solution: str, thought: str = THOUGHT) -> str:
    """A Sky-T1 / Bespoke-Stratos completion: thought block, then the solution block."""
    return (
        f"<|begin_of_thought|>\n\n{thought}\n\n<|end_of_thought|>\n\n"
        f"<|begin_of_solution|>\n\n{solution}\n\n<|end_of_solution|>"
    )


def lenient(completion: str, reference: str):
    return MathVerifier(template="sky-t1", preset="lenient").verify(Sample(completion, reference=reference))


# the endings of issue 16, in full solutions
ENDINGS = [
    (
        "To find $\\tan A$ we use the given ratio of the legs.\n\n1. **Set up**: the opposite side is 2 and the "
        "adjacent side is 1.\n\n2. **Compute**:\n\n$$\\tan A = \\frac{2}{1}$$\n\nThus,\n\n$$\\tan A = 2$$",
        "2",
        "last_display",
    ),
    (
        "A proton is made of two up quarks and one down quark; a neutron of one up and two down quarks.\n\n"
        "For two protons and two neutrons (a helium-4 nucleus):\n\n- protons: $2 \\times 2 = 4$ up\n"
        "- neutrons: $2 \\times 1 = 2$ up\n\nWait, only the protons were asked about, so the count is\n\n"
        "**4 up quarks**",
        "4",
        "bold",
    ),
    (
        "Using $\\lambda = \\frac{hc}{E}$ for each transition:\n\n- Subproblem 0: \\(121.6 \\text{ nm}\\)\n"
        "- Subproblem 1: \\(486.1 \\text{ nm}\\)\n- Subproblem 2: \\(671.02 \\text{ nm}\\)",
        "671.02",
        "last_number",
    ),
    (
        "The prime factorization of 196 is $2^2 \\cdot 7^2$. The number of positive divisors is "
        "$(2+1)(2+1) = 9$.\n\nSo, the number of divisors of 196 is 9.",
        "9",
        "result_is",
    ),
    (
        "The particle's position satisfies $x'' + x' = 0$ with $x(0) = 3$, which gives\n\n"
        "the position at time $t$ as \\( x(t) = 3e^{-t} \\)",
        "3e^{-t}",
        "assignment",
    ),
    ("Adding the three deposits, the total is 11,000 dollars.", "11000", "result_is"),
    ("All the tables are full, so 9 customers.", "9", "last_number"),
    ("Solving for $n$:\n\n\\[\nn = 34\n\\]\n\nI hope this helps!", "34", "last_display"),
    ("Therefore, \\( v(r) = \\sqrt{\\frac{GM}{r}} \\).", "\\sqrt{\\frac{GM}{r}}", "assignment"),
]


@pytest.mark.parametrize(("solution", "reference", "extractor"), ENDINGS)
def test_unboxed_endings_are_graded_and_name_their_extractor(solution, reference, extractor):
    verdict = lenient(sky(solution), reference)
    assert verdict.status is Status.CORRECT, verdict.reason
    assert verdict.details["extractor"] == extractor == verdict.details["source"]
    assert f"unboxed extractor {extractor}" in verdict.reason


@pytest.mark.parametrize(("solution", "reference", "extractor"), ENDINGS)
def test_strict_stays_no_answer_and_points_at_lenient(solution, reference, extractor):
    verdict = MathVerifier(template="sky-t1").verify(Sample(sky(solution), reference=reference))
    assert verdict.status is Status.NO_ANSWER
    assert "preset=lenient" in verdict.reason


@pytest.mark.parametrize(("solution", "reference", "extractor"), ENDINGS)
def test_a_wrong_unboxed_answer_is_wrong(solution, reference, extractor):
    verdict = lenient(sky(solution), "12345")
    assert verdict.status is Status.WRONG, verdict.reason


HEDGED = [
    "Thus,\n\n$$\\tan A = 2 \\text{ or } 3$$",
    "So the count is\n\n**4 or 5 up quarks**",
    "- Subproblem 2: \\(671.02 \\text{ nm}\\), or maybe 671.1 nm",
    "So, the number of divisors of 196 is probably 9.",
    "So, the number of divisors of 196 is 9 or 10.",
    "The number of divisors could be 9.",
    "The number of divisors is approximately 9.",
    "The number of divisors is about 9.",
    "The number of divisors is not 9.",
    "The number of divisors isn't 9.",
    "So $x \\approx 9$.",
    "So $x \\neq 9$.",
    "Hmm, so 9?",
    "So x = 3 = 9.",
    "$$x = 3 = 9$$",
    "$$9 = 3$$",
    "**x = 9 or x = 3**",
    "So, the answer: 9 \\lor 3",
    "The total is 9 if n is odd.",
    "x is 9 and y is 3.",
    "Either 9 works.",
    "The total is 9, unless the deposits are counted twice.",
    # sprays, bounds and labels (found by attacking the extractors; all were correct before the guards)
    "Checking: 1, 2, 3, 4, 5, 6, 7, 8, 9",
    "The candidates run from 1 to 9",
    "Values: 1 4 9",
    "**1, 2, ..., 9**",
    "$$1, 2, \\dots, 9$$",
    "So the count is ~9.",
    "So the count is at least 9.",
    "So the count is at most 9.",
    "So the count is 9+.",
    "So the count is ≥ 9.",
    "So the count is $\\geq 9$.",
    "So $x > 9$.",
    "The count is 9 ± 1.",
    "Step 9",
    "See equation (9)",
    "Figure 9",
    "The count is 9!",
    "There are 2 cases with 9 each.",
    "Each table seats 3, and 3 tables are full, so 9 customers.",
    "The problem asks for the value when n = 9.",
    "This holds for x = 9.",
]


@pytest.mark.parametrize("ending", HEDGED)
def test_hedged_unboxed_endings_are_never_correct(ending):
    for reference in ("9", "3", "2", "4", "671.02"):
        verdict = lenient(sky(ending), reference)
        assert verdict.status is not Status.CORRECT, f"{ending!r} vs {reference}: {verdict.reason}"


@pytest.mark.parametrize("ending", HEDGED[:12])
def test_hedges_say_why(ending):
    verdict = lenient(sky(ending), "9")
    assert verdict.status is Status.WRONG
    assert verdict.reason


UNGRADABLE = [
    "I hope this helps!",
    "The answer follows from the argument above.",
    "Substituting back gives $x^2 + 2x$",  # ends in an expression, not a value of a name
    "The sum is $3 + x$",  # an expression, not a value
]


@pytest.mark.parametrize("ending", UNGRADABLE)
def test_endings_without_a_final_value_are_not_guessed(ending):
    for reference in ("9", "x^2 + 2x", "6"):
        verdict = lenient(sky(ending), reference)
        assert verdict.status is not Status.CORRECT, f"{ending!r} vs {reference}: {verdict.reason}"


def test_truncated_completions_stay_no_answer_in_both_presets():
    cut_in_thought = "<|begin_of_thought|>\n\nLet me see. 196 = 2^2 7^2, so the number of divisors is 9."
    cut_in_solution = (
        "<|begin_of_thought|>\n\nok\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\nSo the number of divisors is 9."
    )
    for completion in (cut_in_thought, cut_in_solution):
        for preset in ("strict", "lenient"):
            for require in (True, False):
                options = {"template": "sky-t1", "preset": preset, "require_delimiter": require}
                verdict = MathVerifier(**options).verify(Sample(completion, reference="9"))
                assert verdict.status in (Status.NO_ANSWER, Status.FORMAT_ERROR), (options, verdict.reason)
    verdict = MathVerifier(template="sky-t1", preset="lenient").verify(Sample(cut_in_solution, reference="9"))
    assert verdict.status is Status.NO_ANSWER and "cut off" in verdict.reason
    r1 = MathVerifier(delimiter="<|end_of_thought|>", require_delimiter=False, preset="lenient")
    verdict = r1.verify(Sample(cut_in_thought, reference="9"))
    assert verdict.status is Status.NO_ANSWER and "cut off" in verdict.reason


def test_an_answer_only_in_the_thought_is_not_read():
    completion = sky("Therefore the result follows.", thought="So the number of divisors is 9.")
    assert lenient(completion, "9").status is Status.NO_ANSWER


def test_boxes_and_anchored_phrases_still_win():
    verdict = lenient(sky("The answer is \\boxed{9}.\n\nSo the count is 10."), "9")
    assert verdict.details["source"] == "boxed"
    verdict = lenient(sky("The final answer is 9.\n\n**9**"), "9")
    assert verdict.status is Status.CORRECT and verdict.details["source"] == "answer_is"


def test_two_extractors_that_disagree_are_a_hedge():
    verdict = lenient(sky("Therefore **x = 9**, so the number of divisors is 9"), "9")
    assert verdict.status is Status.CORRECT
    verdict = lenient(sky("**The number of divisors is 9**, so x = 10"), "10")
    assert verdict.status is not Status.CORRECT or verdict.details["extractor"] == "assignment"


def test_extractors_by_name_in_fallbacks_and_bad_names():
    verifier = MathVerifier(template="sky-t1", fallbacks=("answer_is", "last_number"))
    assert verifier.verify(Sample(sky("So 9 customers."), reference="9")).status is Status.CORRECT
    assert verifier.verify(Sample(sky("So, the total is 9 customers."), reference="9")).details["source"] == (
        "last_number"
    )
    with pytest.raises(ValueError, match="last_number"):
        MathOptions(fallbacks=("last_nmber",))
    with pytest.raises(ValueError, match="strict or lenient"):
        MathOptions(preset="loose")  # type: ignore[arg-type]


def test_lenient_verifier_pickles():
    verifier = MathVerifier(template="sky-t1", preset="lenient")
    again = pickle.loads(pickle.dumps(verifier))
    assert again.verify(Sample(sky("So the count is 9."), reference="9")).status is Status.CORRECT


UNITS = [
    ("\\boxed{671.02 \\text{ nm}}", "671.02", True),
    ("\\boxed{671.02 \\mathrm{~nm}}", "671.02", True),
    ("\\boxed{4.5 \\text{ eV}}", "4.5", True),
    ("\\boxed{300 \\mathrm{~K}}", "300", True),
    ("\\boxed{x(t) = 3e^{-t}}", "3e^{-t}", True),
    ("\\boxed{11,000}", "11000", True),
    ("\\boxed{4 \\text{ up quarks}}", "4", True),
    ("\\boxed{671.02 \\text{ nm}}", "671.02 \\text{ m}", False),
    ("\\boxed{4 \\text{ is it}}", "4", False),
    ("\\boxed{4 \\text{ or five}}", "4", False),
    ("\\boxed{4 \\text{ not quarks}}", "4", False),
    ("\\boxed{4 \\text{ maybe quarks}}", "4", False),
]


@pytest.mark.parametrize(("final", "reference", "equal"), UNITS)
def test_units_and_named_quantities(final, reference, equal):
    for preset in ("strict", "lenient"):
        verdict = MathVerifier(preset=preset).verify(Sample(f"<think>ok</think>{final}", reference=reference))
        assert (verdict.status is Status.CORRECT) is equal, verdict.reason


def test_a_prose_assignment_that_runs_into_prose_is_not_its_value():
    ending = "The value of \\( r \\) in the polar form of \\( z = 1 + \\sqrt{3}i \\) is 2."
    verdict = lenient(sky(ending), "2")
    assert verdict.status is Status.CORRECT and verdict.details["extractor"] == "result_is"
    assert lenient(sky("So z = 1 + 3 \\) is 4"), "4").details.get("extractor") != "assignment"


def test_an_untagged_completion_is_not_taken_for_a_truncated_one():
    """No reasoning tags at all (the model skipped the template): with require_delimiter=false it is graded
    whole; an opened and never closed reasoning stays no_answer (test above)."""
    completion = "Using the modulus formula, r = sqrt(1 + 3). So the value of r is 2."
    for options in ({"template": "sky-t1"}, {"delimiter": "<|end_of_thought|>"}):
        verifier = MathVerifier(require_delimiter=False, preset="lenient", **options)
        assert verifier.verify(Sample(completion, reference="2")).status is Status.CORRECT
        assert verifier.verify(Sample(completion, reference="3")).status is Status.WRONG


def test_last_line_takes_a_whole_matrix_block():
    """Grader study fix: a bare matrix as the last lines was read as its closing line ``\\end{bmatrix}``."""
    pred = "So the product is\n\\begin{bmatrix}\n -7 & 6 \\\\\n 11 & -9\n\\end{bmatrix}"
    verifier = MathVerifier(delimiter="", require_delimiter=False, fallbacks=("last_line",))
    reference = "\\begin{pmatrix} -7 & 6 \\\\ 11 & -9 \\end{pmatrix}"
    assert verifier.verify(Sample(pred, reference=reference)).status is Status.CORRECT
    assert verifier.verify(Sample(pred, reference="\\begin{pmatrix} -7 & 6 \\\\ 11 & 9 \\end{pmatrix}")).status is (
        Status.WRONG
    )


@pytest.mark.parametrize(
    "box", ["\\boxed{1, 2, ..., 9}", "\\boxed{1, 2, \\dots, 9}", "\\boxed{\\geq 9}", "\\boxed{> 9}", "\\boxed{x < 9}"]
)
def test_boxed_ellipses_and_bounds_are_not_the_value(box):
    """Grader study: math-verify reads ``1, 2, ..., 9`` and ``\\geq 9`` as 9; a box was graded correct."""
    for preset in ("strict", "lenient"):
        verdict = MathVerifier(preset=preset).verify(Sample(f"<think>ok</think>{box}", reference="9"))
        assert verdict.status is Status.WRONG, verdict.reason
    interval = MathVerifier().verify(Sample("<think>ok</think>\\boxed{[9, \\infty)}", reference="x \\geq 9"))
    assert interval.status is Status.CORRECT, interval.reason


def test_real_sky_t1_completions_through_the_engine(math_engine):
    """The public Sky-T1 sample (tests/data/math/PROVENANCE.md) in worker processes: lenient agrees with every
    label, no false positive; the cut-off completions are not correct; unboxed answers name their extractor."""
    from .math_support import read_jsonl

    rows = read_jsonl("skythought_sample.jsonl")
    samples = [Sample(r["completion"], reference=r["gt"], domain="sky") for r in rows]
    verdicts = [result.verdicts["sky"] for result in math_engine.verify(samples)]
    for row, verdict in zip(rows, verdicts, strict=True):
        assert (verdict.status is Status.CORRECT) == row["score"], (row["idx"], verdict.reason)
        if verdict.details.get("source") not in ("boxed", "answer_is", None):
            assert verdict.details["extractor"] == verdict.details["source"]
    cut_off = [v for r, v in zip(rows, verdicts, strict=True) if r["idx"] in (0, 3)]
    assert all(v.status is Status.NO_ANSWER for v in cut_off)
    assert any(v.details.get("extractor") == "result_is" for v in verdicts)
