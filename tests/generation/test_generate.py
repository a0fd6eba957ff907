"""`r1verify generate` and `reject --generate` against a real HTTP server on 127.0.0.1 (fake_openai.py here)."""

from __future__ import annotations

import json
import re
import time
from collections import Counter

import pytest
from click.testing import CliRunner

from r1verify.cli import cli
from r1verify.generation import GenerationStore, chat_url, prompt_items
from r1verify.generation.client import parse_reply
from r1verify.io import InvalidRow, Row

from .conftest import read_jsonl, write_jsonl


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def gen(server, prompts, out, *extra):
    return run("generate", prompts, "--endpoint", server.url, "--model", "fake", "--out", out, *extra)


def test_every_prompt_gets_n_rows_in_the_format_reject_reads(server, prompts_file, tmp_path):
    out = tmp_path / "gens.jsonl"
    result = gen(server, prompts_file, out, "-n", "4", "--temperature", "0.6", "--top-p", "0.95", "--max-tokens", "99")
    assert result.exit_code == 0, result.output
    rows = read_jsonl(out)
    assert len(rows) == 24
    by_prompt = Counter(r["id"] for r in rows)
    assert set(by_prompt.values()) == {4}
    first = next(r for r in rows if r["id"] == "p0" and r["sample_index"] == 0)  # rows come in completion order
    assert first["prompt"].startswith("What is 0 + 1?") and first["answer"] == "1" and first["domain"] == "math"
    assert "\\boxed{1}" in first["completion"] and first["finish_reason"] == "stop" and first["model"] == "fake"
    assert sorted(r["sample_index"] for r in rows if r["id"] == "p3") == [0, 1, 2, 3]
    body = server.bodies[0]
    assert body["n"] == 4 and body["temperature"] == 0.6 and body["top_p"] == 0.95 and body["max_tokens"] == 99
    assert [{"role": "user", "content": first["prompt"]}] in [b["messages"] for b in server.bodies]
    summary = json.loads(result.stderr.strip().splitlines()[-1])["generation"]
    assert summary["completions"] == 24 and summary["completion_tokens"] > 0


def test_every_fault_mode_is_retried_and_nothing_is_duplicated(server, prompts_file, tmp_path):
    server.plan = {1: "500", 2: "drop", 3: "malformed", 4: "429", 5: "503", 6: "empty"}
    out = tmp_path / "gens.jsonl"
    result = gen(server, prompts_file, out, "-n", "3", "--concurrency", "2")
    assert result.exit_code == 0, result.output
    rows = read_jsonl(out)
    assert Counter(r["prompt_id"] for r in rows) == Counter({pid: 3 for pid in {r["prompt_id"] for r in rows}})
    assert len(rows) == 18
    assert json.loads(result.stderr.strip().splitlines()[-1])["generation"]["retries"] == 5  # "empty" is no failure


def test_a_server_that_keeps_failing_stops_the_run_with_its_answer_not_a_hang(server, prompts_file, tmp_path):
    server.mode = "500"
    started = time.monotonic()
    result = gen(server, prompts_file, tmp_path / "g.jsonl", "--retries", "2")
    assert result.exit_code == 1
    assert "HTTP 500" in result.stderr and "fake 500" in result.stderr and "after 3 attempts" in result.stderr
    assert "no prompt finished" in result.stderr and "run the command again" in result.stderr
    assert not (tmp_path / "g.jsonl").exists()  # no empty file left behind that reads as "resume from here"
    assert time.monotonic() - started < 10


def test_an_unknown_model_fails_at_once_and_says_what_to_check(server, prompts_file, tmp_path):
    server.mode = "404"
    result = gen(server, prompts_file, tmp_path / "g.jsonl")
    assert result.exit_code == 1 and "HTTP 404" in result.stderr and "--model" in result.stderr
    assert "after 1 attempt)" in result.stderr  # a 404 is not retried


def test_a_server_that_never_answers_times_out(server, prompts_file, tmp_path):
    server.mode = "slow"
    started = time.monotonic()
    result = gen(server, prompts_file, tmp_path / "g.jsonl", "--request-timeout", "0.3", "--retries", "1")
    assert result.exit_code == 1 and "no complete reply within 0.3 s" in result.stderr
    assert time.monotonic() - started < 4


def test_nothing_listening_is_a_connection_error(prompts_file, tmp_path):
    result = run("generate", prompts_file, "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--retries", "0",
                 "--out", tmp_path / "g.jsonl")
    assert result.exit_code == 1 and "connection failed" in result.stderr


def test_rerun_on_a_complete_file_sends_nothing(server, prompts_file, tmp_path):
    out = tmp_path / "g.jsonl"
    assert gen(server, prompts_file, out, "-n", "2").exit_code == 0
    before = out.read_bytes()
    requests = server.requests
    result = gen(server, prompts_file, out, "-n", "2")
    assert result.exit_code == 0 and server.requests == requests and out.read_bytes() == before
    assert json.loads(result.stderr.strip().splitlines()[-1])["generation"]["already_done"] == 6


def test_a_torn_last_line_and_a_short_prompt_are_repaired_on_resume(server, prompts_file, tmp_path):
    out = tmp_path / "g.jsonl"
    assert gen(server, prompts_file, out, "-n", "3", "--limit", "2").exit_code == 0
    lines = out.read_text().splitlines(keepends=True)
    out.write_text("".join(lines[:-1]) + lines[-1][:40])  # the last prompt: 2 whole rows and a torn one
    result = gen(server, prompts_file, out, "-n", "3")
    assert result.exit_code == 0, result.output
    rows = read_jsonl(out)  # every line parses
    assert Counter(r["id"] for r in rows) == Counter({f"p{i}": 3 for i in range(6)})
    for pid in ("p0", "p1"):
        assert sorted(r["sample_index"] for r in rows if r["id"] == pid) == [0, 1, 2]
    assert sorted(b["n"] for b in server.bodies[2:]) == [1, 3, 3, 3, 3]  # the cut prompt: only its missing sample


