"""OpenRLHF integration for r1verify: a reward-function file, a batching HTTP reward server and a multi-turn
agent, all driven by an r1verify recipe.

- ``r1verify openrlhf reward-func --recipe NAME -o reward_func.py`` -> ``--reward.remote_url reward_func.py``
- ``r1verify serve --recipe NAME --port 5000`` -> ``--reward.remote_url http://HOST:5000/get_reward``
- ``r1verify openrlhf agent --recipe NAME -o agent_func.py`` -> ``--train.agent_func_path agent_func.py``

See docs/openrlhf.md.
"""

from .batcher import BatchOptions, MicroBatcher
from .convert import ConvertOptions, sample_from_query
from .labels import Label, LabelError, decode_label
from .reward_func import RewardFunction
from .rewards import RewardInfo, RewardMapper
from .service import RewardService
from .text import recover_response

__all__ = [
    "BatchOptions",
    "ConvertOptions",
    "Label",
    "LabelError",
    "MicroBatcher",
    "RewardFunction",
    "RewardInfo",
    "RewardMapper",
    "RewardService",
    "decode_label",
    "recover_response",
    "sample_from_query",
]
