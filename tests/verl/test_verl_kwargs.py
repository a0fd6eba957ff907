"""veRL ``reward_kwargs`` are checked (tour 2, finding 7): a misspelled key was silently ignored (the error-rate
guard the user asked for was off), and a bad value blamed ``recipe`` or gave a bare ``ValueError``. An unknown key
now raises naming it, the closest valid key and every key r1verify reads; a bad value raises naming its key; the
recipe hint comes only when the recipe failed; veRL's own keyword arguments pass."""

from __future__ import annotations

import pytest

from r1verify_verl import compute_score, compute_score_batch
from r1verify_verl.scoring import MANAGER_KEYS, SCORE_KEYS, settings_from_kwargs

RIGHT = "<think>2 + 2 = 4</think> The answer is $\\boxed{4}$."


@pytest.mark.parametrize(
    "key, close",
    [("max_eror_rate", "max_error_rate"), ("wokers", "workers"), ("recipie", "recipe"), ("on_eror", "on_error")],
)
def test_a_misspelled_key_raises_with_the_closest(recipe_path, key, close):
    with pytest.raises(ValueError) as caught:
        compute_score("openai/gsm8k", RIGHT, "4", None, recipe=str(recipe_path), **{key: 0.1})
    message = str(caught.value)
    assert f"unknown reward_kwargs key {key!r} (did you mean {close!r}?)" in message
    assert all(f"{name}:" in message for name in SCORE_KEYS)
    assert "Set reward.reward_kwargs.recipe" not in message  # the recipe is fine
    with pytest.raises(ValueError, match=f"unknown reward_kwargs key {key!r}"):
        compute_score_batch(["openai/gsm8k"], [RIGHT], ["4"], None, recipe=str(recipe_path), **{key: 0.1})


def test_a_key_nothing_resembles_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown reward_kwargs key 'zzz'\. r1verify reads recipe: "):
        settings_from_kwargs({"zzz": 1})


@pytest.mark.parametrize(
    "kwargs, says",
    [
        ({"workers": "abc"}, "reward_kwargs.workers='abc': expected a whole number"),
        ({"workers": 2.5}, "reward_kwargs.workers=2.5: expected a whole number"),
        ({"workers": 0}, "reward_kwargs.workers=0: expected a whole number of at least 1"),
        ({"max_error_rate": "5%"}, "reward_kwargs.max_error_rate='5%': expected a number between 0 and 1"),
        ({"max_error_rate": 5}, "reward_kwargs.max_error_rate=5: expected a number between 0 and 1"),
        ({"timeout": "abc"}, "reward_kwargs.timeout='abc': expected a number above 0"),
        ({"timeout": 0}, "reward_kwargs.timeout=0: expected a number above 0"),
        ({"on_error": "nan"}, "reward_kwargs.on_error='nan': expected a number"),
        ({"on_error": True}, "reward_kwargs.on_error=True: expected a number"),
        ({"domains": "a/b"}, "reward_kwargs.domains: domains entry 'a/b' is not SOURCE=DOMAIN"),
        ({"recipe": 3}, "reward_kwargs.recipe=3: expected a recipe name or a .toml file"),
    ],
)
def test_a_bad_value_names_its_key(kwargs, says):
    with pytest.raises(ValueError) as caught:
        compute_score("openai/gsm8k", RIGHT, "4", None, **{"recipe": "reasoning-rl", **kwargs})
    assert says in str(caught.value) and "Set reward.reward_kwargs.recipe" not in str(caught.value)


def test_good_values_in_hydra_text_and_verl_keys_pass(recipe_path):
    settings = settings_from_kwargs(
        {"recipe": str(recipe_path), "workers": "2", "max_error_rate": "0.25", "on_error": "-1", "timeout": "30",
         "domains": "mine=code", "reward_router_address": None, "reward_model_tokenizer": None}  # fmt: skip
    )
    assert (settings.workers, settings.max_error_rate, settings.on_error) == (2, 0.25, -1.0)
    assert settings.domains == {"mine": "code"}
    out = compute_score("openai/gsm8k", RIGHT, "4", None, recipe=str(recipe_path), workers=1, timeout="30",
                        max_error_rate=None, reward_router_address=None)  # fmt: skip
    assert out["accuracy_status"] == "correct"


