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

import logging
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


def start_scorer(kwargs: Mapping[str, Any]) -> Scorer:
    """The shared scorer for veRL's ``reward_kwargs``, its recipe built now: a misspelled recipe or a bad option
    raises here (veRL stops with the fix) instead of scoring every sample 0."""
    try:
        scorer = shared_scorer(settings_from_kwargs(kwargs))
        scorer.recipe.build()
    except Exception as exc:
        raise ValueError(
            f"r1verify cannot start: {exc}. Set reward.reward_kwargs.recipe (or $R1VERIFY_RECIPE) to an installed "
            "recipe name or a .toml file (`r1verify recipes list` shows them)"
        ) from exc
    return scorer


def settings_from_kwargs(kwargs: Mapping[str, Any]) -> ScoreSettings:
    """The adapter's options among veRL's keyword arguments (veRL's own, e.g. ``reward_router_address``, are
    ignored)."""
    workers = kwargs.get("workers")
    on_error = kwargs.get("on_error")
    max_error_rate = kwargs.get("max_error_rate")
    return ScoreSettings(
        recipe=kwargs.get("recipe"),
        workers=int(workers) if workers is not None else None,
        domains=parse_domains(kwargs.get("domains")),
        on_error=float(on_error) if on_error is not None else None,
        max_error_rate=float(max_error_rate) if max_error_rate is not None else None,
    )


def close_all() -> None:
    """Stop every engine this process started (a later call starts new ones)."""
    with _scorers_lock:
        scorers = list(_by_key.values())
        _by_key.clear()
    for scorer in scorers:
        scorer.close()
