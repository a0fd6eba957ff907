"""veRL's reward inputs (``data_source``, ``solution_str``, ``ground_truth``, ``extra_info``) -> r1verify samples.

The domain that routes a sample to the recipe's verifiers comes from, in order:

1. ``extra_info["domain"]`` (what ``r1verify verl convert`` writes);
2. the ``domains`` mapping given to the adapter (``{"my/source": "code"}``);
3. veRL's own data sources (``openai/gsm8k``, ``lighteval/MATH``, ``codecontests``, ...), then the row's ``ability``
   (``math``, ``code``);
4. none: the recipe's ``default_domain`` decides.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from r1verify import Sample

MATH_SOURCES = frozenset(
    {
        "openai/gsm8k",
        "lighteval/MATH",
        "DigitalLearningGmbH/MATH-lighteval",
        "HuggingFaceH4/MATH-500",
        "math_dapo",
        "math",
        "math_dapo_reasoning",
        "numina_aops_forum",
        "numina_synthetic_math",
        "numina_amc_aime",
        "numina_synthetic_amc",
        "numina_cn_k12",
        "numina_olympiads",
        "hiyouga/geometry3k",
    }
)
"""The data sources veRL's ``default_compute_score`` grades as math (plus ``aime*``)."""

CODE_SOURCES = frozenset({"codecontests", "apps", "codeforces", "taco"})
"""The data sources veRL's ``default_compute_score`` grades as code."""

ABILITY_DOMAINS: Mapping[str, str] = {"math": "math", "code": "code", "coding": "code", "general": "general"}

JSON_FLAG = "ground_truth_json"
"""``extra_info`` flag written by ``r1verify verl convert``: the ground truth is JSON text (tests, lists)."""

_META_SKIP = frozenset({"rollout_reward_scores", "num_turns", "tool_extra_fields", "domain", JSON_FLAG})
"""``extra_info`` keys veRL adds for its own bookkeeping; they do not describe the row."""


def parse_domains(value: Mapping[str, str] | str | None) -> dict[str, str]:
    """The ``domains`` option: a mapping, or ``"source=domain,source2=domain"`` (what a Hydra override can give)."""
    if value is None or value == "":
        return {}
    if isinstance(value, Mapping):
        out = {str(k): str(v) for k, v in value.items()}
    elif isinstance(value, str):
        out = {}
        for part in value.split(","):
            source, sep, domain = part.strip().rpartition("=")
            if not sep or not source or not domain:
                raise ValueError(f"domains entry {part.strip()!r} is not SOURCE=DOMAIN; write e.g. 'my/apps=code'")
            out[source.strip()] = domain.strip()
    else:
        raise TypeError(f"domains must be a mapping or 'source=domain,...' text, got {type(value).__name__}")
    return out


def source_domain(data_source: Any, domains: Mapping[str, str], ability: Any = None) -> str | None:
    """The domain a data source (or, failing that, an ``ability``) routes to; ``None`` when neither tells."""
    if isinstance(data_source, str):
        if data_source in domains:
            return domains[data_source]
        if data_source in MATH_SOURCES or data_source.startswith("aime"):
            return "math"
        if data_source in CODE_SOURCES:
            return "code"
    if isinstance(ability, str):
        return ABILITY_DOMAINS.get(ability.strip().lower())
    return None


def plain(value: Any) -> Any:
    """Parquet values as Python values: numpy arrays and scalars (what veRL's dataset hands over) become lists
    and numbers, recursively, so verifiers and pickling see ordinary data."""
    if isinstance(value, (str, bytes, int, float, bool)) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    tolist = getattr(value, "tolist", None)  # numpy arrays and numpy scalars
    if callable(tolist):
        return plain(tolist())
    return value


def sample_from_verl(
    data_source: Any,
    solution_str: Any,
    ground_truth: Any,
    extra_info: Any = None,
    *,
    domains: Mapping[str, str] | None = None,
    ability: Any = None,
    prompt: Any = None,
) -> Sample:
    """The sample veRL asks about. Raises ``TypeError``/``ValueError`` on input that cannot be read.

    ``extra_info``'s own keys (``language``, ``index``, ...) become the sample's ``meta``; its ``question`` (or
    ``prompt``) is the prompt when no ``prompt`` is given (veRL's example preprocessors store the question there).
    """
    if not isinstance(solution_str, str):
        raise TypeError(f"solution_str must be a string, got {type(solution_str).__name__}")
    info = plain(extra_info) if extra_info is not None else {}
    if not isinstance(info, dict):
        raise TypeError(f"extra_info must be a dict, got {type(extra_info).__name__}")
    domain = info.get("domain")
    if domain is not None and not isinstance(domain, str):
        raise TypeError(f"extra_info['domain'] must be a string, got {type(domain).__name__}")
    if not domain:
        domain = source_domain(data_source, domains or {}, ability if ability is not None else info.get("ability"))
    reference = plain(ground_truth)
    if info.get(JSON_FLAG) and isinstance(reference, str):
        try:
            reference = json.loads(reference)
        except (ValueError, RecursionError) as exc:
            raise ValueError(f"ground_truth is flagged as JSON ({JSON_FLAG}) but is not: {exc}") from None
    meta = {k: v for k, v in info.items() if k not in _META_SKIP}
    if isinstance(data_source, str):
        meta.setdefault("data_source", data_source)
    prompt = plain(prompt)
    if prompt is None:
        prompt = info.get("question", info.get("prompt"))
    if prompt is not None and not isinstance(prompt, (str, list)):
        prompt = None
    if isinstance(prompt, list) and not all(isinstance(m, dict) for m in prompt):
        prompt = None
    return Sample(completion=solution_str, prompt=prompt, reference=reference, domain=domain, meta=meta)
