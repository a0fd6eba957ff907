"""`r1verify openrlhf agent`: tool-only options without --tools are refused (not silently dropped), and a negative
failed-call penalty (a reward per failing call, a hacking incentive) is refused everywhere it is accepted."""

from __future__ import annotations

import pytest


def agent(r1verify_cli, tmp_path, *args):
    out = tmp_path / "agent_func.py"
    return r1verify_cli("openrlhf", "agent", "-v", "exact_match", "-o", out, "--workers", "1", *args), out


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--call-format", "markdown", "--failed-call-penalty", "0.3"], "--call-format, --failed-call-penalty"),
        (["--failed-call-penalty", "0.3"], "given: --failed-call-penalty"),
        (["--failed-call-penalty", "0"], "given: --failed-call-penalty"),  # explicit, even at the default value
        (["--call-format", "tool_call"], "given: --call-format"),
    ],
)
def test_tool_options_without_tools_exit_2(r1verify_cli, tmp_path, args, named):
    result, out = agent(r1verify_cli, tmp_path, *args)
    assert result.exit_code == 2, result.output
    assert "--call-format/--failed-call-penalty only apply with --tools; add --tools" in result.stderr
    assert named in result.stderr
    assert not out.exists()


def test_a_plain_agent_without_tool_options_is_still_written(r1verify_cli, tmp_path):
    result, out = agent(r1verify_cli, tmp_path, "--max-turns", "2")
    assert result.exit_code == 0, result.output
    assert "ToolAgent" not in out.read_text()


def test_tool_options_with_tools_are_written(r1verify_cli, tmp_path):
    result, out = agent(r1verify_cli, tmp_path, "--tools", "--call-format", "markdown", "--failed-call-penalty", "0.3")
    assert result.exit_code == 0, result.output
    source = out.read_text()
    assert "0.3" in source and "markdown" in source


def test_a_negative_penalty_is_refused_by_the_cli(r1verify_cli, tmp_path):
    result, out = agent(r1verify_cli, tmp_path, "--tools", "--failed-call-penalty", "-1")
    assert result.exit_code == 2, result.output
    assert "--failed-call-penalty" in result.stderr and "-1" in result.stderr and ">=0" in result.stderr
    assert not out.exists()


def test_help_shows_a_tools_example(r1verify_cli):
    result = r1verify_cli("openrlhf", "agent", "--help")
    assert result.exit_code == 0
    assert "r1verify openrlhf agent --tools" in result.output
    assert "--failed-call-penalty" in result.output


@pytest.mark.parametrize("penalty", [-1, -0.1, float("nan")])
def test_tool_agent_settings_refuses_a_negative_penalty(penalty):
    from r1verify_openrlhf.tool_agent import ToolAgentSettings

    with pytest.raises(ValueError, match="failed_call_penalty must be >= 0"):
        ToolAgentSettings("exact_match", failed_call_penalty=penalty, backend="local")


def test_tool_agent_settings_accepts_zero_and_positive():
    from r1verify_openrlhf.tool_agent import ToolAgentSettings

    from r1verify import Recipe

    recipe = Recipe.from_verifier_args(["exact_match"])
    for penalty in (0, 0.25):
        assert ToolAgentSettings(recipe, failed_call_penalty=penalty, backend="local").failed_call_penalty == penalty


def test_the_module_entry_point_refuses_a_negative_penalty(tmp_path, capsys):
    from r1verify_openrlhf.tool_agent import main

    with pytest.raises(SystemExit) as exc:
        main(["-v", "exact_match", "-o", str(tmp_path / "a.py"), "--failed-call-penalty", "-1"])
    assert exc.value.code == 2
    assert "--failed-call-penalty must be >= 0" in capsys.readouterr().err
    assert not (tmp_path / "a.py").exists()


@pytest.mark.parametrize("name", ["failed_call_penalty", "budget_penalty"])
def test_trl_python_environment_refuses_a_negative_penalty(name):
    pytest.importorskip("r1verify_trl")
    from r1verify_trl.tools import PythonToolEnv, python_environment

    with pytest.raises(ValueError, match=f"{name} must be a number >= 0"):
        python_environment(**{name: -1})  # at once, not at the first rollout
    with pytest.raises(ValueError, match=f"{name} must be a number >= 0"):
        PythonToolEnv(**{name: -0.5})
    python_environment(**{name: 0.1})


def test_verl_tool_refuses_a_negative_penalty():
    pytest.importorskip("verl")
    from r1verify_verl.tool import PythonSandboxTool

    with pytest.raises(ValueError, match="failed_call_penalty must be >= 0"):
        PythonSandboxTool({"type": "native", "backend": "local", "failed_call_penalty": -1})
