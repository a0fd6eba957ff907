"""From extracted answers and reference answers to a verdict, applying the hedging policy."""

from __future__ import annotations

from collections.abc import Sequence

from r1verify import Verdict

from . import symbolic
from .answer import Answer
from .compare import Rules, matches
from .extract import MAX_ANSWERS, Extraction
from .latex import max_depth, split_alternatives
from .normalize import qualifier
from .options import UNBOXED, MathOptions
from .shape import reference_words, unexpected_marks
from .units import describe

_SHOWN = 80
MAX_NESTING = 16
"""An answer nesting braces deeper than this is ``wrong`` without being parsed (no real answer does; the
parser would spend seconds on it)."""


def grade(extraction: Extraction, golds: Sequence[Answer], options: MathOptions) -> Verdict:
    """The verdict for a completion whose final answers are ``extraction.answers``; an answer found by an
    unboxed extractor says which one in its reason and ``details.extractor``."""
    verdict = _grade(extraction, golds, options)
    if extraction.source in UNBOXED:
        verdict.reason += f" [no \\boxed{{}}: answer found by the unboxed extractor {extraction.source}]"
        verdict.details["extractor"] = extraction.source
    return verdict


def _grade(extraction: Extraction, golds: Sequence[Answer], options: MathOptions) -> Verdict:
    if extraction.hedge:
        return Verdict.wrong(
            f"hedged: the final statement says {extraction.hedge!r} "
            f"({_short(extraction.answers[0])!r}); a final answer states one value",
            hedged=True,
            answer=_short(extraction.answers[0]),
            source=extraction.source,
        )
    answers = [Answer.read(a, extraction.kind) for a in extraction.answers]
    if len(answers) > 1 and extraction.asked and options.policy != "last" and not any(g.multi_valued for g in golds):
        # several boxes, one of them the asked part (r1verify_math.multipart): only it answers the question
        answers = [Answer.read(p, extraction.kind) for a in extraction.asked for p in split_alternatives(a.strip())]
    if len(answers) > 1 and any(g.multi_valued for g in golds):
        # the reference is a list ("1, -2"): "\boxed{1} and \boxed{-2}" gives it piecewise, not as a hedge
        answers = [Answer.read(", ".join(a.raw for a in answers), extraction.kind)]
    common = {"source": extraction.source}
    if options.policy == "last":
        answers = answers[-1:]
    else:
        answers += _disagreeing(extraction.statements, answers, options)  # "\boxed{4}. The final answer is 3."
        if extraction.overflow or (len(answers) > 1 and options.policy == "reject"):
            count = f"more than {MAX_ANSWERS}" if extraction.overflow else str(len(answers))
            return Verdict.wrong(
                f"hedged: the final answer gives {count} different answers ({_list(answers)}); "
                f"hedging={options.policy} does not reward that",
                hedged=True,
                answers=[_short(a.raw) for a in answers],
                **common,
            )
    for answer in answers:
        if problem := _unparsable(answer, extraction.source, options) or _not_one_value(answer, golds, extraction):
            return Verdict.wrong(problem, answer=_short(answer.raw), **common)
    rules = _rules(options)
    results = [(answer, *matches(answer, golds, rules)) for answer in answers]
    if len(answers) > 1:
        common["answers"] = [_short(a.raw) for a in answers]
    wrong = [(a, path) for a, ok, path in results if ok is False]
    if wrong:
        answer, path = wrong[-1]
        reason = f"{_short(answer.raw)!r} is not {_list(golds)}"
        if len(answers) > 1:
            reason = f"hedged (hedging=all_agree): {len(wrong)} of {len(answers)} answers are wrong, e.g. " + reason
        return Verdict.wrong(reason, answer=_short(answer.raw), path=path, **common)
    unknown = [a for a, ok, _ in results if ok is None]
    if unknown:
        return Verdict.error(
            f"cannot parse the reference answer {_list(golds)} (math-verify reads nothing in it) and the answer "
            f"{_short(unknown[-1].raw)!r} is not written the same way; fix the reference (a LaTeX answer such "
            f"as '\\frac{{3}}{{4}}', a number, or a list of those)",
            answer=_short(unknown[-1].raw),
            path="unparsed",
            **common,
        )
    answer, _, path = results[-1]
    return Verdict.correct(
        f"{_short(answer.raw)!r} matches {_list(golds)} ({path} comparison)",
        answer=_short(answer.raw),
        path=path,
        **common,
    )


def _disagreeing(statements: Sequence[str], answers: Sequence[Answer], options: MathOptions) -> list[Answer]:
    """The stated values (:mod:`r1verify_math.statements`) that are none of ``answers``: more answers."""
    keys = {a.key for a in answers}
    out = []
    for statement in statements:
        stated = Answer.read(statement, "text")
        if stated.key not in keys and matches(stated, answers, _rules(options))[0] is False:
            keys.add(stated.key)
            out.append(stated)
    return out


def _rules(options: MathOptions) -> Rules:
    return Rules(hundredths=options.percent == "either", ordered=options.lists == "ordered")


def _unparsable(answer: Answer, source: str, options: MathOptions) -> str | None:
    """Why an answer is wrong without being parsed (degenerate or self-qualifying), if it is."""
    if len(answer.raw) > options.max_answer_chars:
        return f"the answer is longer than max_answer_chars={options.max_answer_chars} and was not parsed"
    if max_depth(answer.raw) > MAX_NESTING:
        return f"the answer nests braces deeper than {MAX_NESTING} levels and was not parsed"
    word = qualifier(answer.raw) if source != "last_line" else None  # a last line is prose, not an answer
    if word:
        return f"the answer qualifies itself in words ({word!r}); a final answer states one value"
    return None


def _not_one_value(answer: Answer, golds: Sequence[Answer], extraction: Extraction) -> str | None:
    """Why an answer is more than one value in the shape its reference has, if it is: marks the reference
    does not have (``3 \\lor 4``), words that are not units (``4 \\text{ (doubtful)}``), a multiplier it cannot
    apply, a unit other than the reference's, a false equation (``3 = 4``). A multiple-choice reference is
    left to the letter comparison."""
    if any(g.letter(strict=True) for g in golds):
        return None
    extra_marks = unexpected_marks(answer.marks, frozenset().union(*(g.marks for g in golds)))
    if extra_marks:
        return f"the answer is not a single value: it contains {' and '.join(extra_marks)}, the reference does not"
    if answer.multiplier != 1 and not answer.scaled:
        return f"the multiplier x{answer.multiplier} follows a value that is not a plain number; write the number"
    units = [g.unit for g in golds]
    if answer.unit and all(units) and answer.unit not in units:
        return f"the answer is in {describe(answer.unit)}, the reference in {describe(units[0])}"  # type: ignore[arg-type]
    if extraction.source == "last_line":
        return None  # a last line is prose that may hold a whole derivation, not an answer
    if any(g.literal for g in golds):
        return None  # a text reference ("east") is compared as text
    allowed = frozenset().union(*(reference_words(g.raw) for g in golds))
    extra_words = [w for w in answer.words if w not in allowed]
    if extra_words:
        shown = ", ".join(repr(w) for w in dict.fromkeys(extra_words))
        return f"the answer contains text that is not a unit ({shown}); a final answer states one value"
    return symbolic.inconsistent_relation(answer)


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _list(answers: Sequence[Answer]) -> str:
    return " / ".join(repr(_short(a.raw)) for a in answers[:5]) + (" / ..." if len(answers) > 5 else "")
