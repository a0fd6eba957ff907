"""Reward-model scoring for r1verify: ``reward_model`` (a local Hugging Face model in a dedicated process)
and ``reward_model_remote`` (an HTTP server speaking OpenRLHF's ``serve_rm`` protocol)."""

from .options import RemoteRewardModelOptions, RewardModelOptions, ScoringOptions
from .remote import RemoteRewardModel
from .reward_model import RewardModel

__all__ = ["RemoteRewardModel", "RemoteRewardModelOptions", "RewardModel", "RewardModelOptions", "ScoringOptions"]
