"""Options of the ``math`` verifier."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from r1verify.templates import TemplateName, get_template

FALLBACKS = ("answer_is", "gsm8k", "last_math", "last_line")
"""Where to look for the final answer when it has no ``\\boxed{}``, in the order given by ``fallbacks``:

- ``answer_is``: "the (final) answer is X", "Answer: X", or a line starting with "A: X".
- ``gsm8k``: a line ``#### X``.
- ``last_math``: the last ``$...$``, ``$$...$$``, ``\\(...\\)`` or ``\\[...\\]``.
- ``last_line``: the last non-empty line (with unboxed extractors on, not one over ``max_answer_chars``: they read
  the end of such a paragraph instead).
"""
UNBOXED = ("last_display", "assignment", "bold", "result_is", "last_number")
"""The unboxed answer extractors (:mod:`r1verify_math.unboxed`), in the order ``preset = "lenient"`` tries them
after ``fallbacks``; each may also be named in ``fallbacks``."""
PRESETS = ("strict", "lenient")

Hedging = Literal["reject", "last", "all_agree"]
Percent = Literal["number", "either"]
Lists = Literal["unordered", "ordered"]
Preset = Literal["strict", "lenient"]


@dataclass(frozen=True)
class MathOptions:
    delimiter: str = "</think>"
    """Only the text after the last delimiter is graded (``<|end_of_thought|>``, ...); ``""`` grades the whole
    completion. An answer that appears only before it is ``no_answer``."""
    template: TemplateName = "r1"
    """Reasoning template preset: ``r1`` uses ``delimiter``; ``qwen3`` grades after ``</think>``; ``sky-t1``
    grades inside ``<|begin_of_solution|>...<|end_of_solution|>`` (or after ``<|end_of_thought|>`` when the
    block is missing); ``harmony`` grades the last ``final``-channel message."""
    require_delimiter: bool = True
    """Without the delimiter: ``True`` gives ``format_error`` (the reasoning never ended); ``False`` grades the
    whole completion (for models that do not reason in tags)."""
    fallbacks: tuple[str, ...] = ("answer_is", "gsm8k")
    """Where to look when the final answer has no ``\\boxed{}``: any of answer_is, gsm8k, last_math, last_line
    and the unboxed extractors (:data:`UNBOXED`), tried in this order; ``()`` accepts boxed answers only."""
    hedging: Hedging | None = None
    """Several different answers in the final answer (``\\boxed{2} or \\boxed{3}``, "either 2 or 3"):
    ``reject`` grades them ``wrong``; ``last`` grades the last one; ``all_agree`` is correct only if every one
    of them is correct. Unset: ``reject`` in the strict preset, ``all_agree`` in the lenient one (see
    :attr:`policy`)."""
    percent: Percent = "number"
    """How a percentage compares with a number that is not one: ``number`` (the default: ``33.5\\%`` is 33.5
    only) or ``either`` (also its hundredth, 0.335, when that number is a proportion, at most 1 in size).
    Graders differ here (math-verify and the Qwen2.5-Math grader accept the hundredth); the default keeps one
    documented reading in both presets, so ``25\\%`` is never rewarded for a question whose answer is 0.25
    (and ``0.25`` never for 25). Choose ``either`` when the references are proportions and the completions
    answer in percent."""
    lists: Lists = "unordered"
    """How a bare list of values (``10, 4, -2``) compares with a bare list reference: ``unordered`` (the default:
    the same values in any order, as math-verify compares them, since "find all solutions" answers rarely follow
    the reference's order) or ``ordered`` (item by item, as hendrycks/math's grader does, for questions that ask
    for values in a given order). Sets, tuples and intervals compare as what they are either way."""
    max_answer_chars: int = 1000
    """An extracted answer longer than this is ``wrong`` without being parsed (degenerate completions)."""
    preset: Preset = "strict"
    """``strict``: only ``\\boxed{}`` and ``fallbacks`` (for RL rewards whose prompt demands a box);
    ``lenient``: also the unboxed extractors last_display, assignment, bold, result_is, last_number after
    them (for evaluating and rejection-sampling other models' outputs). Truncated completions are
    ``no_answer`` in both. docs/math.md says why."""

    @property
    def policy(self) -> Hedging:
        """The hedging policy in force: ``hedging``, or the preset's default. ``strict`` (RL rewards) rejects
        several different-looking answers outright, so a policy gains nothing by boxing more than once;
        ``lenient`` (grading other models' outputs) accepts several boxes only if every one of them is correct
        (``\\frac{\\sqrt2}{2}`` ... ``\\frac{1}{\\sqrt2}``: one value in two forms), which still never rewards a
        wrong value."""
        if self.hedging is not None:
            return self.hedging
        return "all_agree" if self.preset == "lenient" else "reject"

    @property
    def unboxed(self) -> tuple[str, ...]:
        """The unboxed extractors tried after the other fallbacks (those ``fallbacks`` does not list)."""
        listed = [f for f in self.fallbacks if f in UNBOXED]
        if self.preset == "lenient":
            listed += [u for u in UNBOXED if u not in listed]
        return tuple(listed)

    @property
    def reasoning_end(self) -> str:
        """What ends the reasoning, for messages: ``delimiter``, or the template's closing delimiter."""
        if self.template == "r1":
            return self.delimiter
        if self.template == "harmony":
            return "<|channel|>final<|message|>"
        return get_template(self.template).close_reasoning

    def __post_init__(self) -> None:
        unknown = [f for f in self.fallbacks if f not in FALLBACKS + UNBOXED]
        if unknown:
            choices = ", ".join(FALLBACKS + UNBOXED)
            raise ValueError(f"unknown fallback(s) {', '.join(unknown)}; choose from {choices}")
        if self.preset not in PRESETS:
            raise ValueError(f"unknown preset {self.preset!r}; choose strict or lenient")
        if len(set(self.fallbacks)) != len(self.fallbacks):
            raise ValueError("fallbacks lists a fallback twice")
        if self.hedging is not None and self.hedging not in get_args(Hedging):
            raise ValueError(f"unknown hedging {self.hedging!r}; choose {', '.join(get_args(Hedging))}")
        if self.lists not in get_args(Lists):
            raise ValueError(f"unknown lists {self.lists!r}; choose {', '.join(get_args(Lists))}")
        if self.percent not in get_args(Percent):
            raise ValueError(f"unknown percent {self.percent!r}; choose {', '.join(get_args(Percent))}")
        if self.max_answer_chars < 1:
            raise ValueError("max_answer_chars must be at least 1")
