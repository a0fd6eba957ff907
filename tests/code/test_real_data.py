"""Real datasets through the code verifier in the Docker sandbox: canonical solutions pass, wrong ones fail,
and SandboxFusion's and verl's expected outcomes are reproduced (or deliberately differ, where noted)."""

from __future__ import annotations

import json

import pytest
from r1verify_code import CodeVerifier

from r1verify import Sample, Status

from . import solutions
from .conftest import fenced, load

pytestmark = pytest.mark.docker

HUMANEVAL = {row["task_id"]: row for row in load("humaneval.jsonl")}


def humaneval_sample(problem: dict, body: str) -> Sample:
    return Sample(
        fenced(problem["prompt"] + body), reference={"test": problem["test"], "entry_point": problem["entry_point"]}
    )


def test_every_humaneval_canonical_solution_passes(code_verifier):
    verdicts = code_verifier.verify_batch([humaneval_sample(p, p["canonical_solution"]) for p in HUMANEVAL.values()])
    failing = [(task, v.reason) for task, v in zip(HUMANEVAL, verdicts) if v.status is not Status.CORRECT]
    assert failing == []
    assert all(v.score == 1.0 and v.details["passed"] == 1 for v in verdicts)


def test_humaneval_mutants_agree_with_humanevals_own_check(code_verifier):
    mutants = load("humaneval_mutants.jsonl")
    verifier = CodeVerifier(backend="docker", workers=2, test_timeout=2)  # some mutants never return
    verdicts = verifier.verify_batch([humaneval_sample(HUMANEVAL[m["task_id"]], m["solution"]) for m in mutants])
    disagreements = [
        (m["task_id"], m["mutation"], v.status.value, v.reason[:120])
        for m, v in zip(mutants, verdicts)
        if (v.status is Status.CORRECT) != m["oracle_passes"]
    ]
    assert disagreements == []
    assert sum(not m["oracle_passes"] for m in mutants) >= 130  # most mutants are wrong programs, all rejected


def test_mbpp_canonical_solutions_pass_and_score_per_assert(code_verifier):
    rows = load("sandboxfusion_mbpp.jsonl")
    refs = [{"test_list": r["test_list"], "test_setup_code": r["labels"]["test_setup_code"]} for r in rows]
    verdicts = code_verifier.verify_batch(
        [Sample(fenced(r["canonical_solution"]), reference=json.dumps(ref)) for r, ref in zip(rows, refs)]
    )
    assert [v.status for v in verdicts] == [Status.CORRECT] * len(rows)
    assert rows[1]["canonical_solution"].strip().endswith("return result")  # sort_matrix: sorted(M, key=sum)
    lexicographic = "def sort_matrix(M):\n    return sorted(M)\n"  # right on 2 of its 3 asserts
    [partial] = code_verifier.verify_batch([Sample(fenced(lexicographic), reference=refs[1])])
    assert partial.status is Status.PARTIAL and partial.score == pytest.approx(2 / 3)
    assert [t["passed"] for t in partial.details["tests"]] == [True, True, False]


def test_cruxeval_code_with_its_asserted_output(code_verifier):
    rows = load("sandboxfusion_cruxeval.jsonl")
    samples = [Sample(fenced(r["code"]), reference=f"assert f({r['input']}) == {r['output']}") for r in rows]
    assert [v.status for v in code_verifier.verify_batch(samples)] == [Status.CORRECT] * len(rows)


def test_code_contests_stdin_stdout_in_python_and_cpp(code_verifier):
    problem = load("sandboxfusion_code_contests_17.jsonl")[0]
    submits = [c for c in load("sandboxfusion_submit_cases.jsonl") if c["dataset"] == "code_contests"]
    samples = [
        Sample(fenced(solutions.CODE_CONTESTS_17_PY), reference=problem["test"]),
        Sample(fenced(solutions.CODE_CONTESTS_17_CPP, "cpp"), reference=problem["test"]),
    ]
    samples += [Sample(c["completion"], reference=problem["test"], meta={"language": c["language"]}) for c in submits]
    good_py, good_cpp, *rejected = code_verifier.verify_batch(samples)
    n = len(json.loads(problem["test"]))
    assert good_py.status is Status.CORRECT and good_py.details["total"] == n
    assert good_cpp.status is Status.CORRECT and good_cpp.details["language"] == "cpp"
    assert [c["expected_accepted"] for c in submits] == [False, False]
    assert all(v.status is not Status.CORRECT for v in rejected)
    assert rejected[1].details["language"] == "cpp" and rejected[1].details["passed"] < n


