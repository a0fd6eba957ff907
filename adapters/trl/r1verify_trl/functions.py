"""``reward_funcs(recipe)``: one TRL reward function per verifier of a recipe, plus the matching weights."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

from r1verify import Recipe, Result, Sample, Status
from r1verify.guard import RunGuard, RunStopped

from .batch import close_shared, logger, shared_batches
from .inputs import TRAINER_KWARGS, ColumnError, Columns, build_samples
from .trainer_logs import Table, log_batch

OnError = float | None | Literal["recipe", "mask"]


@dataclass(frozen=True)
class _Group:
    """What the reward functions of one ``reward_funcs`` call share; pickles (the engine is not part of it)."""

    token: str
    recipe: Recipe
    columns: Columns
    on_error: OnError
    prefill_think: bool | str
    apply_weights: bool
    prefix: str
    workers: int | None
    max_error_rate: float | None = None
    table: Table = "columns"
    left_out: frozenset[str] = frozenset()
    """The domains of the verifiers ``domains=`` left out: a row of one of them raises :class:`DomainError`."""

    @property
    def names(self) -> list[str]:
        return [spec.name for spec in self.recipe.specs]

    def results(self, name: str, kwargs: dict[str, Any]) -> list[Result]:
        """Every verifier's results for the batch in ``kwargs`` (TRL's reward-function keyword arguments)."""
        completions = kwargs.get("completions")
        if completions is None:
            raise TypeError("a reward function needs completions=[...] (TRL passes it as a keyword argument)")
        shared = shared_batches(self.token, self.recipe, self.names, self.workers, self.max_error_rate)
        log_extra, log_metric = kwargs.get("log_extra"), kwargs.get("log_metric")
        columns = {k: v for k, v in kwargs.items() if k not in TRAINER_KWARGS}
        prompts = kwargs.get("prompts")
        sources = (prompts, completions, *(columns[k] for k in sorted(columns)))

        def build() -> list[Sample]:
            samples = build_samples(prompts, completions, columns, self.columns, self.prefill_think)
            if self.left_out:
                _check_domains(samples, self.recipe, self.left_out)
            return samples

        def on_computed(results: list[Result]) -> None:
            log_batch(results, self.names, self.prefix, log_extra, log_metric, self.table)

        try:
            return shared.results(name, sources, build, on_computed)
        except (ColumnError, RunStopped):
            raise  # setup mistakes (a mapped column missing, a verifier that cannot judge anything): training on
            # their zeros would teach nothing, so the trainer stops at the first batch with the fix in the message
        except Exception as exc:  # noqa: BLE001 - any other failure must not raise into the trainer
            logger.warning("r1verify cannot read this batch: %s: %s", type(exc).__name__, exc)
            results = shared.failed(len(completions), f"cannot read this batch: {exc}")
            log_batch(results, [name], self.prefix, log_extra, log_metric, self.table)
            return results


class RewardFunction:
    """One verifier of a recipe as a TRL reward function (picklable; call it with TRL's keyword arguments).

    Returns the verifier's *effective* score for each completion, i.e. what the recipe adds before weighting
    (after gates and ``on_error``); ``None`` where the verifier does not apply (another domain). With the
    recipe weights as ``GRPOConfig(reward_weights=...)``, TRL's weighted sum is the recipe's reward.
    """

    def __init__(self, group: _Group, verifier: str) -> None:
        self._group = group
        self.verifier = verifier
        """The verifier's instance name in the recipe."""
        self.__name__ = group.prefix + verifier
        """The name TRL logs under (``rewards/<name>/mean``)."""
        self.weight = next(s.weight for s in group.recipe.specs if s.name == verifier)
        """The recipe's weight for this verifier."""

    def __call__(self, **kwargs: Any) -> list[float | None]:
        return self._scores(self._group.results(self.verifier, kwargs))

    def _scores(self, results: Sequence[Result]) -> list[float | None]:
        on_error = self._group.on_error
        out: list[float | None] = []
        for result in results:
            verdict = result.verdicts[self.verifier]
            score: float | None
            if verdict.status is Status.SKIPPED:
                score = None
            elif on_error == "mask" and any(v.status.is_failure for v in result.verdicts.values()):
                score = None  # every function of the recipe says None for this row: TRL gives it no advantage
            elif verdict.status.is_failure and on_error not in ("recipe", "mask"):
                score = on_error  # type: ignore[assignment]
            else:
                score = result.scores[self.verifier]
            if score is not None and self._group.apply_weights:
                score *= self.weight
            out.append(score)
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.__name__!r}, recipe={self._group.recipe.name!r})"


