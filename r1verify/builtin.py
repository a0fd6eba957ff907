"""The core's own plugin: the ``exact_match`` verifier and the recipes shipped in ``r1verify/recipes/``."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .hookspecs import hookimpl
from .io import REFERENCE_ALIASES
from .sample import Sample
from .verdict import Verdict
from .verifier import Verifier


NO_REFERENCE_FIX = (
    "map the column that holds it: --map reference=COLUMN (CLI; unmapped, the first of "
    + ", ".join(REFERENCE_ALIASES)
    + "), reward_funcs(..., reference=COLUMN) (TRL), --data.label_key COLUMN (OpenRLHF), "
    "reward_model.ground_truth (veRL)"
)
"""How to give a sample its reference: the second half of every "the sample has no reference" setup error."""


def no_reference(reason: str) -> Verdict:
    """The verdict of a verifier that needs a reference on a sample that has none: a setup error, since a run
    whose samples all lack one (the column is named outside the list above) can judge nothing. A run that has
    judged samples before counts it as an error like any other (see :mod:`r1verify.guard`)."""
    return Verdict.setup_error(f"{reason}; {NO_REFERENCE_FIX}")


def final_answer(completion: str, delimiter: str) -> str | None:
    """The text after the last ``delimiter`` (``None`` if the delimiter is absent); the whole text if empty."""
    if not delimiter:
        return completion
    _, sep, tail = completion.rpartition(delimiter)
    return tail if sep else None


@dataclass(frozen=True)
class ExactMatchOptions:
    delimiter: str = "</think>"
    """Only the text after the last delimiter is graded; empty string grades the whole completion."""
    require_delimiter: bool = False
    """Without the delimiter: ``False`` grades the whole completion, ``True`` gives ``format_error``."""
    case_sensitive: bool = False


class ExactMatch(Verifier):
    """The final answer equals the reference (or one of a list of references) after whitespace normalisation."""

    name = "exact_match"
    Options = ExactMatchOptions
    default_timeout = 2.0

    def _answer(self, sample: Sample) -> str | None:
        answer = final_answer(sample.completion, self.options.delimiter)
        if answer is None and not self.options.require_delimiter:
            answer = sample.completion
        return answer

    def _norm(self, text: str) -> str:
        text = " ".join(str(text).split())
        return text if self.options.case_sensitive else text.casefold()

    def cache_key(self, sample: Sample) -> object:
        return (self._answer(sample), repr(sample.reference))

    def verify(self, sample: Sample) -> Verdict:
        if sample.reference is None:
            return no_reference("the sample has no reference to compare with")
        answer = self._answer(sample)
        if answer is None:
            return Verdict.format_error(f"no {self.options.delimiter!r} in the completion")
        if not answer.strip():
            return Verdict.no_answer("empty final answer")
        refs = sample.reference if isinstance(sample.reference, (list, tuple)) else [sample.reference]
        got = self._norm(answer)
        if any(got == self._norm(r) for r in refs):
            return Verdict.correct(answer=answer.strip())
        return Verdict.wrong(f"{answer.strip()[:80]!r} is not {refs[0]!r}", answer=answer.strip())


@hookimpl
def register_verifiers(register):
    register(ExactMatch)


def builtin_recipe_paths() -> dict[str, Path]:
    folder = resources.files("r1verify") / "recipes"
    return {Path(p.name).stem: Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml")}


@hookimpl
def register_recipes(register):
    for name, path in sorted(builtin_recipe_paths().items()):
        register(name, path)
