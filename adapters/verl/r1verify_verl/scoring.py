"""One engine per process and recipe, and r1verify results as veRL score dicts.

veRL logs every key of a score dict (``reward_extra_info``) and stacks each key across the batch, so every dict a
recipe produces has the same keys, whatever happened:

- ``score``: the recipe's reward (``on_error`` where nothing could be verified);
- ``acc``: 1.0 when the sample passed the recipe's required verifiers, else 0.0 (veRL's accuracy metric);
- ``<verifier>``: the score that verifier contributed, ``None`` when it was skipped or failed;
- ``<verifier>_status``: its status (``correct``, ``wrong``, ``no_answer``, ``timeout``, ``error``, ``skipped``...);
- ``error``: ``""``, or what failed (verifier name and reason; the whole reason when a sample could not be read).

veRL's metrics skip ``None`` and string values, so statuses and errors reach the dumped generations only.
"""

from __future__ import annotations

import difflib
import logging
import math
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from r1verify import Engine, Recipe, Result, Sample, Status
from r1verify.guard import RunGuard

from .routing import parse_domains

logger = logging.getLogger("r1verify_verl")

DEFAULT_RECIPE = "reasoning-rl"
RECIPE_ENV = "R1VERIFY_RECIPE"
_FAILED = (Status.ERROR, Status.TIMEOUT)
RESERVED_KEYS = frozenset({"score", "acc", "error"})
"""Keys of the score dict that are not verifiers' (a verifier adds ``NAME`` and ``NAME_status``)."""


def recipe_ref(recipe: Recipe | str | Path | None) -> Recipe | str | Path:
    """The recipe to use: the argument, else ``$R1VERIFY_RECIPE``, else ``reasoning-rl``."""
    if recipe is None or recipe == "":
        return os.environ.get(RECIPE_ENV) or DEFAULT_RECIPE
    return recipe


@dataclass(frozen=True)
class ScoreSettings:
    """What a veRL entry point was configured with (Hydra ``reward_kwargs``); plain values, so it pickles."""

    recipe: Recipe | str | None = None
    """A recipe name, a ``.toml`` path or a :class:`Recipe` (default ``$R1VERIFY_RECIPE`` or ``reasoning-rl``)."""
    workers: int | None = None
    """Verifier worker processes (default ``R1VERIFY_WORKERS`` or the CPU count)."""
    domains: Mapping[str, str] = field(default_factory=dict)
    """``data_source -> domain`` routes on top of veRL's known data sources."""
    on_error: float | None = None
    """Score of a sample that could not be verified at all (default: the recipe's ``on_error``)."""
    max_error_rate: float | None = None
    """Stop training (raise :class:`RunStopped`) past this share of samples with an error/timeout verdict."""


