"""The veRL tool through veRL's own code: the tool registry loads it from the YAML, and ToolAgentLoop's
``_call_tool`` (create / execute / release around every call, as in a rollout) runs it; sessions follow the
trajectory's ``agent_data``."""

from __future__ import annotations

import asyncio
import gc
import json
import pickle
import sys
import time
import types

import pytest
from r1verify_sandbox import SandboxConfig, shared_session_pool

pytest.importorskip("verl")

from r1verify_verl.tool import DEFAULT_CONFIG, PythonSandboxTool, write_tool_config
from verl.tools.tool_registry import initialize_tools_from_config

LOCAL_OPTIONS = {"backend": "local", "timeout": 2, "max_calls": 4, "failed_call_penalty": 0.25, "warm": 1,
                 "max_sessions": 4}


def _tool_agent_loop():
    """veRL's tool_agent_loop module. Its import chain reaches the rollout router, which needs ``cachetools``
    (not installed here, and unused by the tool path): a stand-in is put in place only when it is missing."""
    try:
        import cachetools  # noqa: F401
    except ImportError:
        stub = types.ModuleType("cachetools")
        stub.LRUCache = type("LRUCache", (dict,), {"__init__": lambda self, maxsize=0, **_: dict.__init__(self)})
        sys.modules["cachetools"] = stub
    from verl.experimental.agent_loop import tool_agent_loop

    return tool_agent_loop


@pytest.fixture
def tools(tmp_path):
    path = write_tool_config(tmp_path / "t.yaml", **LOCAL_OPTIONS)
    return {t.name: t for t in initialize_tools_from_config(str(path))}


def test_the_bundled_yaml_loads_through_the_registry():
    [tool] = initialize_tools_from_config(str(DEFAULT_CONFIG))
    assert isinstance(tool, PythonSandboxTool) and tool.name == "python"
    assert tool.limits.timeout == 10 and tool.sandbox.backend == "docker" and tool.pool_options["max_sessions"] == 64
    assert tool.tool_schema.function.parameters.required == ["code"]
    clone = pickle.loads(pickle.dumps(tool))
    assert clone.limits == tool.limits and clone.name == "python"


def test_tool_agent_loop_calls_keep_state_per_trajectory(tools):
    module = _tool_agent_loop()
    loop = object.__new__(module.ToolAgentLoop)  # the parts _call_tool reads; no model, no server
    loop.tools, loop.max_tool_response_length, loop.tool_response_truncate_side = tools, 4000, "middle"

    def agent_data(request_id: str):
        return module.AgentData(messages=[], image_data=[], video_data=[], audio_data=None, mm_processor_kwargs={},
                                metrics={}, request_id=request_id, tools_kwargs={})

    def call(data, code: str):
        fc = module.FunctionCall(name="python", arguments=json.dumps({"code": code}))
        return asyncio.run(loop._call_tool(fc, data.tools_kwargs, data))

    first, second = agent_data("a"), agent_data("b")
    assert call(first, "x = 6 * 7")[0].text == "[no output]"
    text, reward, metrics = call(first, "x")
    assert (text.text, reward, metrics["status"]) == ("Out: 42", 0.0, "ok")
    text, reward, metrics = call(second, "x")  # another trajectory: another session
    assert "NameError" in text.text and reward == -0.25 and metrics["status"] == "error"
    pool = shared_session_pool(SandboxConfig(backend="local"), max_sessions=4, warm=1)
    assert pool.open_sessions == 2
    del first, second
    gc.collect()  # the trajectories are over: their sessions go back to the pool
    for _ in range(50):
        if pool.open_sessions == 0:
            break
        time.sleep(0.1)
    assert pool.open_sessions == 0


def test_tool_agent_loop_run_with_a_scripted_server(tools):
    """ToolAgentLoop.run end to end on CPU: a scripted server writes two hermes tool calls, then an answer; the
    second call sees the first call's variable, and the results go back into the prompt."""
    pytest.importorskip("trl")  # the tiny tokenizer and the qwen3 chat template come from the TRL side
    from omegaconf import OmegaConf
    from r1verify_trl.tiny import tiny_tokenizer
    from trl.chat_template_utils import qwen3_chat_template
    from verl.experimental.agent_loop.agent_loop import DictConfigWrap, ToolListWrap
    from verl.workers.rollout.replica import TokenOutput

    module = _tool_agent_loop()
    tokenizer = tiny_tokenizer(chat_template=qwen3_chat_template)
    rollout = {
        "multi_turn": {"max_user_turns": 4, "max_assistant_turns": 4, "max_parallel_calls": 1, "format": "hermes",
                       "max_tool_response_length": 1000, "tool_response_truncate_side": "middle"},
        "prompt_length": 4096, "response_length": 4096, "full_determinism": False,
    }
    codes = ["x = 6 * 7", "print(x)"]
    prompts: list[str] = []

    class Server:
        async def generate(self, request_id, prompt_ids, sampling_params, **_kwargs):
            prompts.append(tokenizer.decode(prompt_ids))
            turn = len(prompts) - 1
            call = json.dumps({"name": "python", "arguments": {"code": codes[turn]}}) if turn < 2 else ""
            text = f"<tool_call>\n{call}\n</tool_call>" if call else "The answer is \\boxed{42}"
            return TokenOutput(token_ids=tokenizer.encode(text + "<|im_end|>", add_special_tokens=False))

    loop = module.ToolAgentLoop(
        trainer_config=DictConfigWrap(OmegaConf.create({"actor_rollout_ref": {"rollout": rollout}})),
        server_manager=Server(), tokenizer=tokenizer, processor=None, dataset_cls=None,
        data_config=DictConfigWrap(OmegaConf.create({})), tools=ToolListWrap(list(tools.values())),
    )
    output = loop.loop.run_until_complete(loop.run({}, raw_prompt=[{"role": "user", "content": "What is 6 * 7?"}]))
    assert len(prompts) == 3 and output.extra_fields["tool_rewards"] == [0.0, 0.0]
    assert "<tool_response>\n[no output]\n</tool_response>" in prompts[1]
    assert "<tool_response>\n42\n</tool_response>" in prompts[2]  # the second call saw the first's x


def test_without_agent_data_the_session_lives_from_create_to_release(tools):
    tool = tools["python"]

    async def trajectory():
        instance, _ = await tool.create()
        await tool.execute(instance, {"code": "y = 1"})
        response, _, _ = await tool.execute(instance, {"code": "y + 1"})
        _, _, metrics = await tool.execute(instance, {"source": "1"})
        failing, reward, _ = await tool.execute(instance, {"code": "import time\ntime.sleep(10)"})
        shaping = await tool.calc_reward(instance)
        await tool.release(instance)
        return response.text, metrics["status"], failing.text, reward, shaping

    text, bad_status, failing, reward, shaping = asyncio.run(trajectory())
    assert (text, bad_status, reward, shaping) == ("Out: 2", "bad_call", -0.25, -0.25)
    assert "[timeout" in failing
