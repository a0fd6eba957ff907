"""One veRL reward step, math + code: veRL's ``naive`` manager with ``default_compute_score`` vs r1verify's batch
manager, on the same ``verl.DataProto``.

    .venv/bin/python bench/verl_bench.py [--n 1024] [--code-share 0.25] [--code-backend docker] [--quick]

The step (3/4 math, 1/4 code by default):

- math: real Qwen2.5-Math completions of MATH problems with Qwen's grader labels
  (``bench/data/math/qwen_math_cot_labeled.jsonl.gz``, see its PROVENANCE.md), put into the R1 format as
  bench/trl_bench.py does (reasoning in ``<think>...</think>``, then the paragraph with the ``\\boxed`` answer),
  ``data_source = lighteval/MATH``.
- code: the two stdin/stdout problems of veRL's own prime_code test (``tests/data/code/verl_prime_code_cases.jsonl``:
  one completion passes all 11 tests, one fails one of them, labels from veRL's expected scores 1.0 / 0.9),
  each also as a wrong answer, a runtime error and a syntax error; ``data_source = codecontests``. Every code
  response carries its own comment line, so no two are the same text (neither side can deduplicate them).

Both sides get the same DataProto, laid out as veRL's rollout hands it over (tests/verl/verl_harness.py: an
offline byte-level BPE tokenizer, left-padded prompts, right-padded responses):

- baseline: ``verl.workers.reward_manager.NaiveRewardManager`` calling
  ``verl.utils.reward_score.default_compute_score`` once per sample. For ``lighteval/MATH`` that is veRL's
  ``math_reward`` (last ``\\boxed{}``, string equivalence); for ``codecontests`` without a SandboxFusion URL it is
  veRL's ``prime_code``: the program exec'd in a local child process, unsandboxed, up to 10 more processes for
  the per-test ``continuous`` score of a failing program.
- r1verify: ``R1VerifyBatchRewardManager`` (veRL's ``batch`` style): one ``Engine.verify`` call for the step,
  math-verify for math, the code verifier on ``--code-backend`` (default: the Docker sandbox, ``--network none``).

Then the same step through veRL 0.9's reward loop, the path its trainer takes: ``RewardLoopWorker`` (built
in-process, no Ray) with its ``naive`` reward-loop manager (``default_compute_score`` per sample in the event
loop's executor threads) vs ``R1VerifyRewardManager`` (``run_single`` per sample, batched into engine calls);
``--no-reward-loop`` skips it.

All are warmed up first on 8 other rows (imports, r1verify's worker processes and warm sandbox pool); the
start-up is printed apart. Label agreement: a response counts as judged correct when the baseline's score is 1.0
(prime_code's continuous score is 1.0 only when every test passes) or r1verify's ``acc`` is 1.0. The math labels
are Qwen's grader's, itself a string-matching grader that misses equivalent forms (``4:30 \\text{ p.m.}`` vs
``4:30p..``), so up to three rows where r1verify departs from the label are printed for inspection.
Timings depend on the machine and whatever else runs on it; the ratio is measured in one run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.verl.verl_harness import data_proto, tokenizer  # noqa: E402 - the offline tokenizer and DataProto

MATH = ROOT / "bench/data/math/qwen_math_cot_labeled.jsonl.gz"
CODE = ROOT / "tests/data/code/verl_prime_code_cases.jsonl"

RECIPE = """description = "verl_bench: math + code, no format term (acc is the verdict)"
default_domain = "math"

[verifiers.accuracy]
verifier = "math"
domains = ["math"]
required = true