def test_livecodebench_stdin_and_call_based(code_verifier):
    rows = {r["labels"]["task_id"]: r for r in load("sandboxfusion_live_code_bench.jsonl")}
    cases = [
        ("codeforces/1873_A", solutions.LCB_1873_A),
        ("atcoder/abc301_a", solutions.LCB_ABC301_A),
        ("leetcode/2727", solutions.LCB_2727),
    ]
    samples = [Sample(fenced(code), reference=json.dumps(rows[task]["input_output"])) for task, code in cases]
    wrong = solutions.LCB_2727.replace("> 60", ">= 60")
    samples.append(Sample(fenced(wrong), reference=rows["leetcode/2727"]["input_output"]))
    *right, off_by_one = code_verifier.verify_batch(samples)
    assert [v.status for v in right] == [Status.CORRECT] * 3
    assert right[2].details["format"] == "fn_name call"
    assert off_by_one.status in (Status.PARTIAL, Status.WRONG) and off_by_one.score < 1
    assert any("expected" in t.get("reason", "") for t in off_by_one.details["tests"])


def test_verl_prime_code_scores(code_verifier):
    cases = load("verl_prime_code_cases.jsonl")
    samples = [Sample(fenced(c["completion_code"]), reference=json.dumps(c["tests"])) for c in cases]
    all_tests = code_verifier.verify_batch(samples)
    assert [v.score for v in all_tests] == [1.0, pytest.approx(10 / 11)]
    first_ten = CodeVerifier(backend="docker", workers=2, max_tests=10).verify_batch(samples)
    assert [v.score for v in first_ten] == [c["expected_score"] for c in cases] == [1.0, 0.9]  # verl's own scores


def test_humaneval_cpp_assert_tests(code_verifier):
    rows = load("sandboxfusion_humanevalds_cpp.jsonl")
    refs = [{"test": r["test"], "language": "cpp"} for r in rows]
    good = [solutions.HUMANEVAL_CPP_0, solutions.HUMANEVAL_CPP_1]
    samples = [Sample(fenced(code, "cpp"), reference=ref) for code, ref in zip(good, refs)]
    # SandboxFusion's sample "canonical solutions" are `exit(0);` stubs that its harness accepts; here they fail.
    assert "exit(0);" in rows[1]["canonical_solution"]
    samples.append(Sample(fenced(rows[1]["canonical_solution"], "cpp"), reference=refs[1]))
    wrong = solutions.HUMANEVAL_CPP_0.replace("< threshold", "> threshold")
    samples.append(Sample(fenced(wrong, "cpp"), reference=refs[0]))
    verdicts = code_verifier.verify_batch(samples)
    assert [v.status for v in verdicts] == [Status.CORRECT] * 2 + [Status.WRONG] * 2
    assert "did not finish" in verdicts[2].details["tests"][0]["reason"]


def test_sandboxfusion_submit_cases_we_can_map(code_verifier):
    cases = load("sandboxfusion_submit_cases.jsonl")
    humaneval_4 = HUMANEVAL["HumanEval/4"]
    wrong_mad = next(c for c in cases if c["dataset"] == "humaneval_python")
    assert wrong_mad["expected_accepted"] is False
    [verdict] = code_verifier.verify_batch([humaneval_sample(humaneval_4, wrong_mad["completion"])])
    assert verdict.status is Status.WRONG
    # mhpp's "passing" sample is a function whose body is `exit()`: SandboxFusion accepts it (the process exits 0).
    mhpp = next(c for c in cases if c["dataset"] == "mhpp" and c["expected_accepted"])
    stub = mhpp["completion"].split("\n\n\n", 1)[1]
    ref = {"test": "assert table_tennis_results('11:3 11:5') == 'x'\n"}
    [hacked] = code_verifier.verify_batch([Sample(fenced(stub), reference=ref)])
    assert hacked.status is Status.WRONG and "SystemExit" in hacked.reason
