"""veRL's trainer entry point in this environment: ``python -m verl.trainer.main_ppo --cfg job`` (a real subprocess:
hydra composes veRL 0.9.1's ``ppo_trainer`` config and prints it) with the reward overrides of each style
docs/verl.md gives, as ``r1verify verl overrides`` prints them. The printed config then builds veRL's own
``RewardLoopWorker`` (what the trainer's reward loop runs), which scores a right and a wrong answer."""

from __future__ import annotations

import importlib.metadata
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from .verl_harness import ROOT, data_proto

DOCS = ROOT / "docs" / "verl.md"
R1VERIFY = Path(sys.executable).with_name("r1verify")
FIX = "install the adapter's verl extra: pip install -e 'adapters/verl[verl]' (make setup does)"
ROWS = [
    {"prompt": "What is 2 + 2?", "response": "<think>2 + 2 = 4</think> $\\boxed{4}$", "data_source": "openai/gsm8k",
     "ground_truth": "4"},
    {"prompt": "What is 3 * 3?", "response": "<think>3 * 3 = 6</think> $\\boxed{6}$", "data_source": "openai/gsm8k",
     "ground_truth": "9"},
]


def doc_overrides() -> list[list[str]]:
    """The ``reward.*`` overrides of the bash blocks of docs/verl.md, each different list once."""
    blocks = re.findall(r"```bash\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    found: list[list[str]] = []
    for block in blocks:
        tokens = shlex.split(block.replace("\\\n", " "), comments=True)
        overrides = [t for t in tokens if re.match(r"\+?reward\.", t)]
        if overrides and overrides not in found:
            found.append(overrides)
    return found


def cli_overrides(style: str, recipe: str) -> list[str]:
    out = subprocess.run([str(R1VERIFY), "verl", "overrides", "--style", style, "--recipe", recipe],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return [line.rstrip(" \\") for line in out.stdout.strip().splitlines()]


def with_recipe(overrides: list[str], recipe: str) -> list[str]:
    return [re.sub(r"(reward_kwargs\.recipe)=.*", rf"\1={recipe}", o) for o in overrides]


@pytest.fixture(scope="module")
def styles(recipe_path) -> dict[str, list[str]]:
    """Each documented style's overrides: the registered name from the docs, the other two as the CLI prints them
    (which must be what the docs show)."""
    docs = doc_overrides()
    recipe = str(recipe_path)
    printed = {style: cli_overrides(style, recipe) for style in ("manager", "function")}
    registered = [d for d in docs if "reward.reward_manager.name=r1verify" in d]
    assert len(registered) == 1, f"docs/verl.md: one block with reward.reward_manager.name=r1verify, got {docs}"
    for style, lines in printed.items():
        assert with_recipe(lines, "reasoning-rl") in docs, f"docs/verl.md lacks what `--style {style}` prints: {lines}"
    return {"registered": with_recipe(registered[0], recipe), "importlib": printed["manager"],
            "function": printed["function"],
            # without the `+` hydra must refuse the key veRL's config lacks: the check is real
            "no_plus": [o.lstrip("+") for o in printed["manager"]]}


@pytest.fixture(scope="module")
def model_dir(tok, tmp_path_factory) -> Path:
    """``actor_rollout_ref.model.path``: the reward loop loads its tokenizer from there."""
    path = tmp_path_factory.mktemp("model")
    tok.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def main_ppo(styles, model_dir, tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """``python -m verl.trainer.main_ppo --cfg job <overrides>`` for every style, run side by side."""
    cwd = tmp_path_factory.mktemp("hydra")
    procs = {
        style: subprocess.Popen(
            [sys.executable, "-m", "verl.trainer.main_ppo", "--cfg", "job",
             f"actor_rollout_ref.model.path={model_dir}", *overrides],
            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for style, overrides in styles.items()
    }
    done = {}
    for style, proc in procs.items():
        try:
            stdout, stderr = proc.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
        done[style] = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    return done


def composed(result: subprocess.CompletedProcess):
    from omegaconf import OmegaConf

    assert result.returncode == 0, f"{shlex.join(result.args)} failed ({FIX} if hydra is missing):\n" + "\n".join(
        result.stderr.splitlines()[-15:]
    )
    return OmegaConf.create(result.stdout)


def reward_loop_scores(config, tok) -> tuple[object, list[dict]]:
    """veRL's RewardLoopWorker built from the composed config, scoring ROWS on the worker's own event loop (veRL's
    naive manager runs the tokenizer in that loop's executor)."""
    from verl.experimental.reward_loop.reward_loop import RewardLoopWorker

    worker = RewardLoopWorker(config)
    return worker.reward_manager, worker.loop.run_until_complete(worker.compute_score_batch(data_proto(tok, ROWS)))


@pytest.mark.parametrize("style", ["registered", "importlib"])
def test_main_ppo_config_runs_our_reward_manager(style, main_ppo, recipe_path, tok):
    from verl.trainer.ppo.reward import resolve_reward_manager_cls

    from r1verify_verl.manager import R1VerifyRewardManager

    config = composed(main_ppo[style])
    manager_cfg = config.reward.reward_manager
    if style == "registered":
        assert (manager_cfg.source, manager_cfg.name) == ("register", "r1verify")
    else:
        assert (manager_cfg.source, manager_cfg.name) == ("importlib", "R1VerifyRewardManager")
        assert manager_cfg.module.path == "pkg://r1verify_verl.manager"
    assert config.reward.reward_kwargs.recipe == str(recipe_path)
    assert config.reward.custom_reward_function.path is None
    assert resolve_reward_manager_cls(config) is R1VerifyRewardManager

    manager, outs = reward_loop_scores(config, tok)
    assert isinstance(manager, R1VerifyRewardManager)
    assert [o["reward_extra_info"]["accuracy_status"] for o in outs] == ["correct", "wrong"]
    assert outs[0]["reward_score"] > outs[1]["reward_score"]


def test_main_ppo_config_runs_our_reward_function(main_ppo, recipe_path, tok):
    from verl.trainer.ppo.reward import get_custom_reward_fn

    from r1verify_verl.functions import compute_score

    config = composed(main_ppo["function"])
    fn_cfg = config.reward.custom_reward_function
    assert (fn_cfg.path, fn_cfg.name) == ("pkg://r1verify_verl.functions", "compute_score")
    assert dict(fn_cfg.reward_kwargs) == {"recipe": str(recipe_path)}
    assert config.reward.reward_manager.name == "naive"  # veRL's default manager calls the function
    fn = get_custom_reward_fn(config)
    assert fn.args == (compute_score, {"recipe": str(recipe_path)})

    manager, outs = reward_loop_scores(config, tok)
    assert type(manager).__name__ == "NaiveRewardManager"
    assert [o["reward_extra_info"]["accuracy_status"] for o in outs] == ["correct", "wrong"]
    assert outs[0]["reward_score"] > outs[1]["reward_score"]


def test_hydra_refuses_a_new_key_without_plus(main_ppo):
    """What makes the checks above worth something: hydra validates override keys against veRL's config."""
    result = main_ppo["no_plus"]
    assert result.returncode != 0
    assert "Could not override 'reward.reward_kwargs.recipe'" in result.stderr, result.stderr[-2000:]


# ---- the verl extra next to r1verify-math, as a resolver that normalizes extra names (PEP 685, pip >= 23.3) sees it
NO_DEPS = {"verl", "tensordict", "pyvers"}  # installed with --no-deps on purpose (Makefile, docs/verl.md)
def requirement_conflicts(roots: list[tuple[str, set[str]]]) -> list[str]:
    """Every installed version that a requirement reachable from ``roots`` (with extras) does not accept."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen, todo, bad = set(), [(name, frozenset(extras), name) for name, extras in roots], []
    while todo:
        name, extras, chain = todo.pop()
        if (canonicalize_name(name), extras) in seen or canonicalize_name(name) in NO_DEPS:
            continue
        seen.add((canonicalize_name(name), extras))
        for line in importlib.metadata.requires(name) or []:
            req = Requirement(line)
            if req.marker and not any(req.marker.evaluate({"extra": e}) for e in (extras or {""})):
                continue
            try:
                installed = importlib.metadata.version(req.name)
            except importlib.metadata.PackageNotFoundError:
                bad.append(f"{chain} -> {req}: not installed")
                continue
            link = f"{chain} -> {req}"
            if not req.specifier.contains(installed, prereleases=True):
                bad.append(f"{link}: {installed} installed")
            todo.append((req.name, frozenset(canonicalize_name(e) for e in req.extras), link))
    return bad


def test_verl_extra_and_math_plugin_install_together():
    """r1verify-math must not pin antlr4 4.13.2 (math-verify[antlr4-13-2] did): veRL's hydra needs 4.9.x."""
    assert requirement_conflicts([("r1verify-verl", {"verl"}), ("r1verify-math", set())]) == []
