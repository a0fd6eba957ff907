"""Recipes: which verifiers run on which samples, with which options and weights, and how verdicts combine.

A recipe is a TOML file (or the same layout as a dict, or Python objects)::

    description = "Math accuracy gated on the R1 think format"
    default_domain = "math"   # for samples without a domain
    on_error = 0.0            # score used for a verifier that timed out or failed

    [verifiers.format]        # the table name is the instance name (shown in logs and outputs)
    verifier = "think_format" # the registered verifier; defaults to the table name
    weight = 0.2

    [verifiers.accuracy]
    verifier = "math"
    weight = 1.0
    domains = ["math"]        # run only on these domains (default: every sample)
    requires = ["format"]     # gate: counts only if `format` passes
    required = true           # the row "passes" (filter/reject) only if this passes
    skip_without_reference = true  # rows without a reference skip it instead of failing it
    timeout = 5.0             # hard deadline per call, seconds
    options = { delimiter = "</think>" }

String options may name environment variables: ``model = "${R1VERIFY_REWARD_MODEL}"`` (an error when unset)
or ``"${VAR:-default}"``.

The reward is the weighted sum of the verifiers' effective scores: a skipped verifier adds nothing, a failed
one (timeout/error) adds ``on_error``, a gated one adds 0 while its gate is closed.

This module holds the ``Recipe`` object and its reward arithmetic; reading and writing the TOML layout lives in
``r1verify.recipe_parsing``. Names (registered recipes, verifier classes) are resolved through lookups the plugin
host hands over with :func:`register_lookups`, so this module never imports the host.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .recipe_parsing import (
    MAX_TIMEOUT,
    RecipeError,
    check_recipe,
    expand_env,
    parse_recipe,
    read_recipe_file,
    recipe_toml,
    verifier_args_table,
)
from .verdict import Status, Verdict

if TYPE_CHECKING:
    from .verifier import Verifier

__all__ = ["MAX_TIMEOUT", "Recipe", "RecipeError", "VerifierSpec", "register_lookups"]

FindRecipe = Callable[[str], "Recipe"]
FindVerifierClass = Callable[[str], "type[Verifier]"]
_find_recipe: FindRecipe | None = None
_find_verifier_class: FindVerifierClass | None = None


def register_lookups(find_recipe: FindRecipe, find_verifier_class: FindVerifierClass) -> None:
    """Hand the recipe its name lookups: registered recipes and verifier classes by name.

    The plugin host (``r1verify.plugins``) calls this when it is imported, which ``import r1verify`` does.
    """
    global _find_recipe, _find_verifier_class
    _find_recipe, _find_verifier_class = find_recipe, find_verifier_class


def _lookup(found: Any) -> Any:
    if found is None:
        raise RecipeError("no plugin host is loaded to look names up; `import r1verify` first")
    return found


def _not_a_recipe(text: str, message: str) -> str:
    """``message`` (no recipe named TEXT) with what TEXT is instead: a folder, or a verifier's name."""
    path = Path(text)
    if path.is_dir():
        inside = sorted(p.name for p in path.glob("*.toml"))[:5]
        example = f"{text}/{inside[0]}" if inside else f"{text}/NAME.toml"
        listed = f" (it holds {', '.join(inside)})" if inside else ""
        return (f"recipe {text!r} is a folder, not a recipe .toml file{listed}; give the file, e.g. {example}, "
                f"or a registered recipe name (`r1verify recipes list`)")
    if _find_verifier_class is not None:
        try:
            _find_verifier_class(text)
        except LookupError:
            pass
        else:
            return (f"{text!r} is a verifier, not a recipe: use it with --verifier/-v {text} instead of "
                    f"--recipe/-r ({message})")
    return message


@dataclass(frozen=True)
class VerifierSpec:
    """One verifier inside a recipe."""

    name: str
    """Instance name, unique in the recipe; keys outputs and trainer logs."""
    verifier: str
    """Registered verifier name."""
    options: Mapping[str, Any] = field(default_factory=dict)
    weight: float = 1.0
    domains: tuple[str, ...] | None = None
    """Domains it applies to; ``None`` means every sample."""
    timeout: float | None = None
    """Hard deadline per call in seconds; ``None`` uses the verifier's default."""
    required: bool = False
    """A row passes (``filter``/``reject``) only if this verifier passes."""
    min_score: float | None = None
    """Pass threshold on the score; without it, passing means status ``correct``."""
    requires: tuple[str, ...] = ()
    """Gates: this verifier's score counts only if these verifiers pass."""
    skip_without_reference: bool = False
    """Samples without a reference skip this verifier (``skipped``) instead of getting ``error``."""

    def applies_to(self, domain: str | None) -> bool:
        return self.domains is None or (domain is not None and domain in self.domains)

    def passes(self, verdict: Verdict) -> bool:
        """Whether a verdict passes this spec (skipped verdicts pass: the check does not apply)."""
        if verdict.status is Status.SKIPPED:
            return True
        if self.min_score is not None:
            return verdict.score is not None and verdict.score >= self.min_score
        return verdict.status is Status.CORRECT

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"verifier": self.verifier, "weight": self.weight}
        if self.domains is not None:
            out["domains"] = list(self.domains)
        if self.timeout is not None:
            out["timeout"] = self.timeout
        if self.required:
            out["required"] = True
        if self.min_score is not None:
            out["min_score"] = self.min_score
        if self.requires:
            out["requires"] = list(self.requires)
        if self.skip_without_reference:
            out["skip_without_reference"] = True
        if self.options:
            out["options"] = dict(self.options)
        return out


