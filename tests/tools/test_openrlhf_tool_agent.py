"""The OpenRLHF tool agent run by OpenRLHF's own MultiTurnAgentExecutor with a scripted engine: python tool calls
run in one sandbox session per episode, results come back as <tool_response> turns, the final answer is graded."""

from __future__ import annotations

import asyncio
import json
import os

import pytest
from r1verify_openrlhf.tool_agent import main, tool_calls

from ..openrlhf.openrlhf_harness import FakeLLM, chat_prompt, chatml_tokenizer, load_agent_executor, sampling_params


@pytest.fixture
def openrlhf():
    try:
        import aiohttp  # noqa: F401 - OpenRLHF's agent.py imports it at the top
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("aiohttp is missing")
        pytest.skip("aiohttp is missing: pip install -c constraints.txt -e 'adapters/openrlhf[test]'")
    from r1verify_openrlhf.service import close_shared_services

    from ..openrlhf.openrlhf_harness import load_openrlhf

    yield load_openrlhf()
    close_shared_services()


@pytest.fixture
def r1verify_cli():
    """``r1verify ARGS...`` in this process (click's runner), with the plugins' commands registered."""
    from click.testing import CliRunner

    from r1verify.cli import cli
    from r1verify.plugins import load_plugins, pm

    load_plugins()
    pm.hook.register_commands(cli=cli)
    return lambda *args: CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def call(code: str) -> str:
    payload = json.dumps({"name": "python", "arguments": {"code": code}})
    return f"<think>compute</think>\n<tool_call>\n{payload}\n</tool_call>"


def episode(executor, *responses):
    llm = FakeLLM(*responses)
    prompt, label = chat_prompt("What is 6 * 7?", "42")
    return asyncio.run(executor.execute(prompt, label, sampling_params(), 4096, chatml_tokenizer(), llm)), llm


def agent(tmp_path, *args):
    path = tmp_path / "agent_func.py"
    assert main(["-v", "exact_match:required=true", "-o", str(path), "--backend", "local", *args]) == 0
    return load_agent_executor(path)


def test_tool_calls_share_a_session_and_the_final_answer_is_graded(openrlhf, tmp_path):
    executor = agent(tmp_path, "--failed-call-penalty", "0.25")
    response, llm = episode(executor, call("x = 6 * 7\nprint(x)"), call("x + 0"), call("1 / 0"), "<think>ok</think> 42")
    assert len(llm.prompts) == 4
    tokens = response["observation_tokens"]
    text = chatml_tokenizer().decode(tokens, skip_special_tokens=False)
    assert "<|im_start|>user\n<tool_response>\n42\n</tool_response><|im_end|>" in text
    assert "<tool_response>\nOut: 42\n</tool_response>" in text and "ZeroDivisionError" in text
    assert response["reward"] == pytest.approx(0.75)  # the answer's 1.0, minus one failed call
    logs = response["extra_logs"]
    assert (logs["r1verify/tool_calls"], logs["r1verify/tool_failures"], logs["r1verify/turns"]) == (3.0, 1.0, 4.0)


def test_max_turns_grades_the_last_turn_and_a_wrong_answer_scores_zero(openrlhf, tmp_path):
    executor = agent(tmp_path, "--max-turns", "2")
    response, llm = episode(executor, call("print(1)"), call("print(2)"), "never reached")
    assert len(llm.prompts) == 2 and response["reward"] == 0.0


def test_the_cli_writes_a_tool_agent(openrlhf, r1verify_cli, tmp_path):
    out = tmp_path / "agent_func.py"
    result = r1verify_cli("openrlhf", "agent", "-v", "exact_match:required=true", "--tools", "--max-turns", "4",
                          "--failed-call-penalty", "0.5", "-o", out, "--workers", "1")
    assert result.exit_code == 0, result.output
    executor = load_agent_executor(out)
    assert executor.agent_instance_cls.settings.failed_call_penalty == 0.5
    response, _ = episode(executor, call("print(6 * 7)"), "<think>ok</think> 42")
    assert response["reward"] == 1.0 and response["extra_logs"]["r1verify/tool_calls"] == 1.0


def test_parsing_tool_calls():
    text = call("a = 1") + '<tool_call>{"name": "other", "arguments": {}}</tool_call><tool_call>{bad</tool_call>'
    assert tool_calls(text) == ["a = 1"]
    assert tool_calls('<tool_call>{"name": "python", "arguments": "{\\"code\\": \\"b\\"}"}</tool_call>') == ["b"]
    fenced = "Let me compute.\n```python\nprint(2 + 2)\n```\n"
    assert tool_calls(fenced) == [] and tool_calls(fenced, "markdown") == ["print(2 + 2)\n"]
