"""Entry point of r1verify-openrlhf: the ``r1verify serve`` and ``r1verify openrlhf ...`` commands."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from r1verify import Recipe, RecipeError, UnknownVerifierError, hookimpl
from r1verify.cli import fail
from r1verify.cli.common import max_error_rate_option, recipe_from_options, recipe_options, stacked
from r1verify.plugins import PluginError

from .batcher import BatchOptions
from .convert import ConvertOptions
from .generate import FileSettings, agent_source, reward_func_source
from .labels import LABEL_MODES

_RECIPE_ERRORS = (RecipeError, UnknownVerifierError, PluginError)


_recipe_options = recipe_options()

_reward_options = stacked(
    click.option(
        "--labels",
        type=click.Choice(LABEL_MODES),
        default="auto",
        show_default=True,
        help="How labels are read: auto decodes JSON objects and arrays of test cases, json decodes "
        "every label, text never decodes.",
    ),
    click.option(
        "--end-token",
        "end_tokens",
        multiple=True,
        metavar="TEXT",
        help="Another end-of-turn token to cut responses at (ChatML, Llama 3, DeepSeek, ... are built in).",
    ),
    click.option(
        "--error-reward",
        type=float,
        default=0.0,
        show_default=True,
        help="Reward of a sample that could not be verified (flagged r1verify/error in extra_logs).",
    ),
    click.option(
        "--timeout",
        type=click.FloatRange(min=0.1),
        default=150.0,
        show_default=True,
        help="Seconds before a reward request is answered with error_reward (OpenRLHF gives up at 180).",
    ),
    click.option(
        "--workers",
        type=click.IntRange(min=1),
        help="Verifier worker processes [default: R1VERIFY_WORKERS or the CPU count].",
    ),
    max_error_rate_option(
        "Stop the run when more than this share of samples has an error/timeout verdict (the reward file "
        "raises into OpenRLHF; serve answers 503 with the reason). A setup failure every sample shares stops it "
        "anyway."
    ),
    click.option(
        "--max-batch",
        type=click.IntRange(min=1),
        default=256,
        show_default=True,
        help="Most samples per engine call; 1 verifies each request on its own.",
    ),
    click.option(
        "--max-wait-ms",
        type=click.FloatRange(min=0, max=10_000),
        default=5.0,
        show_default=True,
        help="How long a request may wait for others to share its batch.",
    ),
    click.option(
        "--max-inflight",
        type=click.IntRange(min=1),
        default=4,
        show_default=True,
        help="Engine batches running at once (a batch held by a hanging verifier does not block others).",
    ),
)


def _settings(kw: dict[str, Any]) -> FileSettings:
    return FileSettings(
        convert=ConvertOptions(labels=kw["labels"], end_tokens=tuple(kw["end_tokens"])),
        batching=BatchOptions(kw["max_batch"], kw["max_wait_ms"] / 1000.0, kw["max_inflight"]),
        workers=kw["workers"],
        error_reward=kw["error_reward"],
        timeout=kw["timeout"],
        max_error_rate=kw["max_error_rate"],
    )


def _checked_recipe(recipe_ref: str | None, verifier_args: tuple[str, ...]) -> Recipe:
    recipe = recipe_from_options(recipe_ref, verifier_args)
    try:
        recipe.build()
    except _RECIPE_ERRORS as exc:
        fail(str(exc))
    return recipe


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror}; pass a writable path with -o")


# ---------------------------------------------------------------------------------------------- serve
@click.command("serve")
@_recipe_options
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 for every interface; the server has no authentication).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True, help="0 picks a free port.")
@_reward_options
@click.option(
    "--cache-size",
    type=click.IntRange(min=0),
    default=100_000,
    show_default=True,
    help="Verdicts remembered across requests (0 disables the cache).",
)
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="warning",
    show_default=True,
)
@click.option("--access-log", is_flag=True, help="Log every request (slow at thousands of requests per second).")
def serve_command(
    recipe_ref: str | None,
    verifier_args: tuple[str, ...],
    host: str,
    port: int,
    cache_size: int,
    log_level: str,
    access_log: bool,
    **kw: Any,
) -> None:
    """Serve rewards over HTTP with OpenRLHF's remote reward protocol.

    POST /get_reward takes {"query": [...], "prompts": [...], "labels": [...]} and answers {"rewards": [...],
    "scores": [...], "extra_logs": {...}}. Concurrent requests are micro-batched into engine batches. GET /health
    and GET /metrics (Prometheus text) report on the server. Ctrl-C or SIGTERM stop it gracefully: requests in
    flight are answered first.

    \b
    Examples:
      r1verify serve --recipe examples/openrlhf/math_r1.toml --port 5000
      r1verify serve --recipe my_recipe.toml --host 0.0.0.0 --port 5000 --workers 16
      r1verify serve -v math -v think_format:weight=0.2 --port 0
    Then train with:
      python -m openrlhf.cli.train_ppo_ray ... --reward.remote_url http://HOST:5000/get_reward \\
          --data.label_key answer
    Several servers: --reward.remote_url http://a:5000/get_reward,http://b:5000/get_reward (round robin).
    """
    from .server import REWARD_PATH, bind, create_app, uvicorn_server
    from .service import RewardService

    recipe = _checked_recipe(recipe_ref, verifier_args)
    settings = _settings(kw)
    try:
        sock = bind(host, port)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port} ({exc.strerror or exc}); pick another --port, or --port 0 for a free one")
    try:
        service = RewardService(
            recipe,
            workers=settings.workers,
            cache_size=cache_size,
            batching=settings.batching,
            error_reward=settings.error_reward,
            max_error_rate=settings.max_error_rate,
        )
    except _RECIPE_ERRORS as exc:
        sock.close()
        fail(str(exc))
    app = create_app(service, convert=settings.convert, request_timeout=settings.timeout)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    url = f"http://{shown}:{bound_port}{REWARD_PATH}"
    click.echo(f"r1verify serve: recipe {recipe.name!r} ({', '.join(s.name for s in recipe.specs)}) on {url}", err=True)
    click.echo(f"r1verify serve: OpenRLHF flag: --reward.remote_url {url}", err=True)
    sys.stderr.flush()
    _log_to_stderr(log_level)
    server = uvicorn_server(app, log_level=log_level, access_log=access_log, graceful_timeout=settings.timeout + 10)
    try:
        server.run(sockets=[sock])  # after a graceful stop on SIGTERM/SIGINT, uvicorn re-raises the signal
    finally:
        sock.close()
        service.close()  # idempotent; covers a server that stopped before its lifespan ran


def _log_to_stderr(level: str) -> None:
    """The server's own lines (bad requests, disconnects, internal errors) on stderr, formatted like uvicorn's."""
    logger = logging.getLogger("r1verify")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(level.upper())


# ---------------------------------------------------------------------------------------------- openrlhf
@click.group("openrlhf")
def openrlhf_group() -> None:
    """Write the Python files OpenRLHF loads (reward function, multi-turn agent).

    \b
    Three ways to give OpenRLHF r1verify rewards:
      r1verify openrlhf reward-func -r NAME -o reward_func.py   --reward.remote_url reward_func.py
      r1verify serve -r NAME --port 5000                        --reward.remote_url http://HOST:5000/get_reward
      r1verify openrlhf agent -r NAME -o agent_func.py          --train.agent_func_path agent_func.py
    """


@openrlhf_group.command("reward-func")
@_recipe_options
@click.option(
    "--out",
    "-o",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The Python file to write.",
)
@_reward_options
def reward_func_command(recipe_ref: str | None, verifier_args: tuple[str, ...], out_path: Path, **kw: Any) -> None:
    """Write a reward-function file for --reward.remote_url.

    The file embeds the recipe and defines reward_func(queries, prompts, labels). It recovers each response
    from the query (prompt prefix, else the last assistant header; end tokens such as <|im_end|> removed), decodes
    labels, micro-batches OpenRLHF's concurrent per-sample calls, and never returns None: failures give
    --error-reward with extra_logs["r1verify/error"] = 1. r1verify and its plugins must be installed wherever
    OpenRLHF runs the rollouts.

    \b
    Examples:
      r1verify openrlhf reward-func --recipe examples/openrlhf/math_r1.toml -o reward_func.py
      r1verify openrlhf reward-func -v math -v think_format:weight=0.2 -o reward_func.py --error-reward -1
    Then train with:
      python -m openrlhf.cli.train_ppo_ray ... --reward.remote_url reward_func.py --data.label_key answer
    """
    recipe = _checked_recipe(recipe_ref, verifier_args)
    _write(out_path, reward_func_source(recipe, _settings(kw)))
    click.echo(f"wrote {out_path} (recipe {recipe.name!r}); train with --reward.remote_url {out_path}", err=True)


@openrlhf_group.command("agent")
@_recipe_options
@click.option(
    "--out",
    "-o",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The Python file to write.",
)
@click.option(
    "--max-turns",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Answers the model may give per episode.",
)
@click.option(
    "--feedback",
    default="auto",
    show_default=True,
    metavar="auto|chatml|llama3|deepseek|plain|TEMPLATE",
    help="How feedback is wrapped as a user turn; a custom TEMPLATE must contain {feedback}.",
)
@click.option("--tools", is_flag=True, help="A tool agent: python calls run in a sandbox session (docs/tools.md).")
@click.option("--call-format", type=click.Choice(["tool_call", "markdown", "both"]), default="tool_call",
              show_default=True, help="With --tools: <tool_call> JSON, fenced python blocks, or both.")
@click.option("--failed-call-penalty", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="With --tools: reward taken off per tool call that did not end ok (>= 0).")
@_reward_options
def agent_command(
    recipe_ref: str | None, verifier_args: tuple[str, ...], out_path: Path, max_turns: int, feedback: str,
    tools: bool, call_format: str, failed_call_penalty: float, **kw: Any
) -> None:
    """Write a multi-turn agent file for --train.agent_func_path.

    Each turn verifies the model's answer with the recipe (with the code recipe: runs the program against the
    tests in the sandbox). A pass, an infrastructure error or --max-turns ends the episode; otherwise the
    findings (failing test, error message) are sent back as a user turn. The episode's reward is the recipe's
    reward for the last answer.

    With --tools the agent is a tool agent instead: the model's python calls (--call-format) run in a sandbox
    session, and each call that fails costs --failed-call-penalty (docs/tools.md); without --tools those two
    options do not apply.

    \b
    Examples:
      r1verify openrlhf agent --recipe examples/openrlhf/code_tests.toml -o agent_func.py --max-turns 3
      r1verify openrlhf agent -v code -o agent_func.py --feedback chatml
      r1verify openrlhf agent --tools --recipe math_tir.toml -o agent_func.py --max-turns 6 \\
          --call-format both --failed-call-penalty 0.1
    Then train with:
      python -m openrlhf.cli.train_ppo_ray ... --train.agent_func_path agent_func.py --data.label_key tests
    """
    from .agent import FEEDBACK_TEMPLATES

    if not tools:
        ctx = click.get_current_context()
        given = [
            f"--{name.replace('_', '-')}"
            for name in ("call_format", "failed_call_penalty")
            if ctx.get_parameter_source(name) not in (None, click.core.ParameterSource.DEFAULT)
        ]
        if given:  # a plain agent would be written without tools, and nobody would notice
            fail(f"--call-format/--failed-call-penalty only apply with --tools; add --tools "
                 f"(given: {', '.join(given)})")
    if feedback != "auto" and feedback not in FEEDBACK_TEMPLATES and "{feedback}" not in feedback:
        fail(
            f"--feedback {feedback!r}: use auto, {', '.join(FEEDBACK_TEMPLATES)}, or a template containing {{feedback}}"
        )
    recipe = _checked_recipe(recipe_ref, verifier_args)
    if tools:
        from .tool_agent import agent_file_source

        source = agent_file_source(recipe, _settings(kw), max_turns=max_turns, feedback=feedback,
                                   call_format=call_format, failed_call_penalty=failed_call_penalty)
    else:
        source = agent_source(recipe, _settings(kw), max_turns=max_turns, feedback=feedback)
    _write(out_path, source)
    click.echo(f"wrote {out_path} (recipe {recipe.name!r}); train with --train.agent_func_path {out_path}", err=True)


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(serve_command)
    cli.add_command(openrlhf_group)
