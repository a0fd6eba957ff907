"""The code verifier through the engine and the ``r1verify verify`` command, in the Docker sandbox."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from r1verify import Engine, Recipe, Sample, Status

from .conftest import fenced

pytestmark = pytest.mark.docker

ADD = {"inputs": ["1 2\n", "5 5\n", "-3 3\n"], "outputs": ["3\n", "10\n", "0\n"]}


def test_engine_batch_with_every_outcome(docker_pool):
    samples = [
        Sample(fenced("a, b = map(int, input().split())\nprint(a + b)"), reference=ADD, domain="code"),
        Sample(
            fenced("a, b = map(int, input().split())\nprint(a + b)", reasoning="other words"),
            reference=ADD,
            domain="code",
        ),
        Sample(
            fenced("a, b = map(int, input().split())\nprint(abs(a + b) if a > 0 else 10)"),
            reference=json.dumps(ADD),
            domain="code",
        ),
        Sample(
            fenced("#include <iostream>\nint main(){long a,b; std::cin>>a>>b; std::cout<<a+b<<'\\n';}", "cpp"),
            reference=ADD,
            domain="code",
        ),
        Sample("no code here", reference=ADD, domain="code"),
        Sample(fenced("print(1)"), reference=ADD, domain="math"),
    ]
    recipe = Recipe.from_dict(
        {
            "verifiers": {
                "code": {"verifier": "code", "domains": ["code"], "options": {"backend": "docker", "workers": 2}},
                # a verifier for the math row: a domain no verifier names is a setup error, not a skip
                "acc": {"verifier": "exact_match", "domains": ["math"]},
            }
        }
    )
    with Engine(recipe) as engine:
        results = engine.verify(samples)
    statuses = [r.verdicts["code"].status for r in results]
    assert statuses == [
        Status.CORRECT,
        Status.CORRECT,
        Status.PARTIAL,
        Status.CORRECT,
        Status.NO_ANSWER,
        Status.SKIPPED,
    ]
    assert [round(r.reward, 3) for r in results[:5]] == [1.0, 1.0, round(2 / 3, 3), 1.0, 0.0]
    assert results[3].verdicts["code"].details["language"] == "cpp"


def test_a_missing_image_is_an_error_verdict_that_says_how_to_build_it(docker_engine):
    recipe = Recipe.from_verifier_args(["code:backend=docker,workers=1,image=r1verify-sandbox:never-built"])
    with Engine(recipe) as engine:
        [result] = engine.verify([Sample(fenced("print(1)"), reference=ADD)])
    verdict = result.verdicts["code"]
    assert verdict.status is Status.ERROR and "r1verify sandbox build" in verdict.reason


def test_the_cli_verifies_a_jsonl_file(docker_pool, tmp_path):
    rows = [
        {"completion": fenced("print(sum(map(int, input().split())))"), "reference": json.dumps(ADD)},
        {"completion": fenced("print(0)"), "reference": json.dumps(ADD)},
        {
            "completion": '```\n#include <cstdio>\nint main(){ long a, b; scanf("%ld %ld", &a, &b); printf("%ld\\n", a + b); }\n```',
            "reference": json.dumps(ADD),
            "language": "cpp",
        },
    ]
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "r1verify",
            "verify",
            str(data),
            "--verifier",
            "code:backend=docker,workers=2",
            "--out",
            str(out),
            "--summary",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert [round(w["reward"], 3) for w in written] == [1.0, round(1 / 3, 3), 1.0]
    assert written[2]["verdicts"]["code"]["details"]["language"] == "cpp"
