"""The code verifier without Docker: options, cache keys, deadlines, and verdicts that need no sandbox."""

from __future__ import annotations

import pytest
from r1verify_code import CodeVerifier

from r1verify import OptionsError, Recipe, Sample, Status

from .conftest import fenced


def test_it_is_registered_as_code_with_inline_placement():
    recipe = Recipe.from_verifier_args(["code:score=all,test_timeout=2,language=cpp"])
    [(_spec, verifier)] = recipe.build()
    assert isinstance(verifier, CodeVerifier) and verifier.placement == "inline"
    assert verifier.options.score == "all" and verifier.options.test_timeout == 2.0
    assert verifier.options.language == "cpp"


@pytest.mark.parametrize("bad", ["code:score=most", "code:test_timeout=0", "code:float_tol=-1", "code:nope=1"])
def test_bad_options_are_rejected(bad):
    with pytest.raises((OptionsError, ValueError)):
        Recipe.from_verifier_args([bad]).build()


def test_cache_key_is_the_program_and_the_tests():
    verifier = CodeVerifier()
    reference = {"inputs": ["1"], "outputs": ["1"]}
    a = Sample(fenced("print(input())", reasoning="first I think"), reference=reference)
    b = Sample(fenced("print(input())", reasoning="a different chain of thought"), reference=reference)
    c = Sample(fenced("print(int(input()))"), reference=reference)
    assert verifier.cache_key(a) == verifier.cache_key(b) != verifier.cache_key(c)
    d = Sample(fenced("print(input())"), reference={"inputs": ["2"], "outputs": ["2"]})
    assert verifier.cache_key(a) != verifier.cache_key(d)


def test_batch_deadline_grows_with_rounds_of_the_pool():
    verifier = CodeVerifier(workers=4, sample_timeout=10, compile_timeout=5)
    one, four, five = (verifier.batch_deadline(n, 60) for n in (1, 4, 5))
    assert one == four and five > four and one >= 60
    assert CodeVerifier(workers=1).batch_deadline(100, 1) > 100 * 60


def test_verdicts_decided_before_any_program_runs():
    """No program and bad references never start the sandbox (this test runs without Docker)."""
    verifier = CodeVerifier(backend="docker", image="r1verify-sandbox:never-built")
    reference = {"inputs": ["1"], "outputs": ["1"]}
    verdicts = verifier.verify_batch(
        [
            Sample("I think the answer is to print the input.", reference=reference),
            Sample("<think>```python\nprint(1)\n```", reference=reference),
            Sample(fenced("print(1)"), reference={"unknown": "layout"}),
            Sample(fenced("print(1)"), reference=None),
            Sample(fenced("IDENTIFICATION DIVISION.", "cobol"), reference=reference),
            Sample(fenced("int main(){}", "cpp"), reference={"fn_name": "f", "inputs": [[1]], "outputs": [1]}),
        ]
    )
    assert [v.status for v in verdicts] == [
        Status.NO_ANSWER,
        Status.NO_ANSWER,
        Status.ERROR,
        Status.ERROR,
        Status.NO_ANSWER,
        Status.WRONG,
    ]
    assert "reference" in verdicts[2].reason and "call-style tests run Python programs" in verdicts[5].reason
