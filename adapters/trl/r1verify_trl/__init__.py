"""TRL GRPOTrainer reward functions from r1verify recipes.

Example::

    from r1verify_trl import reward_funcs
    from trl import GRPOConfig, GRPOTrainer

    rf = reward_funcs("my_recipe.toml")
    trainer = GRPOTrainer(model="Qwen/Qwen2.5-0.5B-Instruct", train_dataset=dataset, reward_funcs=rf.funcs,
                          args=GRPOConfig(reward_weights=rf.weights, output_dir="out"))
"""

from .config import grpo_config, quiet_old_checkpointing_aliases
from .functions import AsyncRewardFunction, RewardFuncs, RewardFunction, reward_funcs

__all__ = [
    "AsyncRewardFunction",
    "RewardFuncs",
    "RewardFunction",
    "grpo_config",
    "quiet_old_checkpointing_aliases",
    "reward_funcs",
]
