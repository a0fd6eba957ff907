"""Entry point of r1verify-rm: registers ``reward_model`` and ``reward_model_remote``."""

from typing import Any

from r1verify import hookimpl

from .remote import RemoteRewardModel
from .reward_model import RewardModel


@hookimpl
def register_verifiers(register: Any) -> None:
    register(RewardModel)
    register(RemoteRewardModel)