def test_max_wait_is_the_loop_managers_only():
    assert "max_wait" in MANAGER_KEYS and "max_wait" not in SCORE_KEYS
    settings_from_kwargs({"max_wait": 0.1}, MANAGER_KEYS)
    with pytest.raises(ValueError, match="reward_kwargs.max_wait=-1: expected a number of at least 0"):
        settings_from_kwargs({"max_wait": -1}, MANAGER_KEYS)
    with pytest.raises(ValueError, match="unknown reward_kwargs key 'max_wait'"):
        settings_from_kwargs({"max_wait": 0.1})


def test_the_managers_check_their_kwargs(tok, recipe_path):
    from omegaconf import OmegaConf

    from r1verify_verl.manager import R1VerifyBatchRewardManager, R1VerifyRewardManager

    config = OmegaConf.create({"reward": {"reward_kwargs": {"recipe": str(recipe_path), "wokers": 2}}})
    with pytest.raises(ValueError, match=r"unknown reward_kwargs key 'wokers' \(did you mean 'workers'\?\)"):
        R1VerifyRewardManager(config, tok)
    config = OmegaConf.create({"reward": {"reward_kwargs": {"recipe": str(recipe_path), "max_wait": "soon"}}})
    with pytest.raises(ValueError, match="reward_kwargs.max_wait='soon'"):
        R1VerifyRewardManager(config, tok)
    with pytest.raises(ValueError, match="unknown reward_kwargs key 'max_eror_rate'"):
        R1VerifyBatchRewardManager(tok, recipe=str(recipe_path), max_eror_rate=0.1)


# ---------------------------------------------------------------- `r1verify verl overrides` (finding 8)
def overrides(*args: str):
    from click.testing import CliRunner

    from r1verify.cli import cli
    from r1verify.plugins import load_plugins, pm

    load_plugins()
    pm.hook.register_commands(cli=cli)
    return CliRunner().invoke(cli, ["verl", "overrides", *args], catch_exceptions=False)


@pytest.mark.parametrize("style", ["manager", "function"])
def test_overrides_check_the_recipe_like_verify(style, tmp_path):
    from r1verify.cli import cli

    result = overrides("--recipe", "reasoning_rl", "--style", style)
    assert result.exit_code == 2 and "no recipe named 'reasoning_rl'" in result.stderr, result.output
    assert "reward_kwargs" not in result.stdout
    rows = tmp_path / "in.jsonl"
    rows.write_text('{"completion": "4", "answer": "4"}\n')
    verify = CliRunnerFor(cli)("verify", str(rows), "-r", "reasoning_rl", "-o", str(tmp_path / "out.jsonl"))
    assert verify.exit_code == 2 and result.stderr == verify.stderr  # the same message as verify -r
    missing = tmp_path / "nope" / "x.toml"
    result = overrides("-r", str(missing), "--style", style)
    assert result.exit_code == 2 and f"cannot read recipe {missing}" in result.stderr, result.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[verifiers.acc]\nverifier = "math"\noptions = { no_such_option = 1 }\n')
    result = overrides("-r", str(bad), "--style", style)
    assert result.exit_code == 2 and "no_such_option" in result.stderr, result.output


def CliRunnerFor(cli):
    from click.testing import CliRunner

    return lambda *args: CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("style, key", [("manager", "+reward.reward_kwargs.recipe"),
                                        ("function", "+reward.custom_reward_function.reward_kwargs.recipe")])  # fmt: skip
def test_overrides_print_a_recipe_file_as_an_absolute_path(style, key, recipe_path, monkeypatch):
    monkeypatch.chdir(recipe_path.parent.parent)
    relative = f"{recipe_path.parent.name}/{recipe_path.name}"
    result = overrides("-r", relative, "--style", style)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == f"{key}={recipe_path.resolve()}"
    result = overrides("-r", "reasoning-rl", "--style", style)  # a name stays a name
    assert result.exit_code == 0 and result.stdout.strip().splitlines()[-1] == f"{key}=reasoning-rl"
