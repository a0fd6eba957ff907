"""A ``GRPOConfig`` in transformers' current argument names, so a training log shows no deprecation notices.

transformers 5 renamed ``gradient_checkpointing(_kwargs)`` to ``activation_checkpointing(_kwargs)``; TRL's configs
still default the old name to ``True``, so every ``GRPOConfig()`` warns, and TRL's trainer calls the model's old
``is_gradient_checkpointing`` / ``gradient_checkpointing_enable`` / ``..._disable`` aliases on every step, which
warn from inside transformers. Neither is something the user wrote or can change.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

_RENAMED = {
    "gradient_checkpointing": "activation_checkpointing",
    "gradient_checkpointing_kwargs": "activation_checkpointing_kwargs",
}
OLD_ALIAS_MESSAGE = r"`(is_)?gradient_checkpointing(_enable|_disable|_kwargs)?` is deprecated"
"""The start of transformers' FutureWarning for each old checkpointing name (a regular expression)."""


def current_names(config_class: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` with each old checkpointing name moved to its new one, and the new one set from the class's
    default where neither is given; unchanged where ``config_class`` has no new names (transformers < 5)."""
    fields = {f.name: f for f in dataclasses.fields(config_class)}
    out = dict(settings)
    for old, new in _RENAMED.items():
        if new not in fields:
            continue
        if old in out:
            value = out.pop(old)
            if new in out and out[new] != value:
                raise ValueError(f"both {old}={value!r} and {new}={out[new]!r} given: pass only {new}")
            out[new] = value
        if new not in out and fields.get(old) is not None and fields[old].default not in (None, dataclasses.MISSING):
            out[new] = fields[old].default  # TRL's default for the old name (True), under the new name
    return out


def quiet_old_checkpointing_aliases() -> None:
    """Hide transformers' FutureWarnings about the old checkpointing names (raised when TRL's trainer calls them).

    Only those messages, only from ``transformers``; every other warning is shown as before. Idempotent.
    """
    warnings.filterwarnings("ignore", message=OLD_ALIAS_MESSAGE, category=FutureWarning, module=r"transformers(\.|$)")


def grpo_config(**settings: Any) -> Any:
    """``trl.GRPOConfig(**settings)`` without transformers' deprecation notices about activation checkpointing.

    ``gradient_checkpointing=...`` is accepted and passed as ``activation_checkpointing`` (the same for the
    ``_kwargs``); TRL's default (on) is kept. Also calls :func:`quiet_old_checkpointing_aliases`, for the warnings
    TRL's trainer triggers on every step. Example::

        from r1verify_trl import grpo_config, reward_funcs
        rf = reward_funcs("reasoning-rl")
        args = grpo_config(output_dir="out", reward_weights=rf.weights, activation_checkpointing=False)
    """
    from trl import GRPOConfig

    quiet_old_checkpointing_aliases()
    return GRPOConfig(**current_names(GRPOConfig, settings))