class Scorer:
    """A recipe's engine in this process (built on first use, rebuilt after a fork) and its score dicts."""

    def __init__(self, settings: ScoreSettings) -> None:
        self.settings = settings
        self.recipe = Recipe.load(recipe_ref(settings.recipe))
        self.names = [spec.name for spec in self.recipe.specs]
        clash = sorted(set(self.names) & RESERVED_KEYS)
        if clash:
            raise ValueError(
                f"recipe {self.recipe.name!r}: verifier instance name(s) {', '.join(clash)} are keys of veRL's score "
                f"dict ({', '.join(sorted(RESERVED_KEYS))}) and would overwrite them; rename the [verifiers.NAME] table"
            )
        self.on_error = self.recipe.on_error if settings.on_error is None else float(settings.on_error)
        self.guard = RunGuard(settings.max_error_rate)
        self._engine: Engine | None = None
        self._pid = os.getpid()
        self._lock = threading.Lock()

    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None or self._pid != os.getpid():
                self._engine = Engine(self.recipe, workers=self.settings.workers)
                self._pid = os.getpid()
            return self._engine

    def close(self) -> None:
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None and self._pid == os.getpid():
            engine.close()

    def score(self, items: Sequence[Sample | Exception]) -> list[dict[str, Any]]:
        """One score dict per item, in order, from one engine call.

        An item that is an exception (a row that could not be read) gets ``on_error`` and its message. Raises only
        :class:`RunStopped`: a setup failure every sample shares, or an error share past ``max_error_rate``.
        """
        samples = [item for item in items if isinstance(item, Sample)]
        try:
            results = self.engine().verify(samples) if samples else []
        except Exception as exc:  # noqa: BLE001 - a reward function must never raise into the trainer
            logger.warning(
                "r1verify could not verify %d samples: %s: %s; the next call starts a new engine",
                len(samples),
                type(exc).__name__,
                exc,
            )
            self.close()
            message = f"r1verify: {type(exc).__name__}: {exc}"
            return [self.failed(message) for _ in items]
        self.guard.add(results)  # RunStopped reaches veRL: the run stops with the reason
        ordered = iter(results)
        return [
            self.failed(f"bad input: {type(item).__name__}: {item}")
            if isinstance(item, Exception)
            else self.from_result(next(ordered))
            for item in items
        ]

    def from_result(self, result: Result) -> dict[str, Any]:
        """A result as veRL's score dict (the keys are described in this module's docstring)."""
        out: dict[str, Any] = {"score": float(result.reward), "acc": 1.0 if result.passed else 0.0}
        errors = []
        for name in self.names:
            verdict = result.verdicts.get(name)
            status = verdict.status if verdict is not None else Status.SKIPPED
            value = result.scores.get(name)
            out[name] = None if status in _FAILED or status is Status.SKIPPED or value is None else float(value)
            out[f"{name}_status"] = status.value
            if status in _FAILED and verdict is not None:
                errors.append(f"{name}: {status.value}: {verdict.reason}")
        out["error"] = "; ".join(errors)
        return out

    def failed(self, message: str) -> dict[str, Any]:
        """The score dict of a sample that could not be verified at all."""
        out: dict[str, Any] = {"score": self.on_error, "acc": 0.0}
        for name in self.names:
            out[name] = None
            out[f"{name}_status"] = Status.ERROR.value
        out["error"] = message
        return out


_scorers_lock = threading.Lock()


def _key(settings: ScoreSettings) -> Any:
    domains = tuple(sorted(settings.domains.items()))
    return (str(settings.recipe), settings.workers, domains, settings.on_error, settings.max_error_rate)


_by_key: dict[Any, Scorer] = {}


def shared_scorer(settings: ScoreSettings) -> Scorer:
    """The process-wide scorer for these settings (one engine per recipe and process)."""
    key = _key(settings)
    with _scorers_lock:
        scorer = _by_key.get(key)
        if scorer is None:
            scorer = _by_key[key] = Scorer(settings)
        return scorer


SCORE_KEYS: dict[str, str] = {
    "recipe": "a recipe name or a .toml file",
    "workers": "verifier worker processes (a whole number)",
    "domains": "data_source -> domain routes ('source=domain,...')",
    "on_error": "the score of a sample that could not be verified (a number)",
    "max_error_rate": "stop past this share of failed samples (a number between 0 and 1)",
    "timeout": "seconds a call waits for its result (a positive number)",
}
"""The ``reward_kwargs`` keys r1verify reads, with what each takes (the reward-loop manager adds ``max_wait``)."""
MANAGER_KEYS: dict[str, str] = {**SCORE_KEYS, "max_wait": "seconds a sample waits for others (a number >= 0)"}
"""The keys of :class:`r1verify_verl.manager.R1VerifyRewardManager`."""
VERL_KEYS = frozenset(
    {
        "reward_router_address",
        "reward_model_tokenizer",
        "sandbox_fusion_url",
        "concurrent_semaphore",
        "memory_limit_mb",
        "max_resp_len",
        "overlong_buffer_cfg",
        "num_examine",
        "reward_fn_key",
        "compute_score",
        "config",
        "tokenizer",
    }
)
"""Keyword arguments veRL itself passes next to ``reward_kwargs`` (reward model, sandbox fusion, DAPO's overlong
settings, the managers' own): accepted and not used."""


