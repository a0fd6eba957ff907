"""veRL ``custom_reward_function`` entries: ``compute_score`` (one sample) and ``compute_score_batch`` (a batch).

``reward.custom_reward_function.path=pkg://r1verify_verl.functions`` with ``name=compute_score`` (veRL 0.9's
reward loop and its ``naive``/``dapo`` managers) or ``name=compute_score_batch`` (veRL's legacy ``batch``
manager). Options come from ``reward.custom_reward_function.reward_kwargs`` (veRL passes them as keyword
arguments): ``recipe``, ``workers``, ``domains``, ``on_error``, ``timeout``.

Both never raise into veRL: a row that cannot be read, a recipe that cannot be built or an engine that failed
gives ``score = on_error`` and an ``error`` field saying why.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from .batcher import Batcher
from .routing import parse_domains, sample_from_verl
from .scoring import Scorer, ScoreSettings, shared_scorer

logger = logging.getLogger("r1verify_verl")

DEFAULT_TIMEOUT = 300.0
"""Seconds ``compute_score`` waits for its batch before answering ``on_error`` (the engine's own deadlines are
per verifier call and much shorter; this bounds everything else)."""

_batchers: dict[int, Batcher] = {}
_lock = threading.Lock()


def settings_from_kwargs(kwargs: Mapping[str, Any]) -> ScoreSettings:
    """The adapter's options among veRL's keyword arguments (veRL's own, e.g. ``reward_router_address``, are
    ignored)."""
    workers = kwargs.get("workers")
    on_error = kwargs.get("on_error")
    return ScoreSettings(
        recipe=kwargs.get("recipe"),
        workers=int(workers) if workers is not None else None,
        domains=parse_domains(kwargs.get("domains")),
        on_error=float(on_error) if on_error is not None else None,
    )


def _error_dict(message: str, on_error: Any = None) -> dict[str, Any]:
    return {"score": float(on_error) if on_error is not None else 0.0, "acc": 0.0, "error": message}


def _scorer(kwargs: Mapping[str, Any]) -> Scorer | dict[str, Any]:
    try:
        return shared_scorer(settings_from_kwargs(kwargs))
    except Exception as exc:  # noqa: BLE001 - a bad recipe must not crash the trainer's reward worker
        message = f"r1verify cannot start: {type(exc).__name__}: {exc}; fix the recipe in reward_kwargs.recipe"
        logger.error(message)
        return _error_dict(message, kwargs.get("on_error"))


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
    scorer = _scorer(kwargs)
    if isinstance(scorer, dict):
        return scorer
    try:
        item: Any = sample_from_verl(data_source, solution_str, ground_truth, extra_info, domains=scorer.settings.domains)
    except (TypeError, ValueError) as exc:
        item = exc
    timeout = float(kwargs.get("timeout") or DEFAULT_TIMEOUT)
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
    scorer = _scorer(kwargs)
    if isinstance(scorer, dict):
        return [dict(scorer) for _ in range(n)]
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
