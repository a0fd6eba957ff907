"""Regenerate the files in this directory from the upstream sources (see PROVENANCE.md).

    python tests/data/code/make_data.py SOURCE_DIR

SOURCE_DIR holds the upstream files under the names PROVENANCE.md lists. The HumanEval mutants are labelled by
an oracle independent of r1verify: HumanEval's own ``check`` run in a plain ``python3`` subprocess.
"""

from __future__ import annotations

import base64
import io
import json
import pickle
import re
import subprocess
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).parent

# (pattern, replacement): the first one that applies to a canonical solution makes its mutant.
MUTATIONS = [
    (r"<=", "<"),
    (r">=", ">"),
    (r"(?<![<>=!])<(?![<=])", "<="),
    (r"(?<![<>=!-])>(?![>=])", ">="),
    (r"==", "!="),
    (r"\+ 1\b", "+ 2"),
    (r"- 1\b", "- 2"),
    (r"\bTrue\b", "False"),
    (r"\bFalse\b", "True"),
    (r" \+ ", " - "),
    (r"\[1:\]", "[2:]"),
    (r"\bsorted\(", "list("),
    (r"\bmax\(", "min("),
    (r"\bmin\(", "max("),
    (r"\b0\b", "1"),
    (r"\b1\b", "0"),
    (r"\breturn (.+)", r"return None"),
]


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write(name: str, rows: list[dict]) -> None:
    with open(HERE / name, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def _oracle_passes(problem: dict, solution: str) -> bool:
    program = problem["prompt"] + solution + "\n" + problem["test"] + f"\ncheck({problem['entry_point']})\n"
    try:
        proc = subprocess.run([sys.executable, "-c", program], capture_output=True, timeout=10, check=False)
    except subprocess.TimeoutExpired:
        return False
    return proc.returncode == 0


def _mutate(solution: str) -> tuple[str, str] | None:
    for pattern, replacement in MUTATIONS:
        mutated, count = re.subn(pattern, replacement, solution, count=1)
        if count and mutated != solution:
            return f"{pattern} -> {replacement}", mutated
    return None


def _no_globals_unpickler(data: bytes) -> object:
    class Restricted(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> None:
            raise pickle.UnpicklingError(f"refusing {module}.{name}")

    return Restricted(io.BytesIO(data)).load()


def main(source: Path) -> None:
    humaneval = _rows(source / "HumanEval.jsonl")
    _write("humaneval.jsonl", humaneval)
    mutants = []
    for problem in humaneval:
        found = _mutate(problem["canonical_solution"])
        if found is None:
            continue
        mutation, solution = found
        mutants.append(
            {
                "task_id": problem["task_id"],
                "mutation": mutation,
                "solution": solution,
                "oracle_passes": _oracle_passes(problem, solution),
            }
        )
    _write("humaneval_mutants.jsonl", mutants)

    for name in ("mbpp", "cruxeval"):
        _write(f"sandboxfusion_{name}.jsonl", _rows(source / f"sandboxfusion_code_eval_{name}.jsonl"))
    contests = _rows(source / "sandboxfusion_code_eval_code_contests.jsonl")
    _write("sandboxfusion_code_contests_17.jsonl", [r for r in contests if r["id"] == 17])
    cpp = [
        r
        for r in _rows(source / "sandboxfusion_code_eval_humanevalds_v1_en.jsonl")
        if json.loads(r["labels"])["programming_language"] == "cpp"
    ]
    _write("sandboxfusion_humanevalds_cpp.jsonl", cpp)
    lcb = []
    for row in _rows(source / "sandboxfusion_code_eval_live_code_bench_v1.jsonl"):
        decoded = _no_globals_unpickler(zlib.decompress(base64.b64decode(row["test"])))
        lcb.append(
            {
                "id": row["id"],
                "labels": json.loads(row["labels"]),
                "content": row["content"],
                "input_output": json.loads(decoded["input_output"]),
            }
        )  # type: ignore[index]
    _write("sandboxfusion_live_code_bench.jsonl", lcb)
    _write("sandboxfusion_submit_cases.jsonl", _rows(source / "sandboxfusion_submit_cases.jsonl"))
    _write("verl_prime_code_cases.jsonl", _rows(source / "verl_prime_code_cases.jsonl"))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
