"""The IFEval and IFBench instruction checkers of ``if-verifiable``, run the way the official evaluations run them.

``strict``: the checker sees the response as it is. ``loose`` (the official upper bound): it also sees the response
without its first line, its last line, both, and each of those with every ``*`` removed; any variant passing counts.
Kwargs whose value is ``None`` are dropped first (the benchmarks' rows carry every instruction's keys), as the
official IFBench code does.

Stricter than the official code, because a reward must not be noise: an unknown instruction id, a kwarg the
instruction does not take, and a missing kwarg (the official checkers then draw a *random* threshold) raise
:class:`InstructionError` naming the id, which the verifier reports as ``error``.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from . import memo

Mode = Literal["strict", "loose"]
Benchmark = Literal["ifeval", "ifbench"]


class InstructionError(ValueError):
    """A row's instruction cannot be checked (unknown id, bad or missing kwargs, missing NLTK data)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One instruction's result: whether it was followed and what it asked for."""

    instruction_id: str
    followed: bool
    description: str


@functools.cache
def registries() -> dict[Benchmark, Mapping[str, type]]:
    """The two registries (IFEval's 25 ids, IFBench's 58; disjoint), imported with the packaged NLTK data and no
    downloads. langdetect (``language:response_language``, ``change_case:*``) is seeded so verdicts repeat."""
    import langdetect

    from . import nltk_data

    nltk_data.configure()
    with nltk_data.no_downloads():
        from if_verifiable.ifbench import instructions_registry as ifbench
        from if_verifiable.ifeval import instructions_registry as ifeval
    langdetect.DetectorFactory.seed = 0
    memo.install()
    return {"ifeval": ifeval.INSTRUCTION_DICT, "ifbench": ifbench.INSTRUCTION_DICT}


def find_class(instruction_id: str) -> tuple[Benchmark, type]:
    """The checker class for ``instruction_id`` and the benchmark it comes from."""
    for benchmark, registry in registries().items():
        if instruction_id in registry:
            return benchmark, registry[instruction_id]
    raise InstructionError(f"unknown instruction id {instruction_id!r} (not an IFEval or IFBench instruction)")


NEEDS_TAGGER = frozenset({"words:start_verb"})
"""Instructions whose checker tags parts of speech (NLTK's ``averaged_perceptron_tagger_eng``)."""


@functools.cache
def _tagger() -> None:
    """Make NLTK's POS tagger findable (built from ``textblob-aptagger`` at first use); a failure is not cached."""
    from . import nltk_data

    registries()  # the packaged data directory first on nltk.data.path
    try:
        nltk_data.configure_tagger()
    except LookupError as exc:
        raise InstructionError(
            f"'words:start_verb' needs NLTK's POS tagger ({nltk_data.MISSING_TAGGER}), which is not installed and "
            f"could not be built: {exc}; install the textblob-aptagger package (a dependency of r1verify-instruct) "
            f"or put NLTK's copy under a directory named by NLTK_DATA"
        ) from None


def _missing_data_message(instruction_id: str, exc: LookupError) -> str:
    found = re.search(r"Resource '?([\w/.-]+)'? not found", str(exc))
    resource = found.group(1) if found else " ".join(str(exc).split())[:120]
    return (
        f"{instruction_id!r} needs NLTK data that is not installed ({resource}); install the textblob-aptagger "
        f"package (a dependency of r1verify-instruct) or put NLTK's copy under a directory named by NLTK_DATA"
    )


def build(instruction_id: str, kwargs: Mapping[str, Any] | None, prompt: str) -> tuple[Any, str]:
    """A checker for one instruction with its kwargs, and its description; :class:`InstructionError` if the
    kwargs do not fit."""
    if not isinstance(instruction_id, str):
        raise InstructionError(f"instruction id {instruction_id!r} is not a string")
    _, cls = find_class(instruction_id)
    if instruction_id in NEEDS_TAGGER:
        _tagger()
    if kwargs is not None and not isinstance(kwargs, Mapping):
        raise InstructionError(f"kwargs of {instruction_id!r} must be an object, got {type(kwargs).__name__}")
    given = {k: v for k, v in (kwargs or {}).items() if v is not None}
    checker = cls(instruction_id)
    accepted = list(checker.get_instruction_args_keys())
    unexpected = sorted(set(given) - set(accepted))
    if unexpected:
        takes = ", ".join(accepted) or "no kwargs"
        raise InstructionError(f"{instruction_id!r} got unexpected kwargs {', '.join(unexpected)} (it takes {takes})")
    missing = [k for k in accepted if k not in given and k != "prompt"]
    if missing:
        raise InstructionError(
            f"{instruction_id!r} lacks kwargs {', '.join(missing)} (the checker would draw random values)"
        )
    try:
        _refuse_random_draws(checker, instruction_id, given)
        description = checker.build_description(**given)
        args = checker.get_instruction_args()
        if args and "prompt" in args:
            description = checker.build_description(prompt=prompt)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise InstructionError(f"bad kwargs for {instruction_id!r}: {exc}") from None
    _check_kept(instruction_id, given, args or {})
    return checker, str(description or instruction_id)


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().lower()
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return sorted((_norm(v) for v in value), key=repr)
    return value


def _refuse_random_draws(checker: Any, instruction_id: str, given: Mapping[str, Any]) -> None:
    """Some checkers read a falsy kwarg (``repeat:repeat_span`` with ``n_start=0``) as "not given" and draw a
    random value, which may even be the same one: built under two random seeds, their args differ then. Refused,
    like :func:`_check_kept`, instead of grading against a value the row never asked for (only falsy kwargs are
    probed, so the common row costs nothing)."""
    falsy = [f"{k}={v!r}" for k, v in given.items() if not v and not isinstance(v, bool)]
    if not falsy:
        return
    state = random.getstate()
    try:
        drawn = []
        for seed in (1, 2):
            random.seed(seed)
            checker.build_description(**given)
            drawn.append(repr(checker.get_instruction_args()))
    finally:
        random.setstate(state)
    if drawn[0] != drawn[1]:
        raise InstructionError(
            f"{instruction_id!r} does not accept {', '.join(falsy)} (its checker reads it as not given and draws a "
            "random value instead)"
        )


def _check_kept(instruction_id: str, given: Mapping[str, Any], args: Mapping[str, Any]) -> None:
    """Some checkers replace a kwarg they dislike with a *random* one (``keywords:letter_frequency`` with
    ``letter="#"`` draws a random letter): refuse instead of grading against a value the row never asked for."""
    for key, value in given.items():
        if key in args and _norm(args[key]) != _norm(value):
            raise InstructionError(
                f"{instruction_id!r} does not accept {key}={value!r} (its checker would use {args[key]!r} instead)"
            )


def loose_variants(response: str) -> list[str]:
    """The official loose-mode variants of ``response``, the response itself first."""
    lines = response.split("\n")
    first = "\n".join(lines[1:]).strip()
    last = "\n".join(lines[:-1]).strip()
    both = "\n".join(lines[1:-1]).strip()
    plain = [response, first, last, both]
    return [response, response.replace("*", ""), first, last, both] + [v.replace("*", "") for v in plain[1:]]


def _follows(checker: Any, instruction_id: str, text: str) -> bool:
    try:
        return bool(text.strip() and checker.check_following(text))
    except LookupError as exc:  # NLTK data missing (words:start_verb needs the POS tagger)
        raise InstructionError(_missing_data_message(instruction_id, exc)) from None


def check(
    response: str,
    instruction_ids: Sequence[str],
    kwargs_list: Sequence[Mapping[str, Any] | None],
    prompt: str = "",
    mode: Mode = "strict",
) -> list[Outcome]:
    """Check ``response`` against each instruction; raises :class:`InstructionError` on a row that cannot be
    checked. Exceptions a checker raises on the response itself propagate (the engine reports them as ``error``)."""
    if len(kwargs_list) != len(instruction_ids):
        raise InstructionError(
            f"{len(instruction_ids)} instruction ids but {len(kwargs_list)} kwargs entries; they pair up by position"
        )
    built = [build(i, kw, prompt) for i, kw in zip(instruction_ids, kwargs_list)]
    # loose: identical variants (no "*" in the response, a one-line response) are checked once; the checkers are
    # deterministic, so "any variant passes" is unchanged
    variants = [response] if mode == "strict" else list(dict.fromkeys(loose_variants(response)))
    outcomes = []
    with memo.row_scope():  # tokenisation shared by this row's instructions and variants (memo.py)
        for instruction_id, (checker, description) in zip(instruction_ids, built):
            followed = any(_follows(checker, instruction_id, v) for v in variants)
            outcomes.append(Outcome(instruction_id, followed, description))
    return outcomes
