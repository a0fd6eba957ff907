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
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .verdict import Status, Verdict

if TYPE_CHECKING:
    from .verifier import Verifier


MAX_TIMEOUT = 86400.0


class RecipeError(ValueError):
    """A recipe that cannot be used: bad TOML, unknown keys, unknown gates, bad options."""


_SPEC_KEYS = {
    "verifier",
    "weight",
    "domains",
    "timeout",
    "required",
    "min_score",
    "requires",
    "skip_without_reference",
    "options",
}
_RECIPE_KEYS = {"name", "description", "default_domain", "on_error", "min_reward", "verifiers"}


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
        names = [s.name for s in self.specs]
        if not names:
            raise RecipeError(f"recipe {self.name!r} has no verifiers")
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise RecipeError(f"recipe {self.name!r}: verifier names must be unique, repeated: {', '.join(dupes)}")
        for spec in self.specs:
            for gate in spec.requires:
                if gate not in names:
                    raise RecipeError(
                        f"recipe {self.name!r}: verifier {spec.name!r} requires {gate!r}, "
                        f"which is not in the recipe ({', '.join(names)})"
                    )
            where = f"recipe {self.name!r}: verifier {spec.name!r}"
            if not math.isfinite(spec.weight):
                raise RecipeError(f"{where} has a non-finite weight")
            if spec.timeout is not None and not (0 < spec.timeout <= MAX_TIMEOUT):
                raise RecipeError(f"{where} needs 0 < timeout <= {MAX_TIMEOUT:g} seconds")
            if spec.min_score is not None and not math.isfinite(spec.min_score):
                raise RecipeError(f"{where} has a non-finite min_score")
            if spec.domains is not None and not spec.domains:
                raise RecipeError(f"{where} has domains = [] (it would skip every sample); leave it out for all")
        for key in ("on_error", "min_reward"):
            value = getattr(self, key)
            if value is not None and not math.isfinite(value):
                raise RecipeError(f"recipe {self.name!r}: {key} must be a finite number")

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(cls, ref: Recipe | str | Path) -> Recipe:
        """A recipe from a Recipe, a path (``*.toml`` or containing a slash), or a registered recipe name."""
        if isinstance(ref, Recipe):
            return ref
        text = str(ref)
        if isinstance(ref, Path) or text.endswith(".toml") or "/" in text or "\\" in text:
            return cls.from_file(Path(ref))
        from .plugins import get_recipe

        return get_recipe(str(ref))

    @classmethod
    def from_file(cls, path: Path, *, name: str | None = None) -> Recipe:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise RecipeError(f"cannot read recipe {path}: {exc.strerror}") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise RecipeError(f"{path}: invalid TOML: {exc}") from None
        return cls.from_dict(data, name=name or data.get("name") or Path(path).stem, source=text, where=str(path))

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, name: str | None = None, source: str | None = None, where: str | None = None
    ) -> Recipe:
        where = where or f"recipe {name or data.get('name')!r}"
        unknown = sorted(set(data) - _RECIPE_KEYS)
        if unknown:
            raise RecipeError(f"{where}: unknown key(s) {', '.join(unknown)}; valid: {', '.join(sorted(_RECIPE_KEYS))}")
        table = data.get("verifiers")
        if not isinstance(table, Mapping) or not table:
            raise RecipeError(f"{where}: needs a [verifiers.NAME] table for each verifier")
        specs = []
        for spec_name, raw in table.items():
            if not isinstance(raw, Mapping):
                raise RecipeError(f"{where}: [verifiers.{spec_name}] must be a table")
            bad = sorted(set(raw) - _SPEC_KEYS)
            if bad:
                raise RecipeError(
                    f"{where}: [verifiers.{spec_name}] unknown key(s) {', '.join(bad)}; "
                    f"valid: {', '.join(sorted(_SPEC_KEYS))} (verifier options go under 'options')"
                )
            try:
                specs.append(
                    VerifierSpec(
                        name=str(spec_name),
                        verifier=str(raw.get("verifier", spec_name)),
                        options=dict(raw.get("options", {})),
                        weight=float(raw.get("weight", 1.0)),
                        domains=_str_tuple(raw["domains"]) if "domains" in raw else None,
                        timeout=float(raw["timeout"]) if raw.get("timeout") is not None else None,
                        required=_bool(raw.get("required", False)),
                        min_score=float(raw["min_score"]) if raw.get("min_score") is not None else None,
                        requires=_str_tuple(raw.get("requires", ())),
                        skip_without_reference=_bool(raw.get("skip_without_reference", False)),
                    )
                )
            except (TypeError, ValueError) as exc:
                raise RecipeError(f"{where}: [verifiers.{spec_name}]: {exc}") from None
        try:
            return cls(
                name=str(name or data.get("name") or "recipe"),
                specs=tuple(specs),
                description=str(data.get("description", "")),
                default_domain=data.get("default_domain"),
                on_error=float(data.get("on_error", 0.0)),
                min_reward=float(data["min_reward"]) if data.get("min_reward") is not None else None,
                source=source,
            )
        except (TypeError, ValueError) as exc:
            raise RecipeError(f"{where}: {exc}") from None

    @classmethod
    def from_verifier_args(cls, args: Sequence[str], *, name: str = "cli") -> Recipe:
        """A recipe from CLI-style specs: ``"math"``, ``"math:delimiter=</think>,timeout=3"``.

        ``weight``, ``timeout``, ``required``, ``min_score`` and ``domains`` (``a|b``) are spec keys; every
        other ``k=v`` is a verifier option.
        """
        specs = []
        for arg in args:
            verifier, _, rest = arg.partition(":")
            verifier = verifier.strip()
            if not verifier:
                raise RecipeError(f"--verifier {arg!r}: missing verifier name (NAME[:k=v,...])")
            spec: dict[str, Any] = {"verifier": verifier, "options": {}}
            for pair in filter(None, (p.strip() for p in rest.split(","))):
                key, eq, value = pair.partition("=")
                if not eq:
                    raise RecipeError(f"--verifier {arg!r}: expected k=v, got {pair!r}")
                key = key.strip()
                if key in ("weight", "timeout", "required", "min_score", "skip_without_reference"):
                    spec[key] = value
                elif key == "domains":
                    spec[key] = value.split("|")
                elif key == "as":
                    spec["_name"] = value
                else:
                    spec["options"][key] = value
            specs.append(spec)
        table: dict[str, Any] = {}
        for spec in specs:
            instance = spec.pop("_name", spec["verifier"])
            if instance in table:
                raise RecipeError(f"--verifier {instance!r} given twice; name the second one with as=OTHER_NAME")
            table[instance] = spec
        return cls.from_dict({"verifiers": table}, name=name)

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
    def build(self) -> list[tuple[VerifierSpec, Verifier]]:
        """Instantiate every verifier (validating its options). Unknown names fail with the installed list."""
        from .options import OptionsError
        from .plugins import get_verifier_class

        built = []
        for spec in self.specs:
            cls = get_verifier_class(spec.verifier)
            where = f"recipe {self.name!r}, [verifiers.{spec.name}]"
            try:
                built.append((spec, cls(**_expand_env(dict(spec.options), where))))
            except OptionsError as exc:
                raise RecipeError(f"{where}: {exc}") from None
        return built

    def effective_domain(self, domain: str | None) -> str | None:
        return domain if domain is not None else self.default_domain

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
            if spec.required and not spec.passes(verdict):
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

    def failures(self, verdicts: Mapping[str, Verdict], reward: float) -> list[dict[str, Any]]:
        """Why a sample did not pass: each failing required verifier, and the reward threshold if missed.

        Each failure has ``verifier``, ``status``, ``score``, ``reason`` and ``rule``: a short label such as
        ``"accuracy: wrong"`` or ``"language: score < 0.95"`` that groups well in reports.
        """
        out: list[dict[str, Any]] = []
        for spec in self.specs:
            verdict = verdicts[spec.name]
            if spec.required and not spec.passes(verdict):
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
        lines = []
        if self.description:
            lines.append(f"description = {_toml_value(self.description)}")
        if self.default_domain is not None:
            lines.append(f"default_domain = {_toml_value(self.default_domain)}")
        lines.append(f"on_error = {_toml_value(self.on_error)}")
        if self.min_reward is not None:
            lines.append(f"min_reward = {_toml_value(self.min_reward)}")
        for spec in self.specs:
            lines.append("")
            lines.append(f"[verifiers.{_toml_key(spec.name)}]")
            for key, value in spec.to_dict().items():
                lines.append(f"{key} = {_toml_value(value)}")
        return "\n".join(lines) + "\n"


_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def _expand_env(value: Any, where: str) -> Any:
    """Replace ``${VAR}`` and ``${VAR:-default}`` (default also when VAR is empty, as in the shell) in string
    option values; any other ``${...}`` form is an error rather than text passed on silently."""
    if isinstance(value, dict):
        return {k: _expand_env(v, f"{where} option {k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_expand_env(v, where) for v in value]
    if not isinstance(value, str) or "${" not in value:
        return value

    def lookup(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        current = os.environ.get(name, "")
        if current:
            return current
        if default is not None:
            return default
        if name in os.environ:
            return ""
        raise RecipeError(
            f"{where}: environment variable {name} is not set; export {name}=..., or copy the recipe "
            f"(r1verify recipes show NAME > mine.toml) and write the value in"
        )

    expanded = _ENV_REF.sub(lookup, value)
    leftover = _ENV_REF.sub("", value)
    if "${" in leftover:
        raise RecipeError(f"{where}: {value!r}: only ${{VAR}} and ${{VAR:-default}} are supported")
    return expanded


def _str_tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"expected a list of strings, got {value!r}")
    return tuple(str(v) for v in value)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
        return value.lower() in ("true", "1", "yes")
    raise TypeError(f"expected true/false, got {value!r}")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _toml_value(key)
