"""grpo_config: TRL's GRPOConfig in transformers' current argument names; a real GRPO step logs no deprecation."""

from __future__ import annotations

import dataclasses
import re
import warnings

import pytest
from r1verify_trl import grpo_config, quiet_old_checkpointing_aliases
from r1verify_trl.config import OLD_ALIAS_MESSAGE, current_names
from r1verify_trl.tiny import tiny_math_rows, tiny_tokenizer

from .support import make_recipe, run_grpo

trl = pytest.importorskip("trl")
HAS_NEW_NAMES = "activation_checkpointing" in {f.name for f in dataclasses.fields(trl.GRPOConfig)}
needs_new_names = pytest.mark.skipif(not HAS_NEW_NAMES, reason="this transformers has no activation_checkpointing")


def checkpointing_deprecations(caught: list[warnings.WarningMessage]) -> list[str]:
    return [
        f"{w.filename}:{w.lineno}: {w.message}"
        for w in caught
        if issubclass(w.category, (FutureWarning, DeprecationWarning)) and "checkpointing" in str(w.message)
    ]


@needs_new_names
def test_old_names_move_to_the_new_ones_and_trls_default_is_kept():
    assert current_names(trl.GRPOConfig, {"output_dir": "o"}) == {"output_dir": "o", "activation_checkpointing": True}
    assert current_names(trl.GRPOConfig, {"gradient_checkpointing": False, "gradient_checkpointing_kwargs": {}}) == {
        "activation_checkpointing": False,
        "activation_checkpointing_kwargs": {},
    }
    assert current_names(trl.GRPOConfig, {"activation_checkpointing": False}) == {"activation_checkpointing": False}
    with pytest.raises(ValueError, match="pass only activation_checkpointing"):
        current_names(trl.GRPOConfig, {"gradient_checkpointing": True, "activation_checkpointing": False})


@needs_new_names
def test_plain_grpo_config_warns_and_grpo_config_does_not(tmp_path):
    """The check can fail: TRL's own config, built plainly, raises the FutureWarning the user saw."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        warnings.simplefilter("always")
        trl.GRPOConfig(output_dir=str(tmp_path), use_cpu=True, bf16=False, report_to="none")
    assert any(re.search(OLD_ALIAS_MESSAGE, m) for m in checkpointing_deprecations(caught)), caught
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        warnings.simplefilter("always")
        config = grpo_config(output_dir=str(tmp_path), use_cpu=True, bf16=False, report_to="none")
    assert checkpointing_deprecations(caught) == []
    assert config.activation_checkpointing is True and config.gradient_checkpointing is True  # TRL's default kept


def test_quieting_hides_only_transformers_checkpointing_aliases():
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        warnings.simplefilter("always")
        quiet_old_checkpointing_aliases()
        warnings.warn_explicit(
            "`is_gradient_checkpointing` is deprecated and will be removed in v6.", FutureWarning, "x.py", 1,
            module="transformers.modeling_utils",
        )
        warnings.warn_explicit(
            "`is_gradient_checkpointing` is deprecated and will be removed in v6.", FutureWarning, "y.py", 1,
            module="my_trainer",
        )
        warnings.warn_explicit("`other_arg` is deprecated", FutureWarning, "z.py", 1, module="transformers.foo")
    assert [w.filename for w in caught] == ["y.py", "z.py"]


@pytest.mark.slow
def test_a_real_grpo_step_emits_no_checkpointing_deprecation(make_rf, tmp_path):
    """Two real GRPOTrainer steps on the tiny model, activation checkpointing on (TRL's default), every warning
    recorded: none about the checkpointing names, neither the config's nor those TRL's trainer triggers."""
    import datasets

    rows = [{"prompt": r["problem"] + "\n<think>\n", "answer": r["answer"]} for r in tiny_math_rows()[:4]]
    rf = make_rf(make_recipe(accuracy={"verifier": "exact_match", "weight": 1.0}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        warnings.simplefilter("always")
        trainer = run_grpo(rf, datasets.Dataset.from_list(rows), tiny_tokenizer(), str(tmp_path))
    assert trainer.state.global_step == 2
    assert trainer.args.activation_checkpointing is True
    assert checkpointing_deprecations(caught) == []
