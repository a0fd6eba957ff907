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
