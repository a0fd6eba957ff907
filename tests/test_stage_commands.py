"""`r1verify filter`, `reject` and `report` on small inputs with the built-in verifier."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from r1verify.cli import cli

RECIPE = """
description = "exact answers only"
[verifiers.answer]
verifier = "exact_match"
required = true
"""


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def recipe(tmp_path) -> str:
    path = tmp_path / "exact.toml"
    path.write_text(RECIPE)
    return str(path)


def test_filter_keeps_passing_rows_as_sft_messages_and_explains_rejects(tmp_path, recipe):
    src = write(
        tmp_path / "in.jsonl",
        [
            {"prompt": "1+1?", "completion": "<think>a</think> 2", "answer": "2"},
            {"prompt": "2+2?", "completion": "<think>b</think> 5", "answer": "4"},
            {
                "prompt": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "3+3?"}],
                "completion": "<think>c</think> 6",
                "answer": "6",
            },
        ],
    )
    out = tmp_path / "sft.jsonl"
    summary = tmp_path / "s.json"
    result = run(
        "filter", str(src), "--recipe", recipe, "--out", str(out), "--summary-json", str(summary), "--summary", "none"
    )
    assert result.exit_code == 0, result.output
    kept = read(out)
    assert kept[0] == {
        "messages": [{"role": "user", "content": "1+1?"}, {"role": "assistant", "content": "<think>a</think> 2"}]
    }
    assert [m["role"] for m in kept[1]["messages"]] == ["system", "user", "assistant"]
    rejects = read(tmp_path / "sft.rejects.jsonl")
    assert len(rejects) == 1 and rejects[0]["answer"] == "4"
    assert rejects[0]["rejected_by"][0]["verifier"] == "answer" and rejects[0]["rejected_by"][0]["status"] == "wrong"
    data = json.loads(summary.read_text())
    assert data["kept"] == 2 and data["rejected"] == 1 and data["rejected_by"] == {"answer: wrong": 1}

    original = tmp_path / "orig.jsonl"
    assert run("filter", str(src), "--recipe", recipe, "--format", "original", "--out", str(original)).exit_code == 0
    assert read(original)[0]["answer"] == "2"


def generations() -> list[dict]:
    rows = []
    for pid, gold, answers in [
        ("p1", "4", ["4", "5", "4", "4 "]),
        ("p2", "9", ["1", "2", "3", "4"]),
        ("p3", "7", ["7", "7", "7", "8"]),
    ]:
        for i, a in enumerate(answers):
            rows.append(
                {
                    "id": pid,
                    "prompt": f"problem {pid}",
                    "completion": f"<think>{'x' * (9 - i)}</think> {a}",
                    "answer": gold,
                }
            )
    return rows


def test_reject_keeps_the_best_per_prompt_and_reports_pass_at_k(tmp_path, recipe):
    src = write(tmp_path / "gens.jsonl", generations())
    out = tmp_path / "kept.jsonl"
    rates = tmp_path / "rates.jsonl"
    summary = tmp_path / "s.json"
    result = run(
        "reject",
        str(src),
        "--recipe",
        recipe,
        "--out",
        str(out),
        "--per-prompt",
        str(rates),
        "--summary-json",
        str(summary),
        "--summary",
        "none",
        "--group-by",
        "id",
    )
    assert result.exit_code == 0, result.output
    kept = read(out)
    # p1: three correct of different lengths -> the shortest; p2: none; p3: the shortest correct
    assert [k["messages"][-1]["content"] for k in kept] == ["<think>xxxxxxx</think> 4", "<think>xxxxxxx</think> 7"]
    lines = read(rates)
    assert [(r["group"], r["passed"], r["kept"]) for r in lines] == [("p1", 3, 1), ("p2", 0, 0), ("p3", 3, 1)]
    data = json.loads(summary.read_text())
    assert data["prompts"] == 3 and data["prompts_without_a_pass"] == 1
    assert data["pass_at_k"]["pass@1"] == pytest.approx((3 / 4 + 0 + 3 / 4) / 3, abs=1e-4)
    assert data["pass_at_k"]["pass@4"] == pytest.approx(2 / 3, abs=1e-4)


def test_reject_unsorted_input_errors_unless_asked_to_group_on_disk(tmp_path, recipe):
    rows = generations()
    shuffled = rows[::2] + rows[1::2]
    src = write(tmp_path / "gens.jsonl", shuffled)
    out = tmp_path / "kept.jsonl"
    refused = run("reject", str(src), "--recipe", recipe, "--out", str(out), "--group-by", "id")
    assert refused.exit_code == 2 and "--unsorted" in refused.stderr
    ok = run(
        "reject", str(src), "--recipe", recipe, "--out", str(out), "--group-by", "id", "--unsorted", "--keep", "all"
    )
    assert ok.exit_code == 0, ok.output
    assert len(read(out)) == 6  # every passing generation: 3 for p1, 0 for p2, 3 for p3


def test_report_writes_a_self_contained_page(tmp_path, recipe):
    src = write(tmp_path / "gens.jsonl", generations())
    scored = tmp_path / "scored.jsonl"
    assert run("verify", str(src), "--recipe", recipe, "--out", str(scored)).exit_code == 0
    result = run("report", str(scored), "--examples", "4")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "scored.html").read_text()
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "Worst examples" in page and "Borderline examples" in page and "<svg" in page
    assert page.count("class='example'") == 4 + 2 + 2


def test_report_refuses_a_file_that_is_not_results(tmp_path):
    src = write(tmp_path / "plain.jsonl", [{"completion": "x"}])
    result = run("report", str(src))
    assert result.exit_code == 2 and "plain.jsonl:1" in result.stderr and "r1verify verify" in result.stderr


@pytest.mark.skipif(
    shutil.which("chromium") is None and not __import__("os").environ.get("CI"),
    reason="needs Chromium (CI installs it)",
)
def test_report_renders_in_headless_chromium(tmp_path, recipe):
    from PIL import Image

    src = write(tmp_path / "gens.jsonl", generations())
    scored = tmp_path / "scored.jsonl"
    assert run("verify", str(src), "--recipe", recipe, "--out", str(scored)).exit_code == 0
    png = tmp_path / "report.png"
    result = run("report", str(scored), "--png", str(png))
    assert result.exit_code == 0, result.output
    image = Image.open(png).convert("L")
    assert image.size == (1280, 1800)
    colours = image.getcolors(maxcolors=1 << 16)
    assert colours is not None and len(colours) > 20  # text, bars and chips rendered, not a blank page
    dark = sum(count for count, value in colours if value < 128)
    assert dark > 2000
