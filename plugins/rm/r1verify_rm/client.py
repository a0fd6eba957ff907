"""An HTTP client for reward-model servers speaking OpenRLHF's ``serve_rm`` protocol.

``POST {url}`` with JSON ``{"query": [text, ...], "prompts": [...], "labels": [...]}`` answers
``{"rewards": [float, ...]}`` (one per query, same order). OpenRLHF's own server reads only ``query``; the
other fields serve custom servers that follow its later remote-reward convention.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from .options import RemoteRewardModelOptions

if TYPE_CHECKING:
    import httpx

_RETRY_STATUS = frozenset({408, 429})


class RemoteError(Exception):
    """The server could not give rewards for a request (after retries where retrying makes sense)."""


def fetch_rewards(client: httpx.Client, payload: dict[str, Any], options: RemoteRewardModelOptions) -> list[float]:
    """Rewards for ``payload["query"]``, retried with exponential backoff on connection errors, timeouts,
    HTTP 408/429 and 5xx. Other HTTP errors and malformed answers raise :class:`RemoteError` at once."""
    import httpx

    expected = len(payload["query"])
    attempts = options.retries + 1
    last = ""
    for attempt in range(attempts):
        if attempt:
            time.sleep(options.backoff * 2 ** (attempt - 1))
        try:
            response = client.post(options.url, json=payload)
        except httpx.TimeoutException as exc:
            last = f"no answer within {options.request_timeout:g}s ({type(exc).__name__})"
            continue
        except httpx.TransportError as exc:
            last = f"{type(exc).__name__}: {exc}"
            continue
        if response.status_code in _RETRY_STATUS or response.status_code >= 500:
            last = f"HTTP {response.status_code}: {response.text[:200]}"
            continue
        if response.status_code >= 400:
            raise RemoteError(f"{options.url} answered HTTP {response.status_code}: {response.text[:200]}")
        return _rewards(response, expected, options)
    raise RemoteError(f"{options.url} failed {attempts} time(s); last: {last}")


def _rewards(response: httpx.Response, expected: int, options: RemoteRewardModelOptions) -> list[float]:
    try:
        body = response.json()
    except ValueError:
        raise RemoteError(f"{options.url} answered non-JSON: {response.text[:200]!r}") from None
    rewards = body.get(options.score_key) if isinstance(body, dict) else None
    if not isinstance(rewards, list) or len(rewards) != expected:
        raise RemoteError(
            f"{options.url} answered without a {options.score_key!r} list of {expected} rewards: "
            f"{str(body)[:200]}; check the url and score_key options"
        )
    return [_number(r) for r in rewards]


def _number(value: Any) -> float:
    """A reward as a float; ``[x]`` (a one-element head output) is ``x``; anything else is NaN (an error)."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return math.nan