class AsyncRewardFunction(RewardFunction):
    """The same as an ``async`` callable: TRL runs async reward functions concurrently on its event loop."""

    async def __call__(self, **kwargs: Any) -> list[float | None]:  # type: ignore[override]
        return await asyncio.to_thread(super().__call__, **kwargs)


class RewardFuncs(NamedTuple):
    """What :func:`reward_funcs` returns: ``funcs`` for ``reward_funcs=`` and ``weights`` for ``reward_weights=``.

    Unpacks as a pair too: ``funcs, weights = reward_funcs("my_recipe.toml")``.
    """

    funcs: list[RewardFunction]
    weights: list[float]

    @property
    def names(self) -> list[str]:
        """The names TRL logs the functions under, in order."""
        return [f.__name__ for f in self.funcs]

    def close(self) -> None:
        """Stop the worker processes these functions started in this process (they also stop at exit)."""
        close_shared(self.funcs[0]._group.token)


def _check_no_double_prefill(recipe: Recipe) -> None:
    """prefill_think puts the template's <think> into the completion; a verifier told the prompt has it
    (the format verifiers' ``prefilled = "yes"``) would then see it twice and fail every completion."""
    for spec in recipe.specs:
        if str(spec.options.get("prefilled", "")).lower() in ("yes", "true"):
            raise ValueError(
                f"recipe {recipe.name!r}, [verifiers.{spec.name}] has prefilled = 'yes' while prefill_think puts the "
                f"template's <think> into the completion: the tag would count twice. Use one of them: drop "
                f"prefilled (its 'auto' default then agrees), or drop prefill_think"
            )


class DomainError(ColumnError):
    """A row's domain is not among ``reward_funcs(domains=...)``: the verifiers left out would apply to it."""


def _check_domains(samples: Sequence[Sample], recipe: Recipe, left_out: frozenset[str]) -> None:
    for sample in samples:
        domain = recipe.effective_domain(sample.domain)
        if domain in left_out:
            raise DomainError(
                f"a row has domain {domain!r}, which reward_funcs(domains=...) did not list: a verifier left out "
                f"would score it. Add {domain!r} to domains=, or filter the dataset"
            )


def _for_domains(recipe: Recipe, domains: Sequence[str]) -> tuple[Recipe, frozenset[str]]:
    """``recipe`` with only the verifiers that apply to at least one of ``domains``, and the domains of the
    verifiers left out (other than ``domains``)."""
    if isinstance(domains, str) or not domains:
        raise ValueError(f"domains must be a non-empty list of domain names, got {domains!r}")
    typos = [why for d in domains if (why := recipe.unrouted(d))]
    if typos or (recipe.domains and not set(domains) & recipe.domains):
        raise ValueError(
            typos[0] if typos else f"recipe {recipe.name!r}: domains {list(domains)} match no verifier (its "
            f"verifiers judge the domains {sorted(recipe.domains)}); list the domains of your dataset as the recipe "
            "names them"
        )
    kept = tuple(s for s in recipe.specs if s.domains is None or set(s.domains) & set(domains))
    if not kept:
        raise ValueError(f"recipe {recipe.name!r}: no verifier applies to domains {list(domains)}")
    left_out = frozenset(d for s in recipe.specs if s not in kept for d in s.domains or ()) - set(domains)
    return dataclasses.replace(recipe, specs=kept, source=None), left_out