def start_scorer(kwargs: Mapping[str, Any], keys: Mapping[str, str] = SCORE_KEYS) -> Scorer:
    """The shared scorer for veRL's ``reward_kwargs``, its recipe built now: a misspelled key, a bad value, a
    misspelled recipe or a bad option raises here (veRL stops with the fix) instead of scoring every sample 0.
    ``keys``: the keys this entry point reads."""
    settings = settings_from_kwargs(kwargs, keys)
    try:
        scorer = shared_scorer(settings)
        scorer.recipe.build()
    except Exception as exc:
        raise ValueError(
            f"r1verify cannot start: {exc}. Set reward.reward_kwargs.recipe (or $R1VERIFY_RECIPE) to an installed "
            "recipe name or a .toml file (`r1verify recipes list` shows them)"
        ) from exc
    return scorer


def check_keys(kwargs: Mapping[str, Any], keys: Mapping[str, str] = SCORE_KEYS) -> None:
    """Raises ``ValueError`` naming a key of ``kwargs`` that is neither r1verify's nor veRL's own (a misspelled
    ``max_error_rate`` would otherwise switch the guard off without a word), with the closest valid key."""
    for key in kwargs:
        if key in keys or key in VERL_KEYS:
            continue
        close = difflib.get_close_matches(str(key), list(keys), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        valid = "; ".join(f"{name}: {what}" for name, what in keys.items())
        raise ValueError(f"r1verify cannot start: unknown reward_kwargs key {key!r}{hint}. r1verify reads {valid}")


def _number(kwargs: Mapping[str, Any], key: str, *, whole: bool = False, low: float | None = None,
            high: float | None = None, above: float | None = None) -> Any:  # fmt: skip
    """``kwargs[key]`` as a number (``None`` when absent or null); a ``ValueError`` naming the key otherwise."""
    value = kwargs.get(key)
    if value is None:
        return None
    what = "a whole number" if whole else "a number"
    if low is not None and high is not None:
        what += f" between {low:g} and {high:g}"
    elif above is not None:
        what += f" above {above:g}"
    elif low is not None:
        what += f" of at least {low:g}"
    number: float | None = None
    if not isinstance(value, bool):
        try:
            if whole:
                if not (isinstance(value, float) and not value.is_integer()):
                    number = int(value.strip() if isinstance(value, str) else value)
            else:
                number = float(value)
        except (TypeError, ValueError, OverflowError):
            number = None
    if (
        number is None
        or not math.isfinite(number)
        or (low is not None and number < low)
        or (high is not None and number > high)
        or (above is not None and number <= above)
    ):
        raise ValueError(f"r1verify cannot start: reward_kwargs.{key}={value!r}: expected {what}")
    return number


def option_number(kwargs: Mapping[str, Any], key: str, default: float) -> float:
    """A seconds option (``timeout`` > 0, ``max_wait`` >= 0) of ``kwargs``, ``default`` when absent or null."""
    number = _number(kwargs, key, above=0.0) if key == "timeout" else _number(kwargs, key, low=0.0)
    return default if number is None else float(number)


def settings_from_kwargs(kwargs: Mapping[str, Any], keys: Mapping[str, str] = SCORE_KEYS) -> ScoreSettings:
    """The adapter's options among veRL's keyword arguments (veRL's own, e.g. ``reward_router_address``, are
    ignored). An unknown key or a value of the wrong kind raises ``ValueError`` naming the key."""
    check_keys(kwargs, keys)
    for key in ("timeout", "max_wait"):
        if key in keys:
            option_number(kwargs, key, 0.0)
    try:
        domains = parse_domains(kwargs.get("domains"))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"r1verify cannot start: reward_kwargs.domains: {exc}") from None
    recipe = kwargs.get("recipe")
    if recipe is not None and not isinstance(recipe, (str, Path, Recipe)):
        raise ValueError(
            f"r1verify cannot start: reward_kwargs.recipe={recipe!r}: expected a recipe name or a .toml file"
        )
    return ScoreSettings(
        recipe=recipe,
        workers=_number(kwargs, "workers", whole=True, low=1),
        domains=domains,
        on_error=_number(kwargs, "on_error"),
        max_error_rate=_number(kwargs, "max_error_rate", low=0.0, high=1.0),
    )


def close_all() -> None:
    """Stop every engine this process started (a later call starts new ones)."""
    with _scorers_lock:
        scorers = list(_by_key.values())
        _by_key.clear()
    for scorer in scorers:
        scorer.close()