def test_chat_messages_and_a_system_prompt(server, tmp_path):
    src = write_jsonl(tmp_path / "chat.jsonl", [
        {"messages": [{"role": "user", "content": "What is 2 + 2?"}], "reference": "4"},
        {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}]},
    ])
    out = tmp_path / "g.jsonl"
    assert gen(server, src, out, "-n", "1", "--system", "Think first.", "--concurrency", "1").exit_code == 0
    rows = read_jsonl(out)
    assert rows[0]["prompt"] == [{"role": "user", "content": "What is 2 + 2?"}] and "messages" not in rows[0]
    assert server.bodies[0]["messages"][0] == {"role": "system", "content": "Think first."}
    assert server.bodies[1]["messages"][0] == {"role": "system", "content": "Be brief."}  # its own system kept


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"question": "x"}, "missing; name the column with --prompt-column COLUMN"),
        ({"prompt": "   "}, "empty prompt"),
        ({"prompt": 7}, "expected a string or a non-empty list"),
        ({"messages": [{"role": "assistant", "content": "done"}]}, "nothing to answer"),
        ({"messages": [{"role": "user"}]}, "string 'role' and 'content'"),
    ],
)
def test_bad_prompt_rows_name_the_row_and_the_fix(row, message):
    with pytest.raises(InvalidRow, match="f.jsonl:3") as info:
        list(prompt_items(iter([Row("f.jsonl:3", row)])))
    assert message in str(info.value)


def test_repeated_prompts_get_distinct_ids_and_duplicate_id_column_values_are_refused():
    rows = [Row(f"f:{i}", {"prompt": "same", "id": "a"}) for i in range(3)]
    ids = [item.prompt_id for item in prompt_items(iter(rows))]
    assert len(set(ids)) == 3 and ids[1] == ids[0] + "-1"
    with pytest.raises(InvalidRow, match="duplicate id 'a'"):
        list(prompt_items(iter(rows), id_column="id"))


def test_bad_arguments_exit_2_naming_the_fix(server, prompts_file, tmp_path):
    out = tmp_path / "g.jsonl"
    assert "give --model" in run("generate", prompts_file, "--endpoint", server.url, "--out", out).stderr
    result = run("generate", prompts_file, "--model", "no/such/dir", "--out", out)
    assert result.exit_code == 2 and "add --endpoint URL" in result.stderr
    result = gen(server, prompts_file, out, "--extra-body", "[1]")
    assert result.exit_code == 2 and "JSON object" in result.stderr
    write_jsonl(out, [{"not": "a generation"}])
    result = gen(server, prompts_file, out)
    assert result.exit_code == 2 and "choose another --out" in result.stderr


def test_reject_generate_pipes_generations_into_rejection(server, prompts_file, tmp_path):
    out = tmp_path / "sft.jsonl"
    rates = tmp_path / "rates.jsonl"
    result = run("reject", prompts_file, "--generate", "--endpoint", server.url, "--model", "fake", "-n", "4",
                 "--out", out, "--per-prompt", rates, "--summary", "json")
    assert result.exit_code == 0, result.output
    assert len(read_jsonl(tmp_path / "sft.generations.jsonl")) == 24
    kept = read_jsonl(out)
    assert len(kept) == 6
    for row in kept:  # the fake answers right on even samples only: the right one is kept
        a, b = (int(x) for x in re.findall(r"\d+", row["messages"][0]["content"])[:2])
        assert f"\\boxed{{{a + b}}}" in row["messages"][-1]["content"]
    assert {r["passed"] for r in read_jsonl(rates)} == {2}
    result = run("reject", prompts_file, "--endpoint", server.url, "--out", out)
    assert result.exit_code == 2 and "go with --generate" in result.stderr


def test_url_forms_and_reasoning_fields():
    assert chat_url("http://h:8000") == chat_url("http://h:8000/v1/") == "http://h:8000/v1/chat/completions"
    assert chat_url("http://h/v1/chat/completions") == "http://h/v1/chat/completions"
    choices, tokens = parse_reply({"choices": [
        {"index": 1, "message": {"content": "B"}, "finish_reason": "length"},
        {"index": 0, "message": {"content": "A", "reasoning_content": "hmm"}, "finish_reason": "stop"},
    ], "usage": {"completion_tokens": 7}})
    assert [c.text for c in choices] == ["<think>hmm</think>A", "B"] and tokens == 7
    for bad in ({}, {"choices": [{"text": "completions API"}]}, {"choices": [{"message": {"content": 3}}]}):
        with pytest.raises(ValueError):
            parse_reply(bad)


def test_store_counts_complete_lines_only(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_bytes(b'{"prompt_id": "a"}\n{"prompt_id": "a"}\n{"prompt_id": "b", "compl')
    with GenerationStore(path) as store:
        assert store.done == {"a": 2} and store.truncated_bytes > 0 and store.missing("a", 3) == 1
        store.append([{"prompt_id": "b", "x": 1}])
    assert path.read_text().splitlines()[-1] == '{"prompt_id": "b", "x": 1}'
