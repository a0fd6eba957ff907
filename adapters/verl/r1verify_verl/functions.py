"""veRL ``custom_reward_function`` entries: ``compute_score`` (one sample) and ``compute_score_batch`` (a batch).

``reward.custom_reward_function.path=pkg://r1verify_verl.functions`` with ``name=compute_score`` (veRL 0.9's
reward loop and its ``naive``/``dapo`` managers) or ``name=compute_score_batch`` (veRL's legacy ``batch``
manager). Options come from ``reward.custom_reward_function.reward_kwargs`` (veRL passes them as keyword
arguments): ``recipe``, ``workers``, ``domains``, ``on_error``, ``timeout``, ``max_error_rate``. Any other key (a
misspelling such as ``max_eror_rate``) or a value of the wrong kind raises ``ValueError`` naming the key.

A row that cannot be read or an engine call that failed gives ``score = on_error`` and an ``error`` field saying
why. Setup mistakes raise into veRL instead, with the fix in the message, so a run never trains on silent zeros:
a recipe that cannot be built (first call), a verifier that fails every sample with a setup error (judge endpoint
down, sandbox image missing), or an error share past ``reward_kwargs.max_error_rate`` (see ``r1verify.guard``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from .batcher import Batcher
from .routing import sample_from_verl
from .scoring import Scorer, option_number, start_scorer

DEFAULT_TIMEOUT = 300.0
"""Seconds ``compute_score`` waits for its batch before answering ``on_error`` (the engine's own deadlines are
per verifier call and much shorter; this bounds everything else)."""

_batchers: dict[int, Batcher] = {}
_lock = threading.Lock()


def _batcher(scorer: Scorer) -> Batcher:
    with _lock:
        batcher = _batchers.get(id(scorer))
        if batcher is None:
            batcher = _batchers[id(scorer)] = Batcher(scorer)
        return batcher


def compute_score(
    data_source: Any, solution_str: Any, ground_truth: Any, extra_info: Any = None, **kwargs: Any
) -> dict[str, Any]:
    """Score one response with the recipe: ``{"score": reward, "acc": ..., "<verifier>": ..., "error": ...}``.

    Calls arriving together from several threads (veRL's reward loop runs this in an executor) are verified in
    one engine call. Routed to the recipe's domains by ``extra_info["domain"]``, the ``domains`` option, veRL's
    known data sources or ``extra_info["ability"]``.
    """
    scorer = start_scorer(kwargs)
    try:
        item: Any = sample_from_verl(data_source, solution_str, ground_truth, extra_info, domains=scorer.settings.domains)
    except (TypeError, ValueError) as exc:
        item = exc
    timeout = option_number(kwargs, "timeout", DEFAULT_TIMEOUT)
    future = _batcher(scorer).submit(item)
    try:
        return future.result(timeout=timeout)
    except FutureTimeout:
        return scorer.failed(f"r1verify: no result within {timeout:g} s (reward_kwargs.timeout)")


def compute_score_batch(
    data_sources: Sequence[Any],
    solution_strs: Sequence[Any],
    ground_truths: Sequence[Any],
    extra_infos: Sequence[Any] | None = None,
    **kwargs: Any,
) -> list[dict[str, Any]]:
    """Score a batch in one engine call: the signature of veRL's ``batch`` reward manager."""
    n = len(solution_strs)
    scorer = start_scorer(kwargs)
    items: list[Any] = []
    for i in range(n):
        try:
            if len(data_sources) != n or len(ground_truths) != n or (extra_infos is not None and len(extra_infos) != n):
                raise ValueError("data_sources, solution_strs, ground_truths and extra_infos differ in length")
            extra = extra_infos[i] if extra_infos is not None else None
            items.append(
                sample_from_verl(data_sources[i], solution_strs[i], ground_truths[i], extra, domains=scorer.settings.domains)
            )
        except (TypeError, ValueError) as exc:
            items.append(exc)
    return scorer.score(items)