[verifiers.code]
verifier = "code"
domains = ["code"]
required = true
options = {{ backend = "{backend}" }}
"""

BREAK = {
    "wrong_answer": lambda code: code.replace("print(", "print(1 + ", 1) if "print(" in code else "print(-1)\n",
    "runtime_error": lambda code: "raise RuntimeError('boom')\n" + code,
    "syntax_error": lambda code: code.replace("def ", "def (", 1) if "def " in code else code + "\n)(\n",
}


def r1_format(completion: str) -> str:
    """Reasoning in <think> tags, then the last paragraph with a \\boxed answer (as bench/trl_bench.py)."""
    paragraphs = completion.strip().split("\n\n")
    cut = max((i for i, p in enumerate(paragraphs) if "\\boxed" in p), default=len(paragraphs) - 1)
    reasoning, final = "\n\n".join(paragraphs[:cut]) or paragraphs[0], "\n\n".join(paragraphs[cut:])
    return f"<think>\n{reasoning}\n</think>\n\n{final}"


def math_rows() -> list[dict[str, Any]]:
    with gzip.open(MATH, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [
        {"prompt": r["question"], "response": r1_format(r["completion"]), "data_source": "lighteval/MATH",
         "ground_truth": r["gt"], "label": str(r["label_qwen_grader"]) == "True", "domain": "math"}
        for r in rows
    ]


def code_rows(n: int) -> list[dict[str, Any]]:
    """``n`` code responses cycling over (problem, variant); 1 in 3 is a problem's own completion."""
    cases = [json.loads(line) for line in CODE.read_text().splitlines()]
    kinds = [("own", None), ("own", None), *((k, f) for k, f in BREAK.items())]
    out = []
    for i in range(n):
        case = cases[i % len(cases)]
        kind, fn = kinds[(i // len(cases)) % len(kinds)]
        program = case["completion_code"] if fn is None else fn(case["completion_code"])
        label = kind == "own" and case["expected_score"] == 1.0
        out.append(
            {"prompt": f"Solve the problem ({case['data_source']} #{i % len(cases)}).",
             "response": f"```python\n# attempt {i}\n{program}\n```", "data_source": "codecontests",
             "ground_truth": json.dumps(case["tests"]), "label": label, "domain": "code", "kind": kind}
        )
    return out


def step(n: int, code_share: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    maths = math_rows()
    n_code = round(n * code_share)
    n_math = n - n_code
    if n_math + 8 > len(maths):
        raise SystemExit(f"--n {n}: at most {len(maths) - 8 + n_code} math rows are bundled")
    codes = code_rows(n_code + 8)
    warm = maths[-4:] + codes[-4:]
    # 8 completions per problem in file order: a small step takes one completion of each of its problems
    picked = maths[: len(maths) - 8 : 8][:n_math] if n_math <= (len(maths) - 8) // 8 else maths[:n_math]
    rows = picked + codes[:n_code]
    return rows, warm


def loop_worker(tok_dir: Path, manager: str, recipe: Path | None) -> Any:
    """veRL 0.9's RewardLoopWorker (what its trainer runs in each reward actor), built in-process."""
    from omegaconf import OmegaConf
    from verl.experimental.reward_loop.reward_loop import RewardLoopWorker

    reward: dict[str, Any] = {
        "custom_reward_function": {"path": None, "name": "compute_score"},
        "reward_manager": {"source": "register", "name": manager, "module": {"path": None}},
        "reward_model": {"enable": False},
    }
    if recipe is not None:
        reward["reward_kwargs"] = {"recipe": str(recipe)}
    return RewardLoopWorker(
        OmegaConf.create({"actor_rollout_ref": {"model": {"path": str(tok_dir), "tokenizer_path": None}},
                          "reward": reward})
    )


def run_loop(worker: Any, data: Any) -> tuple[float, list[float]]:
    t0 = time.perf_counter()  # on the loop veRL's managers captured at construction (as in its Ray actor)
    outs = worker.reward_manager.loop.run_until_complete(worker.compute_score_batch(data))
    return time.perf_counter() - t0, [float(o["reward_score"]) for o in outs]


def judged(scores: list[float]) -> list[bool]:
    return [s >= 1.0 for s in scores]


def agreement(rows: list[dict[str, Any]], verdicts: list[bool], domain: str | None = None) -> tuple[int, int]:
    pairs = [(r["label"], v) for r, v in zip(rows, verdicts) if domain is None or r["domain"] == domain]
    return sum(a == b for a, b in pairs), len(pairs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1024)
    ap.add_argument("--code-share", type=float, default=0.25)
    ap.add_argument("--code-backend", default="docker", choices=["docker", "local", "auto"])
    ap.add_argument("--no-reward-loop", action="store_true", help="skip the reward-loop (RewardLoopWorker) pair")
    ap.add_argument("--quick", action="store_true", help="128 responses (96 math, one per problem; 32 code)")
    args = ap.parse_args()
    n = 128 if args.quick else args.n

    import warnings

    warnings.filterwarnings("ignore")
    from verl.utils.reward_score import default_compute_score
    from verl.workers.reward_manager import NaiveRewardManager

    from r1verify_verl.manager import R1VerifyBatchRewardManager
    from r1verify_verl.scoring import close_all

    tok = tokenizer()
    rows, warm = step(n, args.code_share)
    recipe = Path(tempfile.mkdtemp(prefix="verl_bench_")) / "verl_bench.toml"
    recipe.write_text(RECIPE.format(backend=args.code_backend), encoding="utf-8")
    n_code = sum(r["domain"] == "code" for r in rows)
    print(f"veRL step: {len(rows)} responses ({len(rows) - n_code} math, {n_code} code), code backend "
          f"{args.code_backend}")

    naive = NaiveRewardManager(tok, num_examine=0, compute_score=default_compute_score)
    t0 = time.perf_counter()
    ours = R1VerifyBatchRewardManager(tok, num_examine=0, recipe=str(recipe))
    ours(data_proto(tok, warm), return_dict=True)
    startup = time.perf_counter() - t0
    naive(data_proto(tok, warm), return_dict=True)
    print(f"r1verify start-up and warm-up (not counted): {startup:.2f} s")

    data_a, data_b = data_proto(tok, rows), data_proto(tok, rows)
    t0 = time.perf_counter()
    out_a = naive(data_a, return_dict=True)
    t_a = time.perf_counter() - t0
    t0 = time.perf_counter()
    out_b = ours(data_b, return_dict=True)
    t_b = time.perf_counter() - t0
    loop = {}
    if not args.no_reward_loop:
        tok_dir = recipe.parent / "tokenizer"
        tok.save_pretrained(tok_dir)
        # its own recipe file: a fresh engine, so the batch manager's verdict cache does not answer for it
        loop_recipe = recipe.with_name("verl_bench_loop.toml")
        loop_recipe.write_text(recipe.read_text(encoding="utf-8"), encoding="utf-8")
        for name, manager, rec in (("naive", "naive", None), ("r1verify", "r1verify", loop_recipe)):
            worker = loop_worker(tok_dir, manager, rec)
            run_loop(worker, data_proto(tok, warm))
            loop[name] = run_loop(worker, data_proto(tok, rows))
    close_all()

    base_scores = out_a["reward_tensor"].sum(-1).tolist()
    base = judged(base_scores)
    mine = judged(out_b["reward_extra_info"]["acc"])
    print(f"naive + default_compute_score (per sample): {t_a:8.2f} s  {len(rows) / t_a:8.1f} responses/s")
    print(f"r1verify batch manager (one engine call):   {t_b:8.2f} s  {len(rows) / t_b:8.1f} responses/s")
    print(f"speed-up: {t_a / t_b:.1f}x")
    if loop:
        (t_c, s_c), (t_d, s_d) = loop["naive"], loop["r1verify"]
        print(f"reward loop, veRL naive + default_compute_score (executor threads): {t_c:8.2f} s  "
              f"{len(rows) / t_c:8.1f} responses/s")
        print(f"reward loop, R1VerifyRewardManager (run_single per sample):      {t_d:8.2f} s  "
              f"{len(rows) / t_d:8.1f} responses/s")
        print(f"reward-loop speed-up: {t_c / t_d:.1f}x")
        same = lambda x, y: len(x) == len(y) and all(abs(a - b) < 1e-6 for a, b in zip(x, y))  # noqa: E731
        print(f"reward-loop scores equal to the legacy managers': naive {same(s_c, base_scores)}, "
              f"r1verify {same(s_d, out_b['reward_extra_info']['score'])}")
    for label, domain in (("all", None), ("math", "math"), ("code", "code")):
        a, total = agreement(rows, base, domain)
        b, _ = agreement(rows, mine, domain)
        print(f"label agreement ({label}): naive {a}/{total} ({100 * a / total:.1f}%), "
              f"r1verify {b}/{total} ({100 * b / total:.1f}%)")
    same = sum(x == y for x, y in zip(base, mine))
    print(f"verdicts equal between the two: {same}/{len(rows)}")
    extra = out_b["reward_extra_info"]
    statuses = Counter(
        extra["accuracy_status"][i] if r["domain"] == "math" else extra["code_status"][i] for i, r in enumerate(rows)
    )
    print("r1verify statuses:", dict(sorted(statuses.items())))
    print("r1verify errors:", sum(bool(e) for e in extra["error"]))
    shown = 0
    for i, r in enumerate(rows):  # the labels are a grader's too: show where r1verify departs from them
        if mine[i] != r["label"] and shown < 3:
            shown += 1
            final = r["response"].split("</think>")[-1].strip().replace("\n", " ")[-100:]
            print(f"  r1verify vs label at row {i} ({r['domain']}): label {r['label']}, r1verify {mine[i]}, "
                  f"naive {base[i]}; reference {r['ground_truth'][:40]!r}; answer ...{final!r}")


if __name__ == "__main__":
    main()