@dataclass(frozen=True)
class Recipe:
    """A set of verifier specs and the rule that combines their verdicts into one reward."""

    name: str
    specs: tuple[VerifierSpec, ...]
    description: str = ""
    default_domain: str | None = None
    """Domain assumed for samples that have none (``None``: such samples get every verifier)."""
    on_error: float = 0.0
    """Score a verifier contributes when it timed out or failed."""
    min_reward: float | None = None
    """A row passes only if its reward is at least this (in addition to ``required`` specs)."""
    source: str | None = None
    """The TOML text the recipe was read from, if any (``r1verify recipes show``)."""

    def __post_init__(self) -> None:
        check_recipe(self.name, self.specs, self.on_error, self.min_reward)

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(cls, ref: Recipe | str | Path) -> Recipe:
        """A recipe from a Recipe, a path (``*.toml`` or containing a slash), or a registered recipe name."""
        if isinstance(ref, Recipe):
            return ref
        text = str(ref)
        if isinstance(ref, Path) or text.endswith(".toml") or "/" in text or "\\" in text:
            return cls.from_file(Path(ref))
        try:
            return _lookup(_find_recipe)(text)
        except RecipeError as exc:
            if not str(exc).startswith("no recipe named"):
                raise
            raise RecipeError(_not_a_recipe(text, str(exc))) from None

    @classmethod
    def from_file(cls, path: Path, *, name: str | None = None) -> Recipe:
        """A recipe from a TOML file; its name is ``name``, else the file's ``name`` key, else the file stem."""
        data, text = read_recipe_file(path)
        return cls.from_dict(data, name=name or data.get("name") or Path(path).stem, source=text, where=str(path))

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, name: str | None = None, source: str | None = None, where: str | None = None
    ) -> Recipe:
        """A recipe from a mapping in the TOML layout (``{"verifiers": {"acc": {"verifier": "math"}}}``)."""
        where = where or f"recipe {name or data.get('name')!r}"
        fields = parse_recipe(data, name=name, source=source, where=where)
        specs = tuple(VerifierSpec(**spec) for spec in fields.pop("specs"))
        try:
            return cls(specs=specs, **fields)
        except RecipeError as exc:  # check_recipe's messages start with "recipe NAME" already
            message = str(exc)
            raise RecipeError(message if message.startswith(where) else f"{where}: {message}") from None
        except (TypeError, ValueError) as exc:
            raise RecipeError(f"{where}: {exc}") from None

    @classmethod
    def from_verifier_args(cls, args: Sequence[str], *, name: str = "cli") -> Recipe:
        """A recipe from CLI-style specs: ``"math"``, ``"math:delimiter=</think>,timeout=3"``.

        ``weight``, ``timeout``, ``required``, ``min_score`` and ``domains`` (``a|b``) are spec keys; every
        other ``k=v`` is a verifier option.
        """
        return cls.from_dict(verifier_args_table(args), name=name)

    def merged(self, other: Recipe) -> Recipe:
        """This recipe plus the verifiers of ``other`` (names must not collide)."""
        return Recipe(
            name=f"{self.name}+{other.name}",
            specs=self.specs + other.specs,
            description=self.description,
            default_domain=self.default_domain,
            on_error=self.on_error,
            min_reward=self.min_reward,
        )

    # ----------------------------------------------------------------- using
    def build(self, find_verifier_class: FindVerifierClass | None = None) -> list[tuple[VerifierSpec, Verifier]]:
        """Instantiate every verifier (validating its options). Unknown names fail with the installed list.

        ``find_verifier_class`` maps a registered name to its class (default: the plugin host's registry).
        """
        from .options import OptionsError

        find = find_verifier_class or _lookup(_find_verifier_class)
        built = []
        for spec in self.specs:
            cls = find(spec.verifier)
            where = f"recipe {self.name!r}, [verifiers.{spec.name}]"
            try:
                built.append((spec, cls(**expand_env(dict(spec.options), where))))
            except OptionsError as exc:
                raise RecipeError(f"{where}: {exc}") from None
        return built

    @functools.cached_property
    def domains(self) -> frozenset[str]:
        """Every domain some verifier is limited to (empty: no verifier routes by domain); computed once, since
        the engine asks for every sample."""
        return frozenset(d for spec in self.specs for d in spec.domains or ())

    def effective_domain(self, domain: str | None) -> str | None:
        """The domain a sample is routed by: its own (``Math`` is ``math`` when only that is known), else the
        recipe's ``default_domain``."""
        if domain is None:
            return self.default_domain
        if domain not in self.domains and domain.strip().lower() in self.domains:
            return domain.strip().lower()
        return domain

    def unrouted(self, domain: str | None) -> str | None:
        """Why a sample of ``domain`` (an effective domain) must not be judged as it is, or ``None``.

        A domain that no verifier names but that is spelled like one that does (``maths``, ``coding``, ``Code``:
        a typo in a column or a ``--default-domain``) would have every domain-routed verifier skipped, and a
        wrong answer passed on its format alone. A domain unlike any (``general`` under a math-and-code recipe)
        is another kind of row, which those verifiers skip as before.
        """
        if domain is None or not self.domains or domain in self.domains:
            return None
        close = difflib.get_close_matches(domain.strip().lower(), sorted(self.domains), n=1, cutoff=0.6)
        if not close:
            return None
        return (
            f"domain {domain!r} is not one of recipe {self.name!r}'s domains {sorted(self.domains)}: did you mean "
            f"{close[0]!r}? Fix the rows' domain (or --map domain=COLUMN, the recipe's default_domain)"
        )

    def combine(self, verdicts: Mapping[str, Verdict]) -> tuple[float, bool, dict[str, float | None]]:
        """(reward, passed, effective score per verifier) from one sample's verdicts.

        Effective scores are what each verifier adds before weighting: ``None`` when skipped, ``0.0`` when a
        gate judged the output and closed, ``on_error`` when it or one of its gates failed (timeout/error),
        else its score.
        """
        by_name = {s.name: s for s in self.specs}
        reward = 0.0
        passed = True
        effective: dict[str, float | None] = {}
        for spec in self.specs:
            verdict = verdicts[spec.name]
            if verdict.status is Status.SKIPPED:
                effective[spec.name] = None
                continue
            if self.blocks_pass(spec, verdict):
                passed = False
            gates = [verdicts[g] for g in spec.requires]
            if any(not g.status.is_failure and not by_name[name].passes(g) for name, g in zip(spec.requires, gates)):
                score = 0.0  # a gate judged the output and closed
            elif verdict.status.is_failure or any(g.status.is_failure for g in gates):
                score = self.on_error  # this verifier or one of its gates failed: no judgement either way
            else:
                score = verdict.score if verdict.score is not None else 0.0
            effective[spec.name] = score
            reward += spec.weight * score
        if self.min_reward is not None and reward < self.min_reward:
            passed = False
        return reward, passed, effective

    def blocks_pass(self, spec: VerifierSpec, verdict: Verdict) -> bool:
        """Whether ``verdict`` keeps its sample from passing the recipe.

        - a verifier that applies and failed (``error``, ``timeout``) always does: a sample that could not be
          checked is not vouched for;
        - a ``required`` verifier that does not pass (status ``correct``, or score >= ``min_score``) does;
        - in a recipe with no ``required`` verifier, every verifier that judges right or wrong (any status but
          ``scored``), and every one with a ``min_score``, counts as required, so a wrong answer never passes.
        ``skipped`` verdicts never block.
        """
        if verdict.status is Status.SKIPPED:
            return False
        if verdict.status.is_failure:
            return True
        judges = spec.required or (
            not any(s.required for s in self.specs) and (verdict.status is not Status.SCORED or spec.min_score is not None)
        )
        return judges and not spec.passes(verdict)

    def failures(self, verdicts: Mapping[str, Verdict], reward: float) -> list[dict[str, Any]]:
        """Why a sample did not pass: each failing required verifier, and the reward threshold if missed.

        Each failure has ``verifier``, ``status``, ``score``, ``reason`` and ``rule``: a short label such as
        ``"accuracy: wrong"`` or ``"language: score < 0.95"`` that groups well in reports.
        """
        out: list[dict[str, Any]] = []
        for spec in self.specs:
            verdict = verdicts[spec.name]
            if self.blocks_pass(spec, verdict):
                if spec.min_score is not None and not verdict.status.is_failure:
                    rule = f"{spec.name}: score < {spec.min_score:g}"
                else:
                    rule = f"{spec.name}: {verdict.status.value}"
                out.append(
                    {
                        "verifier": spec.name,
                        "status": verdict.status.value,
                        "score": verdict.score,
                        "reason": verdict.reason,
                        "rule": rule,
                    }
                )
        if self.min_reward is not None and reward < self.min_reward:
            out.append(
                {
                    "verifier": "reward",
                    "status": "below_min_reward",
                    "score": reward,
                    "reason": f"reward {reward:.3f} < min_reward {self.min_reward:g}",
                    "rule": f"reward < {self.min_reward:g}",
                }
            )
        return out

    @property
    def weights(self) -> dict[str, float]:
        return {s.name: s.weight for s in self.specs}

    def to_toml(self) -> str:
        """The recipe as TOML (the original text when it was read from a file)."""
        if self.source is not None:
            return self.source
        top: dict[str, Any] = {}
        if self.description:
            top["description"] = self.description
        if self.default_domain is not None:
            top["default_domain"] = self.default_domain
        top["on_error"] = self.on_error
        if self.min_reward is not None:
            top["min_reward"] = self.min_reward
        return recipe_toml(top, [(spec.name, spec.to_dict()) for spec in self.specs])