def reward_funcs(
    recipe: Recipe | str | Path,
    *,
    on_error: OnError = "recipe",
    prefill_think: bool | str = False,
    asynchronous: bool = False,
    apply_weights: bool = False,
    prefix: str = "",
    workers: int | None = None,
    max_error_rate: float | None = None,
    domains: Sequence[str] | None = None,
    completions_table: Table = "columns",
    **column_map: Any,
) -> RewardFuncs:
    """TRL reward functions for every verifier of ``recipe``, and their weights.

    Example::

        rf = reward_funcs("my_recipe.toml")
        trainer = GRPOTrainer(model=..., train_dataset=..., reward_funcs=rf.funcs,
                              args=GRPOConfig(reward_weights=rf.weights, ...))

    - ``recipe``: a registered recipe name, a path to a TOML recipe, or a :class:`r1verify.Recipe`.
    - ``on_error``: the score of a verifier that failed or timed out: ``"recipe"`` (the recipe's ``on_error``,
      default 0.0), a number, ``None`` (TRL then leaves it out of the sum; a row where every function gives
      ``None`` gets no advantage), or ``"mask"``: a row where any verifier failed gets ``None`` from every
      function, so TRL (1.16+) leaves it out of its group's baseline and gives it advantage 0 (TRL logs one
      warning per batch that has such rows). Failures are counted in the ``r1verify/NAME/errors|timeouts``
      metrics.
    - ``prefill_think``: ``True`` when the chat template writes the opening ``<think>`` (Qwen3, R1-distill):
      ``"<think>\\n"`` goes in front of every completion before verification (taken off the end of a prompt
      that shows it, so it never counts twice); a string is that prefill text. ``False`` (default) passes
      prompts and completions as TRL gives them, like the CLI; format verifiers then see a ``<think>`` at the
      end of a text prompt themselves, and need ``prefilled = "yes"`` for a template that adds it unseen.
    - ``asynchronous``: return ``async`` callables (TRL overlaps them with other async reward functions).
    - ``apply_weights``: return weight x score and weights of 1.0, for trainers without ``reward_weights``
      (TRL's experimental ``AsyncGRPOTrainer`` sums reward functions unweighted).
    - ``prefix``: prepended to every name, to keep two recipes' functions apart in TRL's logs.
    - ``workers``: engine worker processes (default: ``R1VERIFY_WORKERS``, else the CPUs divided by
      ``LOCAL_WORLD_SIZE``).
    - ``max_error_rate``: stop training (raise :class:`r1verify.guard.RunStopped`) when more than this share of
      samples has an ``error``/``timeout`` verdict (checked from 50 samples on). Whatever it is, a setup failure
      every sample shares (judge endpoint down, sandbox image not built) and a mapped column missing from the
      dataset raise at the first batch, with the fix in the message.
    - ``domains``: the domains of your dataset (e.g. ``["math"]``): only the verifiers that apply to one of them
      become functions, so a math-only run has no ``code`` function logging ``rewards/code/mean None``. A row
      that a left-out verifier would score (domain ``code`` here) raises :class:`DomainError` at its batch.
    - ``completions_table``: what the functions add to TRL's completions table (``log_completions=True``):
      ``"columns"`` (``NAME/status`` and ``NAME/answer`` per verifier), ``"compact"`` (one ``r1verify`` column,
      ``accuracy=correct:4 format=format_error``) or ``"none"``.
    - ``reference=``, ``domain=``, ``meta=``: which dataset columns become the sample's reference (a column or
      a list tried in order; ``None``: no reference), domain (a column) and meta (columns; default: all others).
      By default the reference is the first of ``reference``, ``ground_truth``, ``answer``, ``solution``,
      ``label``, ``tests`` present, and the domain is the ``domain`` column.

    Every verifier of a batch is computed in one engine call, shared by the functions; the engine starts on the
    first call, in whichever process makes it. Unknown verifiers or bad options fail here, not during training.
    """
    loaded, left_out = Recipe.load(recipe), frozenset[str]()
    if domains is not None:
        loaded, left_out = _for_domains(loaded, domains)
    if completions_table not in ("columns", "compact", "none"):
        raise ValueError(f"completions_table must be 'columns', 'compact' or 'none', got {completions_table!r}")
    loaded.build()  # unknown verifiers and bad options fail now, not hours into training
    if not (
        on_error is None
        or on_error in ("recipe", "mask")
        or (isinstance(on_error, (int, float)) and math.isfinite(on_error))
    ):
        raise ValueError(f"on_error must be a finite number, None, 'recipe' or 'mask', got {on_error!r}")
    if not isinstance(prefill_think, (bool, str)) or prefill_think == "":
        raise TypeError(
            f"prefill_think must be True, False or the prefill text (e.g. '<think>\\n'), got {prefill_think!r}"
        )
    if prefill_think is not False:
        _check_no_double_prefill(loaded)
    RunGuard(max_error_rate)  # a share outside [0, 1] fails now
    group = _Group(
        token=uuid.uuid4().hex,
        recipe=loaded,
        columns=Columns.from_kwargs(column_map),
        on_error=float(on_error) if isinstance(on_error, (int, float)) else on_error,
        prefill_think=prefill_think,
        apply_weights=apply_weights,
        prefix=prefix,
        workers=workers,
        max_error_rate=max_error_rate,
        table=completions_table,
        left_out=left_out,
    )
    make: Callable[[_Group, str], RewardFunction] = AsyncRewardFunction if asynchronous else RewardFunction
    funcs = [make(group, name) for name in group.names]
    weights = [1.0 if apply_weights else float(spec.weight) for spec in loaded.specs]
    return RewardFuncs(funcs, weights)
